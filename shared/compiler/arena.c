/*
 * arena.c - chunked bump allocator (see arena.h).
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct TwArenaChunk {
    TwArenaChunk *next;
    size_t size;            /* usable bytes after the header */
    alignas(max_align_t) char data[];
};

#define TW_ARENA_ALIGN      (alignof(max_align_t))
#define TW_ARENA_FIRST      (16u * 1024u)
#define TW_ARENA_MAX_CHUNK  (4u * 1024u * 1024u)

static size_t tw_arena_round_up(size_t n)
{
    return (n + TW_ARENA_ALIGN - 1) & ~(size_t)(TW_ARENA_ALIGN - 1);
}

TwArena *tw_arena_new(void)
{
    TwArena *arena = calloc(1, sizeof *arena);
    if (arena == NULL) {
        return NULL;
    }
    arena->next_size = TW_ARENA_FIRST;
    return arena;
}

void tw_arena_free(TwArena *arena)
{
    if (arena == NULL) {
        return;
    }
    TwArenaChunk *c = arena->chunks;
    while (c != NULL) {
        TwArenaChunk *next = c->next;
        free(c);
        c = next;
    }
    free(arena);
}

/*
 * Slow path: the current chunk cannot hold `size` bytes.  An oversized
 * request gets a private chunk linked behind the current one, so the
 * remaining space of the current chunk is not wasted.
 */
static void *tw_arena_alloc_slow(TwArena *arena, size_t size)
{
    if (size > arena->next_size / 4 && arena->chunks != NULL) {
        TwArenaChunk *big = malloc(sizeof(TwArenaChunk) + size);
        if (big == NULL) {
            return NULL;
        }
        big->size = size;
        big->next = arena->chunks->next;
        arena->chunks->next = big;
        arena->total += size;
        return big->data;
    }
    size_t chunk_size = arena->next_size;
    while (chunk_size < size) {
        chunk_size *= 2;
    }
    TwArenaChunk *c = malloc(sizeof(TwArenaChunk) + chunk_size);
    if (c == NULL) {
        return NULL;
    }
    c->size = chunk_size;
    c->next = arena->chunks;
    arena->chunks = c;
    arena->cur = c->data + size;
    arena->limit = c->data + chunk_size;
    arena->total += chunk_size;
    if (arena->next_size < TW_ARENA_MAX_CHUNK) {
        arena->next_size *= 2;
    }
    return c->data;
}

void *tw_arena_alloc(TwArena *arena, size_t size)
{
    if (size > SIZE_MAX / 2) {
        return NULL;
    }
    size = tw_arena_round_up(size == 0 ? 1 : size);
    if ((size_t)(arena->limit - arena->cur) >= size && arena->cur != NULL) {
        void *p = arena->cur;
        arena->cur += size;
        return p;
    }
    return tw_arena_alloc_slow(arena, size);
}

void *tw_arena_calloc(TwArena *arena, size_t size)
{
    void *p = tw_arena_alloc(arena, size);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

char *tw_arena_strndup(TwArena *arena, const char *s, size_t len)
{
    char *p = tw_arena_alloc(arena, len + 1);
    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

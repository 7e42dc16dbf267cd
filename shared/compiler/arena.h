/*
 * arena.h - bump allocation for the compiler front end.
 *
 * Every AST node, identifier and literal buffer the parser produces lives in
 * one TwArena.  Nothing in an arena is freed on its own: tw_arena_free()
 * releases all of it at once.  This keeps the parser free of ownership
 * bookkeeping (an error can abandon half-built trees without leaking) and
 * makes allocation a pointer bump.
 *
 * Memory comes in chunks that double in size up to a cap, so a multi-megabyte
 * source costs a logarithmic number of malloc calls.  A request larger than a
 * chunk gets a chunk of its own.
 */
#ifndef TW_COMPILER_ARENA_H
#define TW_COMPILER_ARENA_H

#include <stddef.h>

typedef struct TwArenaChunk TwArenaChunk;

typedef struct TwArena {
    TwArenaChunk *chunks;   /* newest first */
    char *cur;              /* next free byte in chunks */
    char *limit;            /* end of chunks' usable space */
    size_t next_size;       /* size of the next ordinary chunk */
    size_t total;           /* bytes obtained from malloc, for statistics */
} TwArena;

/* Returns a new empty arena, or NULL when out of memory. */
TwArena *tw_arena_new(void);

/* Releases the arena and everything allocated from it.  NULL is allowed. */
void tw_arena_free(TwArena *arena);

/* Returns `size` bytes aligned for any C object, or NULL when out of memory.
   The memory is NOT zeroed. */
void *tw_arena_alloc(TwArena *arena, size_t size);

/* Like tw_arena_alloc, but zero-filled. */
void *tw_arena_calloc(TwArena *arena, size_t size);

/* Copies `len` bytes and appends a NUL; returns NULL when out of memory. */
char *tw_arena_strndup(TwArena *arena, const char *s, size_t len);

#endif /* TW_COMPILER_ARENA_H */

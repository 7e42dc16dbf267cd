/*
 * pool.h — per-thread pools of small blocks, the fast path of both
 * runtimes' object allocators, of dicts' smallest key tables and of small
 * list item arrays (shared/vm/pool.c has the rest).
 *
 * Blocks of up to TW_POOL_CLASSES * 16 bytes are rounded up to a multiple
 * of 16 and, when freed, kept on the freeing thread's own stack for their
 * size (at most TW_POOL_MAX each) instead of going back to the allocator;
 * allocation pops from it first.
 *
 * Invariants:
 *   - only the thread itself touches its pool (tw_pool_tls), and only
 *     while it has a thread state: room[c] (blocks class c may still take)
 *     is 0 before tw_pool_open and after tw_pool_close emptied the pool,
 *     so pushes fail then and pops find nothing;
 *   - a block is pushed only when it may be reused at once: the runtime
 *     decides (nogil: an object never published, or after its grace
 *     period; gil: any freed object, the GIL holder being the only
 *     thread that touches objects);
 *   - a pooled block is allocated as far as the allocator and the memory
 *     counters know: tw_mem_stats subtracts what the pools hold
 *     (tw_pool_held, through tw_runtime_pooled), so leak checks see what
 *     they would without pools;
 *   - a block of class c is (c + 1) * 16 bytes to the allocator both when
 *     it is made and when it is finally freed (tw_pool_block_size).
 * Neither fast path counts anything; room[] is written with plain adds
 * (one instruction), as nogil_runtime/stats.c's counters are, and --stats
 * reads it from other threads.
 */
#ifndef TWINPY_POOL_H
#define TWINPY_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* runtime.h, which includes this header before it declares them */
void *tw_mem_alloc(size_t size);
void *tw_mem_calloc(size_t size);
void tw_mem_free(void *p, size_t size);

/* up to 160 bytes: the objects, a dict's key table of 8 slots, a list's
 * item array of up to 18 items */
#define TW_POOL_CLASSES 10
#define TW_POOL_MAX 256
typedef struct TwPoolBlock {
    struct TwPoolBlock *next;
} TwPoolBlock;
typedef struct {
    TwPoolBlock *head[TW_POOL_CLASSES];
    uint32_t room[TW_POOL_CLASSES];
} TwPoolTls;
extern TW_TLS TwPoolTls tw_pool_tls;

/* The size a block of `size` bytes really has: pooled sizes are rounded up
 * to a multiple of 16 (the same jemalloc size class); others are exact. */
static inline bool tw_pool_fits(size_t size)
{
    return size > 16 && size <= TW_POOL_CLASSES * 16;
}
static inline size_t tw_pool_block_size(size_t size)
{
    return tw_pool_fits(size) ? (size + 15) & ~(size_t)15 : size;
}

/* Clear a block of class c, (c + 1) * 16 bytes: constant sizes are plain
 * vector stores, where a variable size becomes `rep stos` and its start-up
 * cost. */
static inline __attribute__((always_inline)) void tw_pool_zero(void *b, size_t c)
{
    switch (c) {
    case 1: memset(b, 0, 32); break;
    case 2: memset(b, 0, 48); break;
    case 3: memset(b, 0, 64); break;
    case 4: memset(b, 0, 80); break;
    case 5: memset(b, 0, 96); break;
    case 6: memset(b, 0, 112); break;
    case 7: memset(b, 0, 128); break;
    default: memset(b, 0, (c + 1) << 4); break;
    }
}

/* A block from the calling thread's pool, not cleared, or NULL (size not
 * pooled, pool empty).  Inline so that a constant size makes the class
 * constant. */
static inline __attribute__((always_inline)) void *tw_pool_pop_uninit(size_t size)
{
    if (!tw_pool_fits(size))
        return NULL;
    size_t c = (tw_pool_block_size(size) >> 4) - 1;
    TwPoolBlock *b = tw_pool_tls.head[c];
    if (b == NULL)
        return NULL;
    tw_pool_tls.head[c] = b->next;
    tw_pool_tls.room[c]++;
    return b;
}

/* A zeroed block from the calling thread's pool, or NULL (size not
 * pooled, pool empty).  Inline so that a constant size makes the class and
 * the clearing constant. */
static inline __attribute__((always_inline)) void *tw_pool_pop(size_t size)
{
    void *b = tw_pool_pop_uninit(size);
    if (b != NULL)
        tw_pool_zero(b, (tw_pool_block_size(size) >> 4) - 1);
    return b;
}

/* Keep block p (of `size` bytes, free to reuse now) in the pool: false if
 * it does not fit, the pool is full, or the thread has no pool. */
static inline __attribute__((always_inline)) bool tw_pool_push(void *p, size_t size)
{
    if (!tw_pool_fits(size))
        return false;
    size_t c = (tw_pool_block_size(size) >> 4) - 1;
    if (tw_pool_tls.room[c] == 0)
        return false;
    TwPoolBlock *b = p;
    b->next = tw_pool_tls.head[c];
    tw_pool_tls.head[c] = b;
    tw_pool_tls.room[c]--;
    return true;
}

/* A zeroed block of `size` bytes: from the pool, else from the allocator
 * (NULL when it has none). */
static inline __attribute__((always_inline)) void *tw_pool_calloc(size_t size)
{
    void *b = tw_pool_pop(size);
    return b ? b : tw_mem_calloc(tw_pool_block_size(size));
}

/* The same, not cleared. */
static inline __attribute__((always_inline)) void *tw_pool_alloc(size_t size)
{
    void *b = tw_pool_pop_uninit(size);
    return b ? b : tw_mem_alloc(tw_pool_block_size(size));
}

/* Give back a block of `size` bytes that may be reused at once. */
static inline __attribute__((always_inline)) void tw_pool_free(void *p, size_t size)
{
    if (!tw_pool_push(p, size))
        tw_mem_free(p, tw_pool_block_size(size));
}

/* The calling thread's pool opens (its thread state exists) / closes: no
 * block enters it from then on, and what it holds goes back to the
 * allocator. */
void tw_pool_open(void);
void tw_pool_close(void);
/* Blocks and bytes a pool holds (another thread's: exact when it is
 * quiet). */
void tw_pool_held(const TwPoolTls *pool, uint64_t *blocks, uint64_t *bytes);

#endif /* TWINPY_POOL_H */

/*
 * pool.c — opening, closing and reading the per-thread block pools whose
 * fast paths are in twinpy/pool.h (the invariants are there).
 */
#include "twinpy/runtime.h"

TW_TLS TwPoolTls tw_pool_tls;

void tw_pool_open(void)
{
    for (size_t c = 0; c < TW_POOL_CLASSES; c++)
        __atomic_store_n(&tw_pool_tls.room[c], TW_POOL_MAX, __ATOMIC_RELAXED);
}

void tw_pool_close(void)
{
    for (size_t c = 0; c < TW_POOL_CLASSES; c++) {
        size_t bs = (c + 1) << 4;
        __atomic_store_n(&tw_pool_tls.room[c], 0, __ATOMIC_RELAXED);
        while (tw_pool_tls.head[c]) {
            TwPoolBlock *b = tw_pool_tls.head[c];
            tw_pool_tls.head[c] = b->next;
            tw_mem_free(b, bs);
        }
    }
}

void tw_pool_held(const TwPoolTls *pool, uint64_t *blocks, uint64_t *bytes)
{
    *blocks = *bytes = 0;
    if (pool == NULL)
        return;
    for (size_t c = 0; c < TW_POOL_CLASSES; c++) {
        uint64_t n = TW_POOL_MAX - __atomic_load_n(&pool->room[c], __ATOMIC_RELAXED);
        *blocks += n;
        *bytes += n * ((c + 1) << 4);
    }
}

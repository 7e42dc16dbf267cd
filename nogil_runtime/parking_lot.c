/*
 * parking_lot.c — address-keyed wait queues (WebKit's / CPython's parking
 * lot), so that a lock needs only the bits of its own word: a thread that
 * must wait for the word at `addr` parks in the queue of the bucket that
 * `addr` hashes to, and the thread that changes the word unparks it.
 *
 * Protocol:
 *   park(addr, validate):   lock bucket; if !validate() -> unlock, return 0;
 *                           append waiter; unlock; sleep on the waiter's
 *                           own futex word until an unparker sets it.
 *   unpark_one(addr, cb):   lock bucket; dequeue the oldest waiter on addr;
 *                           cb(found, more_waiters, be_fair) -> value,
 *                           which is stored in the waiter; unlock; set
 *                           the waiter's word and futex-wake it.
 * Invariants:
 *   - validate and cb run under the same bucket lock, so a lock's "has
 *     parked waiters" bit can be set by the parker and cleared by the
 *     unparker without a lost wake-up: a parker either sees the lock word
 *     changed (validation fails) or is queued before the unparker looks.
 *   - be_fair is reported at most once per TW_PARK_FAIR_NS per bucket
 *     (next_fair_ns, under the bucket lock), and only for a waiter that
 *     has waited longer than that.
 *   - a waiter lives on its parker's stack; once its word is set the
 *     unparker never touches it again (the wake syscall only uses its
 *     address, and a spurious futex wake is harmless).
 * Bucket locks are held for a few instructions and never while sleeping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "twinpy/nogil_internal.h"

uint64_t tw_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void tw_futex_wait(uint32_t *addr, uint32_t expected, int64_t timeout_ns)
{
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tsp = &ts;
    }
    syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, expected, tsp, NULL, 0);
}

void tw_futex_wake(uint32_t *addr, int n)
{
    syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

/* No lost wake-up: the sleeper counts itself (a sequentially consistent
 * add) before the kernel compares *addr with expected; the waker changes
 * *addr (sequentially consistent) before it reads the count.  In the
 * single order of those four steps either the waker's read comes after
 * the count (it wakes, and a sleeper that had not slept yet finds *addr
 * changed and returns at once), or the change comes before the kernel's
 * compare (the sleeper does not sleep).  A wake-up the sleeper no longer
 * needs is harmless.  The stops of the cycle collector wake every parked
 * thread and the requester many times a second, and most of those were
 * spinning, not asleep: cycles, 100,000 pairs per thread on 2 cores, made
 * 2,255 futex calls at 2 threads and 35,203 at 8, now 57 and 18,418
 * (interleaved medians of seven: 0.095 -> 0.090 s, at 4 threads 0.243 ->
 * 0.205 s, at 8 0.706 -> 0.650 s). */
void tw_futex_wait_counted(uint32_t *addr, uint32_t expected, int64_t timeout_ns,
                           uint32_t *sleepers)
{
    __atomic_fetch_add(sleepers, 1, __ATOMIC_SEQ_CST);
    tw_futex_wait(addr, expected, timeout_ns);
    __atomic_fetch_sub(sleepers, 1, __ATOMIC_SEQ_CST);
}

void tw_futex_wake_counted(uint32_t *addr, int n, const uint32_t *sleepers)
{
    if (__atomic_load_n(sleepers, __ATOMIC_SEQ_CST) != 0)
        tw_futex_wake(addr, n);
}

typedef struct TwWaiter {
    struct TwWaiter *next;
    const void *addr;
    uint64_t start_ns;
    uintptr_t wake_value;
    uint32_t woken;               /* futex word: 0 sleeping, 1 woken        */
} TwWaiter;

#define TW_PARK_BUCKETS 257

typedef struct {
    pthread_mutex_t lock;
    TwWaiter *head, *tail;
    uint64_t next_fair_ns;        /* no be_fair before this time            */
} TwParkBucket;

static TwParkBucket buckets[TW_PARK_BUCKETS];
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

static void buckets_init(void)
{
    for (int i = 0; i < TW_PARK_BUCKETS; i++)
        pthread_mutex_init(&buckets[i].lock, NULL);
}

static TwParkBucket *bucket_for(const void *addr)
{
    pthread_once(&buckets_once, buckets_init);
    uintptr_t h = (uintptr_t)addr;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    return &buckets[(h >> 32) % TW_PARK_BUCKETS];
}

int tw_park(const void *addr, bool (*validate)(const void *addr, void *arg), void *arg,
            uint64_t since_ns, uintptr_t *wake_value)
{
    TwParkBucket *b = bucket_for(addr);
    TwWaiter w = { .next = NULL, .addr = addr, .start_ns = since_ns,
                   .wake_value = 0, .woken = 0 };
    pthread_mutex_lock(&b->lock);
    if (validate && !validate(addr, arg)) {
        pthread_mutex_unlock(&b->lock);
        return 0;
    }
    if (b->tail)
        b->tail->next = &w;
    else
        b->head = &w;
    b->tail = &w;
    pthread_mutex_unlock(&b->lock);

    while (__atomic_load_n(&w.woken, __ATOMIC_ACQUIRE) == 0)
        tw_futex_wait(&w.woken, 0, -1);
    if (wake_value)
        *wake_value = w.wake_value;
    return 1;
}

/* Remove and return the first waiter on addr (bucket locked). */
static TwWaiter *dequeue(TwParkBucket *b, const void *addr, bool *more)
{
    TwWaiter *prev = NULL, *w = b->head, *found = NULL;
    for (; w; prev = w, w = w->next) {
        if (w->addr == addr) {
            found = w;
            break;
        }
    }
    *more = false;
    if (!found)
        return NULL;
    if (prev)
        prev->next = found->next;
    else
        b->head = found->next;
    if (b->tail == found)
        b->tail = prev;
    for (TwWaiter *x = found->next; x; x = x->next) {
        if (x->addr == addr) {
            *more = true;
            break;
        }
    }
    found->next = NULL;
    return found;
}

static void wake(TwWaiter *w)
{
    uint32_t *word = &w->woken;
    __atomic_store_n(word, 1, __ATOMIC_RELEASE);
    tw_futex_wake(word, 1);
}

void tw_unpark_one(const void *addr, uintptr_t (*cb)(void *arg, const TwUnparkInfo *info),
                   void *arg)
{
    TwParkBucket *b = bucket_for(addr);
    TwUnparkInfo info = { 0 };
    pthread_mutex_lock(&b->lock);
    TwWaiter *w = dequeue(b, addr, &info.more_waiters);
    info.found = w != NULL;
    if (w) {
        uint64_t now = tw_monotonic_ns();
        if (now - w->start_ns > TW_PARK_FAIR_NS && now >= b->next_fair_ns) {
            info.be_fair = true;
            b->next_fair_ns = now + TW_PARK_FAIR_NS;
        }
    }
    uintptr_t v = cb ? cb(arg, &info) : 0;
    if (w)
        w->wake_value = v;
    pthread_mutex_unlock(&b->lock);
    if (w)
        wake(w);
}

void tw_unpark_all(const void *addr)
{
    TwParkBucket *b = bucket_for(addr);
    TwWaiter *list = NULL, **tail = &list;
    bool more;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        TwWaiter *w = dequeue(b, addr, &more);
        if (!w)
            break;
        *tail = w;
        tail = &w->next;
    }
    pthread_mutex_unlock(&b->lock);
    while (list) {
        TwWaiter *next = list->next;
        wake(list);
        list = next;
    }
}

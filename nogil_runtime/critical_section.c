/*
 * critical_section.c — TW_BEGIN_CRITICAL_SECTION(op) / ..._SECTION2(a, b):
 * lock the per-object mutex (ob_mutex) of one or two objects around a
 * mutation, without ever deadlocking (the design of CPython 3.13t).
 *
 * Every thread keeps a stack of its active critical sections (tw_cs_tls.top,
 * linked through cs->prev, living on the C stack of the code that opened
 * them).  Protocol:
 *   - begin: push, then try to lock without waiting.  If the lock is busy,
 *     first SUSPEND every older section of this thread (release their
 *     locks), then wait for this section's lock(s) while DETACHED (so a
 *     stop-the-world never waits for us), re-attach.
 *   - two objects are always locked in address order, and a thread waits
 *     for a lock only while it holds nothing but the lower-addressed lock
 *     of the same section: no cycle of waiters can form.
 *   - end: unlock, pop; if the section below is suspended, re-lock it
 *     (same waiting rule) before returning to its code.
 *   - tw_begin_blocking (sleep, join, lock waits, I/O) suspends all
 *     sections; tw_end_blocking re-locks only the innermost; each outer one
 *     is re-locked when the section above it ends.
 *   - solo (the thread is the only one attached, tstate.c): a section is
 *     ELIDED instead: pushed, counted as holding its objects, no lock
 *     taken.  No other thread can touch the objects: none runs, and one
 *     that wants to attach waits until the solo thread has left solo mode,
 *     which first locks every elided section for real (tw_cs_hold_elided;
 *     the locks are free: a thread that may take object locks while
 *     detached has announced its arrival, and then nobody enters solo
 *     mode) or, when it blocks, suspends them like the others.
 *   - biased (bias.c): a section elides, solo or not, the objects biased
 *     to this thread: all of them (TW_CS_ELIDED_BIAS), or one of two
 *     while it locks the other (TW_CS_ELIDED_BIAS_A/_B: `mine.extend(
 *     shared)`).  An object biased to another thread is unbiased
 *     (tw_bias_revoke) before this thread locks it.  Whoever unbiases an
 *     object converts the open sections that elide it: the innermost takes
 *     its lock (a two-object section may then hold one lock and still
 *     elide the other object), older ones are suspended.  A section that
 *     waits for a lock is suspended meanwhile and is not converted: once
 *     it has its locks it checks that what it elides is still biased to
 *     it, and takes everything again if not; a suspended section re-checks
 *     the bits when it is resumed.  Half elision needs nothing more of the
 *     code inside: it stores into each object by that object's own rules
 *     (a list publishes what it stores unless it is private, item_store;
 *     sets have no lock-free readers), whichever object the items came
 *     from.
 * Invariants:
 *   - the sections that hold their locks (or are elided) form a prefix of
 *     the stack from the top: if a section is suspended, so is every
 *     older one;
 *   - solo-elided sections exist only while the thread is solo, and only
 *     on unbiased objects; a bias-elided object of a section is biased to
 *     the thread;
 *   - nobody takes the mutex of a biased object;
 *   - code runs only while its innermost section holds its locks.
 *   - a section on an object the innermost active section already holds
 *     does nothing (a == NULL) and is not pushed.
 * Consequence (as in CPython): an outer object's lock may be released while
 * an inner section waits, so code must leave an object consistent before
 * it opens a nested section or blocks.
 */
#include "twinpy/nogil_internal.h"

/* The stack's top lives in thread-local storage so that the inline fast
 * paths (runtime_inline.h: a free mutex, one object, nothing suspended)
 * need no thread-state lookup; everything else comes here. */
TW_TLS TwCsThread tw_cs_tls;

static inline void unlock_section(TwCriticalSection *cs)
{
    if (cs->elided == TW_CS_ELIDED_SOLO || cs->elided == TW_CS_ELIDED_BIAS)
        return;
    if (cs->elided != TW_CS_ELIDED_BIAS_A)
        tw_mutex_unlock(&cs->a->ob_mutex);
    if (cs->b && cs->elided != TW_CS_ELIDED_BIAS_B)
        tw_mutex_unlock(&cs->b->ob_mutex);
}

/* Before cs locks its objects: decides what it elides and returns the
 * objects it still has to lock (NULL, NULL: none).  An object biased to
 * this thread is elided (TW_CS_ELIDED_BIAS: all of cs's; _BIAS_A / _B: a
 * or b, the other one is locked); one biased to another thread is
 * unbiased first (stops the world).  cs is not active meanwhile
 * (suspended or not pushed), so a revocation that runs then does not
 * convert it: the caller checks the elided object again after any wait
 * (elision_lost). */
static void bias_prepare(TwCriticalSection *cs, TwObject **first, TwObject **second)
{
    TwObject *a = cs->a, *b = cs->b;
    cs->elided = 0;
    if (tw_object_is_biased(a) && !tw_object_is_private(a))
        tw_bias_revoke(a);
    if (b && tw_object_is_biased(b) && !tw_object_is_private(b))
        tw_bias_revoke(b);
    /* what is biased now is ours (the bit never comes back) */
    bool pa = tw_object_is_private(a), pb = b && tw_object_is_private(b);
    *first = *second = NULL;
    if (pa && (!b || pb)) {
        cs->elided = TW_CS_ELIDED_BIAS;
        cs->suspended = false;
    } else if (pa) {
        cs->elided = TW_CS_ELIDED_BIAS_A;
        *first = b;
    } else if (pb) {
        cs->elided = TW_CS_ELIDED_BIAS_B;
        *first = a;
    } else {
        *first = a;
        *second = b;
    }
}

/* Take first (and second, if any) at once if both are free: true, counted
 * as a fast section; false with neither held. */
static bool trylock_pair(TwNogilThread *t, TwObject *first, TwObject *second)
{
    if (!tw_mutex_trylock(&first->ob_mutex))
        return false;
    if (second && !tw_mutex_trylock(&second->ob_mutex)) {
        tw_mutex_unlock(&first->ob_mutex);
        return false;
    }
    t->stats.mutex_fast++;
    return true;
}

/* After a wait for cs's locks: the object cs elides (half elided) was
 * unbiased meanwhile. */
static bool elision_lost(const TwCriticalSection *cs)
{
    return (cs->elided == TW_CS_ELIDED_BIAS_A && !tw_object_is_private(cs->a))
        || (cs->elided == TW_CS_ELIDED_BIAS_B && !tw_object_is_private(cs->b));
}

/* Lock the section's objects (cs->a is the lower address; only those
 * bias_prepare leaves); the thread holds no other object lock.  Waits
 * detached. */
static void lock_section(TwNogilThread *t, TwCriticalSection *cs)
{
    for (;;) {
        TwObject *first, *second;
        bias_prepare(cs, &first, &second);
        if (!first)
            return;
        if (trylock_pair(t, first, second)) {
            cs->suspended = false;
            return;
        }
        bool attached = __atomic_load_n(&t->status, __ATOMIC_RELAXED) == TW_TS_ATTACHED;
        if (attached) {
            /* still counted while we take locks detached: nobody runs solo
             * while we may hold them (tstate.c) */
            tw_nogil_detach_arrived(t);
        }
        tw_mutex_lock(&first->ob_mutex);
        if (second)
            tw_mutex_lock(&second->ob_mutex);
        if (attached)
            tw_nogil_attach(t);
        if (!elision_lost(cs)) {
            cs->suspended = false;
            return;
        }
        /* both must be locked now, in address order: start again */
        tw_mutex_unlock(&first->ob_mutex);
    }
}

void tw_cs_suspend_from(TwNogilThread *t, TwCriticalSection *from)
{
    for (TwCriticalSection *cs = from; cs; cs = cs->prev) {
        if (cs->suspended)
            break;
        unlock_section(cs);
        cs->elided = 0;
        cs->suspended = true;
        t->stats.cs_suspended++;
    }
}

void tw_cs_suspend_all(TwNogilThread *t)
{
    tw_cs_suspend_from(t, tw_cs_tls.top);
}

/* Leaving solo mode: every elided section takes its locks for real (the
 * elided ones are the newest: a prefix of the stack from the top). */
void tw_cs_hold_elided(void)
{
    for (TwCriticalSection *cs = tw_cs_tls.top; cs && !cs->suspended; cs = cs->prev) {
        if (cs->elided != TW_CS_ELIDED_SOLO)
            continue;
        tw_mutex_lock(&cs->a->ob_mutex);
        if (cs->b)
            tw_mutex_lock(&cs->b->ob_mutex);
        cs->elided = 0;
    }
}

void tw_cs_resume_top(TwNogilThread *t)
{
    TwCriticalSection *top = tw_cs_tls.top;
    if (top && top->suspended)
        lock_section(t, top);
}

static inline bool holds(const TwCriticalSection *cs, const TwObject *op)
{
    return cs && !cs->suspended && (cs->a == op || cs->b == op);
}

/* Push cs (objects and prev already set, lower address in a) and lock it.
 * Without a thread state (before the runtime starts) there is nothing to
 * suspend or detach: just wait for the locks. */
static void begin_section(TwCriticalSection *cs)
{
    TwNogilThread *t = tw_nogil_thread();
    TwObject *first, *second;
    cs->suspended = true;            /* holds nothing yet */
    bias_prepare(cs, &first, &second);
    if (!first) {
        tw_cs_tls.top = cs;
        tw_stat_inc(&tw_cs_tls.elided);
        return;
    }
    if (!t) {
        tw_mutex_lock(&first->ob_mutex);
        if (second)
            tw_mutex_lock(&second->ob_mutex);
        cs->suspended = false;
        tw_cs_tls.top = cs;
        return;
    }
    if (trylock_pair(t, first, second)) {
        cs->suspended = false;
        tw_cs_tls.top = cs;
        return;
    }
    tw_cs_suspend_all(t);
    tw_cs_tls.top = cs;
    lock_section(t, cs);
}

/* tw_cs_begin's fast path found cs->a's mutex busy (cs->prev is set). */
void tw_cs_begin_slow(TwCriticalSection *cs)
{
    begin_section(cs);
}

void tw_cs_begin2(TwCriticalSection *cs, TwObject *a, TwObject *b)
{
    if (a == b) {
        tw_cs_begin(cs, a);
        return;
    }
    if ((uintptr_t)b < (uintptr_t)a) {
        TwObject *tmp = a;
        a = b;
        b = tmp;
    }
    TwCriticalSection *top = tw_cs_tls.top;
    if (holds(top, a) && holds(top, b)) {
        cs->a = NULL;
        cs->b = NULL;
        return;
    }
    cs->a = a;
    cs->b = b;
    cs->prev = top;
    if (tw_cs_tls.solo && !tw_object_is_biased(a) && !tw_object_is_biased(b)) {
        cs->suspended = false;
        cs->elided = TW_CS_ELIDED_SOLO;
        tw_cs_tls.top = cs;
        tw_stat_inc(&tw_cs_tls.elided);
        return;
    }
    begin_section(cs);
}

/* Two objects, a parked waiter, or a suspended section below. */
void tw_cs_end_slow(TwCriticalSection *cs)
{
    unlock_section(cs);    /* nothing for an elided section */
    tw_cs_tls.top = cs->prev;
    TwNogilThread *t = tw_nogil_thread();
    if (t && cs->prev && cs->prev->suspended)
        lock_section(t, cs->prev);
}

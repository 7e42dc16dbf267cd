/*
 * bias.c — biased containers: an object with the GC prefix (lists, dicts,
 * sets, instances, tuples...) is private to the thread that made it until
 * another thread wants to look inside it.  While it is, its
 * owner's critical sections on it take no lock and what it stores in it is
 * not published (runtime_inline.h: tw_cs_begin, tw_object_publish_into),
 * so a list or dict that never leaves its thread costs what it costs
 * under one thread: no lock instruction per mutation, no dead mark and no
 * grace period for the items it drops.
 *
 * State: TW_MUTEX_BIASED in ob_mutex, set by tw_gc_alloc (tw_bias_initial;
 * TWINPY_BIAS=0 or tw_bias_disable() turn it off), cleared once and never
 * set again.  While it is set the mutex is not used as a lock.  Objects
 * without the GC prefix refer to no objects and start unbiased: a number
 * stored into a shared dict costs no escape.
 *
 * Invariants:
 *   B1  while op is biased, only the thread whose id is op->ob_tid opens
 *       sections on op without revoking first, and those sections are
 *       ELIDED (TW_CS_ELIDED_BIAS: op alone, or op and another object
 *       biased to the same thread; no lock);
 *   B2  while op is biased, no other thread reads op's items without a
 *       lock (tw_bias_check_read revokes first) or locks op's mutex;
 *   B3  when the bit is cleared, every object op refers to has been
 *       published first (so items a reader may now load optimistically
 *       die with the dead mark and a grace period), and every open elided
 *       section on op of any thread holds op's lock for real (the
 *       innermost; older ones of the same thread are suspended, and lock
 *       for real when resumed);
 *   B4  the bit is cleared only (a) by the owner itself (self-unbias: the
 *       only thread that can have elided sections on op), or (b) with the
 *       world stopped, by the thread that stopped it, which walks every
 *       thread's stack of sections (t->cs) and converts the ones on op.
 * Why B3 suffices: a reader that sees the bit clear (acquire) sees the
 * publications before it; a section opened after the clear locks for
 * real; a section opened before it is either converted (B4) or belongs
 * to a thread that was suspended in a blocking call, whose sections hold
 * nothing and take their locks when resumed (critical_section.c re-checks
 * the bit then).  A stopped thread is stopped at an eval-breaker check or
 * while detached, never inside the fast path of tw_cs_begin.
 *
 * Revocation (tw_bias_revoke, by a thread that finds op biased to someone
 * else, including a dead owner or ob_tid 0 / deferred): stop the world,
 * unbias op and, recursively, every biased object it refers to (one stop
 * for a whole structure rather than one per nested container), restart.
 * Revocations are one-off: the bit never comes back.  To keep them rare,
 * an object biased to the caller that is stored into a container that is
 * not biased (one other threads may read) is unbiased by its owner on the
 * spot, with what it refers to (tw_bias_escape): a list put on a shared
 * queue costs its producer a walk, not its consumer a stop.
 * Objects whose ob_tid changes while the world is stopped (made deferred,
 * found to be garbage) are unbiased there (tw_bias_clear_stopped).
 * The cycle collector's per-thread registries are biased to their thread
 * by the same rule (gc_stw.c: cleared with the world stopped when another
 * thread untracks there).
 */
#include <stdlib.h>
#include <string.h>

#include "twinpy/nogil_internal.h"
#include "twinpy/object.h"

uint8_t tw_bias_initial = TW_MUTEX_BIASED;

void tw_bias_disable(void)
{
    __atomic_store_n(&tw_bias_initial, 0, __ATOMIC_RELAXED);
}

/* Before main(): objects made by the earliest initialisers obey it too. */
__attribute__((constructor)) static void bias_read_env(void)
{
    const char *v = getenv("TWINPY_BIAS");
    if (v && strcmp(v, "0") == 0)
        tw_bias_disable();
}

/* Objects still to visit: on the C stack up to BIAS_STACK_SMALL (an escape
 * is usually one container and a few items), then on the heap. */
#define BIAS_STACK_SMALL 32
typedef struct {
    TwObject **items;
    size_t len, cap;
    bool failed;
    TwObject *small[BIAS_STACK_SMALL];
} BiasStack;

static void stack_push(BiasStack *s, TwObject *op)
{
    if (s->len == s->cap) {
        size_t cap = s->cap * 2;
        TwObject **grown = s->items == s->small ? malloc(cap * sizeof *grown)
                                                : realloc(s->items, cap * sizeof *grown);
        if (!grown) {
            s->failed = true;
            return;
        }
        if (s->items == s->small)
            memcpy(grown, s->small, sizeof s->small);
        s->items = grown;
        s->cap = cap;
    }
    s->items[s->len++] = op;
}

/* Convert t's open elided sections on op into a section that holds op's
 * lock; true if there was one (the caller then leaves op locked).  t is
 * the caller, or stopped.  Only the innermost of them can hold the lock:
 * an older section that elided op too (opened before sections on other
 * objects, which then opened one on op again: Python code run inside a
 * section can do that) is suspended, with every section older than it, as
 * when the thread blocks; each takes its locks for real when the section
 * above it ends (critical_section.c).  Their code is not running (the
 * thread is inside a newer section), and code leaves its objects
 * consistent before it runs anything that can reach a revocation. */
static bool convert_sections(TwNogilThread *t, TwObject *op)
{
    bool held = false;
    /* Set when t first binds to its OS thread; before that t has no
     * sections. */
    TwCsThread *cst = __atomic_load_n(&t->cs, __ATOMIC_ACQUIRE);
    if (!cst)
        return false;
    for (TwCriticalSection *cs = cst->top; cs && !cs->suspended; cs = cs->prev) {
        /* what cs elides of op: bit 0 a, bit 1 b */
        int on = 0;
        if (cs->elided == TW_CS_ELIDED_BIAS)
            on = (cs->a == op) | (cs->b == op) << 1;
        else if (cs->elided == TW_CS_ELIDED_BIAS_A)
            on = cs->a == op;
        else if (cs->elided == TW_CS_ELIDED_BIAS_B)
            on = (cs->b == op) << 1;
        if (!on)
            continue;
        if (held) {
            tw_cs_suspend_from(t, cs);
            break;
        }
        /* cs takes op's lock; a two-object section still elides the other
         * one if it did (it is biased to t too) */
        if (cs->elided == TW_CS_ELIDED_BIAS && cs->b)
            cs->elided = on == 1 ? TW_CS_ELIDED_BIAS_B : TW_CS_ELIDED_BIAS_A;
        else
            cs->elided = 0;
        held = true;
    }
    return held;
}

/* World stopped: every thread's open elided sections on op. */
static bool convert_all_sections(TwObject *op)
{
    bool held = false;
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t))
        held |= convert_sections(t, op);
    return held;
}

/* Clear op's bit (B3: after publishing what op refers to and converting
 * the open sections on it: one holds op's lock, convert_sections). */
static void clear_bit(TwObject *op, bool held)
{
    __atomic_store_n(&op->ob_mutex, held ? (uint8_t)TW_MUTEX_LOCKED : (uint8_t)0, __ATOMIC_RELEASE);
}

typedef struct {
    BiasStack *stack;
    uintptr_t only_tid;      /* 0: every biased child; else only this owner's */
} VisitArg;

static int visit_publish(TwObject *child, void *arg)
{
    VisitArg *va = arg;
    if (!child)
        return 0;
    tw_object_publish(child);
    if (tw_object_is_biased(child) &&
        (va->only_tid == 0 || __atomic_load_n(&child->ob_tid, __ATOMIC_RELAXED) == va->only_tid))
        stack_push(va->stack, child);
    return 0;
}

/* Unbias op and what it reaches.  stopped: the world is stopped by the
 * caller (every thread's sections are converted, every biased object
 * followed); else the caller owns op and follows only its own objects. */
static void unbias_tree(TwObject *op, bool stopped)
{
    TwNogilThread *me = tw_nogil_thread();
    BiasStack stack;
    stack.items = stack.small;
    stack.len = 0;
    stack.cap = BIAS_STACK_SMALL;
    stack.failed = false;
    VisitArg va = { &stack, stopped ? 0 : tw_thread_id() };
    uint64_t n = 0;
    stack_push(&stack, op);
    while (stack.len) {
        TwObject *x = stack.items[--stack.len];
        if (!tw_object_is_biased(x))
            continue;
        if (!stopped && __atomic_load_n(&x->ob_tid, __ATOMIC_RELAXED) != tw_thread_id())
            continue;
        bool held = stopped ? convert_all_sections(x) : me && convert_sections(me, x);
        TwTraverseFn trav = TW_TYPE(x)->tp_traverse;
        size_t mark = stack.len;
        if (trav)
            trav(x, visit_publish, &va);
        if (stack.failed) {
            /* No room to follow x's children: publish them without
             * following (they stay biased; a reader revokes them later). */
            stack.failed = false;
            stack.len = mark;
        }
        clear_bit(x, held);
        n++;
    }
    if (stack.items != stack.small)
        free(stack.items);
    if (me)
        me->stats.bias_cleared += n;
}

void tw_bias_clear_stopped(TwObject *op)
{
    if (tw_object_is_biased(op))
        unbias_tree(op, true);
}

bool tw_bias_sections_open_stopped(void)
{
    for (TwNogilThread *t = tw_nogil_threads_first(); t; t = tw_nogil_threads_next(t)) {
        TwCsThread *cst = __atomic_load_n(&t->cs, __ATOMIC_ACQUIRE);
        if (!cst)
            continue;
        for (TwCriticalSection *cs = cst->top; cs && !cs->suspended; cs = cs->prev)
            if (cs->elided == TW_CS_ELIDED_BIAS || cs->elided == TW_CS_ELIDED_BIAS_A
                || cs->elided == TW_CS_ELIDED_BIAS_B)
                return true;
    }
    return false;
}

void tw_bias_drop_stopped(TwObject *op, bool sections_open)
{
    if (tw_object_is_biased(op))
        clear_bit(op, sections_open && convert_all_sections(op));
}

void tw_bias_escape(TwObject *op)
{
    TwNogilThread *me = tw_nogil_thread();
    if (!tw_object_is_biased(op) || __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) != tw_thread_id())
        return;
    if (me)
        me->stats.bias_escape++;
    unbias_tree(op, false);
}

void tw_bias_revoke(TwObject *op)
{
    if (!tw_object_is_biased(op))
        return;
    TwNogilThread *me = tw_nogil_thread();
    if (__atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == tw_thread_id()) {
        unbias_tree(op, false);
        return;
    }
    if (!me || tw_stw_is_mine()) {
        /* The world is stopped by us already, or we are not a runtime
         * thread (only before the runtime starts, or a thread outside it,
         * which the runtime does not run alongside others). */
        unbias_tree(op, true);
        return;
    }
    me->stats.bias_revoke++;
    tw_stw_stop();
    if (tw_object_is_biased(op))
        unbias_tree(op, true);
    tw_stw_start();
}

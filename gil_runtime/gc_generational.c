/*
 * gc_generational.c — the generational cycle collector of the gil runtime
 * (CPython's algorithm).
 *
 * Prefix: every object allocated with tw_gc_alloc is preceded by a TwGCHead
 * of three words: the links of a circular doubly-linked generation list and
 * gc_refs, used only while a collection runs.  The object is "tracked" iff
 * it is on a list (next != NULL).  Three words keep the object 8-byte
 * aligned, which is all any twinpy object needs.
 *
 * Generations: three lists with thresholds 700/10/10.  count[0] is
 * allocations minus frees of GC objects since the last collection of
 * generation 0; count[i>0] is collections of generation i-1 since the last
 * collection of generation i.  Collecting generation g merges the younger
 * lists into g, and moves the survivors to g+1.  A full collection runs
 * only when the objects that survived generation 1 since the last full one
 * exceed a quarter of the long-lived objects (CPython's rule: keeps full
 * collections linear overall).
 *
 * When automatic collection runs: tw_gc_alloc only *schedules* it, setting
 * TW_EB_GC_SCHEDULED in the allocating thread's eval breaker; the
 * collection runs at that thread's next eval-breaker check (a backward jump
 * or call in the interpreter).  Collecting inside an allocation would be
 * unsafe: the C code that allocates may hold borrowed pointers to objects
 * whose only references come from a cycle, or tracked objects whose fields
 * it is half-way through filling, and tp_clear could free them underneath
 * it.  At an eval-breaker check every live object is reachable from frames
 * that own their references.  (CPython 3.12+ does the same.)  C code that
 * allocates a great deal without returning to the interpreter simply
 * collects a little later.
 *
 * One collection (collect()):
 *   1. update_refs:    gc_refs = ob_refcnt for every object in the young set,
 *                      flagged COLLECTING.
 *   2. subtract_refs:  for every reference from a young object to a young
 *                      object (tp_traverse), gc_refs -= 1.  Now gc_refs counts
 *                      references from outside the young set.
 *   3. move_unreachable: objects with gc_refs > 0 are reachable, and so is
 *                      everything they reach; the rest go to `unreachable`
 *                      (tentatively, and come back if something reachable
 *                      turns out to reach them).
 *   4. the survivors move to the next generation; tuples of atomic items
 *      are untracked on the way (untrack_tuples).
 *   4b. count_reported: the number gc.collect() returns leaves out what
 *                      CPython 3.11 would not have tracked (see gcmodule.h);
 *                      --stats counts every object found.
 *   4c. finalize_garbage: finalizers (__del__) still to run run now, before
 *                      anything is cleared; handle_resurrected then repeats
 *                      steps 1-3 over the unreachable set, and what a
 *                      finalizer made reachable again (and what that
 *                      reaches) survives.  Each object's finalizer runs
 *                      once: GC_FINALIZED stays in its prefix for life.
 *   5. delete_garbage: for each unreachable object: hold a reference, move it
 *                      to the older generation (so a survivor is on a list),
 *                      tp_clear it, drop the reference.  Clearing breaks the
 *                      cycles; reference counting frees the objects.
 *
 * Invariants:
 *   - All collector state is touched only under the GIL.
 *   - Outside a collection, gc_refs == 0 for every tracked object, apart
 *     from the GC_FINALIZED mark.
 *   - A collection never starts while one runs (`collecting`): tp_clear can
 *     run arbitrary code, which may allocate or call gc.collect().
 *   - tw_dealloc untracks before tp_dealloc runs, so no object with a zero
 *     count is ever on a list.
 */
#include "gil_internal.h"
#include "modules/gcmodule.h"
#include "twinpy/errors.h"
#include "twinpy/types.h"

typedef struct TwGCHead {
    struct TwGCHead *next, *prev;
    intptr_t refs;          /* flags in the low bits, count above them  */
} TwGCHead;

#define GC_COLLECTING ((intptr_t)1)
#define GC_UNREACHABLE ((intptr_t)2)
#define GC_FINALIZED ((intptr_t)4)    /* kept for the object's life */
#define GC_FLAGS ((intptr_t)7)
#define GC_COUNT_SHIFT 3
#define GC_COUNT_MAX ((intptr_t)1 << 40)

#define AS_GC(op) ((TwGCHead *)(op) - 1)
#define FROM_GC(g) ((TwObject *)((TwGCHead *)(g) + 1))

#define NUM_GENERATIONS 3

static struct {
    TwGCHead head;
    int threshold;
    int count;
} g_gens[NUM_GENERATIONS] = {
    { { &g_gens[0].head, &g_gens[0].head, 0 }, 700, 0 },
    { { &g_gens[1].head, &g_gens[1].head, 0 }, 10, 0 },
    { { &g_gens[2].head, &g_gens[2].head, 0 }, 10, 0 },
};

static bool g_enabled = true;
static bool g_collecting;
static TwSsize g_long_lived_total, g_long_lived_pending;

/* stats */
static uint64_t g_runs[NUM_GENERATIONS];
static uint64_t g_collected;
static uint64_t g_pause_ns_total, g_pause_ns_max;

/* ---------------- list primitives ---------------------------------- */

static inline void list_init(TwGCHead *l) { l->next = l->prev = l; }
static inline bool list_is_empty(TwGCHead *l) { return l->next == l; }

static inline void list_append(TwGCHead *g, TwGCHead *l)
{
    TwGCHead *last = l->prev;
    g->prev = last;
    g->next = l;
    last->next = g;
    l->prev = g;
}

static inline void list_remove(TwGCHead *g)
{
    g->prev->next = g->next;
    g->next->prev = g->prev;
}

static inline void list_move(TwGCHead *g, TwGCHead *to)
{
    list_remove(g);
    list_append(g, to);
}

/* Append all of from to to; from becomes empty. */
static void list_merge(TwGCHead *from, TwGCHead *to)
{
    if (list_is_empty(from))
        return;
    TwGCHead *tail = to->prev;
    tail->next = from->next;
    from->next->prev = tail;
    to->prev = from->prev;
    from->prev->next = to;
    list_init(from);
}

static TwSsize list_size(TwGCHead *l)
{
    TwSsize n = 0;
    for (TwGCHead *g = l->next; g != l; g = g->next)
        n++;
    return n;
}

static inline bool is_gc_object(TwObject *op)
{
    return (TW_TYPE(op)->tp_flags & TW_TPFLAGS_HAVE_GC) != 0;
}

static inline intptr_t refs_count(TwGCHead *g) { return g->refs >> GC_COUNT_SHIFT; }
static inline void refs_set_count(TwGCHead *g, intptr_t n)
{
    g->refs = (n << GC_COUNT_SHIFT) | (g->refs & GC_FLAGS);
}

/* refs = v, keeping the finalized mark */
static inline void refs_reset(TwGCHead *g, intptr_t v)
{
    g->refs = v | (g->refs & GC_FINALIZED);
}

/* refs = 0, keeping the mark: one AND on memory */
static inline void refs_clear(TwGCHead *g)
{
    g->refs &= GC_FINALIZED;
}

/* ---------------- allocation and tracking -------------------------- */

/* Schedule, never run, a collection here: see the header. */
static void maybe_schedule(void)
{
    if (g_enabled && !g_collecting && g_gens[0].threshold > 0 &&
        g_gens[0].count > g_gens[0].threshold) {
        TwThreadState *ts = tw_tstate();
        if (ts)
            tw_eval_breaker_set(ts, TW_EB_GC_SCHEDULED);
    }
}

static inline __attribute__((always_inline)) TwObject *gc_alloc_init(TwGCHead *g,
                                                                      TwTypeObject *tp)
{
    TwObject *op = FROM_GC(g);
    tw_object_init_header(op, tp);
    g_gens[0].count++;
    maybe_schedule();
    return op;
}

static __attribute__((noinline)) TwObject *gc_alloc_slow(TwTypeObject *tp, size_t size)
{
    TwGCHead *g = tw_mem_calloc(tw_pool_block_size(sizeof(TwGCHead) + size));
    if (g == NULL) {
        tw_err_no_memory();
        return NULL;
    }
    return gc_alloc_init(g, tp);
}

/* The common case (a block from the pool) apart from the rest
 * (gc_alloc_slow), which needs a stack frame. */
TwObject *tw_gc_alloc(TwTypeObject *tp, size_t size)
{
    TwGCHead *g = tw_pool_pop(sizeof(TwGCHead) + size);
    if (__builtin_expect(g == NULL, 0))
        return gc_alloc_slow(tp, size);
    return gc_alloc_init(g, tp);
}

void tw_gc_free(TwObject *op, size_t size)
{
    TwGCHead *g = AS_GC(op);
    if (g->next != NULL)
        list_remove(g);
    if (g_gens[0].count > 0)
        g_gens[0].count--;
    tw_pool_free(g, sizeof(TwGCHead) + size);
}

void tw_gc_track(TwObject *op)
{
    TwGCHead *g = AS_GC(op);
    if (g->next != NULL)
        return;
    refs_clear(g);
    list_append(g, &g_gens[0].head);
}

void tw_gc_untrack(TwObject *op)
{
    TwGCHead *g = AS_GC(op);
    if (g->next == NULL)
        return;
    list_remove(g);
    g->next = g->prev = NULL;
    refs_clear(g);
}

bool tw_gc_is_tracked(TwObject *op)
{
    return AS_GC(op)->next != NULL;
}

bool tw_gc_is_finalized(TwObject *op)
{
    return (AS_GC(op)->refs & GC_FINALIZED) != 0;
}

static uint64_t g_finalized;     /* finalizers run (marks set), for --stats */

void tw_gc_set_finalized(TwObject *op)
{
    if (!(AS_GC(op)->refs & GC_FINALIZED))
        g_finalized++;
    AS_GC(op)->refs |= GC_FINALIZED;
}

uint64_t tw_gc_finalizers_run(void)
{
    return g_finalized;
}

/* ---------------- the collection ----------------------------------- */

static inline __attribute__((always_inline)) void update_refs(TwGCHead *young)
{
    for (TwGCHead *g = young->next; g != young; g = g->next) {
        intptr_t rc = FROM_GC(g)->ob_refcnt;
        if (rc > GC_COUNT_MAX)
            rc = GC_COUNT_MAX;
        /* refs is 0 or the finalized mark here: OR the count in */
        g->refs |= (rc << GC_COUNT_SHIFT) | GC_COLLECTING;
    }
}

static int visit_decref(TwObject *op, void *arg)
{
    (void)arg;
    if (op == NULL || !is_gc_object(op))
        return 0;
    TwGCHead *g = AS_GC(op);
    if (g->next != NULL && (g->refs & GC_COLLECTING) && refs_count(g) > 0)
        refs_set_count(g, refs_count(g) - 1);
    return 0;
}

static inline __attribute__((always_inline)) void subtract_refs(TwGCHead *young)
{
    for (TwGCHead *g = young->next; g != young; g = g->next) {
        TwObject *op = FROM_GC(g);
        TwTraverseFn trav = TW_TYPE(op)->tp_traverse;
        if (trav)
            trav(op, visit_decref, NULL);
    }
}

/* A reachable object references op: op is reachable too. */
static int visit_reachable(TwObject *op, void *arg)
{
    TwGCHead *young = arg;
    if (op == NULL || !is_gc_object(op))
        return 0;
    TwGCHead *g = AS_GC(op);
    if (g->next == NULL || !(g->refs & GC_COLLECTING))
        return 0;               /* not young, or already scanned as reachable */
    if (g->refs & GC_UNREACHABLE) {
        /* Passed over with no outside references: bring it back; the walk
         * in move_unreachable reaches it again at the tail. */
        list_move(g, young);
        refs_reset(g, ((intptr_t)1 << GC_COUNT_SHIFT) | GC_COLLECTING);
    } else if (refs_count(g) == 0) {
        /* Ahead of the walk: mark it so the walk treats it as reachable. */
        refs_set_count(g, 1);
    }
    return 0;
}

static inline __attribute__((always_inline)) void move_unreachable(TwGCHead *young, TwGCHead *unreachable)
{
    TwGCHead *g = young->next;
    while (g != young) {
        if (refs_count(g) > 0) {
            TwObject *op = FROM_GC(g);
            /* Scanned: visit_reachable ignores it from now on. */
            refs_clear(g);
            TwTraverseFn trav = TW_TYPE(op)->tp_traverse;
            if (trav)
                trav(op, visit_reachable, young);
            g = g->next;
        } else {
            TwGCHead *next = g->next;
            list_move(g, unreachable);
            refs_reset(g, GC_COLLECTING | GC_UNREACHABLE);
            g = next;
        }
    }
}

/* CPython's untrack_tuples: a surviving tuple whose items are all atomic
 * (not GC objects, or untracked tuples) can never be part of a cycle
 * (tuples do not change once built), so it leaves the lists and later
 * collections skip it.  A tuple still being filled (a NULL item) stays
 * tracked. */
static void untrack_tuples(TwGCHead *young)
{
    TwGCHead *g = young->next;
    while (g != young) {
        TwGCHead *next = g->next;
        TwObject *op = FROM_GC(g);
        if (TW_TYPE(op) == &TwTuple_Type && tw_gc_tuple_is_atomic(op))
            tw_gc_untrack(op);
        g = next;
    }
}

/* Whether g is in the unreachable set of the running collection. */
static bool is_unreachable_now(TwObject *op)
{
    if (!is_gc_object(op))
        return false;
    TwGCHead *g = AS_GC(op);
    return g->next != NULL && (g->refs & GC_UNREACHABLE);
}

bool tw_gc_is_garbage(TwObject *op)
{
    return is_unreachable_now(op);
}

/* How many of the unreachable objects gc.collect() reports: all but those
 * CPython 3.11 would not have tracked (gcmodule.h).  Such an object is
 * marked with a count of 1 (unreachable objects otherwise have 0), so a
 * dict excluded by both rules is excluded once. */
static TwSsize count_reported(TwGCHead *unreachable)
{
    for (TwGCHead *g = unreachable->next; g != unreachable; g = g->next) {
        TwObject *op = FROM_GC(g);
        if (TW_TYPE(op) == &TwDict_Type && !tw_gc_cpython_tracks_dict(op))
            refs_set_count(g, 1);
        TwObject *d = tw_gc_inline_dict(op);
        if (d != NULL && is_unreachable_now(d))
            refs_set_count(AS_GC(d), 1);
    }
    TwSsize n = 0;
    for (TwGCHead *g = unreachable->next; g != unreachable; g = g->next)
        if (refs_count(g) == 0)
            n++;
    return n;
}

static void delete_garbage(TwGCHead *unreachable, TwGCHead *old)
{
    while (!list_is_empty(unreachable)) {
        TwGCHead *g = unreachable->next;
        TwObject *op = FROM_GC(g);
        list_move(g, old);
        refs_clear(g);
        tw_incref(op);
        TwInquiryFn clear = TW_TYPE(op)->tp_clear;
        if (clear)
            clear(op);
        tw_decref(op);
    }
}

/* Weak: the runtime's own unit tests link without the object model, whose
 * classes and generators are the only objects with finalizers (object.h). */
extern bool tw_finalizers_seen __attribute__((weak));
extern void tw_object_call_finalizer(TwObject *op) __attribute__((weak));
extern bool tw_object_finalizer_pending(TwObject *op) __attribute__((weak));

/* CPython's finalize_garbage: run the finalizer of every unreachable
 * object that has one still to run (and one that would do something:
 * tw_object_finalizer_pending), before any of them is cleared, each
 * held by a reference while it runs.  The objects move to `seen` one at a
 * time, so that one a finalizer frees (its dealloc untracks it) leaves
 * whichever list it is on.  Returns whether any finalizer ran. */
static bool finalize_garbage(TwGCHead *unreachable)
{
    TwGCHead seen;
    list_init(&seen);
    bool ran = false;
    while (!list_is_empty(unreachable)) {
        TwGCHead *g = unreachable->next;
        TwObject *op = FROM_GC(g);
        list_move(g, &seen);
        if (TW_TYPE(op)->tp_finalize && !(g->refs & GC_FINALIZED) &&
            (!tw_object_finalizer_pending || tw_object_finalizer_pending(op))) {
            tw_incref(op);
            tw_object_call_finalizer(op);
            tw_decref(op);
            ran = true;
        }
    }
    list_merge(&seen, unreachable);
    return ran;
}

/* After finalizers ran: what something outside the unreachable set now
 * references (a finalizer stored it), and everything that reaches, is
 * alive again and moves to `old`; the rest stays on `unreachable` (the
 * collection's own steps 1-3 over the unreachable set, as CPython's
 * handle_resurrected_objects). */
static void handle_resurrected(TwGCHead *unreachable, TwGCHead *old)
{
    for (TwGCHead *g = unreachable->next; g != unreachable; g = g->next)
        refs_clear(g);
    update_refs(unreachable);
    subtract_refs(unreachable);
    TwGCHead still;
    list_init(&still);
    move_unreachable(unreachable, &still);
    list_merge(unreachable, old);
    list_merge(&still, unreachable);
}

/* Out of line, so that collect()'s own code stays as it was for programs
 * without finalizers. */
static __attribute__((noinline)) void finalize_phase(TwGCHead *unreachable, TwGCHead *old)
{
    if (finalize_garbage(unreachable))
        handle_resurrected(unreachable, old);
}

static TwSsize collect(int generation)
{
    uint64_t t0 = tw_monotonic_ns();
    g_collecting = true;

    if (generation + 1 < NUM_GENERATIONS)
        g_gens[generation + 1].count++;
    for (int i = 0; i <= generation; i++)
        g_gens[i].count = 0;
    for (int i = 0; i < generation; i++)
        list_merge(&g_gens[i].head, &g_gens[generation].head);

    TwGCHead *young = &g_gens[generation].head;
    TwGCHead *old = generation + 1 < NUM_GENERATIONS ? &g_gens[generation + 1].head : young;

    update_refs(young);
    subtract_refs(young);
    TwGCHead unreachable;
    list_init(&unreachable);
    move_unreachable(young, &unreachable);

    untrack_tuples(young);
    if (generation == NUM_GENERATIONS - 2)
        g_long_lived_pending += list_size(young);
    if (young != old) {
        list_merge(young, old);
    } else {
        g_long_lived_pending = 0;
        g_long_lived_total = list_size(young);
    }

    if (&tw_finalizers_seen && tw_finalizers_seen)
        finalize_phase(&unreachable, old);
    TwSsize found = list_size(&unreachable);
    TwSsize n = count_reported(&unreachable);
    delete_garbage(&unreachable, old);

    g_collecting = false;
    uint64_t t1 = tw_monotonic_ns();
    uint64_t pause = t1 - t0;
    g_runs[generation]++;
    g_collected += (uint64_t)found;
    g_pause_ns_total += pause;
    if (pause > g_pause_ns_max)
        g_pause_ns_max = pause;
    TwThreadState *ts = tw_tstate();
    if (ts && tw_trace_enabled())
        tw_trace_record(tw_gil_thread(ts), TW_TRACE_GC, t0, t1, (uint32_t)generation);
    return n;
}

/* Run the collection tw_gc_alloc scheduled: the oldest generation whose
 * count is over its threshold (CPython's gc_collect_generations). */
void tw_gc_run_scheduled(void)
{
    if (!g_enabled || g_collecting)
        return;
    for (int i = NUM_GENERATIONS - 1; i >= 0; i--) {
        if (g_gens[i].threshold <= 0 || g_gens[i].count <= g_gens[i].threshold)
            continue;
        if (i == NUM_GENERATIONS - 1 && g_long_lived_pending < g_long_lived_total / 4)
            continue;
        tw_gc_note_automatic_collection(i, collect(i));
        return;
    }
}

TwSsize tw_gc_collect(int generation)
{
    if (generation < 0 || generation >= NUM_GENERATIONS) {
        tw_err_set_string(TwExc_ValueError, "invalid generation");
        return -1;
    }
    if (g_collecting)
        return 0;
    return collect(generation);
}

void tw_gc_enable(void) { g_enabled = true; }
void tw_gc_disable(void) { g_enabled = false; }
bool tw_gc_isenabled(void) { return g_enabled; }

void tw_gc_get_count(int out[3])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = g_gens[i].count;
}

void tw_gc_get_threshold(int out[3])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        out[i] = g_gens[i].threshold;
}

void tw_gc_set_threshold(const int in[3])
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        g_gens[i].threshold = in[i];
}

void tw_gc_counters(uint64_t runs[3], uint64_t *collected, uint64_t *pause_ns_total,
                    uint64_t *pause_ns_max)
{
    for (int i = 0; i < NUM_GENERATIONS; i++)
        runs[i] = g_runs[i];
    *collected = g_collected;
    *pause_ns_total = g_pause_ns_total;
    *pause_ns_max = g_pause_ns_max;
}

/*
 * test_gil_gc.c — reference counts, the cycle collector and the trashcan,
 * through the seam (runtime.h) only, so the promises are checked on
 * whichever runtime is built:
 *   - a count taken to zero frees exactly once; immortal objects never;
 *   - the GC prefix tracks and untracks;
 *   - unreachable cycles are found (with the right count) and freed, and
 *     nothing reachable is touched;
 *   - passing the generation-0 threshold schedules a collection that runs
 *     at the next eval-breaker check;
 *   - freeing a 100000-deep chain does not recurse 100000 deep in C.
 */
#include "tw_test.h"
#include "twinpy/object.h"

/* ---------------- test types --------------------------------------- */

static int g_plain_deallocs;

static void plain_dealloc(TwObject *op)
{
    g_plain_deallocs++;
    tw_object_free(op, sizeof(TwObject));
}

static TwTypeObject PlainType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&PlainType),
    .tp_name = "plain",
    .tp_basicsize = sizeof(TwObject),
    .tp_dealloc = plain_dealloc,
};

/* A GC node with one reference: enough for chains and cycles. */
typedef struct {
    TwObject ob_base;
    TwObject *ref;
    int id;
} Node;

static int g_node_deallocs;
static int g_node_clears;
/* Lowest and highest stack address seen in node_dealloc: the C depth of a
 * chain's deallocation. */
static uintptr_t g_stack_lo, g_stack_hi;

static void note_stack_depth(void)
{
    volatile char here;
    uintptr_t a = (uintptr_t)&here;
    if (g_stack_lo == 0 || a < g_stack_lo)
        g_stack_lo = a;
    if (a > g_stack_hi)
        g_stack_hi = a;
}

static int node_traverse(TwObject *op, TwVisitFn visit, void *arg)
{
    Node *n = (Node *)op;
    if (n->ref) {
        int r = visit(n->ref, arg);
        if (r)
            return r;
    }
    return 0;
}

static int node_clear(TwObject *op)
{
    g_node_clears++;
    TW_CLEAR(((Node *)op)->ref);
    return 0;
}

static void node_dealloc(TwObject *op)
{
    tw_gc_untrack(op);
    if (!tw_trashcan_begin(op))
        return;
    note_stack_depth();
    g_node_deallocs++;
    TW_XDECREF(((Node *)op)->ref);
    tw_gc_free(op, sizeof(Node));
    tw_trashcan_end();
}

static TwTypeObject NodeType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&NodeType),
    .tp_name = "node",
    .tp_basicsize = sizeof(Node),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = node_dealloc,
    .tp_traverse = node_traverse,
    .tp_clear = node_clear,
};

static Node *node_new(int id, TwObject *ref)
{
    Node *n = (Node *)tw_gc_alloc(&NodeType, sizeof(Node));
    n->id = id;
    n->ref = ref;
    if (ref)
        tw_incref(ref);
    tw_gc_track((TwObject *)n);
    return n;
}

static void reset_counters(void)
{
    g_plain_deallocs = g_node_deallocs = g_node_clears = 0;
    g_stack_lo = g_stack_hi = 0;
}

/* ---------------- reference counts ---------------------------------- */

static void test_decref_to_zero_frees_exactly_once(void)
{
    reset_counters();
    TwObject *op = tw_object_alloc(&PlainType, sizeof(TwObject));
    CHECK_EQ_INT(tw_refcnt(op), 1);
    for (int i = 0; i < 100; i++)
        tw_incref(op);
    for (int i = 0; i < 100; i++)
        tw_decref(op);
    CHECK_EQ_INT(g_plain_deallocs, 0);
    CHECK_EQ_INT(tw_refcnt(op), 1);
    tw_decref(op);
    CHECK_EQ_INT(g_plain_deallocs, 1);
}

static void test_immortal_objects_are_never_freed(void)
{
    reset_counters();
    TwObject *op = tw_object_alloc(&PlainType, sizeof(TwObject));
    tw_set_immortal(op);
    for (int i = 0; i < 100000; i++)
        tw_decref(op);
    CHECK(tw_is_immortal(op));
    CHECK_EQ_INT(g_plain_deallocs, 0);
    tw_object_free(op, sizeof(TwObject));   /* by hand, for the leak check */
}

/* ---------------- the GC prefix ------------------------------------- */

static void test_gc_objects_start_untracked_and_track_reversibly(void)
{
    reset_counters();
    Node *n = (Node *)tw_gc_alloc(&NodeType, sizeof(Node));
    CHECK(n != NULL);
    CHECK_EQ_INT(tw_refcnt((TwObject *)n), 1);
    CHECK(n->ref == NULL);                /* zeroed */
    CHECK(!tw_gc_is_tracked((TwObject *)n));
    tw_gc_track((TwObject *)n);
    CHECK(tw_gc_is_tracked((TwObject *)n));
    tw_gc_untrack((TwObject *)n);
    CHECK(!tw_gc_is_tracked((TwObject *)n));
    tw_gc_untrack((TwObject *)n);         /* untracking twice is harmless */
    tw_gc_track((TwObject *)n);
    tw_decref((TwObject *)n);
    CHECK_EQ_INT(g_node_deallocs, 1);
}

/* ---------------- collecting cycles --------------------------------- */

static void test_collect_frees_unreachable_cycles_and_counts_them(void)
{
    tw_gc_collect(2);
    reset_counters();
    /* a <-> b: a two-cycle; c -> c: a self-cycle; both unreachable. */
    Node *a = node_new(1, NULL);
    Node *b = node_new(2, (TwObject *)a);
    a->ref = tw_newref((TwObject *)b);
    Node *c = node_new(3, NULL);
    c->ref = tw_newref((TwObject *)c);
    /* d <-> e, but d is still held: reachable. */
    Node *d = node_new(4, NULL);
    Node *e = node_new(5, (TwObject *)d);
    d->ref = tw_newref((TwObject *)e);
    tw_decref((TwObject *)e);
    /* f -> g: a chain, freed by plain reference counting. */
    Node *g = node_new(7, NULL);
    Node *f = node_new(6, (TwObject *)g);
    tw_decref((TwObject *)g);
    tw_decref((TwObject *)a);
    tw_decref((TwObject *)b);
    tw_decref((TwObject *)c);
    tw_decref((TwObject *)f);
    CHECK_EQ_INT(g_node_deallocs, 2);     /* f and g only */

    TwSsize n = tw_gc_collect(2);
    CHECK_EQ_INT(n, 3);
    CHECK_EQ_INT(g_node_deallocs, 5);
    CHECK(tw_gc_is_tracked((TwObject *)d));
    CHECK_EQ_INT(tw_refcnt((TwObject *)d), 2);
    CHECK(d->ref == (TwObject *)e && e->ref == (TwObject *)d);

    tw_decref((TwObject *)d);
    /* Generational (both runtimes): a collection of the young generation
     * does not see d and e any more (they survived into an older one); a
     * full one does. */
    CHECK_EQ_INT(tw_gc_collect(0), 0);
    CHECK_EQ_INT(g_node_deallocs, 5);
    CHECK_EQ_INT(tw_gc_collect(2), 2);
    CHECK_EQ_INT(g_node_deallocs, 7);
    CHECK_EQ_INT(tw_gc_collect(2), 0);
}

/* An object reachable only from an unreachable-looking part of the young
 * list, but reached from outside through a later object, must survive. */
static void test_collect_keeps_what_outside_references_reach(void)
{
    tw_gc_collect(2);
    reset_counters();
    /* x -> y -> z -> y; only x is held from outside, x tracked last. */
    Node *z = node_new(3, NULL);
    Node *y = node_new(2, (TwObject *)z);
    z->ref = tw_newref((TwObject *)y);
    tw_decref((TwObject *)z);
    Node *x = node_new(1, (TwObject *)y);
    tw_decref((TwObject *)y);
    CHECK_EQ_INT(tw_gc_collect(0), 0);
    CHECK_EQ_INT(g_node_deallocs, 0);
    CHECK_EQ_INT(g_node_clears, 0);
    CHECK(x->ref == (TwObject *)y && y->ref == (TwObject *)z && z->ref == (TwObject *)y);
    tw_decref((TwObject *)x);             /* x freed; y <-> z now garbage */
    CHECK_EQ_INT(g_node_deallocs, 1);
    CHECK_EQ_INT(tw_gc_collect(2), 2);
    CHECK_EQ_INT(g_node_deallocs, 3);
}

/* A collection of the young generations treats references from older
 * objects as references from outside, and leaves the older objects alone
 * (even those young objects reference). */
static void test_young_collection_leaves_old_objects_alone(void)
{
    tw_gc_collect(2);
    reset_counters();
    Node *old = node_new(1, NULL);
    tw_gc_collect(0);
    tw_gc_collect(1);                     /* old is in generation 2 now */
    /* y <-> z, reachable only from old; w -> old, held by us. */
    Node *z = node_new(3, NULL);
    Node *y = node_new(2, (TwObject *)z);
    z->ref = tw_newref((TwObject *)y);
    tw_decref((TwObject *)z);
    old->ref = (TwObject *)y;             /* takes our reference to y */
    Node *w = node_new(4, (TwObject *)old);
    CHECK_EQ_INT(tw_gc_collect(0), 0);
    CHECK_EQ_INT(g_node_deallocs, 0);
    CHECK(y->ref == (TwObject *)z && z->ref == (TwObject *)y);
    CHECK_EQ_INT(tw_refcnt((TwObject *)old), 2);
    /* Drop old's reference: y <-> z (generation 1 now) is garbage. */
    TwObject *t = old->ref;
    old->ref = NULL;
    tw_decref(t);
    CHECK_EQ_INT(tw_gc_collect(1), 2);
    CHECK_EQ_INT(g_node_deallocs, 2);
    CHECK(tw_gc_is_tracked((TwObject *)old));
    CHECK_EQ_INT(tw_refcnt((TwObject *)old), 2);
    tw_decref((TwObject *)w);             /* w, then old: plain counting */
    CHECK_EQ_INT(g_node_deallocs, 3);
    tw_decref((TwObject *)old);
    CHECK_EQ_INT(g_node_deallocs, 4);
    CHECK_EQ_INT(tw_gc_collect(2), 0);
}

static void test_gc_settings_round_trip(void)
{
    int saved[3], t[3], c[3];
    tw_gc_get_threshold(saved);
    CHECK_EQ_INT(saved[0], 700);
    CHECK_EQ_INT(saved[1], 10);
    CHECK_EQ_INT(saved[2], 10);
    int mine[3] = { 123, 4, 5 };
    tw_gc_set_threshold(mine);
    tw_gc_get_threshold(t);
    CHECK(t[0] == 123 && t[1] == 4 && t[2] == 5);
    tw_gc_set_threshold(saved);
    CHECK(tw_gc_isenabled());
    tw_gc_disable();
    CHECK(!tw_gc_isenabled());
    tw_gc_enable();
    CHECK(tw_gc_isenabled());
    tw_gc_collect(2);
    tw_gc_get_count(c);
    CHECK_EQ_INT(c[0], 0);
    Node *n = node_new(1, NULL);
    tw_gc_get_count(c);
    CHECK_EQ_INT(c[0], 1);
    tw_decref((TwObject *)n);
    tw_gc_get_count(c);
    CHECK_EQ_INT(c[0], 0);
}

/* Passing the threshold sets TW_EB_GC_SCHEDULED; the collection runs at
 * the eval-breaker check, not inside the allocation. */
static void test_threshold_schedules_a_collection_at_the_next_check(void)
{
    TwThreadState *ts = tw_tstate();
    int saved[3];
    tw_gc_get_threshold(saved);
    tw_gc_collect(2);
    tw_eval_breaker_clear(ts, TW_EB_GC_SCHEDULED);
    reset_counters();
    int small[3] = { 20, 10, 10 };
    tw_gc_set_threshold(small);

    Node *a = node_new(1, NULL);
    Node *b = node_new(2, (TwObject *)a);
    a->ref = tw_newref((TwObject *)b);
    tw_decref((TwObject *)a);
    tw_decref((TwObject *)b);

    Node *keep[30];
    int made = 0;
    while (made < 30 && !(ts->eval_breaker & TW_EB_GC_SCHEDULED)) {
        keep[made] = node_new(10 + made, NULL);
        made++;
    }
    CHECK(ts->eval_breaker & TW_EB_GC_SCHEDULED);
    if (tw_runtime_gil_enabled())
        CHECK(made >= 18 && made <= 20);  /* count[0] > 20 with a and b */
    CHECK_EQ_INT(g_node_deallocs, 0);     /* nothing ran inside allocation */

    CHECK_EQ_INT(tw_eval_breaker_handle(ts), 0);
    CHECK(!(ts->eval_breaker & TW_EB_GC_SCHEDULED));
    CHECK_EQ_INT(g_node_deallocs, 2);     /* the cycle */
    int c[3];
    tw_gc_get_count(c);
    CHECK_EQ_INT(c[0], 0);
    CHECK_EQ_INT(c[1], 1);

    /* Disabled: no scheduling at all. */
    tw_gc_disable();
    for (int i = 0; i < 30; i++) {
        Node *n = node_new(100 + i, NULL);
        tw_decref((TwObject *)n);
    }
    Node *extra[25];
    for (int i = 0; i < 25; i++)
        extra[i] = node_new(200 + i, NULL);
    CHECK(!(ts->eval_breaker & TW_EB_GC_SCHEDULED));
    tw_gc_enable();
    for (int i = 0; i < 25; i++)
        tw_decref((TwObject *)extra[i]);

    for (int i = 0; i < made; i++)
        tw_decref((TwObject *)keep[i]);
    tw_gc_set_threshold(saved);
    tw_eval_breaker_clear(ts, TW_EB_GC_SCHEDULED);
}

/* ---------------- the trashcan -------------------------------------- */

static void test_deep_chain_dealloc_does_not_recurse_deeply(void)
{
    reset_counters();
    enum { DEPTH = 100000 };
    TwObject *head = NULL;
    for (int i = 0; i < DEPTH; i++) {
        Node *n = node_new(i, head);
        TW_XDECREF(head);
        head = (TwObject *)n;
    }
    tw_decref(head);
    CHECK_EQ_INT(g_node_deallocs, DEPTH);
    /* Without the trashcan the C stack would span DEPTH frames (several
     * MiB); with it, about 50 frames of node_dealloc. */
    uintptr_t span = g_stack_hi - g_stack_lo;
    if (span > 256 * 1024)
        fprintf(stderr, "  dealloc stack span %lu bytes\n", (unsigned long)span);
    CHECK(span < 256 * 1024);
}

/* A deep chain found as garbage by the collector: clearing one link frees
 * the rest through the trashcan too. */
static void test_deep_garbage_cycle_is_collected(void)
{
    tw_gc_collect(2);
    reset_counters();
    enum { DEPTH = 100000 };
    Node *tail = node_new(0, NULL);
    TwObject *head = (TwObject *)tail;
    tw_incref(head);
    for (int i = 1; i < DEPTH; i++) {
        Node *n = node_new(i, head);
        tw_decref(head);
        head = (TwObject *)n;
    }
    tail->ref = head;                     /* close the ring; steals head */
    tw_decref((TwObject *)tail);
    CHECK_EQ_INT(g_node_deallocs, 0);
    CHECK_EQ_INT(tw_gc_collect(2), DEPTH);
    CHECK_EQ_INT(g_node_deallocs, DEPTH);
}

static uint64_t live_blocks(void)
{
    uint64_t n;
    tw_mem_stats(&n, NULL);
    return n;
}

static void setup(void) { tw_runtime_init(); }

int main(void)
{
    static const TwTestCase cases[] = {
        TW_CASE(test_decref_to_zero_frees_exactly_once),
        TW_CASE(test_immortal_objects_are_never_freed),
        TW_CASE(test_gc_objects_start_untracked_and_track_reversibly),
        TW_CASE(test_collect_frees_unreachable_cycles_and_counts_them),
        TW_CASE(test_collect_keeps_what_outside_references_reach),
        TW_CASE(test_young_collection_leaves_old_objects_alone),
        TW_CASE(test_gc_settings_round_trip),
        TW_CASE(test_threshold_schedules_a_collection_at_the_next_check),
        TW_CASE(test_deep_chain_dealloc_does_not_recurse_deeply),
        TW_CASE(test_deep_garbage_cycle_is_collected),
    };
    TwTestOptions opts = { .setup = setup, .live_blocks = live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

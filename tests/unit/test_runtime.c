/*
 * test_runtime.c — the promises of the seam (runtime.h) that hold in both
 * runtimes: reference arithmetic frees exactly once, immortal objects are
 * never freed, GC tracking is reversible, memory is counted.
 */
#include "tw_test.h"
#include "twinpy/object.h"

static int g_deallocs;

static void counting_dealloc(TwObject *op)
{
    g_deallocs++;
    tw_object_free(op, sizeof(TwObject));
}

static void counting_gc_dealloc(TwObject *op)
{
    g_deallocs++;
    tw_gc_free(op, sizeof(TwObject));
}

static TwTypeObject CountingType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&CountingType),
    .tp_name = "counting",
    .tp_basicsize = sizeof(TwObject),
    .tp_dealloc = counting_dealloc,
};

static TwTypeObject CountingGcType = {
    .ob_base = TW_OBJECT_HEAD_INIT(&CountingGcType),
    .tp_name = "counting_gc",
    .tp_basicsize = sizeof(TwObject),
    .tp_flags = TW_TPFLAGS_HAVE_GC,
    .tp_dealloc = counting_gc_dealloc,
};

static void test_new_object_has_one_reference(void)
{
    TwObject *op = tw_object_alloc(&CountingType, sizeof(TwObject));
    CHECK(op != NULL);
    CHECK_EQ_INT(tw_refcnt(op), 1);
    CHECK(TW_TYPE(op) == &CountingType);
    CHECK(!tw_is_immortal(op));
    g_deallocs = 0;
    tw_decref(op);
    CHECK_EQ_INT(g_deallocs, 1);
}

static void test_incref_decref_to_zero_frees_exactly_once(void)
{
    g_deallocs = 0;
    TwObject *op = tw_object_alloc(&CountingType, sizeof(TwObject));
    for (int i = 0; i < 1000; i++)
        tw_incref(op);
    CHECK_EQ_INT(tw_refcnt(op), 1001);
    for (int i = 0; i < 1000; i++)
        tw_decref(op);
    CHECK_EQ_INT(g_deallocs, 0);
    CHECK_EQ_INT(tw_refcnt(op), 1);
    tw_decref(op);
    CHECK_EQ_INT(g_deallocs, 1);
}

static void test_immortal_object_is_never_freed(void)
{
    g_deallocs = 0;
    TwObject *op = tw_object_alloc(&CountingType, sizeof(TwObject));
    tw_set_immortal(op);
    CHECK(tw_is_immortal(op));
    for (int i = 0; i < 10000; i++)
        tw_decref(op);
    for (int i = 0; i < 10; i++)
        tw_incref(op);
    CHECK_EQ_INT(g_deallocs, 0);
    CHECK(tw_is_immortal(op));
    /* Static types are immortal from birth. */
    CHECK(tw_is_immortal((TwObject *)&CountingType));
    /* Deliberately leaked: an immortal object lives for the process.
     * Count it as freed for the leak check by freeing the memory by hand. */
    tw_object_free(op, sizeof(TwObject));
}

static void test_gc_track_untrack(void)
{
    g_deallocs = 0;
    TwObject *op = tw_gc_alloc(&CountingGcType, sizeof(TwObject));
    CHECK(op != NULL);
    CHECK(!tw_gc_is_tracked(op));
    tw_gc_track(op);
    CHECK(tw_gc_is_tracked(op));
    tw_gc_untrack(op);
    CHECK(!tw_gc_is_tracked(op));
    tw_gc_track(op);
    tw_decref(op);            /* tw_gc_free untracks */
    CHECK_EQ_INT(g_deallocs, 1);
}

static void test_memory_is_counted(void)
{
    uint64_t b0, b1, b2;
    tw_mem_stats(&b0, NULL);
    void *p = tw_mem_alloc(100);
    tw_mem_stats(&b1, NULL);
    CHECK_EQ_INT(b1, b0 + 1);
    p = tw_mem_realloc(p, 100, 1000);
    tw_mem_free(p, 1000);
    tw_mem_stats(&b2, NULL);
    CHECK_EQ_INT(b2, b0);
}

static void test_runtime_identifies_itself(void)
{
    const char *name = tw_runtime_name();
    CHECK(strcmp(name, "gil") == 0 || strcmp(name, "nogil") == 0);
    CHECK(tw_runtime_gil_enabled() == (strcmp(name, "gil") == 0));
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
        TW_CASE(test_new_object_has_one_reference),
        TW_CASE(test_incref_decref_to_zero_frees_exactly_once),
        TW_CASE(test_immortal_object_is_never_freed),
        TW_CASE(test_gc_track_untrack),
        TW_CASE(test_memory_is_counted),
        TW_CASE(test_runtime_identifies_itself),
    };
    TwTestOptions opts = { .setup = setup, .live_blocks = live_blocks };
    return tw_test_run(cases, TW_NCASES(cases), &opts);
}

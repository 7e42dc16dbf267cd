// micro.cc — twinpy's micro benchmarks (Google Benchmark).  The timed loops
// are C kernels (kernels.c); this file registers them, in both builds, with
// the same names so the driver can put the two runtimes side by side.  A
// benchmark a runtime has no equivalent for reports that as an error message
// instead of a number.
#include <benchmark/benchmark.h>

#include <cstring>

#include "kernels.h"

namespace {

bool is_gil() { return std::strcmp(twb_runtime(), "gil") == 0; }

// Objects shared by the threads of one multi-threaded benchmark.
TwObject *g_shared_obj, *g_shared_list, *g_shared_dict;

// Threads other than the main one get a thread state for the benchmark's
// duration.  Every thread is attached only between twb_enter and twb_leave,
// so under the GIL no thread sits on the lock at Google Benchmark's barriers.
struct Attach {
    explicit Attach(const benchmark::State &st) : foreign(st.thread_index() != 0) {
        if (foreign) { twb_attach(); twb_leave(); }
    }
    ~Attach() { if (foreign) { twb_enter(); twb_detach(); } }
    bool foreign;
};

// The timed loop: each batch of work runs attached (under the GIL, it holds
// the lock for one batch, as an interpreter holds it between checks).
#define TWB_LOOP(st, body) for (auto _ : st) { twb_enter(); body; twb_leave(); }
// Set-up and tear-down work on objects, attached.
#define TWB_ATTACHED(body) do { twb_enter(); body; twb_leave(); } while (0)

void BM_incref_decref_owner(benchmark::State &st) {
    TwObject *o; TWB_ATTACHED(o = twb_new_object());
    TWB_LOOP(st, twb_incref_decref(o, 1000));
    st.SetItemsProcessed(st.iterations() * 1000);
    TWB_ATTACHED(twb_drop(o));
}
BENCHMARK(BM_incref_decref_owner);

void BM_incref_decref_nonowner(benchmark::State &st) {
    TwObject *o; TWB_ATTACHED(o = twb_new_object());
    for (auto _ : st) {
        double ns;
        TWB_ATTACHED(ns = twb_nonowner_incref_decref(o, 100000));
        st.SetIterationTime(ns * 100000 / 1e9);
    }
    st.SetItemsProcessed(st.iterations() * 100000);
    TWB_ATTACHED(twb_drop(o));
}
BENCHMARK(BM_incref_decref_nonowner)->UseManualTime();

void BM_incref_decref_contended(benchmark::State &st) {
    if (st.thread_index() == 0) TWB_ATTACHED(g_shared_obj = twb_new_object());
    Attach a(st);
    TWB_LOOP(st, twb_incref_decref(g_shared_obj, 1000));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) TWB_ATTACHED(twb_drop(g_shared_obj));
}
BENCHMARK(BM_incref_decref_contended)->ThreadRange(1, 4)->UseRealTime();

void BM_immortal_incref(benchmark::State &st) {
    TWB_LOOP(st, twb_incref_decref(twb_none(), 1000));
    st.SetItemsProcessed(st.iterations() * 1000);
}
BENCHMARK(BM_immortal_incref);

// Report "this runtime has no such thing" instead of a number.
void skip_missing(benchmark::State &st, const char *why) {
    st.SkipWithError(why);
    for (auto _ : st) {}
}

void *g_mutex;

// threads:1 is the uncontended lock/unlock; more threads contend for one mutex.
void BM_mutex_lock_unlock(benchmark::State &st) {
    if (st.thread_index() == 0) g_mutex = twb_mutex_new();
    if (is_gil()) {
        skip_missing(st, "gil runtime: no per-object mutex (the GIL serialises; see BM_gil_handoff)");
        return;
    }
    Attach a(st);
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_mutex_lock_unlock(g_mutex, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) twb_mutex_free(g_mutex);
}
BENCHMARK(BM_mutex_lock_unlock)->ThreadRange(1, 4)->UseRealTime();

// Critical sections on one shared list: under nogil the object's mutex,
// contended beyond one thread; under the GIL a no-op.
void BM_critical_section_shared(benchmark::State &st) {
    if (st.thread_index() == 0) TWB_ATTACHED(g_shared_obj = twb_new_list(0));
    Attach a(st);
    TWB_LOOP(st, twb_critical_section(g_shared_obj, 1000));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) TWB_ATTACHED(twb_drop(g_shared_obj));
}
BENCHMARK(BM_critical_section_shared)->ThreadRange(1, 4)->UseRealTime();

// Time from the GIL holder dropping it to a sleeping waiter running.
void BM_gil_handoff(benchmark::State &st) {
    if (!is_gil()) {
        skip_missing(st, "nogil runtime: no GIL to hand off (see BM_stop_the_world)");
        return;
    }
    for (auto _ : st) {
        double ns;
        TWB_ATTACHED(ns = twb_gil_handoff(50));
        st.SetIterationTime(ns * 50 / 1e9);
    }
    st.SetItemsProcessed(st.iterations() * 50);
}
BENCHMARK(BM_gil_handoff)->UseManualTime();

// Time from a stop-the-world request until N attached threads are parked.
void BM_stop_the_world(benchmark::State &st) {
    if (is_gil()) {
        skip_missing(st, "gil runtime: no stop-the-world (the GIL holder is alone already)");
        return;
    }
    for (auto _ : st) {
        double ns;
        TWB_ATTACHED(ns = twb_stop_the_world(static_cast<int>(st.range(0)), 50));
        st.SetIterationTime(ns * 50 / 1e9);
    }
    st.SetItemsProcessed(st.iterations() * 50);
    st.counters["threads"] = static_cast<double>(st.range(0));
}
BENCHMARK(BM_stop_the_world)->Arg(1)->Arg(2)->Arg(4)->UseManualTime();

void BM_critical_section(benchmark::State &st) {
    TwObject *l; TWB_ATTACHED(l = twb_new_list(0));
    TWB_LOOP(st, twb_critical_section(l, 1000));
    st.SetItemsProcessed(st.iterations() * 1000);
    TWB_ATTACHED(twb_drop(l));
}
BENCHMARK(BM_critical_section);

void BM_list_append_private(benchmark::State &st) {
    Attach a(st);
    TwObject *l; TWB_ATTACHED(l = twb_new_list(0));
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_list_append(l, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    TWB_ATTACHED(twb_drop(l));
}
BENCHMARK(BM_list_append_private)->ThreadRange(1, 4)->UseRealTime();

void BM_list_append_shared(benchmark::State &st) {
    if (st.thread_index() == 0) TWB_ATTACHED(g_shared_list = twb_new_list(0));
    Attach a(st);
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_list_append(g_shared_list, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) TWB_ATTACHED(twb_drop(g_shared_list));
}
BENCHMARK(BM_list_append_shared)->ThreadRange(1, 4)->UseRealTime();

void BM_list_read_private(benchmark::State &st) {
    Attach a(st);
    TwObject *l; TWB_ATTACHED(l = twb_new_list(1000));
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_list_read(l, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    TWB_ATTACHED(twb_drop(l));
}
BENCHMARK(BM_list_read_private)->ThreadRange(1, 4)->UseRealTime();

void BM_list_read_shared(benchmark::State &st) {
    if (st.thread_index() == 0) TWB_ATTACHED(g_shared_list = twb_new_list(1000));
    Attach a(st);
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_list_read(g_shared_list, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) TWB_ATTACHED(twb_drop(g_shared_list));
}
BENCHMARK(BM_list_read_shared)->ThreadRange(1, 4)->UseRealTime();

void BM_dict_get_private(benchmark::State &st) {
    Attach a(st);
    TwObject *d; TWB_ATTACHED(d = twb_new_dict(64));
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_dict_get(d, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    TWB_ATTACHED(twb_drop(d));
}
BENCHMARK(BM_dict_get_private)->ThreadRange(1, 4)->UseRealTime();

void BM_dict_get_shared(benchmark::State &st) {
    if (st.thread_index() == 0) TWB_ATTACHED(g_shared_dict = twb_new_dict(64));
    Attach a(st);
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_dict_get(g_shared_dict, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) TWB_ATTACHED(twb_drop(g_shared_dict));
}
BENCHMARK(BM_dict_get_shared)->ThreadRange(1, 4)->UseRealTime();

void BM_dict_set_private(benchmark::State &st) {
    Attach a(st);
    TwObject *d; TWB_ATTACHED(d = twb_new_dict(64));
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_dict_set(d, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    TWB_ATTACHED(twb_drop(d));
}
BENCHMARK(BM_dict_set_private)->ThreadRange(1, 4)->UseRealTime();

void BM_dict_set_shared(benchmark::State &st) {
    if (st.thread_index() == 0) TWB_ATTACHED(g_shared_dict = twb_new_dict(64));
    Attach a(st);
    TWB_LOOP(st, benchmark::DoNotOptimize(twb_dict_set(g_shared_dict, 1000)));
    st.SetItemsProcessed(st.iterations() * 1000);
    if (st.thread_index() == 0) TWB_ATTACHED(twb_drop(g_shared_dict));
}
BENCHMARK(BM_dict_set_shared)->ThreadRange(1, 4)->UseRealTime();

void BM_alloc_free_same_thread(benchmark::State &st) {
    Attach a(st);
    TWB_LOOP(st, twb_alloc_free(1000));
    st.SetItemsProcessed(st.iterations() * 1000);
}
BENCHMARK(BM_alloc_free_same_thread)->ThreadRange(1, 4)->UseRealTime();

void BM_alloc_free_cross_thread(benchmark::State &st) {
    for (auto _ : st) {
        double ns;
        TWB_ATTACHED(ns = twb_cross_thread_free(10000));
        st.SetIterationTime(ns * 10000 / 1e9);
    }
    st.SetItemsProcessed(st.iterations() * 10000);
}
BENCHMARK(BM_alloc_free_cross_thread)->UseManualTime();

void BM_attach_detach(benchmark::State &st) {
    Attach a(st);
    TWB_LOOP(st, twb_blocking_pair(100));
    st.SetItemsProcessed(st.iterations() * 100);
}
// With 2 threads under the GIL every pair is a GIL hand-off: its time is the
// hand-off latency; under nogil it is a detach/attach.
BENCHMARK(BM_attach_detach)->ThreadRange(1, 2)->UseRealTime();

void BM_gc_pause(benchmark::State &st) {
    TWB_LOOP(st, st.SetIterationTime(twb_gc_pause(st.range(0))));
    st.counters["tracked"] = static_cast<double>(st.range(0));
}
BENCHMARK(BM_gc_pause)->RangeMultiplier(10)->Range(10000, 1000000)->UseManualTime()
    ->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

int main(int argc, char **argv) {
    twb_init();
    twb_leave();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

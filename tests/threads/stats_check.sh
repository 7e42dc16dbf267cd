#!/bin/sh
# stats_check.sh TWINPY SCRIPT.py
#
# Runs SCRIPT.py (two CPU-bound threads, then garbage cycles) under
# `twinpy --stats` on the gil build and checks that the counters are real
# numbers that agree with what the script did: the GIL changed hands and
# was asked to (drop requests, forced switches), threads waited for it and
# the per-thread waits add up to the total, and the collector ran
# automatically and freed the cycles.
set -u
. "$(dirname "$0")/run_stats.sh"
run_stats "$1" "$2"
check_stats '
    $1 ~ /^gil_wait_ms\.thread[0-9]+$/ { per_thread += $2; threads++ }
    END {
        need(v["runtime"] == "gil", "runtime is gil")
        need(v["gil_acquisitions"] >= 4, "gil_acquisitions >= 4 (" v["gil_acquisitions"] ")")
        need(v["gil_drop_requests"] >= 1, "gil_drop_requests >= 1 (" v["gil_drop_requests"] ")")
        need(v["gil_forced_switches"] >= 1, "gil_forced_switches >= 1 (" v["gil_forced_switches"] ")")
        need(v["gil_forced_switches"] <= v["gil_drop_requests"], "forced switches <= drop requests")
        need(v["gil_forced_switch_waits"] <= v["gil_forced_switches"], "forced waits <= forced switches")
        need(v["gil_switches"] >= 2, "gil_switches >= 2 (" v["gil_switches"] ")")
        need(v["gil_switches"] <= v["gil_acquisitions"], "switches <= acquisitions")
        need(v["gil_wait_ms"] > 0, "gil_wait_ms > 0")
        need(threads >= 3, "a wait line per thread (" threads ")")
        # A worker always waits for the one running; the other may not:
        # on a loaded machine the OS can leave the first worker off its
        # core (its timed wait unanswered, no drop request sent) for the
        # whole run of the second, which then takes the GIL once, free.
        need(v["gil_wait_ms.thread1"] > 0 || v["gil_wait_ms.thread2"] > 0, "a worker waited")
        d = per_thread - v["gil_wait_ms"]
        need(d < 0.01 * threads && d > -0.01 * threads, "per-thread waits add up to gil_wait_ms")
        need(v["gc_runs"] >= 3, "gc_runs >= 3 (" v["gc_runs"] ")")
        need(v["gc_runs.gen0"] >= 3, "gc_runs.gen0 >= 3")
        need(v["gc_runs"] == v["gc_runs.gen0"] + v["gc_runs.gen1"] + v["gc_runs.gen2"], "gc_runs adds up")
        need(v["gc_collected"] >= 4000, "gc_collected >= 4000 (" v["gc_collected"] ")")
        need(v["gc_pause_ms_total"] > 0, "gc_pause_ms_total > 0")
        need(v["gc_pause_ms_max"] > 0 && v["gc_pause_ms_max"] <= v["gc_pause_ms_total"], "gc_pause_ms_max in (0, total]")
        need(v["mem_live_blocks"] > 0, "mem_live_blocks > 0")
        exit bad
    }'
echo "ok stats"

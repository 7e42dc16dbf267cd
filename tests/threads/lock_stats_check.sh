#!/bin/sh
# lock_stats_check.sh TWINPY WORKLOAD.py
#
# Runs WORKLOAD.py (threads/data/lock_wait_workload.py: a thread sleeps
# about 0.3 s on a held lock and exits, then 1000 failed non-blocking
# acquires) under `twinpy --stats` and checks the _thread lock counters,
# in either build: the exited thread's sleep is counted (thread_lock_slept,
# and at least 0.25 s of thread_lock_wait_ms), the non-blocking failures
# are not (fewer than 1000 sleeps), and under the GIL nothing spins.
set -u
. "$(dirname "$0")/run_stats.sh"
run_stats "$1" "$2" done
check_stats '
    END {
        need(("thread_lock_spun" in v) && ("thread_lock_slept" in v) && ("thread_lock_wait_ms" in v),
             "the three thread_lock_ counters are printed")
        need(v["thread_lock_slept"] >= 1, "thread_lock_slept >= 1 (" v["thread_lock_slept"] ")")
        need(v["thread_lock_slept"] < 1000, "failed non-blocking acquires are not sleeps (" v["thread_lock_slept"] ")")
        need(v["thread_lock_wait_ms"] >= 250, "thread_lock_wait_ms >= 250 (" v["thread_lock_wait_ms"] ")")
        need(v["thread_lock_spun"] >= 0, "thread_lock_spun is a count")
        if (v["runtime"] == "gil")
            need(v["thread_lock_spun"] == 0, "nothing spins under the GIL (" v["thread_lock_spun"] ")")
        exit bad
    }'
echo "ok lock stats"

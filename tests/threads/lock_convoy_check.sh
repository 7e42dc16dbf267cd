#!/bin/sh
# lock_convoy_check.sh TWINPY WORKLOAD.py   (gil build)
#
# Runs WORKLOAD.py (threads/data/lock_convoy_workload.py: two threads take
# one lock in a loop, a million times each) under `twinpy --stats` and
# checks that the lock did not drag the GIL along with it: a thread woken
# by a release retries the lock only once it holds the GIL (for its first
# 50 ms of waiting; threadmodule.c), so the GIL changes hands about once a
# switch interval (5 ms), a few dozen times here.  A waiter that retried
# outside the GIL won the lock between two of its holder's iterations and
# then forced a GIL switch, about once every 45 iterations: some 40,000
# switches and as many sleeps (68,000 in a run on an idle machine).  The
# bound, 2,000 of each, is met by a run of up to ten seconds at one switch
# per interval.  That convoy needs the woken thread to run at once on
# another core: beside other work (ctest -j2) the old code made 30-670
# switches, so this test catches the regression only where a core is
# free.
set -u
. "$(dirname "$0")/run_stats.sh"
run_stats "$1" "$2" done
check_stats '
    END {
        need(v["runtime"] == "gil", "runs on the gil build (runtime " v["runtime"] ")")
        need(("gil_switches" in v) && ("thread_lock_slept" in v), "gil_switches and thread_lock_slept are printed")
        need(v["gil_switches"] < 2000, "the GIL changed hands fewer than 2000 times (" v["gil_switches"] ")")
        need(v["thread_lock_slept"] < 2000, "fewer than 2000 sleeps on the lock (" v["thread_lock_slept"] ")")
        exit bad
    }'
echo "ok lock convoy"

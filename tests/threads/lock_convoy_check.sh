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
# switches and as many sleeps.  The bound, 2,000 of each, is met by a run
# of up to ten seconds at one switch per interval, and missed by that
# convoy unless it never starts (each forced switch that lands inside the
# other thread's critical section starts it).
set -u
twinpy="$1"
script="$2"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twin_convoy.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
"$twinpy" --stats "$script" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
if [ $rc -ne 0 ] || [ "$(cat "$tmp/out")" != "done" ]; then
    echo "FAIL: exit status $rc, output: $(cat "$tmp/out")"
    cat "$tmp/err"
    exit 1
fi
awk '
    { v[$1] = $2 }
    function need(cond, what) { if (!cond) { print "FAIL: " what; bad = 1 } }
    END {
        need(v["runtime"] == "gil", "runs on the gil build (runtime " v["runtime"] ")")
        need(("gil_switches" in v) && ("thread_lock_slept" in v), "gil_switches and thread_lock_slept are printed")
        need(v["gil_switches"] < 2000, "the GIL changed hands fewer than 2000 times (" v["gil_switches"] ")")
        need(v["thread_lock_slept"] < 2000, "fewer than 2000 sleeps on the lock (" v["thread_lock_slept"] ")")
        exit bad
    }' "$tmp/err" || { echo "--- stats:"; cat "$tmp/err"; exit 1; }
echo "ok lock convoy"

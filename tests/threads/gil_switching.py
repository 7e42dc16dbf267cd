# Two CPU-bound threads share the interpreter.  With a GIL the holder
# changes about once per switch interval (a waiter asks after one interval,
# the holder drops at its next check): sampled by which thread last wrote a
# shared variable.  The bounds are structural, not timings: a holder keeps
# the GIL for at least one interval (upper bound on changes), and both
# threads must get turns (lower bound, with a wide margin).  Without a GIL
# (nogil build) both threads simply make progress.
import sys
import threading
import time

gil = getattr(sys, "_is_gil_enabled", lambda: True)()


def run_pair(interval, duration):
    sys.setswitchinterval(interval)
    owner = [None]
    changes = [0]
    stop = [False]
    counts = [0, 0]

    def spin(me):
        n = 0
        while not stop[0]:
            if owner[0] != me:
                owner[0] = me
                changes[0] += 1
            n += 1
        counts[me] = n

    ts = [threading.Thread(target=spin, args=(i,)) for i in range(2)]
    t0 = time.perf_counter()
    for t in ts:
        t.start()
    time.sleep(duration)
    stop[0] = True
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - t0
    return changes[0], counts, elapsed


for interval, duration in ((0.005, 0.5), (0.001, 0.3), (0.05, 0.6)):
    changes, counts, elapsed = run_pair(interval, duration)
    both = counts[0] > 0 and counts[1] > 0
    if gil:
        # each turn lasts at least about one interval (the waiter waits a
        # full interval before asking); the main thread waking up adds a
        # few extra changes
        most = elapsed / interval * 1.3 + 6
        # a 20x slack for a loaded machine
        least = min(4, elapsed / interval / 20)
        ok = least <= changes <= most
        if not ok:
            print("interval", interval, "changes", changes, "elapsed", round(elapsed, 3),
                  "allowed", least, most, file=sys.stderr)
    else:
        ok = True
    print("interval", interval, "both progressed:", both, "switch rate plausible:", ok)

sys.setswitchinterval(0.005)
print(sys.getswitchinterval())

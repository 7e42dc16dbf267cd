# Workload for stats_check.sh: two CPU-bound threads long enough for
# several switch intervals, then 5000 garbage cycles with the collector on.
# Each thread spins its count and then on until the other has started (20 s
# at most): on a loaded machine the second thread may start only after the
# first one's count is done, and the two must still overlap for the GIL to
# change hands on request.
import sys
import threading
import time

sys.setswitchinterval(0.002)
started = [False, False]


def spin(i, n):
    started[i] = True
    deadline = time.monotonic() + 20
    while n > 0:
        n -= 1
    while not started[1 - i] and time.monotonic() < deadline:
        pass


ts = [threading.Thread(target=spin, args=(i, 1000000)) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
for i in range(5000):
    x = []
    x.append(x)
print("done")

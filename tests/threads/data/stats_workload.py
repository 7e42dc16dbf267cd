# Workload for stats_check.sh: two CPU-bound threads long enough for
# several switch intervals, then 5000 garbage cycles with the collector on.
import sys
import threading

sys.setswitchinterval(0.002)


def spin(n):
    while n > 0:
        n -= 1


ts = [threading.Thread(target=spin, args=(1000000,)) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
for i in range(5000):
    x = []
    x.append(x)
print("done")

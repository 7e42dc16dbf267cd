# sys.setswitchinterval / getswitchinterval as CPython keeps them: whole
# microseconds, truncated (an interval under 1 us reads back as 0.0, and
# the GIL then waits the shortest possible time); non-positive values are
# refused.  Threads still take turns at the shortest interval.
import sys
import threading
import time

print(sys.getswitchinterval())
for v in (0.001, 0.0015, 2.5, 1e-9, 1e-6, 0.005):
    sys.setswitchinterval(v)
    print(v, sys.getswitchinterval())
for v in (0, -1, -0.5):
    try:
        sys.setswitchinterval(v)
    except ValueError as e:
        print("ValueError:", e)
print(sys.getswitchinterval())

sys.setswitchinterval(1e-9)
seen = [set(), set()]
owner = [None]


def turns_taken():
    return 1 in seen[0] and 0 in seen[1]


deadline = time.monotonic() + 20.0


def spin(me):
    # Until each thread has seen the other one write in between its own
    # writes (one may run alone for a while before the other has started),
    # or 20 s at most: without switches, the thread that ran first never
    # sees the other's write.
    i = 0
    while not turns_taken():
        if owner[0] != me:
            seen[me].add(owner[0])
            owner[0] = me
        i += 1
        if i % 1000 == 0 and time.monotonic() > deadline:
            break


ts = [threading.Thread(target=spin, args=(k,)) for k in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
# each thread saw the other one write in between its own writes
print(turns_taken())
sys.setswitchinterval(0.005)
print(sys.getswitchinterval())

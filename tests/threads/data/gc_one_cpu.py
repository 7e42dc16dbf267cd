# Run on one CPU (threads.gc_one_cpu runs it under `taskset -c 0`): four
# threads allocating cycles at once.  Only one of them can run at a time,
# so a collection is due every threshold-0 new objects, as with one
# thread: the nogil runtime scales the young threshold with the threads
# that can run at once (online, at most the CPUs), not with the threads
# online.  Scaled by the four threads online it collected a third as often.
# The count is a lower bound CPython meets too: it counts the two nodes
# of each cycle (twinpy also tracks their instance dicts).
import gc
import threading

N = 20000
THREADS = 4


class Node:
    def __init__(self):
        self.other = None


go = threading.Event()


def work(n):
    go.wait()
    for _ in range(n):
        a = Node()
        b = Node()
        a.other = b
        b.other = a


def collections():
    return sum(g["collections"] for g in gc.get_stats())


gc.collect()
before = collections()
workers = [threading.Thread(target=work, args=(N,)) for _ in range(THREADS)]
for w in workers:
    w.start()
go.set()
for w in workers:
    w.join()
ran = collections() - before
expected = THREADS * N * 2 // 700
print("automatic collections:", ran, "at least", expected * 9 // 10, ran >= expected * 9 // 10)

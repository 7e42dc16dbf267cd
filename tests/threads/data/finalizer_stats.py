# --stats counts finalizers run (gc_finalizers): 10 deaths by count, 5
# two-object cycles collected (10), 5 objects resurrected once and freed
# again later without a second run (5): 25, in a worker thread and the
# main thread.
import gc
import threading

kept = []


class D:
    def __del__(self):
        pass


class R:
    def __del__(self):
        kept.append(self)


def work():
    for i in range(10):
        D()
    for i in range(5):
        a = D(); b = D(); a.o = b; b.o = a
    del a, b
    gc.collect()


t = threading.Thread(target=work)
t.start()
t.join()
for i in range(5):
    R()
kept.clear()
gc.collect()

# --stats counts finalizers run (gc_finalizers): 10 deaths by count, 5
# two-object cycles collected (10), 5 objects resurrected once and freed
# again later without a second run (5), 3 generators suspended at a yield
# in garbage cycles, closed by the collector (3): 28, in a worker thread
# and the main thread.  Finished and never-started generators in garbage
# cycles (4 + 2) have nothing to close: their finalizers do not run.
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


class Holder:
    pass


closed = []


def gen(i):
    try:
        yield i
        yield i + 1
    finally:
        closed.append(i)


for i in range(4):
    h = Holder()
    h.me = h
    h.g = gen(i)
    assert list(h.g) == [i, i + 1]
for i in range(2):
    h = Holder()
    h.me = h
    h.g = gen(10 + i)
for i in range(3):
    h = Holder()
    h.me = h
    h.g = gen(20 + i)
    assert next(h.g) == 20 + i
del h
closed.clear()
gc.collect()
assert sorted(closed) == [20, 21, 22], closed
print("closed", sorted(closed))

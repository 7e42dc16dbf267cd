# Finalizers (__del__): when the last reference goes, in CPython's order;
# in cycles, run by the collector before anything is cleared; once per
# object, resurrection included; exceptions reported and ignored.
import gc
import sys
import threading

log = []


class D:
    def __init__(self, name, child=None):
        self.name = name
        self.child = child

    def __del__(self):
        log.append(self.name)
        print("del", self.name, "child:", None if self.child is None else self.child.name)


def show(title):
    print(title, log)
    log.clear()


# --- the last reference goes ---------------------------------------------
d = D("a")
del d
show("del:")

def f():
    x = D("local")
    y = D("local2")
f()
show("return:")

d = D("first")
d = D("second")
show("rebound:")
del d
show("then:")

l = [D("l0"), D("l1"), D("l2")]
l = None
show("list:")
t = (D("t0"), D("t1"))
t = None
show("tuple:")
dd = {"k0": D("d0"), "k1": D("d1")}
dd = None
show("dict:")
lst = [D("c0"), D("c1")]
lst.clear()
show("list.clear:")
p = D("parent", D("kid", D("grandkid")))
del p
show("chain:")
x = D("temp").name
show("temporary:")

# --- exceptions ----------------------------------------------------------
class Bad:
    def __del__(self):
        raise ValueError("boom in __del__")

b = Bad()
del b
print("after a raising __del__")

class Nested:
    def __del__(self):
        try:
            raise KeyError("inner")
        except KeyError:
            raise ValueError("outer")     # reported without its context

n = Nested()
del n
print("after a chained one")

# a generator closed when its last reference goes: what its finally
# raises is reported the same way
def closing():
    try:
        yield 1
    finally:
        raise RuntimeError("from finally")

gen = closing()
next(gen)
del gen
print("after the generator")

try:
    raise KeyError("pending")
except KeyError as e:
    d = D("during except")
    del d
    print("still handling", repr(e), repr(sys.exc_info()[1]))
show("except:")

# --- resurrection ----------------------------------------------------------
saved = []

class Phoenix:
    runs = 0
    def __del__(self):
        Phoenix.runs += 1
        saved.append(self)

ph = Phoenix()
del ph
print("resurrected:", len(saved), "runs", Phoenix.runs, "refcount", sys.getrefcount(saved[0]))
saved.clear()
print("dropped again: runs", Phoenix.runs)

# --- inheritance, super(), late definition ----------------------------------
class Base:
    def __del__(self):
        print("Base.__del__", type(self).__name__)

class Derived(Base):
    def __del__(self):
        print("Derived.__del__")
        super().__del__()

class Plain(Base):
    pass

o = Derived(); del o
o = Plain(); del o

class Late:
    pass

o = Late()
Late.__del__ = lambda self: print("late __del__")
del o
del Late.__del__
o = Late(); del o
print("after removing __del__")

# --- another thread drops the last reference ---------------------------------
# (which thread runs the finalizer is not printed: on the nogil build it is
# the object's owner, here the main thread, once it takes back the
# reference the worker queued to it; the GIL build and python3 run it in
# the worker)
class Named:
    def __del__(self):
        print("dropped by the worker")

box = [Named()]

def worker():
    box.pop()

th = threading.Thread(target=worker, name="worker")
th.start()
th.join()

# --- cycles -----------------------------------------------------------------
class Node:
    def __init__(self, name):
        self.name = name
        self.peer = None

    def __del__(self):
        log.append(f"{self.name} sees {self.peer.name}")

gc.collect()
a = Node("a"); b = Node("b"); a.peer = b; b.peer = a
del a, b
print("collected:", gc.collect())
show("cycle:")
print("again:", gc.collect())

# a self-cycle that resurrects itself: survives the collection with all it
# reaches, and is freed later without a second finalizer run
keep = []

class Rises:
    runs = 0
    def __init__(self):
        self.me = self
        self.data = [1, 2, 3]

    def __del__(self):
        Rises.runs += 1
        keep.append(self)

r = Rises()
del r
print("collected:", gc.collect(), "runs", Rises.runs, "kept", len(keep), keep[0].data)
keep[0].me = None
keep.clear()
print("collected:", gc.collect(), "runs", Rises.runs)

# a cycle whose finalizer breaks it
class Breaker:
    def __init__(self, name):
        self.name = name
        self.other = None

    def __del__(self):
        log.append(self.name)
        self.other = None

x = Breaker("x"); y = Breaker("y"); x.other = y; y.other = x
del x, y
print("collected:", gc.collect())
print(sorted(log))
log.clear()

# a finalizer in a cycle with objects that have none
holder = Node("holder")
holder.peer = Node("plain-peer")
holder.peer.peer = holder
ring = [holder]
ring.append(ring)
del holder, ring
gc.collect()
show("mixed cycle:")

# --- many at once: a long chain, each with a finalizer ------------------------
count = [0]

class Link:
    def __init__(self, nxt):
        self.nxt = nxt

    def __del__(self):
        count[0] += 1

head = None
for i in range(5000):
    head = Link(head)
del head
print("chain finalized:", count[0])

# a deep chain, whose deaths the trashcan postpones, where link 150
# resurrects itself: it survives with the links it holds; made a cycle and
# dropped, the collector finds it (tracked again after its finalizer) and
# frees it without a second run, and the links it held run theirs
deep_kept = []
deaths = [0]

class Deep:
    def __init__(self, nxt, i):
        self.nxt = nxt
        self.i = i

    def __del__(self):
        deaths[0] += 1
        if self.i == 150:
            deep_kept.append(self)

head = None
for i in range(300):
    head = Deep(head, i)
del head
print("deep deaths:", deaths[0], "kept:", [o.i for o in deep_kept])
x = deep_kept.pop()
x.me = x
del x
print("collected:", gc.collect(), "deaths:", deaths[0])

# --- generators in cycles ------------------------------------------------------
# a suspended generator is closed by the collector, its finally run before
# the cycle is cleared; one whose finally raises is reported and ignored
class Box:
    pass

def boxed(box, label, fail):
    try:
        yield 1
    finally:
        print("finally of", label, "sees its box:", box.gen is not None)
        if fail:
            raise OSError("finally of " + label)

for label, fail in (("quiet", False), ("failing", True)):
    b = Box()
    b.gen = boxed(b, label, fail)
    next(b.gen)
    del b
    gc.collect()
print("after the generators")
# a generator that never started, one that finished: nothing to run
b = Box()
b.gen = boxed(b, "unstarted", False)
c = Box()
c.gen = boxed(c, "finished", False)
next(c.gen)
for _ in c.gen:
    pass
del b, c
gc.collect()
print("done")

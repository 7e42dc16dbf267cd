# gc.collect() counts for cycles through class instances, bound methods
# and dicts, compared with CPython 3.11, which keeps a plain instance's
# attributes inline (no separate dict object to find) and leaves dicts of
# atomic values untracked.  Each case uses a class of its own: CPython's
# inline attributes depend on what earlier instances of the class did.
# The last case: the function object of a comprehension is not left
# behind for the collector to find.
import gc

gc.collect()


def report(name):
    print(f"{name:28} {gc.collect()}")


class A:
    pass


x = A()
y = A()
x.other = y
y.other = x
del x, y
report("instance pair")


class B:
    pass


x = B()
x.me = x
del x
report("instance in itself")


class C:
    def method(self):
        return self


c = C()
c.bound = c.method
del c
report("bound method cycle")


class D:
    def __init__(self):
        self.items = []
        self.items.append(self)


d = D()
del d
report("instance <-> list")


class E:
    pass


e = E()
e.table = {"k": e}
del e
report("instance <-> dict value")


class F:
    pass


f = F()
f.data = {"a": 1, "b": "two"}
f.me = f
del f
report("atomic dict attribute")

l = [{}, {1: 2}, {"s": (1, 2)}]
l.append(l)
del l
report("atomic dicts in a list")

l = [{1: []}]
l.append(l)
del l
report("dict holding a list")


class G(list):
    pass


g = G()
g.tag = "x"
g.append(g)
del g
report("list subclass instance")


class H(Exception):
    pass


h = H()
h.me = h
del h
report("exception instance")


class Node:
    def __init__(self, nxt):
        self.nxt = nxt


head = Node(None)
cur = head
for i in range(99):
    cur = Node(cur)
head.nxt = cur
del head, cur
report("ring of 100 instances")

ring = [[] for i in range(50)]
for i in range(50):
    ring[i].append(ring[(i + 1) % 50])
del ring, i
report("ring built by comprehension")

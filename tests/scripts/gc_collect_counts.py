# What gc.collect() returns for cycles of the common shapes: the number of
# unreachable objects CPython 3.11 would have tracked (dicts of atoms and
# instance attribute dicts are not counted), the same in both runtimes.
import gc


class Node:
    pass


def report(label):
    print(label, gc.collect())


gc.collect()
report("nothing")

for i in range(3):
    d1 = {}
    d2 = {"a": d1}
    d1["b"] = d2
    lst = [d1]
    d2["l"] = lst
del d1, d2, lst
report("dict cycles")

for i in range(4):
    a = Node()
    b = Node()
    a.other = b
    b.other = a
del a, b
report("instance pairs")

for i in range(5):
    a = Node()
    b = Node()
    a.other = b
    b.other = a
    a.d = {"x": a}
    a.atoms = {"k": 1, "s": "v"}
del a, b
report("instances with dicts")


class Local:
    pass


report("class statement")


def make_closure_cycle():
    def inner():
        return inner
    return inner


for i in range(2):
    make_closure_cycle()
report("closure cycles")

x = []
x.append(x)
t = (x,)
x.append(t)
del x, t
report("list and tuple")

big = Node()
big.__dict__.update({"a%d" % k: k for k in range(40)})
big.me = big
del big
report("instance with many attributes")
report("again")

# gc.collect() frees reference cycles and returns the number of
# unreachable objects it found: the same numbers CPython prints, for
# containers whose tracking is the same in every Python (lists, dicts of
# containers, closures, tuples built at run time, deep and wide cycles).
import gc

gc.collect()


def report(name):
    print(f"{name:24} {gc.collect()}")


l = []
l.append(l)
del l
report("list in itself")

a = {}
b = {}
a["b"] = b
b["a"] = a
del a, b
report("dict pair")

a = [[]]
b = {"x": a}
a.append(b)
del a, b
report("list/dict/list")


def make_closure():
    def inner():
        return inner
    return inner


f = make_closure()
del f
report("closure cycle")

v = 7
t = ([], (v, v))
t[0].append(t)
del t
report("tuple/list")

ring = []
for i in range(50):
    ring.append([])
for i in range(50):
    ring[i].append(ring[(i + 1) % 50])
del ring, i
report("ring of 50")

many = []
for i in range(300):
    z = []
    z.append(z)
    many.append(z)
del many, z
report("300 self-lists")

deep = []
cur = deep
for i in range(20000):
    nxt = []
    cur.append(nxt)
    cur = nxt
cur.append(deep)
del deep, cur, nxt
report("deep cycle 20000")

keep = []
keep.append(keep)
report("reachable cycle")
del keep
report("after del")
report("nothing left")

# collecting a younger generation finds cycles made since its last run
x = []
x.append(x)
del x
print("gen0", gc.collect(0))
x = {}
x["x"] = x
del x
print("gen1", gc.collect(1))
x = [[]]
x[0].append(x)
del x
print("gen2", gc.collect(2))
try:
    gc.collect(3)
except ValueError as e:
    print("ValueError:", e)

# the API around it
print(gc.get_threshold(), gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
gc.set_threshold(500, 5, 7)
print(gc.get_threshold())
gc.set_threshold(700)
print(gc.get_threshold())
gc.set_threshold(700, 10, 10)
print(len(gc.get_count()), all(isinstance(c, int) for c in gc.get_count()))
print(gc.is_tracked([]), gc.is_tracked(1), gc.is_tracked("s"))

# The gc module's surface and a collected cycle.
import gc
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
t = gc.get_threshold()
print(len(t), all(isinstance(v, int) for v in t), t[0] > 0)
gc.set_threshold(500, 5, 5)
print(gc.get_threshold())
gc.set_threshold(*t)
print(gc.get_threshold() == t)
c = gc.get_count()
print(type(c).__name__, len(c))
print(isinstance(gc.collect(), int), gc.collect() >= 0, gc.collect(0) >= 0, gc.collect(generation=1) >= 0)
stats = gc.get_stats()
print(len(stats), sorted(stats[0]))


class Node:
    def __init__(self, name):
        self.name = name
        self.other = None


gc.collect()
a = Node("a")
b = Node("b")
a.other = b
b.other = a
del a, b
found = gc.collect()
print("cycle collected:", found >= 2)
l = []
l.append(l)
del l
print("self-referencing list collected:", gc.collect() >= 1)
print("second collection finds no more of them:", gc.collect() < found or found == 0)
try:
    gc.collect(3)
except ValueError as e:
    print("ValueError:", e)
gc.disable()
x = []
x.append(x)
del x
print("collect works while disabled:", gc.collect() >= 1)
gc.enable()

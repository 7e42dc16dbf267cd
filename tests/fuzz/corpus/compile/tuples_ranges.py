# Tuples and ranges: immutability, methods, comparison, hashing.
t = (3, 1, 4, 1, 5)
print(t.count(1), t.index(4), len(t), t[1:3], t + (9,), t * 2, 4 in t, min(t), max(t), sorted(t))
print((1, 2) < (1, 3), (1, 2) < (1, 2, 0), () == (), (1,) == (1,), tuple("ab"), hash((1, "a")) == hash((1, "a")))
try:
    t[0] = 0
except TypeError as e:
    print("TypeError:", e)
try:
    t.index(99)
except ValueError as e:
    print("ValueError:", e)
point = {(0, 0): "origin", (1, 2): "p"}
print(point[(1, 2)], point[0, 0])
single = 5,
print(single, type(single).__name__, (5), ((1, 2), (3,)))
r = range(3, 20, 4)
print(list(r), r.start, r.stop, r.step, r.index(11), r.count(7), len(range(10, 0)), list(range(-3)))
print(range(0, 10, 3)[-1], list(range(10)[::3]), range(5)[2], sum(range(1, 101)))
nested = ([1, 2], 3)
nested[0].append(99)
print(nested)
a, *b = (1, 2, 3)
print(a, b)
print(tuple(x * x for x in range(4)), tuple(), tuple([]) == tuple(()))

# Unpacking assignments.
a, b = 1, 2
print(a, b)
a, b = b, a
print(a, b)
x, y, z = "xyz"
print(x, y, z)
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = (1, 2, 3, 4)
print(init, last)
head, *middle, tail = range(6)
print(head, middle, tail)
p, *q = [1]
print(p, q)
(m, n), o = (1, 2), 3
print(m, n, o)
for i, (k, v) in enumerate([("a", 1), ("b", 2)]):
    print(i, k, v)
for k, v in {"one": 1, "two": 2}.items():
    print(k, v)
i = j = 5
print(i, j)
lst = [0, 0]
lst[0], lst[1] = 10, 20
print(lst)
d = {}
d["a"], d["b"] = "AB"
print(d)
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print("ValueError:", e)
try:
    a, b, c = [1, 2]
except ValueError as e:
    print("ValueError:", e)
try:
    a, b = 5
except TypeError as e:
    print("TypeError:", e)
print(*[1, 2, 3], sep="-")
print([*range(3), *"ab"], (*[1], 2), {**{"a": 1}, "b": 2})
def f(a, b, c):
    return a + b + c
print(f(*[1, 2, 3]), f(1, *(2, 3)), f(**{"a": 1, "b": 2, "c": 3}), f(1, **{"c": 3, "b": 2}))

# Everyday set and frozenset operations.
s = {3, 1, 2}
s.add(4)
s.add(1)
s.discard(10)
s.discard(3)
print(sorted(s), len(s), 2 in s, 3 in s)
s.remove(4)
print(sorted(s))
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b)), sorted(a.intersection(b)), sorted(a.difference(b)), sorted(a.symmetric_difference(b)))
print({1, 2} <= a, {1, 2} < a, a >= {1}, a.issubset({1, 2, 3, 4, 5}), a.issuperset({1}), a.isdisjoint({9}))
c = set(a)
c |= {10}
c &= {1, 10}
print(sorted(c))
c -= {1}
print(c)
c.update([7, 8], {9})
print(sorted(c))
print(c.pop() in {7, 8, 9, 10}, len(c))
c.clear()
print(c, set(), len(set("hello")), sorted(set("hello")))
f = frozenset([1, 2, 2])
print(sorted(f), f == {1, 2}, {f: "frozen key"}[frozenset({2, 1})], hash(f) == hash(frozenset([2, 1])))
try:
    {1}.remove(5)
except KeyError as e:
    print("KeyError:", e)
try:
    {[1]}
except TypeError as e:
    print("TypeError:", e)
try:
    set().pop()
except KeyError as e:
    print("KeyError:", e)
print(set([1, 2]) == frozenset([1, 2]), {1, 2} == {2, 1}, repr(set()), repr({5}), repr(frozenset()))
seen = set()
dupes = [x for x in [1, 2, 1, 3, 2] if x in seen or seen.add(x)]
print(dupes)
print(sorted({x % 3 for x in range(10)}), sorted(set(range(5)) - {0, 4}))

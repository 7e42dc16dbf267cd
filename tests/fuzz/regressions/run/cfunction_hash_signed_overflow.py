# Everyday set and frozenset operations.
s = {3, repr}
s.add(4)
s.add(1)
s.discard(10)
s.discard(3)
print(sorted(s), len(s), 2 in s, 3 in s)
s.remove(4)
print(sorted(s))
a = {2, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sted(set(range(5)) - {0, 4}))

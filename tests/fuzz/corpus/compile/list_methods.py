# Everyday list methods.
l = [3, 1, 2]
l.append(4)
l.extend([5, 6])
l.extend(range(7, 9))
l.insert(0, 0)
l.insert(100, 99)
l.insert(-1, 98)
print(l)
print(l.pop(), l.pop(0), l.pop(-2), l)
l.remove(98)
print(l, l.index(5), l.count(2), len(l), 2 in l)
l.sort()
print(l)
l.sort(reverse=True)
print(l)
words = ["banana", "Apple", "cherry", "date"]
words.sort(key=str.lower)
print(words)
words.sort(key=len, reverse=True)
print(words)
print(sorted(words, key=lambda w: (len(w), w)))
l.reverse()
print(l)
c = l.copy()
c.append("new")
print(l, c)
c.clear()
print(c)
pairs = [(2, "b"), (1, "a"), (2, "a"), (1, "b")]
print(sorted(pairs), sorted(pairs, key=lambda p: p[1]))
stable = sorted([("x", 2), ("y", 1), ("z", 2), ("w", 1)], key=lambda p: p[1])
print(stable)
print([1, 2] + [3], [1, 2] * 2, [[1, 2], [3]][1], list("abc"), list(range(3)), list((1, 2)))
print([1, 2, 3] == [1, 2, 3], [1, 2] < [1, 2, 0], [] == [], max([4, 9, 2]), min([4, 9, 2]), sum([4, 9, 2]))
nested = [[3, 2], [1]]
nested[0].sort()
print(nested)
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
try:
    [1].remove(2)
except ValueError as e:
    print("ValueError:", e)
try:
    [1, 2].index(5)
except ValueError as e:
    print("ValueError:", e)
try:
    [1, "a"].sort()
except TypeError as e:
    print("TypeError:", e)
stack = []
for i in range(3):
    stack.append(i)
while stack:
    print("pop", stack.pop())
s = [5, 3, 8]
del s[0]
print(s)
lst = [1, 2, 3]
lst[1:2] = []
print(lst, [0] * 3, list(reversed([1, 2, 3])), [x for x in reversed(range(3))])
print(repr([1, "two", 3.0, None, [True]]), str(["a"]))
selfref = [1]
selfref.append(selfref)
print(selfref)

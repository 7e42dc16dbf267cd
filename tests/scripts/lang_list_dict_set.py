l = [3, 1, 2]
l.append(4); l.extend([5, 6]); l.extend(range(2)); l.insert(0, 'h'); l.insert(100, 'end'); l.insert(-1, 'pre')
print(l)
print(l.pop(), l.pop(0), l.pop(-2), l)
l.remove(1); print(l, l.index(2), l.count(0), [1, 1, 2].count(1), l.index(5, 2))
l = [5, 2, 8, 1]
l.sort(); print(l)
l.sort(reverse=True); print(l)
l.sort(key=lambda x: (x % 2, x)); print(l)
words = ['banana', 'Apple', 'cherry', 'date']
words.sort(key=str.lower); print(words)
words.sort(key=len, reverse=True); print(words)
l.reverse(); print(l)
c = l.copy(); c.append(0); print(l, c)
l.clear(); print(l)
print([1, 2] * 3, [1] + [2], [[0] * 2] * 2, [x for x in 'ab'] == ['a', 'b'], [1, 2, 3][1:], list(range(3)) * 0)
nested = [[1, 2], [3, 4]]
nested[0][1] = 9; print(nested)
pairs = [('b', 2), ('a', 2), ('c', 1)]
print(sorted(pairs, key=lambda p: p[1]), sorted(pairs, key=lambda p: (-p[1], p[0])))
stable = sorted([(1, 'x'), (0, 'y'), (1, 'a'), (0, 'b')], key=lambda p: p[0]); print(stable)
d = {'b': 1, 'a': 2}
d['c'] = 3
print(d, d.get('a'), d.get('z'), d.get('z', 0), list(d.keys()), list(d.values()), list(d.items()), len(d), 'a' in d, 2 in d)
print(d.setdefault('a', 100), d.setdefault('n', []), d)
d['n'].append(1)
d.update({'a': 20}, z=26); d.update([('q', 0)]); print(d)
print(d.pop('a'), d.pop('missing', None), d.popitem(), d)
for k, v in d.items():
    print(k, v, end='; ')
print()
for k in d:
    print(k, end=' ')
print()
e = dict.fromkeys('abc', 0); print(e, dict.fromkeys([1, 2]))
print({**d, 'new': 1} if True else '', dict(d) == d, dict(d) is d, d.copy() == d)
del d['b']; print(d, sorted(d), sorted(d.items(), reverse=True), d.keys() & {'c'} if False else '')
dd = {}
for word in 'the cat the dog the end'.split():
    dd[word] = dd.get(word, 0) + 1
print(dd, max(dd, key=dd.get), sorted(dd.items(), key=lambda kv: (-kv[1], kv[0])))
print({1: 'a', 1.0: 'b', True: 'c'}, {(1, 2): 3}[(1, 2)], list({3: 0, 1: 0, 2: 0}))
d2 = {'x': 1}
d2.clear(); print(d2, {} == {}, {'a': 1} == {'a': 1.0}, {'a': 1} != {'a': 2})
s = {3, 1, 2}
s.add(4); s.add(1); s.discard(10); s.discard(3); print(s, len(s), 2 in s)
s.remove(4); print(s, s.pop() in (1, 2), s)
a = {1, 2, 3, 4}
b = {3, 4, 5}
print(a | b, a & b, a - b, b - a, a ^ b, a.union(b, [9]), a.intersection(b), a.difference(b), a.symmetric_difference(b))
print({1, 2} <= a, {1, 2} < {1, 2}, a >= {1}, a.issubset(range(10)), a.issuperset([1, 2]), a.isdisjoint({7}), {1} == {1.0})
c = a.copy(); c.update([10, 11]); c |= {12}; c &= {10, 11, 12, 1}; c -= {11}; print(sorted(c))
c.clear(); print(c, set('hello') == {'h', 'e', 'l', 'o'}, sorted(set('mississippi')), frozenset([1, 2]) == {1, 2})
print(sorted({x % 4 for x in range(20)}), {n: n * n for n in range(4)}, [(i, j) for i in range(3) for j in range(i) if j != 1])
print(sorted(set([3, 1, 2]), reverse=True), sorted([{1, 2}, {1}], key=len), len(set()), set() == set(), bool(set()))
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)], [x for row in matrix for x in row if x % 2], {k: [v] for k, v in zip('ab', (1, 2))})
t = (1, 2, 3, 2)
print(t.count(2), t.index(3), t + (4,), t * 2, t[::-1], len(t), 2 in t, max(t), tuple(sorted(t)), (1, 2) < (1, 2, 0), ((1,),))
print(list(range(5))[::-2], [1, 2, 3].__len__(), [1, 2] == [1, 2], [1, 2] is [1, 2], [1, [2]] == [1, [2]])
x = [1, 2, 3]
y = x
x = x + [4]
print(x, y)
print(repr([]), repr([[]]), str({'a': [1, {'b': None}]}), repr({1: {2: ()}}), [None, True, 1.5, 'str'])
gen = (i * i for i in range(5))
print(next(gen), list(gen), sum(i for i in range(10) if i % 2), max((len(w), w) for w in ['a', 'bbb', 'cc']))

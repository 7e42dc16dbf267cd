# list.sort and sorted on inputs made of runs (ascending, descending, with
# equal keys), checked for order and stability against python3, plus the
# comparisons a sorted or reversed input costs and a comparison that
# raises halfway.


class K:
    calls = 0

    def __init__(self, v, tag):
        self.v = v
        self.tag = tag

    def __lt__(self, other):
        K.calls += 1
        return self.v < other.v

    def __repr__(self):
        return f"{self.v}{self.tag}"


def lcg(seed):
    x = seed
    while True:
        x = (x * 1103515245 + 12345) % 2147483648
        yield x


def shapes(n):
    r = lcg(n)
    yield 'ascending', list(range(n))
    yield 'descending', list(range(n, 0, -1))
    yield 'descending with ties', [i // 3 for i in range(n, 0, -1)]
    yield 'ascending with ties', [i // 4 for i in range(n)]
    yield 'organ pipe', list(range(n // 2)) + list(range(n // 2, 0, -1))
    yield 'sawtooth', [i % 37 for i in range(n)]
    yield 'runs of 5 down', [(i // 5) * 5 + (4 - i % 5) for i in range(n)]
    yield 'random', [next(r) % 1000 for _ in range(n)]
    yield 'few values', [next(r) % 3 for _ in range(n)]
    yield 'sorted then one', list(range(n)) + [n // 2]


for n in (0, 1, 2, 3, 31, 32, 33, 64, 100, 1000, 5000):
    for name, data in shapes(n):
        tagged = [K(v, i) for i, v in enumerate(data)]
        K.calls = 0
        out = sorted(tagged)
        ok = all(not (out[i + 1] < out[i]) for i in range(len(out) - 1))
        # stable: equal values keep their input order (tags increase)
        stable = all(out[i].tag < out[i + 1].tag for i in range(len(out) - 1)
                     if out[i].v == out[i + 1].v)
        rev = sorted(data, reverse=True)
        keyed = sorted(range(len(data)), key=lambda i: data[i])
        print(n, name, ok, stable, rev == sorted(data)[::-1],
              [data[i] for i in keyed] == sorted(data), sum(data))
    if n >= 1000:
        for name, data in shapes(n):
            if name in ('ascending', 'descending', 'ascending with ties'):
                tagged = [K(v, i) for i, v in enumerate(data)]
                K.calls = 0
                tagged.sort()
                print(n, name, 'comparisons <= n:', K.calls <= n)

# A comparison that raises: the error comes out and the list keeps every item.


class Bad:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        if self.v == 77 or other.v == 77:
            raise ValueError('no order for 77')
        return self.v < other.v


items = [Bad(v) for v in list(range(200, 100, -1)) + list(range(100))]
try:
    items.sort()
except ValueError as e:
    print('ValueError', e)
print(sorted(b.v for b in items) == sorted(list(range(200, 100, -1)) + list(range(100))))
print(sorted([3, 1, 2], key=lambda x: -x), sorted('banana'), sorted([(2, 'b'), (1, 'z'), (2, 'a')]))

# Already in order, or strictly the other way, for both directions; ties
# in a descending run keep their order with reverse=True; NaN as python3.
for data in ([1, 2, 2, 3], [3, 2, 1], [3, 2, 2, 1], [1.5, 2.5, float('nan'), 0.5],
             ['a', 'b', 'c'], ['c', 'b', 'a'], [1, 1.0, 2], [True, 2, 3], [5]):
    for rev in (False, True):
        a = list(data)
        a.sort(reverse=rev)
        print(data, rev, a, sorted(data, reverse=rev) == a,
              [type(x).__name__ for x in a])
big = list(range(10000))
print(sorted(big) == big, sorted(big, reverse=True) == big[::-1],
      sorted(big[::-1]) == big, sorted(big[::-1], reverse=True) == big[::-1])

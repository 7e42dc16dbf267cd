# Copying keys out of a dict or set into another dict or set uses the hashes
# stored with them: a key's __hash__ is not called again (CPython's rule, and
# the way a __hash__ with side effects or a costly one can tell).
n = [0]


class K:
    def __init__(self, v):
        self.v = v

    def __hash__(self):
        n[0] += 1
        return hash(self.v)

    def __eq__(self, o):
        return isinstance(o, K) and self.v == o.v

    def __repr__(self):
        return "K(%d)" % self.v


def step(name, result):
    if isinstance(result, (set, frozenset)):
        result = sorted(result, key=lambda k: k.v)
    elif isinstance(result, dict):
        result = sorted((k.v, v) for k, v in result.items())
    print(name, n[0], result)


d = {K(i): i for i in range(5)}
step("dict display", d)
s = set(d)
step("set(d)", s)
step("set(s)", set(s))
step("frozenset(d.keys())", frozenset(d.keys()))
step("dict(d)", dict(d))
step("{**d}", {**d})
step("dict.fromkeys(d)", dict.fromkeys(d))
step("dict.fromkeys(s)", dict.fromkeys(s, 0))
e = {}
e.update(d)
step("e.update(d)", e)
s.update(d)
step("s.update(d)", s)
t = set()
t |= s
step("t |= s", t)
step("s.union(d)", s.union(d))
step("s - set()", s - set())
step("s.difference(d)", s.difference(d))
step("s.intersection(d)", s.intersection(d))
s.difference_update(d)
step("s.difference_update(d)", s)
e = dict(d)
step("dict(d) again", e)
print("d == e", d == e, n[0])
e[K(9)] = 9
print("d != e", d != e, n[0])

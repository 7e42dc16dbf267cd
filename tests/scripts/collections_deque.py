# collections.deque: construction, methods, indexing, bounded deques, repr,
# comparisons, operators, mutation checks, subclasses and gc, against CPython.
import gc
import collections
from collections import deque


def show(label, f, *after):
    try:
        print(label, repr(f()), *after)
    except Exception as e:
        print(label, type(e).__name__, e, *after)


def gen():
    yield 'g1'
    yield 'g2'


# --- construction
print(deque(), deque([1, 2, 3]), deque('abc'), deque(range(4)), deque((5, 6)))
print(deque(x * x for x in range(5)), deque({'k': 1}), deque([1, 2, 3, 4, 5], 3))
print(deque([1, 2], maxlen=4), deque([1, 2], maxlen=None), deque([1, 2], None), deque(maxlen=2))
print(deque(iterable=[7, 8]), deque([], maxlen=0), deque('xyz', 0), deque([1], maxlen=True))
print(collections.deque is deque, deque.__name__, type(deque()).__name__)
print(deque(gen()), deque(gen(), 1), deque(range(10), maxlen=3).maxlen, deque().maxlen)
d = deque([1], 4)
x = deque([1, 2, 3, 1, 2, 3])
b = deque([1, 'x', 2], 3)
errors = [
    ("deque(1):", lambda: deque(1)), ("deque(None):", lambda: deque(None)),
    ("3 args:", lambda: deque([1], 2, 3)), ("pos+kw maxlen:", lambda: deque([1], 2, maxlen=2)),
    ("bad kw:", lambda: deque(foo=1)), ("maxlen -1:", lambda: deque([1], -1)),
    ("maxlen=-5:", lambda: deque(maxlen=-5)), ("maxlen str:", lambda: deque([1], 'a')),
    ("maxlen float:", lambda: deque([1], maxlen=1.5)), ("pop empty:", lambda: deque().pop()),
    ("popleft empty:", lambda: deque().popleft()), ("pop arg:", lambda: d.pop(0)),
    ("append none:", lambda: d.append()), ("append two:", lambda: d.append(1, 2)),
    ("extend int:", lambda: d.extend(5)), ("extendleft int:", lambda: d.extendleft(5)),
    ("count none:", lambda: d.count()), ("remove absent:", lambda: d.remove(42)),
    ("remove str absent:", lambda: deque(['x']).remove('z')), ("remove noarg:", lambda: d.remove()),
    ("clear arg:", lambda: d.clear(1)), ("rotate str:", lambda: d.rotate('a')),
    ("rotate float:", lambda: d.rotate(1.0)), ("rotate 2 args:", lambda: d.rotate(1, 2)),
    ("insert full:", lambda: b.insert(0, 'y')), ("insert maxlen 0:", lambda: deque([], 0).insert(0, 1)),
    ("insert 1 arg:", lambda: b.insert(1)), ("insert str idx:", lambda: deque().insert('a', 1)),
    ("index absent:", lambda: x.index(4)), ("index outside range:", lambda: x.index(1, 1, 3)),
    ("index stop<start:", lambda: x.index(2, 4, 1)),
    ("index tuple absent:", lambda: deque([(1, 2)]).index((1, 3))),
    ("index list absent:", lambda: deque([1]).index([1, 'a'])), ("index bad start:", lambda: x.index(1, 'a')),
    ("index noarg:", lambda: x.index()), ("index 4 args:", lambda: x.index(1, 2, 3, 4)),
]
for label, f in errors:
    show(label, f)
print(d, b, x.index(3), x.index(1, 1), x.index(3, -1), x.index(2, -3, -1), x.index(1, -100, 100), x.index(3, 3, 6))

# --- append / pop / extend
d = deque()
for v in (1, 2):
    d.append(v)
    d.appendleft(-v)
print(d, len(d), d.pop(), d.popleft(), d)
for it in ([3, 4], range(5, 7), ()):
    d.extend(it)
for it in ('ab', []):
    d.extendleft(it)
print(d, d.count(3), d.count('zz'), d.index(3), d.index('a'))
e = deque([1, 2])
e2 = deque([1, 2], 3)
e.extend(e)
e2.extend(e2)
print("extend self:", e, e2)
e.extendleft(e)
print("extendleft self:", e)
for how, f in [("iter", lambda e: e.extend(iter(e))), ("gen", lambda e: e.extend(v * 10 for v in e)),
               ("extendleft", lambda e: e.extendleft(iter(e))), ("iadd", lambda e: e.__iadd__(iter(e)))]:
    e = deque([1, 2])
    show("extend from own iterator " + how, lambda: f(e), e)

# --- clear, copy, reverse, remove, rotate, insert
d = deque([1, 2, 3, 2, 1], maxlen=7)
c = d.copy()
c.append(9)
print(d, c, c.maxlen, d.copy() == d, d.copy() is d)
d.reverse()
d.remove(2)
print(d)
d.clear()
print(d, len(d), bool(d), d.maxlen)
r = deque(range(6))
r.rotate()
print("rotate()", r)
for n in (2, -3, 13, -20, 0, 10 ** 12, -10 ** 12 - 1):
    r.rotate(n)
    print("rotate", n, r)
q = deque()
q.rotate(5)
full = deque([1, 2, 3], 3)
full.rotate(-1)
print(q, deque([1]).rotate(3), full)
i = deque([1, 2, 3])
for k, v in ((0, 'a'), (2, 'b'), (-1, 'c'), (100, 'd'), (-100, 'e')):
    i.insert(k, v)
print(i)

# --- maxlen attribute is read-only; no instance attributes
m = deque([1], 4)
show("set maxlen:", lambda: setattr(m, 'maxlen', 3))
show("set attr:", lambda: setattr(m, 'tag', 1))
try:
    del m.maxlen
except AttributeError as ex:
    print("del maxlen:", type(ex).__name__, ex, m.maxlen)

# --- bounded deques drop from the other end
bd = deque(maxlen=3)
for v in range(5):
    bd.append(v)
print(bd)
for f in (lambda q: q.appendleft('L'), lambda q: q.extend('abcd'), lambda q: q.extendleft([10, 20]),
          lambda q: q.append(1), lambda q: q.appendleft(2), lambda q: q.extend([3]), lambda q: q.extendleft([4])):
    f(bd)
    z = deque('abc', 0)
    f(z)
    print(bd, z, len(z))
reinit = deque([1, 2], 3)
reinit.__init__([7, 8, 9, 10])
print("reinit:", repr(reinit), reinit.__init__('pqrs', 2), reinit)

# --- indexing
d = deque(range(10, 16))
print(d[0], d[5], d[-1], d[-6], d[3], d[True])
d[0] = 'first'
d[-1] = 'last'
d[2] = 'mid'
del d[1]
del d[-2]
print(d, len(d))
for bad in (6, -7, 100, slice(1, 3), 'a', 1.0, None):
    show(f"get [{bad!r}]:", lambda: d[bad])
for label, f in [("set [9]:", lambda: d.__setitem__(9, 0)), ("del [-9]:", lambda: d.__delitem__(-9)),
                 ("empty [0]:", lambda: deque()[0])]:
    show(label, f)
try:
    del d[1:2]
except TypeError as ex:
    print("del slice:", type(ex).__name__, ex)

# --- len, bool, in, iteration
d = deque([3, 1, 2])
nan = float('nan')
print(len(d), bool(d), bool(deque()), 2 in d, 5 in d, 5 not in d, 'a' in deque('abc'))
print(list(d), tuple(d), sorted(d), list(reversed(d)), max(d), min(d), sum(d))
print([v * 2 for v in d], list(enumerate(d)), list(zip(d, 'xyz')), '-'.join(deque(['p', 'q'])))
a1, *rest = d
print(a1, rest, nan in deque([nan]), deque([nan]).count(nan), deque([nan]) == deque([nan]))
print(type(iter(d)).__name__, type(reversed(d)).__name__)
it = iter(d)
print(next(it))
d[1] = 'replaced'
print("setitem keeps iterator:", list(it))
for op, f in [("bounded append", lambda d: d.append(4)), ("pop", lambda d: d.pop()),
              ("rotate", lambda d: d.rotate(1)), ("clear", lambda d: d.clear()),
              ("append+pop", lambda d: d.append(4) or d.pop()), ("reversed", lambda d: d.appendleft(0))]:
    d = deque([1, 2, 3], 3)
    it = reversed(d) if op == "reversed" else iter(d)
    first = next(it)
    f(d)
    show(f"{op} after {first}:", lambda: next(it))
    show("  again:", lambda: next(it))  # the forward iterator keeps raising, the reverse one stops
for make in (iter, reversed):
    d = deque([1, 2])
    it = make(d)
    exhausted = list(it)
    d.append(3)
    show(f"exhausted iterator {exhausted} after mutation:", lambda: next(it))
try:
    for v in d:
        d.append(v)
except RuntimeError as ex:
    print("for loop:", type(ex).__name__, ex, len(d))

# --- repr and str
d = deque([1, 'a', 2.5, None, (1,), [2]])
print(repr(d), str(d), repr(deque([], maxlen=3)), deque('ab', 2), f"{deque([1])}")
d = deque([1, 2])
d.append(d)
d2 = deque([1], 5)
d2.appendleft(d2)
print(d, str(d), repr(deque([d])), [d], d2)
dd = deque([deque([1]), deque([2], 1)])
print(dd, dd[1].maxlen)

# --- comparisons
print(deque([1, 2]) == deque([1, 2]), deque([1, 2]) != deque([1, 2]), deque([1, 2], 5) == deque([1, 2]))
print(deque([1, 2]) < deque([1, 2, 0]), deque([2]) > deque([1, 5]), deque([1, 2]) <= deque([1, 2]))
print(deque() >= deque(), deque([1, 3]) > deque([1, 2, 9]), deque([1]) < deque([1]), deque('abc') < deque('abd'))
print(deque([1]) == [1], deque([1]) != [1], deque([1]) == (1,), [1] == deque([1]))
for label, f in [("deque < list:", lambda: deque([1]) < [1]), ("deque > int:", lambda: deque([3]) > 1),
                 ("deque >= None:", lambda: deque([3]) >= None), ("mixed items:", lambda: deque([1]) < deque(['a']))]:
    show(label, f)

# --- + += * *= hash
print(deque([1, 2]) + deque([3]), deque([1, 2]) + deque([3], maxlen=1), deque([1, 2], maxlen=2) + deque([3]))
for label, f in [("deque + list:", lambda: deque([1]) + [2]), ("deque + int:", lambda: deque([1]) + 5),
                 ("list + deque:", lambda: [1] + deque([2])), ("tuple + deque:", lambda: (1,) + deque([2])),
                 ("+= int:", lambda: deque([1]).__iadd__(5)), ("* float:", lambda: deque([1]) * 2.0),
                 ("* str:", lambda: deque([1]) * 'a'), ("hash:", lambda: hash(deque())),
                 ("in set:", lambda: {deque([1])})]:
    show(label, f)
a = deque([1])
alias = a
for other in ([2, 3], 'xy', deque([9]), (t for t in (7, 8)), alias):
    a += other
b = deque([1, 2], maxlen=3)
b += [3, 4]
print(a, a is alias, b)
print(deque([1, 2]) * 3, 2 * deque('ab'), deque([1]) * 0, deque([1, 2]) * -1, deque([1, 2, 3], 2) * 3)
print(3 * deque([1, 2, 3], maxlen=5), deque([], 3) * 4)
a = deque([1, 2])
alias = a
a *= 3
print(a, a is alias)
a = deque([1, 2], 5)
a *= 3
b = deque([1, 2])
b *= -2
print(repr(a), b, a.__imul__(0), a)


# --- subclass
class MyDeque(deque):
    kind = 'mine'
    def peek(self):
        return self[-1] if self else None

class Loud(deque):
    def append(self, v):
        super().append(v * 10)

md = MyDeque([1, 2, 3])
md.tag = 'ok'
print(md, md.peek(), MyDeque().peek(), md.kind, md.tag, len(md), isinstance(md, deque), isinstance(md, MyDeque))
print(type(md).__name__, type(md.copy()).__name__, type(md + md).__name__, type(md * 2).__name__, md.copy())
print(isinstance(deque(), MyDeque), issubclass(MyDeque, deque), MyDeque([1], 2), md == deque([1, 2, 3]))
ld = Loud([5])
ld.append(1)
ld.extend([2])
ld.insert(0, 3)
print(ld, ld + ld)

# --- user __eq__ is called (item on the left), identity short-cut first
log = []

class E:
    def __init__(self, n):
        self.n = n
    def __eq__(self, o):
        log.append((self.n, o.n if isinstance(o, E) else o))
        return self.n == (o.n if isinstance(o, E) else o)
    def __repr__(self):
        return f'E{self.n}'

es = deque([E(1), E(2), E(3)])
for label, f in [("count", lambda: es.count(E(2))), ("in", lambda: E(3) in es),
                 ("index", lambda: es.index(E(3))), ("count same", lambda: es.count(es[0])),
                 ("remove", lambda: es.remove(E(2))), ("== differ", lambda: es == deque([E(1), E(4)])),
                 ("== len differ", lambda: es == deque([E(1)])), ("int in", lambda: 2 in deque([E(1), E(2)])),
                 ("< without __lt__", lambda: es < deque([E(1), E(4)]))]:
    show(label, f, log, es)
    log.clear()

class Mut:
    def __init__(self, action):
        self.action = action
    def __eq__(self, o):
        self.action()
        return False

for how in ("grow", "clear"):
    for op, f in [("count", lambda d, m: d.count(m)), ("index", lambda d, m: d.index(m)),
                  ("in", lambda d, m: m in d), ("remove", lambda d, m: d.remove(m))]:
        d = deque([1, 2, 3])
        mut = Mut((lambda: d.append(0)) if how == "grow" else d.clear)
        show(f"{how} {op}:", lambda: f(d, mut), d)

# --- larger sizes against a list model
seed = 12345
dq, model, bounded, bmodel = deque(), [], deque(maxlen=50), []
for step in range(10000):
    seed = (seed * 1103515245 + 12345) % 2147483648
    r = seed % 7
    if r < 2:
        dq.append(step)
        model.append(step)
    elif r < 4:
        dq.appendleft(step)
        model.insert(0, step)
    elif r < 6 and model:
        got, want = (dq.popleft(), model.pop(0)) if r == 4 else (dq.pop(), model.pop())
        if got != want:
            print("pop mismatch at", step, got, want)
    elif model:
        k = seed % len(model)
        dq[k] = -step
        model[k] = -step
    if step % 3:
        bounded.append(step)
        bmodel = (bmodel + [step])[-50:]
    else:
        bounded.appendleft(step)
        bmodel = ([step] + bmodel)[:50]
print(len(dq), sum(dq), list(dq) == model, dq[len(dq) // 2] == model[len(model) // 2])
print(len(bounded), sum(bounded), list(bounded) == bmodel)
big, ref, ok = deque(range(1000)), list(range(1000)), True
for n in (1, -1, 7, -7, 499, 500, 501, -500, 999, 1000, 1001, -2500, 123456):
    big.rotate(n)
    k = n % 1000
    ref = ref[-k:] + ref[:-k] if k else ref
    ok = ok and list(big) == ref
print("rotations match:", ok, big[0], big[-1])
pops, total = deque(range(10000)), 0
while pops:
    total += pops.popleft() if len(pops) % 2 else pops.pop()
print("drained:", total, len(pops))

# --- gc
gc.collect()
cyc = deque()
cyc.append(cyc)
del cyc
print("self-containing deque collected:", gc.collect() >= 1)
p = deque([1])
p.append(deque([p]))
del p
print("deque cycle collected:", gc.collect() >= 2)

# `for x in <iterable>` with a plain local target stores each value into
# the local from FOR_ITER itself (eval.c).  Values, the last value, and
# references (the old value released, nothing leaked) as before.
import sys


def values():
    out = []
    for x in [3, "a", None, 2.5, (1, 2)]:
        out.append(x)
    for c in "héllo":
        out.append(c)
    for k in {"b": 1, "a": 2}:
        out.append(k)
    for v in (i * i for i in range(4)):
        out.append(v)
    for t in reversed([1, 2, 3]):
        out.append(t)
    return out, x, c, k, v, t


def references():
    obj = object()
    items = [obj] * 5
    before = sys.getrefcount(obj)
    for x in items:
        pass
    during = sys.getrefcount(obj)
    x = None
    after = sys.getrefcount(obj)
    return during - before, after - before


def unbound_and_deleted():
    out = []
    for x in [1, 2, 3]:
        out.append(x)
        del x
    try:
        x
    except UnboundLocalError as e:
        out.append(type(e).__name__)
    return out


def nested_and_break():
    pairs = []
    for a in ["p", "q"]:
        for b in [1, 2, 3]:
            if b == 3:
                break
            pairs.append(a + str(b))
    return pairs, a, b


def raising_iterator():
    def gen():
        yield 1
        raise ValueError("stop here")
    got = []
    try:
        for g in gen():
            got.append(g)
    except ValueError as e:
        got.append(str(e))
    return got, g


for f in (values, references, unbound_and_deleted, nested_and_break, raising_iterator):
    print(f.__name__, f())

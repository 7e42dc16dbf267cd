# `a, b = x, y` and its three-name form: compiled without building the
# tuple (values evaluated in order, rotated, stored in order); every kind
# of target, the order of evaluation and of the stores as CPython has them.
def f():
    a, b = 1, 2
    a, b = b, a
    print(a, b)
    x, y, z = a, b, a + b
    print(x, y, z)
    x, y, z = z, x, y
    print(x, y, z)
    [p, q] = (x, y)
    print(p, q)
    l = [0, 0]
    l[0], l[1] = 5, 6
    print(l)
    class O: pass
    o = O()
    o.u, o.v = q, p
    print(o.u, o.v)
    a, b = b, a
    return a, b
print(f())
a, b = 3, 4
a, b = b, a
print(a, b)
def g():
    i = 0
    i, j = i + 1, i + 2
    return i, j
print(g())
def h():
    d = {}
    d["a"], d["b"] = len(d), len(d)
    return d
print(h())
def order():
    log = []
    def v(x):
        log.append(x)
        return x
    class T:
        def __setattr__(self, k, val):
            log.append(("set", k, val))
    t = T()
    t.a, t.b, t.c = v(1), v(2), v(3)
    return log
print(order())

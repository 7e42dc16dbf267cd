# Augmented assignment to x.a and x[k]: the order of the loads, the
# operation and the store, and which objects they see, when x and k are
# locals or constants (loaded again for the store) and when they are not.

log = []


class Box:
    def __init__(self, items):
        self.items = list(items)

    def __getitem__(self, k):
        log.append(("get", k))
        return self.items[k]

    def __setitem__(self, k, v):
        log.append(("set", k, v))
        self.items[k] = v


class Num:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        log.append(("add", self.v, other))
        return Num(self.v + other)

    def __iadd__(self, other):
        log.append(("iadd", self.v, other))
        self.v += other
        return self

    def __repr__(self):
        return "Num(%r)" % (self.v,)


class Attrs:
    def __init__(self):
        object.__setattr__(self, "n", 0)

    def __getattribute__(self, name):
        log.append(("getattr", name))
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        log.append(("setattr", name, value))
        object.__setattr__(self, name, value)


def order_subscript():
    b = Box([10, 20, 30])
    k = 1
    b[k] += 5
    b[0] -= 1
    b[2] *= b[0]
    return b.items


def order_attribute():
    a = Attrs()
    a.n += 3
    a.n += a.n
    return a.n


def value_mutates_container():
    # x[k] is read before the right-hand side runs; the store goes to the
    # same list and index
    xs = [1, 2, 3]

    def bump():
        xs[0] = 100
        return 5

    xs[0] += bump()
    return xs


def value_rebinds_by_walrus():
    xs = [1, 2, 3]
    ys = [7, 8, 9]
    orig = xs
    xs[0] += (xs := ys)[1]
    return orig, xs, ys


def index_rebinds_by_walrus():
    xs = [1, 2, 3]
    i = 0
    xs[i] += (i := 2)
    return xs, i


def inplace_object():
    xs = [Num(1)]
    xs[0] += 2
    n = Num(5)
    ns = [n]
    ns[0] = ns[0] + 1
    return xs, n, ns


def float_elements():
    body = [1.5, 2.5, 3.5, 4.5]
    dx, bm = 0.25, 2.0
    for _ in range(3):
        body[0] -= dx * bm
        body[1] += dx * bm
        body[3] /= 2
    return body


def store_back():
    # the operation's result may be kept in the list's own element when
    # only the list holds it; never when anything else can see it
    xs = [1.5, 2.5, 3.5]
    ys = xs
    a, b = 2.0, 0.5
    kept = xs[1]
    for _ in range(2):
        xs[0] += a * b
        xs[1] -= a * b
        xs[-1] *= a + b
        ys[0] = xs[0] * (a + b)
    i = 2
    xs[i] += a * b
    xs[2] = xs[0] + a * b
    zs = [10.0, 20.0]
    zs[1] = zs[0] + a * b
    big = [1000, 2000]
    big[0] += 1000 * i
    big[1] = big[1] * (i + 1)
    alias = [7.5]
    alias.append(alias[0])
    alias[0] += a * b
    return xs, kept, zs, big, alias


def dict_and_attr_counts():
    counts = {}
    for w in "abracadabra":
        counts[w] = counts.get(w, 0)
        counts[w] += 1
    return sorted(counts.items())


def shared_element():
    # the element is also held elsewhere: the result is a new object
    x = 1000
    xs = [x, x]
    xs[0] += 1
    return xs, x


def errors():
    out = []
    xs = [1, 2]
    try:
        xs[5] += 1
    except IndexError as e:
        out.append("IndexError: " + str(e))
    d = {}
    try:
        d["k"] += 1
    except KeyError as e:
        out.append("KeyError: " + str(e))
    t = (1, 2)
    try:
        t[0] += 1
    except TypeError as e:
        out.append("TypeError: " + str(e))
    try:
        xs[0] += "s"
    except TypeError as e:
        out.append("TypeError: " + str(e))
    out.append(xs)
    return out


def unbound():
    try:
        zs[0] += 1
    except UnboundLocalError as e:
        return "UnboundLocalError: " + str(e)
    zs = []


def closure_container():
    xs = [1, 2]

    def inner():
        xs[1] += 10
        return xs

    return inner()


def in_generator():
    xs = [0, 0]
    for i in range(3):
        xs[i % 2] += yield i
    yield xs


def main():
    print(order_subscript(), log)
    log.clear()
    print(order_attribute(), log)
    log.clear()
    print(value_mutates_container())
    print(value_rebinds_by_walrus())
    print(index_rebinds_by_walrus())
    print(inplace_object(), log)
    log.clear()
    print(float_elements())
    print(store_back())
    print(dict_and_attr_counts())
    print(shared_element())
    print(errors())
    print(unbound())
    print(closure_container())
    g = in_generator()
    got = [next(g)]
    try:
        while True:
            got.append(g.send(10))
    except StopIteration:
        pass
    print(got)


main()

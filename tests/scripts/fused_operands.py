# Binary operations, comparisons and subscripts whose operands are a local
# and a local or constant (the interpreter does these without pushing the
# operands): every fast case, every way out of the fast case, errors,
# in-place results that must not be seen through other names, and jumps
# that land between the operand loads.

def arith(a, b):
    out = []
    out.append(a + b)
    out.append(a - b)
    out.append(a * b)
    out.append(a // b if b else "div0")
    out.append(a % b if b else "mod0")
    out.append(a & b if isinstance(a, int) and isinstance(b, int) else "-")
    out.append(a | b if isinstance(a, int) and isinstance(b, int) else "-")
    out.append(a ^ b if isinstance(a, int) and isinstance(b, int) else "-")
    out.append(a / b if b else "tdiv0")
    out.append(a ** 2)
    return out


for a, b in [(7, 3), (-7, 3), (7, -3), (0, 5), (1000, 999), (3037000499, 2), (-2**30, 3),
             (10**6, 7), (2.5, 0.5), (2.5, 2), (3, 1.5), (-0.0, 1.0),
             (1e100, 1e100), (5, 0), (5.0, 0.0), (True, 2)]:
    print(a, b, arith(a, b))


def compare(x, y):
    r = []
    r.append(x < y)
    r.append(x <= y)
    r.append(x == y)
    r.append(x != y)
    r.append(x > y)
    r.append(x >= y)
    if x < y:
        r.append("lt")
    if x >= y:
        r.append("ge")
    while x > y:
        r.append("gt-loop")
        break
    return r


for x, y in [(1, 2), (2, 1), (3, 3), (1.5, 2), (2.0, 2), (float("nan"), 1.0),
             ("a", "b"), ((1, 2), (1, 3)), (10**15, 10**15 + 1), (None, None)]:
    try:
        print(x, y, compare(x, y))
    except TypeError as e:
        print(x, y, "TypeError", e)


def const_compare(n):
    return [n < 2, n > 0, n == 7, n != 7, n <= 1.5, n >= -1]


print([const_compare(n) for n in (-3, 0, 1, 2, 7, 1.5, 300)])


def subscripts(seq, i):
    try:
        return seq[i], seq[0], seq[-1]
    except (IndexError, KeyError, TypeError) as e:
        return type(e).__name__, str(e)


for seq, i in [([10, 20, 30], 1), ([10, 20, 30], -1), ([10, 20, 30], 3), ([10, 20, 30], -4),
               ([], 0), ((1, 2, 3), 2), ("abc", 1), ({0: "z", 1: "o", -1: "m"}, 1),
               ({0: "z"}, 5), ([1, 2], 2**40), ([1, 2], True), ([1, 2], "x")]:
    print(subscripts(seq, i))


def countdown(n):
    k = 0
    while n > 0:
        n -= 1
        k = k + 1
    return n, k


print(countdown(1000), countdown(0), countdown(-5), countdown(300))


def no_inplace_through_alias():
    a = 100000
    b = a
    a -= 1
    x = 2.5
    y = x
    x = x * x
    lst = [12345.5]
    z = lst[0]
    z = z + 1.0
    s = 10**6
    t = (s,)
    s = s - 1
    return a, b, x, y, lst, z, s, t


print(no_inplace_through_alias())


def inplace_chain(n):
    total = 1000
    f = 0.5
    for i in range(n):
        total = total + i
        total -= 3
        f = f * 1.5
        f = f - 0.25
    return total, f


print(inplace_chain(10), inplace_chain(0))


def same_local(x):
    x = x - x
    y = 7.25
    y = y * y
    return x, y


print(same_local(99999), same_local(2.0))


def middle_jump(c, a, b, d):
    # the conditional expression's branches join at the load of d
    return (a if c else b) + d, (a if c else b) < d, [a, b][0 if c else 1]


print(middle_jump(True, 1, 2, 3), middle_jump(False, 1.5, 2.5, 0.25))


def unbound(flag):
    if flag:
        v = 1
    return v + 1


def errors():
    for fn, args in [(unbound, (False,)), (arith, (1, "x")), (lambda s: s[7], ([1],)),
                     (lambda p, q: p / q, (1.0, 0.0)), (lambda p, q: p // q, (1, 0)),
                     (lambda p, q: p % q, (1.5, 0.0))]:
        try:
            fn(*args)
        except Exception as e:
            print(type(e).__name__, e)


errors()


class Num:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        return Num(self.v + (o.v if isinstance(o, Num) else o))

    def __lt__(self, o):
        return self.v < (o.v if isinstance(o, Num) else o)

    def __getitem__(self, i):
        return self.v * 10 + i

    def __repr__(self):
        return f"Num({self.v})"


def user_types(p, q):
    return p + q, p + 1, p < q, p < 5, p[2]


print(user_types(Num(1), Num(2)))


# `return x`, `x.name` and dict[key] on a local


def ident(x):
    return x


def ret_after_loop(n):
    acc = []
    for i in range(n):
        acc.append(i)
    return acc


obj = [1, 2]
r1 = ident(obj)
r1.append(3)
print(obj, r1 is obj, ident(None), ident(2.5), ret_after_loop(3))


def gen(n):
    k = n * 2
    yield k
    return k


g = gen(4)
print(next(g))
try:
    next(g)
except StopIteration as e:
    print("stop", e.value)


class P:
    cls_attr = "c"

    def __init__(self, v):
        self.v = v

    @property
    def double(self):
        return self.v * 2

    def __getattr__(self, name):
        if name == "dyn":
            return "dynamic"
        raise AttributeError(name)

    def get(self):
        s = self
        return s.v, s.double, s.dyn, s.cls_attr


p = P(21)
print(p.get())


def attr_errors(o):
    try:
        return o.nope
    except AttributeError as e:
        return "AttributeError", str(e)


print(attr_errors(p), attr_errors(3))


class Ctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


with Ctx() as c:
    print(type(c).__name__)


class Key:
    def __init__(self, k):
        self.k = k

    def __hash__(self):
        return hash(self.k)

    def __eq__(self, other):
        return isinstance(other, Key) and self.k == other.k


def dict_reads(d, k):
    try:
        return d[k]
    except KeyError as e:
        return "KeyError", type(e.args[0]).__name__


d = {Key(1): "one", 2: "two", "s": "str", (1, 2): "tuple"}
print(dict_reads(d, Key(1)), dict_reads(d, 2), dict_reads(d, "s"), dict_reads(d, (1, 2)),
      dict_reads(d, 3), dict_reads(d, Key(9)))
try:
    dict_reads(d, [1])
except TypeError as e:
    print("TypeError", e)


# x.name = v and x[k] = v on a local


class Q:
    def __init__(self, a):
        self.a = a
        self._b = 0

    @property
    def b(self):
        return self._b

    @b.setter
    def b(self, v):
        self._b = v * 10


class RO:
    @property
    def ro(self):
        return 1


def attr_stores(o, v):
    o.b = v
    o.a = v + 1
    return o.a, o.b


print(attr_stores(Q(0), 4))
try:
    attr_stores(RO(), 1)
except AttributeError as e:
    print("AttributeError", type(e).__name__)


class Box:
    def __init__(self):
        self.log = []

    def __setitem__(self, k, v):
        self.log.append((k, v))


def item_stores(c, k, v):
    c[k] = v
    c[0] = v
    return c


print(item_stores([1, 2, 3], 1, "x"), item_stores([1, 2, 3], -1, "y"), item_stores({}, "k", 5),
      item_stores(Box(), (1, 2), "t").log)
for c, k in [([1], 5), ([1], -2), ({}, [1]), ((1, 2), 0)]:
    try:
        item_stores(c, k, 0)
    except (IndexError, TypeError) as e:
        print(type(e).__name__, e)

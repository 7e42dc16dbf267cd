# Operations whose left operand is already on the stack (a call's result,
# a subscript, another operation) and whose right operand is a constant or
# a local (the interpreter does these without pushing the right operand):
# every fast case, every way out of it, errors, and in-place results that
# must not be seen through other names.

G = 10**12
FLOATS = [1.5, -2.25]


def ident(v):
    return v


def arith_const(a):
    out = []
    out.append(ident(a) + 1)
    out.append(ident(a) - 1)
    out.append(ident(a) * 3)
    out.append(ident(a) // 2)
    out.append(ident(a) % 7)
    out.append(ident(a) / 4)
    out.append(ident(a) ** 2)
    out.append(ident(a) + 2.5)
    out.append(ident(a) * 1000000007)
    out.append((a + a) - 1)
    out.append((a * 2) % 1000)
    return out


# (ints stay within 64 bits: the language's ints are machine words)
for a in [0, 1, -1, 7, 255, 256, -5, -6, 1000, 2**31, 3037000499, -3037000499,
          2.5, -0.5, 1e150, True]:
    print(a, arith_const(a))


def arith_local(a, b):
    out = []
    out.append(ident(a) + b)
    out.append(ident(a) - b)
    out.append(ident(a) * b)
    out.append(ident(a) & b if isinstance(a, int) and isinstance(b, int) else "-")
    out.append(ident(a) | b if isinstance(a, int) and isinstance(b, int) else "-")
    out.append(ident(a) ^ b if isinstance(a, int) and isinstance(b, int) else "-")
    out.append(ident(a) // b if b else "div0")
    out.append(ident(a) % b if b else "mod0")
    out.append(ident(a) / b if b else "tdiv0")
    return out


for a, b in [(7, 3), (-7, 3), (7, -3), (0, 5), (1000, 999), (3037000499, 3037000499),
             (2**61, 2), (-2**60, -3), (2.5, 0.5), (2.5, 2), (3, 1.5), (5, 0),
             (5.0, 0.0), ("ab", "cd"), ([1], [2]), (True, False)]:
    try:
        print(a, b, arith_local(a, b))
    except TypeError as e:
        print(a, b, "TypeError:", e)


def compare(x, y):
    r = []
    r.append(ident(x) < y)
    r.append(ident(x) <= y)
    r.append(ident(x) == y)
    r.append(ident(x) != y)
    r.append(ident(x) > y)
    r.append(ident(x) >= y)
    r.append(ident(x) == 3)
    r.append(ident(x) < 2.5)
    if ident(x) % 2 == 0:
        r.append("even")
    while ident(x) > y:
        r.append("gt-loop")
        break
    return r


for x, y in [(1, 2), (2, 1), (3, 3), (4, 3.0), (2.0, 2), (float("nan"), 1.0),
             (10**15, 10**15 + 1)]:
    print(x, y, compare(x, y))
for x, y in [("a", "b"), (None, None), ((1, 2), (1, 3))]:
    try:
        print(x, y, compare(x, y))
    except TypeError as e:
        print("TypeError:", e)


# In-place results: a temporary may be updated in place, never an object
# that a name, a container or another thread can see.
x = 10**10
y = x
z = (x + 0) + 1
print(x, y, z)
lst = [10**10, 2.5]
a = lst[0] * 1
b = lst[0] + 1
c = lst[1] * 2.0
print(lst, a, b, c)


def accumulate(n):
    total = 0
    items = []
    for k in range(n):
        total = (total + k) * 1
        v = (k * 1000003) % 1000
        items.append(v)
    return total, items[-3:], sum(items)


print(accumulate(5000))


def seq(n):
    # the left operand is the same object every time round (a global)
    s = 0
    for _ in range(n):
        s += G + 1
    return s, G


print(seq(10))


def float_chain(v):
    return ((v * 2.0) + 1.0) / 3.0 - 0.5


print([float_chain(f) for f in FLOATS], FLOATS)


# Constant subscripts of whatever is on the stack.
def subscr():
    out = []
    out.append(ident([4, 5, 6])[0])
    out.append(ident([4, 5, 6])[2])
    out.append(ident([4, 5, 6])[-1])
    out.append(ident((7, 8))[1])
    out.append(ident("xyz")[1])
    out.append(ident({0: "zero", 1: "one"})[1])
    out.append(ident([[1, 2], [3, 4]])[1][0])
    return out


print(subscr())
for bad in ([1, 2], (1,), "", {}):
    try:
        print(ident(bad)[5])
    except (IndexError, KeyError) as e:
        print(type(e).__name__, e)


def unbound(flag):
    if flag:
        w = 1
    return ident(2) + w


print(unbound(True))
try:
    unbound(False)
except UnboundLocalError as e:
    print("UnboundLocalError:", e)

for op in ("div", "mod", "fdiv", "fmod"):
    try:
        if op == "div":
            print(ident(1) / 0)
        elif op == "mod":
            print(ident(1) % 0)
        elif op == "fdiv":
            print(ident(1.0) // 0.0)
        else:
            print(ident(1.0) % 0.0)
    except ZeroDivisionError as e:
        print(op, "ZeroDivisionError:", e)

try:
    print(ident("a") + 1)
except TypeError as e:
    print("TypeError:", e)
try:
    print(ident(1) < "a")
except TypeError as e:
    print("TypeError:", e)

# `is` / `is not` between locals, constants and temporaries: the fused
# forms (a local against a local or constant, a temporary against a local
# or constant) and the plain IS_OP, as values and as jump conditions.
import sys


class Loud:
    def __eq__(self, other):
        print("__eq__ called")
        return True

    def __bool__(self):
        print("__bool__ called")
        return True


def same(v):
    return v


def cases(a, b):
    r = []
    r.append(a is b)
    r.append(a is not b)
    r.append(a is None)
    r.append(a is not None)
    r.append(None is a)
    if a is None:
        r.append("a is None")
    if a is not None:
        r.append("a is not None")
    if a is b:
        r.append("a is b")
    if not a is b:
        r.append("not a is b")
    r.append(same(a) is None)
    r.append(same(a) is not b)
    r.append(same(a) is same(b))
    r.append([a] is None)
    x = same(b) is b
    r.append(x)
    n = 0
    while a is not None and n < 5:
        a = None
        n += 1
    r.append(n)
    r.append("yes" if b is None else "no")
    r.append(a is b and b is None)
    return r


def unbound_right():
    try:
        return None is later
    except NameError as e:
        return "NameError: " + str(e)
    later = 1


def unbound_left():
    try:
        return later is None
    except NameError as e:
        return "NameError: " + str(e)
    later = 1


def unbound_second():
    x = 1
    try:
        return x is not later
    except NameError as e:
        return "NameError: " + str(e)
    later = 1


def count_none(items):
    k = 0
    for it in items:
        if it is None:
            k += 1
        elif it is not it:
            k -= 1000
    return k


MISSING = object()


def is_missing(v):
    return v is MISSING


def is_not_missing(v):
    if v is not MISSING:
        return "present"
    return "missing"


def is_len(v):
    return v is len


def is_undefined(v):
    try:
        return v is NOT_DEFINED_ANYWHERE
    except NameError as e:
        return "NameError: " + str(e)


def globals_cases():
    global MISSING
    r = []
    first = MISSING
    for _ in range(3):
        r.append(is_missing(first))
        r.append(is_not_missing(first))
        r.append(is_missing(None))
    MISSING = Loud()          # rebinding invalidates the cached value
    r.append(is_missing(first))
    r.append(is_missing(MISSING))
    r.append(is_not_missing(MISSING))
    del MISSING
    r.append(is_undefined(1))
    try:
        is_missing(first)
    except NameError as e:
        r.append("NameError: " + str(e))
    MISSING = first
    r.append(is_missing(first))
    r.append(is_len(len))
    r.append(is_len(print))
    return r


print(globals_cases())
loud = Loud()
other = Loud()
print(cases(loud, loud))
print(cases(loud, other))
print(cases(None, loud))
print(cases(1, None))
print(cases(None, None))
print(unbound_right())
print(unbound_left())
print(unbound_second())
print(count_none([None, 1, None, "", 0, None, [], loud]))
print([type(x).__name__ for x in [None, 1, loud, "s"] if x is not None])

# no reference is taken or dropped by an identity test
before = sys.getrefcount(loud)
for _ in range(1000):
    t = loud is None
    u = same(loud) is loud
    v = loud is not other
print(sys.getrefcount(loud) - before, t, u, v)

# `for x in range(...)` stores each value straight into the local, reusing
# the int the local holds when nothing else refers to it (range.c,
# tw_rangeiter_next_into).  Every value that escapes the loop must keep
# the value it had.


def kept_in_list():
    keep = []
    for i in range(1000, 1006):
        keep.append(i)
    return keep


def aliased():
    out = []
    prev = None
    for i in range(5000, 5004):
        if prev is not None:
            out.append((prev, i, prev == i))
        prev = i
    return out, prev


def as_keys():
    d = {}
    for i in range(10**12, 10**12 + 4):
        d[i] = i * 2
    return sorted(d.items())


def in_tuples():
    return [(i, i + 1) for i in range(300, 304)], tuple(i for i in range(-300, -296))


def last_value_and_empty():
    for i in range(2000, 2003):
        pass
    j = 777777
    for j in range(0):
        pass
    return i, j


def negative_and_reversed():
    a = [i for i in range(1000, 990, -3)]
    b = []
    for i in reversed(range(1000, 1010, 4)):
        b.append(i)
    return a, b


def small_and_large():
    # values crossing the small-int range in both directions
    out = []
    for i in range(250, 262, 3):
        out.append(i)
    for i in range(-10, 3, 4):
        out.append(i)
    return out


def bounds():
    out = []
    big = 9223372036854775807
    for i in range(big - 3, big):
        out.append(i)
    for i in range(-big - 1, -big + 2):
        out.append(i)
    return out


def deleted_and_rebound():
    out = []
    for i in range(400, 406):
        if i % 2:
            del i
        else:
            out.append(i)
            i = "text"
            out.append(i)
    return out


def closure():
    fns = []
    for i in range(600, 603):
        fns.append(lambda i=i: i)
    cells = []
    for k in range(700, 703):
        cells.append(lambda: k)
    return [f() for f in fns], [f() for f in cells]


def gen(n):
    for i in range(10**6, 10**6 + n):
        yield i


def generator():
    got = list(gen(4))
    seen = []
    for v in gen(3):
        seen.append(v)
    return got, seen


def nested():
    total = 0
    pairs = []
    for i in range(1000, 1003):
        for j in range(2000, 2002):
            total += i * j
            if j == 2001:
                pairs.append((i, j))
    return total, pairs


def shared_iterator():
    it = iter(range(900, 906))
    a = []
    for x in it:
        a.append(x)
        for y in it:
            a.append(-y)
            break
    return a


for f in (kept_in_list, aliased, as_keys, in_tuples, last_value_and_empty,
          negative_and_reversed, small_and_large, bounds, deleted_and_rebound,
          closure, generator, nested, shared_iterator):
    print(f.__name__, f())

# module level: a global loop variable goes through STORE_NAME/STORE_GLOBAL
keep = []
for g in range(3000, 3003):
    keep.append(g)
print(keep, g)

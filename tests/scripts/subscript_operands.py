# A list item read by `x[k]` and used at once as a number operand
# (`x[k] OP y`, `x[k] OP z[m]`, `a OP x[k]`, `x[k] OP= z OP2 y[m]`, and
# the other in-place forms) is used without being counted; the results and
# errors must be those of the plain operations, whatever the operand
# types, indexes and aliases.


def numbers():
    a = [1.5, 2.5, 3.0, 4, 5, 10**18, -7]
    b = [0.5, 1.0, 0.0, 3, 7, 10**18, 2]
    out = []
    for k in range(2):
        x = a[0] - b[0]
        y = a[1] * x
        z = a[2] / b[1]
        w = 2.0 - a[0]
        t = a[3] - b[3]
        u = a[4] * b[4]
        v = a[5] + b[5]
        r = a[3] - a[4]
        s = 7 - a[3]
        q = a[6] // b[6]
        m = a[6] % b[6]
        n = b[6] - a[6]
        out.append((x, y, z, w, t, u, v, r, s, q, m, n))
        x = a[0] + x
        out.append(x)
    return out


def mixed_and_errors():
    a = [1.5, 2, "s", None, [1], 2**62]
    b = [2, 0.5, "t", 1, [2], 2**62]
    res = [a[0] + b[0], a[1] * b[1], a[2] + b[2], a[4] + b[4], a[-1] - b[-1]]
    for f in (lambda: a[3] + b[3], lambda: a[0] / b[3] / 0.0, lambda: a[5] + b[5] // 4,
              lambda: a[9] + b[0], lambda: a[0] - b[9]):
        try:
            res.append(f())
        except Exception as e:
            res.append(type(e).__name__)
    try:
        z = [0.0]
        res.append(a[0] / z[0])
    except ZeroDivisionError as e:
        res.append(str(e))
    try:
        z = [0]
        res.append(a[1] // z[0])
    except ZeroDivisionError as e:
        res.append(str(e))
    return res


def results_not_shared():
    # the result must never be written into a number someone else holds
    L = [1.0, 2.0]
    t = 100.0
    keep = t
    t = L[0] + L[1]
    held = []
    for i in range(3):
        s = L[0] * 3.0
        held.append(s)
    acc = 0.5
    alias = acc
    acc += L[1]
    n = 1000
    alias_n = n
    n = L[0] - L[1]
    big = [10**6, 3]
    bi = 5000
    other = bi
    bi = big[0] + big[1]
    return keep, t, held, acc, alias, n, alias_n, bi, other


def items_not_changed():
    # the items themselves are never changed in place
    L = [1.0, 2.0, 1000, 2000]
    a = L[0]
    x = L[0] + L[1]
    y = 3.0 - L[0]
    c = L[2] * L[3]
    d = 1 + L[2]
    L[0] += L[1]
    L[2] -= L[3]
    return a, x, y, c, d, L


class MyList(list):
    def __getitem__(self, i):
        return list.__getitem__(self, i) * 10


def subclass_and_nonlist():
    m = MyList([1, 2])
    t = (1.5, 2.5)
    d = {0: 4.0, 1: 8.0}
    return m[0] + m[1], t[0] + t[1], d[0] - d[1], m[1] - t[1]


def loop_sum():
    xs = [float(i) for i in range(50)]
    ys = [i * 3 for i in range(50)]
    s = 0.0
    n = 0
    for i in range(50):
        s += xs[i] * xs[49 - i]
        s = s - xs[i]
        n = ys[i] + n
        n = n - ys[49 - i] * 2
    return s, n


def chained():
    # `a OP (x OP2 y)` and `z[k] OP= x OP2 y`: no object for x OP2 y, and
    # the item updated in place only when nobody else can see it
    x, y = 1.5, 4.0
    i, j = 1000, 3
    s = 0.0
    n = 0
    small = 0
    for k in range(3):
        s += x * y
        n += i * j
        small += j * j
        s = s - x / y
    d = x * x + y * y
    e = 2.0 - x * y
    L = [10.0, 20.0, 1000, 7]
    keep = L[0]
    L[0] -= x * y
    L[1] += x * y
    L[2] *= i - j
    L[3] -= j * j
    kept_int = L[2]
    L[2] += j * j
    M = [5.0, 6.0]
    M[1] = M[0] + x * y
    M[0] = M[0] - x * y
    A = [1.0]
    B = A
    A[0] += x * y
    C = [2.0]
    C.append(C[0])
    C[0] += x * y
    try:
        z = [1.0]
        z[0] += x / (y - y)
    except ZeroDivisionError as exc:
        err = str(exc)
    big = [2**62]
    try:
        big[0] += i * i * i * i * i * i * 8
    except OverflowError:
        err2 = "OverflowError"
    else:
        err2 = big[0]
    return s, n, small, d, e, keep, L, kept_int, M, B, C, err


def accumulate():
    # `t += x[k] OP y[m]` and `t += x[k] OP y` into t's own number
    xs = [1.5, 2.5, 3.5]
    ns = [1000, 2000, 3000]
    d = {0: 7, 1: 8, 2: 9}
    t = 0.0
    n = 0
    m = 0
    for i in range(3):
        t += xs[i] * xs[2 - i]
        t -= xs[i] * 0.5
        n += ns[i] + d[i]
        n -= ns[i] * 2
        m = m + ns[i] - d[i]
    alias = n
    n += ns[0] + ns[1]
    return t, n, m, alias


def store_back():
    # `x[k] OP= ...` into the item itself only when x alone holds it
    x, y = 2.0, 3.0
    L = [1.0, 2.0, 3.0, 100, 200]
    M = [10.0, 20.0]
    held = L[1]
    L[0] += x
    L[1] -= M[0]
    L[2] *= x * y
    L[3] += 1000 * 3
    L[4] -= M[0] * 0 + 7 if False else 7
    for i in range(3):
        L[0] += x * y
        L[1] += M[1]
        L[3] -= i * 2
    N = L
    N[0] /= x
    twice = [5.0]
    twice.append(twice[0])
    twice[0] += y
    small = [250]
    small[0] += 3 * 2
    big = [1000]
    big[0] -= 997
    k256 = int("256")
    return L, held, twice, small, big, small[0] is k256


def store_back_item_operand():
    # `x[k] OP= z OP2 y[m]`: both items read uncounted, the result into
    # x[k]'s own number only when x alone holds it
    dt, two, i3 = 0.5, 2.0, 3
    b = [1.5, 2.5, 3.5, 4.5]
    c = [10.0, 20.0]
    n = [1000, 2000, 3, 4]
    held = b[1]
    for k in range(3):
        b[0] += dt * b[3]
        b[1] -= dt * c[1]
        b[2] *= 1.5 + b[k]
        n[0] += i3 * n[1]
        n[1] -= 7 * n[k]
    same = [2.0]
    same[0] += two * same[0]
    shared = [6.0, 1.0]
    other = shared[0]
    shared[0] /= two - shared[1]
    small = [3, 2]
    small[0] -= 2 * small[1]
    k256 = int("256")
    tiny = [250, 2]
    tiny[0] += 3 * tiny[1]
    mixed = [1.0, 2]
    mixed[0] += 3 * mixed[1]
    mixed[1] += dt * mixed[0]
    d = {0: 4.0}
    t = (5.0,)
    other_seq = [1.0]
    other_seq[0] += dt * t[0]
    other_seq[0] -= two * d[0]
    neg = [1.0, 8.0]
    neg[0] += dt * neg[-1]
    errs = []
    for f in (lambda: b.__setitem__(0, b[0] + dt * c[5]),
              lambda: n.__setitem__(0, n[0] // (0 * n[1])),
              lambda: b.__setitem__(0, b[0] / (0.0 * c[0]))):
        try:
            f()
        except Exception as e:
            errs.append(type(e).__name__)
    z = [1.0]
    try:
        z[0] += dt / (0.0 * z[0])
    except ZeroDivisionError as e:
        errs.append(str(e))
    try:
        z[0] += dt * c[7]
    except IndexError as e:
        errs.append(str(e))
    return (b, c, n, held, same, shared, other, small, tiny, tiny[0] is k256, mixed,
            other_seq, neg, z, errs)


print(numbers())
print(chained())
print(accumulate())
print(store_back())
print(store_back_item_operand())
print(mixed_and_errors())
print(results_not_shared())
print(items_not_changed())
print(subclass_and_nonlist())
print(loop_sum())

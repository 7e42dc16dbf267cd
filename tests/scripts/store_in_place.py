# `t = <arithmetic>` may write the result into the int or float the local t
# already holds when nothing else refers to it (eval.c: FUSED_RESULT,
# RIGHT_RESULT, BINOP_REUSE_OPERAND).  Every other holder of t's old
# value must still see the old value.


def fused_locals():
    # both operands locals (or a local and a constant), stored into another local
    keep = []
    x = 2.5
    t = 0.25
    for i in range(4):
        t = x * 3.0
        keep.append(t)
        x = x + 1.0
    n = 10**6
    k = 7
    ints = []
    for i in range(4):
        k = n + i
        ints.append(k)
    return keep, ints


def right_operand():
    # the left operand comes from a call or a subscript, the right is a local
    vals = [1.5, 2.5, 3.5]
    scale = 4.0
    keep = []
    bm = 0.5
    for i in range(3):
        bm = vals[i] * scale
        keep.append(bm)
    big = 1000
    out = []
    m = 5000
    for i in range(3):
        m = len(vals) * big
        out.append(m)
        big += 1000
    return keep, out


def stack_operands():
    # both operands on the stack (subscripts), stored into a local
    a = [10.0, 20.0, 30.0]
    b = [1.0, 2.0, 3.0]
    keep = []
    dx = 99.0
    for i in range(3):
        dx = a[i] - b[i]
        keep.append(dx)
    p = [10**9, 2 * 10**9, 3 * 10**9]
    q = [7, 8, 9]
    ints = []
    s = 123456
    for i in range(3):
        s = p[i] + q[i]
        ints.append(s)
    return keep, ints


def aliases_see_old_values():
    t = 1.0 / 3.0
    u = t                   # t's float now has two holders
    x = 5.0
    t = x * 2.0             # must not write into u's float
    d = {"k": 10**10}
    v = d["k"]
    w = 3
    v = w * 10**9 + 1       # v's old int is also in the dict
    return u, t, d, v


def other_types_and_unbound():
    t = "text"
    x = 1.5
    t = x + 1.0             # t held a str: a new float
    r = []
    for i in range(2):
        if i:
            y = x * 4.0
            r.append(y)
        else:
            y = None
    z = [2.0]
    del z
    z = x - 0.5
    return t, r, z


def closures_and_generators():
    def gen():
        acc = 0.5
        base = 2.0
        for i in range(3):
            acc = base * (i + 1.0)
            yield acc
    seen = list(gen())
    cell = 1.5
    def read():
        return cell
    before = read()
    cell = before * 2.0     # a cell, not a local: nothing in place
    return seen, before, read()


for f in (fused_locals, right_operand, stack_operands, aliases_see_old_values,
          other_types_and_unbound, closures_and_generators):
    print(f.__name__, f())

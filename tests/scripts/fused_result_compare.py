# An int or float operation on a local and a local or constant whose result
# goes straight into a comparison with a local or constant (`d * d <= n`,
# `n % d == 0`): the interpreter compares the C value and makes no object.
# Every comparison, both types, NaN, the ways out (the other operand of
# another type, unbound, not a number) and the jumps that follow.

def factorise(n):
    out = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            out.append(d)
            n //= d
        d += 1
    if n > 1:
        out.append(n)
    return out


print([factorise(x) for x in (1, 2, 12, 97, 360, 65536, 999983, 1000000, 600851475143)])


def every_op(a, b, c):
    return [a * b < c, a * b <= c, a * b == c, a * b != c, a * b > c, a * b >= c,
            a + b < 10, a - b >= 0, a % 3 == 1, a // 2 != 2]


for a, b, c in [(2, 3, 6), (2, 3, 5), (2, 3, 7), (-4, 3, -12), (0, 0, 0),
                (1.5, 2.0, 3.0), (1.5, 2.0, 2.5), (-0.5, 4.0, -2.0),
                (2, 3, 6.0), (2.0, 3.0, 6), (True, 3, 3)]:
    print(a, b, c, every_op(a, b, c))

def special_floats(x):
    nan = float("nan")
    inf = float("inf")
    print(x * nan < 1.0, x * nan <= 1.0, x * nan == 1.0, x * nan != 1.0,
          x * nan > 1.0, x * nan >= 1.0, x * 1.0 != nan)
    print(x * inf > 1e308, x - inf < -1e308, x + inf == inf, x * 0.0 == 0.0)


special_floats(2.0)
special_floats(-0.0)


def branches(n):
    seen = []
    for i in range(n):
        if i * i > 10:
            seen.append("sq")
        elif i % 2 != 0:
            seen.append("odd")
        else:
            seen.append(i)
        while i + 1 < 3:
            seen.append("w")
            break
        flag = i - 1 == 2
        if flag:
            seen.append("flag")
    return seen


print(branches(7))


def right_kinds(k):
    big = 10**12
    return [k * 2 < k + 5, k * 3 == big, k + 1 > 0.5, k - 1 == None, k * 1 < 2.5]


for k in (-3, 0, 2, 7, 333333333333, 2.5):
    print(k, right_kinds(k))


def unbound_right(a):
    if a > 100:
        limit = 5
    try:
        return a * 2 < limit
    except UnboundLocalError as e:
        return "unbound: " + str(e)


print(unbound_right(1), unbound_right(200))


def not_numbers(s, t):
    try:
        return s * 2 < t
    except TypeError as e:
        return "TypeError: " + str(e)


print(not_numbers("ab", "abc"), not_numbers("b", "abab"), not_numbers([1], [1, 1]),
      not_numbers(3, "x"))


def errors(a, b):
    out = []
    for op in range(3):
        try:
            if op == 0:
                out.append(a // b < 1)
            elif op == 1:
                out.append(a % b == 0)
            else:
                out.append(a / b > 0)
        except ZeroDivisionError as e:
            out.append("ZeroDivisionError: " + str(e))
    return out


print(errors(5, 0), errors(5.0, 0.0), errors(7, 2))

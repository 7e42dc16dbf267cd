# Operators: arithmetic with floor semantics, bitwise, comparisons, logic.
print(7 + 3, 7 - 3, 7 * 3, 7 / 2, 7 // 2, 7 % 3, 2 ** 10)
print(-7 // 2, -7 % 2, 7 // -2, 7 % -2, -7 // -2, -7 % -2)
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 2 ** -1, 2.0 ** 0.5)
print(10 / 5, type(10 / 5).__name__, 1 + 2.0, 3 * 1.5, (-2) ** 3, -2 ** 2)
print(0b1100 & 0b1010, 0b1100 | 0b1010, 0b1100 ^ 0b1010, ~5, 1 << 10, 1024 >> 3, -16 >> 2)
print(1 < 2 < 3, 1 < 2 > 3, 3 > 2 >= 2, 1 == 1.0, 1 != 2, "a" < "b", [1, 2] < [1, 3], (1, 2) == (1, 2))
print(2 in [1, 2, 3], 4 not in [1, 2, 3], "ell" in "hello", "k" in {"k": 1}, 3 in {1, 2})
a = [1]
b = a
c = [1]
print(a is b, a is c, a is not c, a == c, None is None)
print(1 and 2, 0 and 2, 1 or 2, 0 or 2, "" or "default", not 0, not "x", None or [] or 0)
print("yes" if 3 > 2 else "no", "yes" if [] else "no")
x = 10
x += 5; print(x)
x -= 3; print(x)
x *= 2; print(x)
x //= 5; print(x)
x %= 3; print(x)
x **= 3; print(x)
x <<= 4; print(x)
x >>= 2; print(x)
x |= 1; print(x)
x &= 6; print(x)
x ^= 3; print(x)
y = 7.0
y /= 2; print(y)
s = "ab"
s += "cd"; print(s)
s *= 2; print(s)
lst = [1]
alias = lst
lst += [2, 3]
print(lst, alias, lst is alias)
t = (1,)
t2 = t
t += (2,)
print(t, t2)
print(divmod(17, 5), divmod(-17, 5), divmod(17.5, 5), pow(2, 10), pow(2, 10, 1000), pow(3, -1, 7))
print(abs(-3), abs(3.5), abs(-0.0), round(2.5), round(3.5), round(-2.5), round(2.675, 2), round(1234, -2))
print(int(3.9), int(-3.9), int("42"), int("-17"), int("ff", 16), int("0b101", 0), float("1.5"), int(True))
print(3 == 3.0, hash(3) == hash(3.0), 0.1 + 0.2 == 0.3, abs(0.1 + 0.2 - 0.3) < 1e-9)
print("ab" * 3, [0] * 4, 3 * [1, 2], (1,) * 3, "x" + "y")
print(max(3, 1, 2), min("b", "a", "c"), True + 1, -True)

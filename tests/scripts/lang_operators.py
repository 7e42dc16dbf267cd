print(7 // 2, -7 // 2, 7 // -2, -7 // -2, 7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 7 / 2, -7 / 2, 2 ** 10, 2 ** -1, (-2) ** 3, -2 ** 2, 2 ** 0.5)
print(10 ** 18, 3 * 1.5, 1 + True, True + True, 5 - 2.5, divmod(7, 2), divmod(-7, 2), divmod(7.5, 2))
print(5 & 3, 5 | 3, 5 ^ 3, ~5, 1 << 10, 1024 >> 3, -16 >> 2, -1 & 0xff)
print(1 < 2 < 3, 1 < 3 < 2, 1 == 1.0, 'a' < 'b' < 'c', [1, 2] < [1, 3], (1, 2) == (1, 2), 3 > 2 >= 2 != 1)
print(2 in [1, 2], 5 not in (1, 2), 'ab' in 'cabd', 'x' not in 'abc', 1 in {1: 2}, 3 in {3}, 3 in range(5))
a = [1]
b = a
print(a is b, a is not b, a is [1], None is None, a == [1])
print(1 and 2, 0 and 2, 1 or 2, 0 or 2, not 0, not [], '' or 'default', None and 1, [] or {})
print('yes' if 1 else 'no', 'yes' if 0 else 'no', 1 if 0 else 2 if 0 else 3)
x = 10
x += 5; print(x)
x -= 3; print(x)
x *= 2; print(x)
x /= 4; print(x)
x //= 2; print(x)
x = 17
x %= 5; print(x)
x **= 3; print(x)
x <<= 2; print(x)
x >>= 1; print(x)
x &= 0xf; print(x)
x |= 0x30; print(x)
x ^= 0xff; print(x)
s = 'ab'
s += 'cd'; s *= 2; print(s)
l = [1]
l2 = l
l += [2, 3]; print(l, l2, l is l2)
l *= 2; print(l)
t = (1,)
t += (2,); print(t)
a, b = 1, 2
a, b = b, a
print(a, b)
first, *rest = [1, 2, 3, 4]
print(first, rest)
*init, last = 'abcd'
print(init, last)
a, *mid, z = range(5)
print(a, mid, z)
(p, q), r = (1, 2), 3
print(p, q, r)
[m, n] = 'xy'
print(m, n)
for i, (j, k) in enumerate([(1, 2), (3, 4)]):
    print(i, j, k)
x = y = 5
print(x, y)
lst = list(range(10))
print(lst[2:5], lst[::2], lst[::-1], lst[-3:], lst[:-3], lst[1:8:3], lst[8:1:-2], lst[100:], lst[-100:2])
print('hello'[1:4], 'hello'[::-1], (1, 2, 3, 4)[1::2], 'abc'[-1], range(10)[2:8:2])
lst[2:5] = ['a', 'b']; print(lst)
lst[::2] = [0] * 5; print(lst)
del lst[1:3]; print(lst)
del lst[::2]; print(lst)
print(-5 % 3, 5 % -3, -5 // 3, 0.0 == -0.0, 1e308 * 10, -(1e308 * 10), 1 / 3 * 3)
print(abs(-5), abs(-2.5), abs(3), -(-3), +4, ~-1, not not 3)
print(3 < 4.5, 4.5 > 3, 2 == 2.0, hash(2) == hash(2.0), 1 != 1.0, True == 1, False < True)
print(10 ** 2, 10 ** -2, 0 ** 0, pow(2, 10), pow(2, 10, 1000), pow(3, -1, 7), pow(2.0, 3))
print(int(1e18) + 1, 2 ** 62, -(2 ** 62) * 2)

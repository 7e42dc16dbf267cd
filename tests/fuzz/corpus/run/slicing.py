# Slicing with steps, negative indices, assignment and deletion.
s = "abcdefghij"
print(s[2:5], s[:3], s[7:], s[-3:], s[:-3], s[::2], s[1::3], s[::-1], s[-2:2:-2], s[5:2], s[100:], s[-100:2])
l = list(range(10))
print(l[2:8:2], l[::-3], l[-1], l[-10], l[3:-3], l[:], l[:] is l)
t = tuple(range(6))
print(t[1:4], t[::-1], t[::2], t[-2:])
l[2:5] = ["a", "b"]
print(l)
l[:0] = [-1]
print(l)
l[::2] = list("WXYZ" + "V")
print(l)
del l[1:3]
print(l)
del l[::2]
print(l)
l[1:1] = [7, 8, 9]
print(l)
m = [0, 1, 2, 3, 4, 5]
m[-1] = 50
m[0] = -1
print(m, m[len(m) - 1])
print("hello"[1], "hello"[-1], [1, [2, [3, 4]]][1][1][0])
r = range(10, 0, -2)
print(list(r), r[1], r[-1], len(r), list(r[1:3]), 4 in r, 5 in r)
try:
    m[::2] = [1, 2]
except ValueError as e:
    print("ValueError:", e)
try:
    print(s[20])
except IndexError as e:
    print("IndexError:", e)
try:
    print(l[::0])
except ValueError as e:
    print("ValueError:", e)

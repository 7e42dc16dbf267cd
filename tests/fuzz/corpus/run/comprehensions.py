# List, dict and set comprehensions; generator expressions in calls.
print([x * x for x in range(6)])
print([x for x in range(20) if x % 3 == 0 if x % 2 == 0])
print([(x, y) for x in range(3) for y in range(x)])
print([[row * 3 + col for col in range(3)] for row in range(3)])
print({x: x ** 2 for x in range(5)})
print({k: v for k, v in zip("abc", range(3)) if v != 1})
print(sorted({c for c in "mississippi"}))
print({len(w) for w in ["a", "bb", "cc", "ddd"]})
print(sum(x for x in range(101)), sum(x * x for x in range(10) if x % 2))
print(any(x > 3 for x in [1, 2, 5]), all(x > 0 for x in [1, 2, -1]), max(len(w) for w in ["ab", "abcd", "a"]))
print(sorted((x % 4 for x in range(10)), reverse=True), ", ".join(str(i) for i in range(5)))
print(list(x for x in "abc"), tuple(i for i in range(3)), set(i % 2 for i in range(10)))
print(min((abs(x - 5), x) for x in [1, 4, 9, 6]))
matrix = [[1, 2, 3], [4, 5, 6]]
print([list(r) for r in zip(*matrix)], [v for row in matrix for v in row])
x = "outer"
print([x for x in range(3)], x)
words = ["apple", "Banana", "cherry"]
print({w[0].lower(): w for w in words}, [w.upper() for w in words if "a" in w.lower()])
print(dict((i, str(i)) for i in range(3)))
g = (i * 2 for i in range(4))
print(next(g), next(g), list(g), list(g))

d = {i: str(i) * i for i in range(6)}
s = {x % 3 for x in range(10)}
l = [[j for j in range(i)] for i in range(4)]
t = tuple(d.items())
print(d, s, l, t[1:4:2], l[::-1], "-".join(d.values()))
d.update(a=1); d.setdefault("b", []).append(3); print(d.pop(2), d.get(9), sorted(s, reverse=True))
first, *rest = l; print(first, rest)

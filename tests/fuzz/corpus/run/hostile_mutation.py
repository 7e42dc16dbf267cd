l = list(range(10))
def key(x):
    l.clear()
    return x
try:
    l.sort(key=key)
except ValueError as e:
    print(e)
print(l)
l = [3, 1, 2]
def bad(x):
    if x == 2: raise IndexError("k")
    return x
try:
    l.sort(key=bad)
except IndexError as e:
    print("caught", e)
print(l)
class Cmp:
    def __init__(self, v): self.v = v
    def __lt__(self, o):
        lst.append(1)
        return self.v < o.v
lst = [Cmp(i) for i in range(20)]
try:
    lst.sort()
except ValueError as e:
    print(e)
d = {i: i for i in range(10)}
try:
    for k in d:
        d[k + 100] = 1
except RuntimeError as e:
    print(e)
s = set(range(10))
try:
    for k in s:
        s.add(k + 100)
except RuntimeError as e:
    print(e)
l = [1, 2, 3]
for x in l:
    if len(l) < 10: l.append(x)
print(l)

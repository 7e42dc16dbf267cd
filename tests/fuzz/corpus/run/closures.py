def make():
    n = 0
    def inc(k=1):
        nonlocal n
        n += k
        return n
    return inc
f = make()
print(f(), f(5), (lambda *a, **k: (a, k))(1, x=2))
g = 0
def setg():
    global g
    g = 7
setg(); print(g)

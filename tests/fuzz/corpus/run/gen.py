def g(n):
    for i in range(n):
        yield i * 2
print(sum(g(10)), list(g(3)))
x = (i for i in g(5) if i)
print(next(x), [*x])

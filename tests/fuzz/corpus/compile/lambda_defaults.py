f = lambda a, b=2, *c, d, e=5, **g: (a, b, c, d, e, g)
def h(a, /, b, *, c): pass

class R:
    def __repr__(self): raise ValueError("repr fails")
    def __str__(self): return 5
try:
    print(R())
except TypeError as e:
    print("TypeError", e)
try:
    print([R()])
except ValueError as e:
    print("ValueError", e)
try:
    f"{R()!r}"
except ValueError as e:
    print("f", e)
class E(Exception):
    def __str__(self): raise RuntimeError("str of exception fails")
try:
    raise E("x")
except E as e:
    print("caught E")
def g():
    try:
        yield 1
        yield 2
    finally:
        print("gen cleanup")
it = g(); next(it); del it
def g2():
    while True:
        try:
            yield 1
        except GeneratorExit:
            yield 2
it = g2(); next(it)
try:
    it.close()
except RuntimeError as e:
    print(e)
def g3():
    yield from g3()
try:
    next(g3())
except RecursionError:
    print("rec gen")
gen = (x for x in range(3))
def selfref():
    yield next(me)
me = selfref()
try:
    next(me)
except ValueError as e:
    print(e)
raise E("uncaught with failing str")

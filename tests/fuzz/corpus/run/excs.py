class E(ValueError):
    pass
def f(x):
    try:
        if x: raise E("bad %d" % x)
        return 1 / x
    except E as e:
        raise KeyError(x) from e
    finally:
        print("finally", x)
for i in range(3):
    try:
        f(i)
    except (KeyError, ZeroDivisionError) as e:
        print(type(e).__name__, e, e.__cause__)

# Error paths of math, sys, time and gc: CPython's exception types and messages.
import math, sys, time, gc
tests = [
    lambda: math.sqrt(), lambda: math.sqrt(1, 2), lambda: math.log(), lambda: math.log(1, 2, 3),
    lambda: math.pow(0, -1), lambda: math.pow(10, 400), lambda: math.pow(-8, 1/3), lambda: math.atan2(1),
    lambda: math.gcd(1.5), lambda: math.lcm(2, "a"), lambda: math.isqrt(2.0), lambda: math.comb(3),
    lambda: math.comb(-1, 2), lambda: math.perm(3, -1), lambda: math.fsum(1), lambda: math.fsum(["a"]),
    lambda: math.isclose(1), lambda: math.isclose(1, 2, rel_tol=-1), lambda: math.prod(), lambda: math.prod([1], 2),
    lambda: math.floor("x"), lambda: math.trunc("x"), lambda: math.ceil(None), lambda: math.hypot("a"),
    lambda: math.log(1, 1), lambda: math.log(0, 2), lambda: math.exp("1"), lambda: math.cosh(1000),
    lambda: math.fmod(math.inf, 1), lambda: math.ldexp(1.0, 2000), lambda: math.ldexp(1.0, 1.5),
    lambda: math.modf(math.inf), lambda: math.copysign(1), lambda: math.degrees(), lambda: math.floor(-0.0),
    lambda: math.trunc(2.5), lambda: math.factorial(True), lambda: math.gamma(0), lambda: math.lgamma(-1),
    lambda: sys.exit(1, 2), lambda: sys.getrefcount(), lambda: sys.setrecursionlimit("a"), lambda: sys.setrecursionlimit(1.5),
    lambda: sys.setswitchinterval("a"), lambda: sys.intern(1), lambda: sys.getrecursionlimit(1),
    lambda: time.sleep(), lambda: time.time(1), lambda: time.sleep(float("nan")),
    lambda: gc.collect(1, 2), lambda: gc.collect(-1), lambda: gc.collect("a"), lambda: gc.set_threshold(),
    lambda: gc.set_threshold(1, 2, 3, 4), lambda: gc.enable(1), lambda: gc.get_count(1), lambda: gc.collect(generation=5),
    lambda: gc.is_tracked([]), lambda: gc.is_tracked(1),
]
for i, t in enumerate(tests):
    try:
        r = t()
        print(i, "ok", r)
    except BaseException as e:
        print(i, type(e).__name__, e)

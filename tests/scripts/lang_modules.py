import math
import sys
import time
import gc
from math import sqrt, pi, floor
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.isnan(math.nan))
print(math.sqrt(16), sqrt(2), math.floor(2.7), math.ceil(2.1), math.floor(-2.5), math.ceil(-2.5), floor(3.9), type(math.floor(1.5)))
print(math.fabs(-3), math.pow(2, 10), math.exp(1), math.log(math.e), math.log(100, 10), math.log10(1000), math.log2(8), math.log1p(0))
print(math.sin(0), math.cos(0), math.tan(0), math.atan2(1, 1), math.asin(1), math.acos(1), math.atan(1), math.hypot(3, 4))
print(math.degrees(pi), math.radians(180), math.trunc(-2.7), math.gcd(12, 18), math.factorial(10), math.isclose(0.1 + 0.2, 0.3), math.copysign(1, -0.0))
print(math.isinf(math.inf), math.isfinite(1.0), math.fsum([0.1] * 10), sum([0.1] * 10), math.modf(3.5), math.frexp(8.0), math.ldexp(0.5, 4))
print(math.comb(5, 2), math.perm(5, 2), math.prod([1, 2, 3, 4]), math.isqrt(17), math.fmod(7, 3), math.fmod(-7, 3), math.remainder(7, 3) if hasattr(math, 'remainder') else '')
print(math.sinh(0), math.cosh(0), math.tanh(0), math.dist([0, 0], [3, 4]) if hasattr(math, 'dist') else '', math.exp(0), math.lcm(4, 6) if hasattr(math, 'lcm') else '')
for bad in [lambda: math.sqrt(-1), lambda: math.log(0), lambda: math.log(-1), lambda: math.factorial(-1), lambda: math.exp(1000), lambda: math.acos(2), lambda: math.sqrt('x'), lambda: math.floor('x'), lambda: math.gcd(1.5, 2)]:
    try:
        print(bad())
    except (ValueError, OverflowError, TypeError) as e:
        print(type(e).__name__, e)
print(type(sys.argv), len(sys.argv) >= 1, sys.argv[0].endswith('.py'), sys.getrecursionlimit())
sys.setrecursionlimit(2000)
print(sys.getrecursionlimit(), sys.getswitchinterval())
sys.setswitchinterval(0.001)
print(round(sys.getswitchinterval(), 6), type(sys._is_gil_enabled()) if hasattr(sys, '_is_gil_enabled') else "<class 'bool'>")
x = []
print(sys.getrefcount(x) >= 2)
sys.stdout.write('written\n')
sys.stderr.write('')
t0 = time.time()
p0 = time.perf_counter()
m0 = time.monotonic()
time.sleep(0.01)
print(time.time() >= t0, time.perf_counter() - p0 >= 0.009, time.monotonic() >= m0, type(time.time()))
print(gc.isenabled(), type(gc.collect()), len(gc.get_threshold()), len(gc.get_count()))
gc.disable(); print(gc.isenabled()); gc.enable(); print(gc.isenabled())
old = gc.get_threshold()
gc.set_threshold(500, 5, 5); print(gc.get_threshold()); gc.set_threshold(*old)
class Cyc:
    pass
a = Cyc(); b = Cyc(); a.o = b; b.o = a
del a, b
print(gc.collect() >= 2)
import math as m
print(m.sqrt(9), m is math)
try:
    from math import nosuch
except ImportError as e:
    print('ImportError', str(e).split(' (')[0])
try:
    import nosuchmod
except ImportError as e:
    print(type(e).__name__, e)
print(__name__)
sys.exit(0)
print('not reached')

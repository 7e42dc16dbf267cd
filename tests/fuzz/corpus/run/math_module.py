# The math module.
import math
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.isnan(math.nan))
print(math.sqrt(16), math.sqrt(2), math.floor(3.7), math.floor(-3.2), math.ceil(3.2), math.ceil(-3.7), math.trunc(-3.7))
print(type(math.floor(1.5)).__name__, type(math.ceil(1.5)).__name__, math.floor(5), math.ceil(-5))
print(math.fabs(-3), math.pow(2, 10), math.exp(1) == math.e, math.exp(0), round(math.exp(2), 10))
print(math.log(math.e), math.log(8, 2), math.log(100, 10), math.log2(1024), math.log10(1000), math.log(1))
print(round(math.sin(math.pi / 2), 12), round(math.cos(0), 12), round(math.tan(math.pi / 4), 12))
print(round(math.asin(1), 12), round(math.acos(1), 12), round(math.atan(1) * 4, 12), round(math.atan2(1, 1), 12))
print(math.hypot(3, 4), math.hypot(1, 2, 2), math.degrees(math.pi), math.radians(180) == math.pi)
print(math.isqrt(17), math.isqrt(16), math.isqrt(0), math.gcd(12, 18), math.gcd(0, 5), math.gcd(), math.lcm(4, 6), math.lcm())
print(math.factorial(0), math.factorial(5), math.factorial(20), math.comb(5, 2), math.perm(5, 2), math.comb(10, 0))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100]), math.fsum([]))
print(math.isclose(0.1 + 0.2, 0.3), math.isclose(1, 1.1), math.isclose(1, 1.05, rel_tol=0.1), math.isclose(0, 1e-10, abs_tol=1e-9))
print(math.isinf(math.inf), math.isinf(1e308), math.isfinite(1.0), math.isfinite(math.nan), math.isnan(0.0))
print(math.copysign(3, -0.0), math.copysign(-2, 1), math.fmod(7, 3), math.fmod(-7, 3), -7 % 3, math.modf(3.25), math.modf(-1.5))
print(math.prod([1, 2, 3, 4]), math.prod([]), math.prod([2, 0.5]), math.prod(range(1, 6), start=2))
print(math.frexp(8.0), math.ldexp(0.5, 4), math.floor(-0.5), math.ceil(0.0001))
print(math.cbrt(-8), math.remainder(11, 2), math.nextafter(1, 2), math.ulp(1.0), math.dist((0, 0), (3, 4)), math.expm1(0), math.log1p(0))
for bad in (lambda: math.sqrt(-1), lambda: math.log(0), lambda: math.log(-5), lambda: math.acos(2),
            lambda: math.factorial(-1), lambda: math.isqrt(-4), lambda: math.fmod(1, 0)):
    try:
        bad()
    except ValueError as e:
        print("ValueError:", e)
try:
    math.exp(1000)
except OverflowError as e:
    print("OverflowError:", e)
try:
    math.floor(math.inf)
except OverflowError as e:
    print("OverflowError:", e)
try:
    math.ceil(math.nan)
except ValueError as e:
    print("ValueError:", e)
try:
    math.sqrt("4")
except TypeError as e:
    print("TypeError:", e)
try:
    math.factorial(2.5)
except TypeError as e:
    print("TypeError:", e)
print(math.nan == math.nan, math.inf > 1e308, -math.inf < 0, math.inf - math.inf != math.inf - math.inf)

# def: defaults, *args, **kwargs, keyword-only, closures, nonlocal, global.
def greet(name, greeting="Hello", punct="!"):
    return f"{greeting}, {name}{punct}"

print(greet("Ann"), greet("Bob", "Hi"), greet("Cy", punct="?"), greet(greeting="Yo", name="Di"))

def collect(*args, **kwargs):
    return args, sorted(kwargs.items())

print(collect(), collect(1, 2), collect(a=1), collect(1, b=2, a=3))

def kwonly(a, *, scale=2, offset=0):
    return a * scale + offset

print(kwonly(3), kwonly(3, scale=10), kwonly(3, offset=1, scale=1))

def mixed(a, b=2, *rest, key=None, **opts):
    return (a, b, rest, key, sorted(opts))

print(mixed(1), mixed(1, 3, 4, 5, key="k", z=1, y=2))

def make_counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc

c1 = make_counter()
c2 = make_counter()
print(c1(), c1(), c1(5), c2())

def adders():
    return [lambda x, i=i: x + i for i in range(3)]

print([f(10) for f in adders()])

def late_binding():
    fs = []
    for i in range(3):
        fs.append(lambda: i)
    return [f() for f in fs]

print(late_binding())

total = 0
def add_global(n):
    global total
    total += n

add_global(5)
add_global(7)
print(total)

def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)

def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a

print(fact(10), fact(20), fib(50), [fib(i) for i in range(10)])

def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))

print(ackermann(2, 3))

def append_to(x, acc=[]):
    acc.append(x)
    return acc

print(append_to(1), append_to(2))

square = lambda x: x * x
print(square(7), (lambda: "no args")(), (lambda *a: len(a))(1, 2, 3))
print(greet.__name__, square.__name__, callable(greet))

def outer():
    x = "outer"
    def middle():
        def inner():
            return x
        return inner()
    return middle()

print(outer())

def returns_nothing():
    pass

print(returns_nothing())

def multiple():
    return 1, "two", [3]

one, two, three = multiple()
print(one, two, three)

def apply(f, *args, **kwargs):
    return f(*args, **kwargs)

print(apply(greet, "Eve", punct="."), apply(max, 3, 9, 2))

try:
    greet()
except TypeError as e:
    print("TypeError:", e)
try:
    kwonly(1, 2)
except TypeError as e:
    print("TypeError:", e)
try:
    greet("x", nope=1)
except TypeError as e:
    print("TypeError:", e)
try:
    greet("a", name="b")
except TypeError as e:
    print("TypeError:", e)

def doc():
    "A docstring."
    return 1
print(doc.__doc__)

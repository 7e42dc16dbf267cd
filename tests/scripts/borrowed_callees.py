# Calls of globals (LOAD_GLOBAL_CALLEE): in the nogil build a global
# function, class or builtin is called without counting it, and the
# collector counts what frames borrow.  Every way such a call can end.
import gc
import math
import sys


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def kw(a, b=2, *, c=3):
    return (a, b, c)


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return f"Point({self.x}, {self.y})"


class Bad:
    def __init__(self):
        raise ValueError("no Bad today")


def boom(x):
    raise KeyError(x)


def gen(n):
    for i in range(n):
        yield i * i


class Adder:
    def __call__(self, a, b):
        return a + b


adder = Adder()
bound = Point(1, 2).__repr__
not_callable = 42


def plain():
    print("fib", fib(15), "kw", kw(1), kw(1, c=9), kw(a=5, b=6))
    print("builtins", len([1, 2, 3]), abs(-4), max(3, 9, 2), sorted([3, 1, 2]))
    print("class", Point(3, 4), "callable", adder(2, 3), "bound", bound())
    print("generator", list(gen(5)), sum(gen(4)))


def errors():
    try:
        not_callable(1)
    except TypeError as e:
        print("TypeError:", e)
    try:
        fib(1, 2)
    except TypeError as e:
        print("TypeError:", e)
    try:
        Bad()
    except ValueError as e:
        print("ValueError:", e)
    try:
        fib(boom("in the arguments"))
    except KeyError as e:
        print("KeyError:", e)
    try:
        Point(1, boom("second argument"))
    except KeyError as e:
        print("KeyError:", e)
    try:
        print(kw(1, boom("keyword"), c=3))
    except KeyError as e:
        print("KeyError:", e)
    try:
        undefined_name(1)
    except NameError as e:
        print("NameError:", e)


def deep(n):
    return deep(n + 1)


def recursion():
    try:
        deep(0)
    except RecursionError:
        print("RecursionError caught")
    print("after recursion", fib(10))


# The callee's global binding goes away while the call is being set up or
# is running, and a collection runs meanwhile: the borrowed callee and the
# globals its frame reads must survive it.  Each call runs twice, so that
# the second, which loses its binding, finds the name in the code's cache
# (only a cache hit borrows); objects made after the collection would
# take the memory of a callee freed too soon.
def rebind_and_collect(last):
    global victim, impostors
    if last:
        victim = None
        gc.collect()
        impostors = [(lambda note, x: "impostor") for i in range(500)]
    return "rebound" if last else "kept"


def victim(note, x):
    return f"victim {note} {x}"


def doomed(x, last):
    global doomed, impostors
    if last:
        del doomed
        gc.collect()
        impostors = [(lambda x, last: "impostor") for i in range(500)]
    local = [x] * 3
    gc.collect()
    return f"doomed ran to the end with {local} and {fib(7)}"


class Doomed:
    def __init__(self, v, last):
        global Doomed, impostors
        if last:
            Doomed = None
            gc.collect()
            impostors = [type("Impostor", (), {}) for i in range(100)]
        self.v = v


# The same with a function that alone holds its code and globals (made
# by exec): a frame whose function were freed would run freed code.
ALONE = """
def doomed(x, last):
    global doomed, impostors
    if last:
        del doomed
        gc.collect()
        impostors = [(lambda: "impostor " + str(i)) for i in range(500)]
    local = [x] * 3
    gc.collect()
    return "alone, doomed ran to the end with %r" % (local,)

def run():
    for last in (False, True):
        print(doomed(5, last))
"""


# Special methods called from C (__init__, __call__, __eq__...) are
# borrowed by their frames too: each of these removes itself from its
# class and collects while it runs.
SPECIAL = """
class Special:
    def __init__(self, v):
        del Special.__init__
        gc.collect()
        self.v = [(lambda: "impostor") for i in range(300)] and v

    def __call__(self, x):
        del Special.__call__
        gc.collect()
        junk = [(lambda: "impostor") for i in range(300)]
        return "special call ran to the end with %r" % ([x, self.v] * 2,)

    def __eq__(self, other):
        del Special.__eq__
        gc.collect()
        junk = [(lambda: "impostor") for i in range(300)]
        return "eq ran to the end"


def run_special():
    s = Special(3)
    print(s(4))
    print(s == 5)
    print(s == 5, Special.__init__ is object.__init__)
"""


def make_special():
    g = {"gc": gc}
    exec(SPECIAL, g)
    return g["run_special"]


def make_alone():
    g = {"gc": gc}
    exec(ALONE, g)
    return g["run"]


def binding_lost():
    for last in (False, True):
        print(victim(rebind_and_collect(last), 1))
    for last in (False, True):
        print(doomed(5, last))
    for last in (False, True):
        d = Doomed(7, last)
        print("Doomed instance", d.v, type(d).__name__, Doomed is None)
    make_alone()()
    make_special()()
    try:
        victim("again", 2)
    except TypeError as e:
        print("TypeError:", e)
    try:
        doomed(1, True)
    except NameError as e:
        print("NameError:", e)


# Counts of a function and a class are the same after calls as before.
def counts():
    before = (sys.getrefcount(fib), sys.getrefcount(Point))
    for i in range(100):
        fib(3)
        Point(i, i)
    gc.collect()
    after = (sys.getrefcount(fib), sys.getrefcount(Point))
    print("counts unchanged:", before == after)


def collect_in_callee(n):
    gc.collect()
    return n


def collections():
    # a collection while a borrowed callee's frame and slot are live
    total = 0
    for i in range(50):
        total += collect_in_callee(collect_in_callee(i))
    print("collected in callees", total)
    # cycles through a class called as a global are still garbage
    gc.collect()
    for i in range(10):
        p = Point(None, None)
        p.x = p
    del p
    print("cycles found", gc.collect() >= 9)


# Methods found on the type and module functions are borrowed the same
# way (LOAD_METHOD): a method removed from its class, or a module
# function replaced, while the call's arguments are evaluated.
class Shape:
    def area(self, k):
        return f"area {k}"

    def scale(self, k):
        return f"scale {k}"


def drop_area(last):
    if last:
        del Shape.area
        gc.collect()
        globals()["impostors"] = [(lambda self, k: "impostor") for i in range(500)]
    return "dropped" if last else "kept"


def drop_sqrt(last):
    if last:
        math.sqrt = None
        gc.collect()
        globals()["impostors"] = [abs for i in range(500)]
    return 16.0 if last else 9.0


def methods():
    s = Shape()
    for last in (False, True):
        print(s.area(drop_area(last)))
    try:
        s.area(1)
    except AttributeError as e:
        print("AttributeError:", e)
    s.scale = lambda k: f"instance scale {k}"
    print(s.scale(2), Shape().scale(3))
    del s.scale
    print(s.scale(4))
    saved = math.sqrt
    for last in (False, True):
        print("sqrt", math.sqrt(drop_sqrt(last)))
    math.sqrt = saved
    print("sqrt again", math.sqrt(25.0), math.floor(2.5))
    try:
        math.nothing(1)
    except AttributeError as e:
        print("AttributeError:", e)
    items = []
    for i in range(3):
        items.append(i)           # a builtin type's method
    print(items, "-".join(["a", "b"]), {"k": 1}.get("k"))


def gen_calls(n):
    # a generator's own calls of globals are counted (it may be suspended)
    for i in range(n):
        yield fib(i) + len([i]) + Shape().scale((yield i)).count("s")


plain()
errors()
recursion()
binding_lost()
counts()
collections()
methods()
print("generator calling globals", list(gen_calls(6)))

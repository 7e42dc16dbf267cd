"""Stress: special methods given to and taken from classes in use.

    twinpy class_slots.py N ITER [SWITCH_INTERVAL]

One writer thread assigns and deletes special methods of a class and of
its base (`__call__`, `__len__`, `__eq__`, `__add__`, `__getitem__`,
`__hash__ = None`, `__bool__`), which changes the C slots of both classes
and of their subclasses, while N - 1 readers call, measure, compare, add,
index, hash and test instances of each.  Every operation must give one of
the results the class can have had at some moment (the method's own
result, or what the class does without it: an identity comparison, a
`TypeError`), never anything else and never a crash.  Under
ThreadSanitizer the slot writes racing the readers' plain loads are
reports, so the test fails if a slot changes while another thread reads
it.  Exit 1 with a message otherwise.
"""
import sys
import threading

N = max(2, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

errors = []
done = threading.Event()


class Root:
    pass


class Mid(Root):
    pass


class Leaf(Mid):
    pass


def call(self, x=0):
    return ("called", x)


def length(self):
    return 5


def eq(self, other):
    return 7


def add(self, other):
    return ("added", other)


def getitem(self, i):
    return ("item", i)


def falsy(self):
    return False


def writer():
    try:
        for i in range(ITER):
            on = i % 2 == 0
            # the base gains or loses some, the class itself others: the
            # slots of Mid and Leaf follow both
            for cls, name, fn in ((Root, "__call__", call), (Mid, "__len__", length),
                                  (Root, "__eq__", eq), (Mid, "__add__", add),
                                  (Root, "__getitem__", getitem), (Mid, "__bool__", falsy)):
                if on:
                    setattr(cls, name, fn)
                else:
                    delattr(cls, name)
            if i % 4 == 0:
                Mid.__hash__ = None
            elif i % 4 == 2:
                del Mid.__hash__
            # assigning one Python method in place of another changes no slot
            Root.__call__ = call if on else None
            if not on:
                del Root.__call__
    except BaseException as e:
        errors.append(f"writer: {type(e).__name__}: {e}")
    finally:
        done.set()


def expect(where, got, *allowed):
    if got not in allowed:
        raise AssertionError(f"{where}: {got!r}, not one of {allowed!r}")


def attempt(fn, *args):
    try:
        return fn(*args)
    except TypeError:
        return "TypeError"
    except AttributeError:
        return "AttributeError"


def reader(tid):
    try:
        objs = [Mid(), Leaf()]
        root = Root()
        n = 0
        while not done.is_set():
            for o in objs:
                expect("call", attempt(o, n), ("called", n), "TypeError")
                expect("len", attempt(len, o), 5, "TypeError")
                expect("==", o == o, 7, True)
                expect("!=", o != o, False)
                expect("+", attempt(lambda a: a + 1, o), ("added", 1), "TypeError")
                expect("[]", attempt(lambda a: a[3], o), ("item", 3), "TypeError")
                expect("bool", bool(o), False, True)
                h = attempt(hash, o)
                if h != "TypeError" and type(h) is not int:
                    raise AssertionError(f"hash: {h!r}")
            expect("root call", attempt(root), ("called", 0), "TypeError")
            expect("root ==", root == root, 7, True)
            n += 1
    except BaseException as e:
        errors.append(f"reader {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=writer)]
threads += [threading.Thread(target=reader, args=(t,)) for t in range(N - 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
# settled: the writer's last round (ITER - 1) decides what the classes have
last_on = (ITER - 1) % 2 == 0
o = Leaf()
if last_on:
    expect("settled call", attempt(o, 1), ("called", 1))
    expect("settled len", attempt(len, o), 5)
    expect("settled ==", o == Leaf(), 7)
else:
    expect("settled call", attempt(o, 1), "TypeError")
    expect("settled len", attempt(len, o), "TypeError")
    expect("settled ==", o == Leaf(), False)
if errors:
    print(f"class_slots N={N} ITER={ITER}: FAIL: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(1)
print(f"class_slots N={N} ITER={ITER}: ok")

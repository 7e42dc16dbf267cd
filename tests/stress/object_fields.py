"""Stress: fields of functions, exceptions and classes that Python code
assigns, assigned by one thread while others use the same objects.

    twinpy object_fields.py N ITER [SWITCH_INTERVAL]

A writer reassigns a function's __defaults__, __kwdefaults__, __doc__
and __name__, an exception's args, __cause__, __context__ and
__traceback__, and a class's __name__ and __qualname__, always to fresh
objects (so a replaced value dies unless someone holds it).  The other
threads call the function with its defaults, read the fields, print the
exception and the class, and raise the one shared exception object
themselves (each raise adds to its traceback).  Every value read must be
one the writer stored; nothing may crash.  Exit 1 with a message
otherwise.
"""
import sys
import threading

N = max(2, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

errors = []
done = threading.Event()


def f(a, b=0, *, c=0):
    return (a, b, c)


class Named:
    pass


SHARED = ValueError("start")


def writer():
    try:
        for i in range(ITER):
            f.__defaults__ = (i,)
            f.__kwdefaults__ = {"c": -i}
            f.__doc__ = "doc %d" % i
            f.__name__ = "f%d" % i
            SHARED.args = ("msg %d" % i, i)
            SHARED.__cause__ = KeyError("cause %d" % i)
            SHARED.__context__ = IndexError("context %d" % i)
            if i % 7 == 0:
                SHARED.__traceback__ = None
            Named.__name__ = "Named%d" % i
            Named.__qualname__ = "Q.Named%d" % i
    except BaseException as e:
        errors.append(f"writer: {type(e).__name__}: {e}")
    finally:
        done.set()


def reader(tid):
    try:
        while not done.is_set():
            a, b, c = f(1)
            if type(b) is not int or type(c) is not int or b < 0 or c > 0:
                raise AssertionError(f"defaults {b!r} {c!r}")
            doc = f.__doc__
            if doc is not None and not doc.startswith("doc"):
                raise AssertionError(f"doc {doc!r}")
            if not f.__name__.startswith("f"):
                raise AssertionError(f"name {f.__name__!r}")
            s = str(SHARED)
            r = repr(SHARED)
            if not (s.startswith("(") or s == "start") or not r.startswith("ValueError("):
                raise AssertionError(f"exception text {s!r} {r!r}")
            cause, context = SHARED.__cause__, SHARED.__context__
            if cause is not None and type(cause) is not KeyError:
                raise AssertionError(f"cause {cause!r}")
            if context is not None and type(context) is not IndexError:
                raise AssertionError(f"context {context!r}")
            try:
                raise SHARED
            except ValueError as e:
                if e is not SHARED:
                    raise AssertionError("a different exception was caught")
            name = repr(Named)
            qual = Named.__qualname__
            if "Named" not in name or not (qual.startswith("Q.Named") or qual == "Named"):
                raise AssertionError(f"class names {name!r} {qual!r}")
    except BaseException as e:
        errors.append(f"reader {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=writer)]
threads += [threading.Thread(target=reader, args=(t,)) for t in range(N - 1)]
for t in threads:
    t.start()
for t in threads:
    t.join()
SHARED.__traceback__ = None   # drop the entries every raise added
if errors:
    print(f"object_fields N={N} ITER={ITER}: FAIL: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(1)
print(f"object_fields N={N} ITER={ITER}: ok")

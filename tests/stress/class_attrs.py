"""Stress: class attributes replaced by one thread while others use them.

    twinpy class_attrs.py N ITER [SWITCH_INTERVAL]

One writer thread assigns fresh values to a class's attributes over and
over (a new list, a new nested function as a method, a new str, a
property, a deleted and re-added attribute) while N - 1 readers read them
through instances (plain attributes, methods, super(), properties),
through the class, through a subclass, and call them, and one more
thread makes and drops subclasses of the class (the writer's assignments
walk its list of subclasses, and the writer asks for it).  A value read must
be one the writer stored (of the right type and shape), never a freed or
foreign object; the readers must not crash.  Exit 1 with a message
otherwise.
"""
import gc
import sys
import threading

N = max(2, int(sys.argv[1]))
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

errors = []
done = threading.Event()


class Base:
    data = [0, 0]
    label = "s0"

    def method(self):
        return 0


class Child(Base):
    def method(self):
        return super().method()

    def data_via_super(self):
        return super().data


def writer():
    try:
        for i in range(ITER):
            Base.data = [i, i]

            def method(self, i=i):
                return i
            Base.method = method
            Base.label = "s%d" % i
            if i % 3 == 0:
                Base.prop = property(lambda self, i=i: [i])
            if i % 11 == 0:
                for sub in Base.__subclasses__():
                    if not issubclass(sub, Base):
                        raise AssertionError(f"__subclasses__: {sub!r}")
            if i % 5 == 0:
                try:
                    del Base.extra
                except AttributeError:
                    pass
            else:
                Base.extra = (i,)
    except BaseException as e:
        errors.append(f"writer: {type(e).__name__}: {e}")
    finally:
        done.set()


def subclass_churn():
    # subclasses of Base made and dropped while the writer's assignments
    # walk Base's list of subclasses and ask for it
    try:
        k = 0
        while not done.is_set():
            class Sub(Base):
                pass
            if Sub().method() is None or not isinstance(Sub(), Base):
                raise AssertionError("subclass")
            del Sub
            k += 1
            if k % 200 == 0:
                gc.collect()
    except BaseException as e:
        errors.append(f"subclass churn: {type(e).__name__}: {e}")


def check_pair(v, where):
    if type(v) is not list or len(v) != 2 or v[0] != v[1] or type(v[0]) is not int:
        raise AssertionError(f"{where}: {v!r}")


def reader(tid):
    try:
        b = Base()
        c = Child()
        while not done.is_set():
            check_pair(b.data, "instance attribute")
            check_pair(Base.data, "class attribute")
            check_pair(c.data_via_super(), "super() attribute")
            r = b.method()
            if type(r) is not int:
                raise AssertionError(f"method: {r!r}")
            r = c.method()
            if type(r) is not int:
                raise AssertionError(f"super() method: {r!r}")
            m = Base.method
            if type(m(b)) is not int:
                raise AssertionError("function from the class")
            s = c.label
            if type(s) is not str or s[0] != "s":
                raise AssertionError(f"str attribute: {s!r}")
            p = getattr(b, "prop", [0])
            if type(p) is not list or len(p) != 1:
                raise AssertionError(f"property: {p!r}")
            e = getattr(c, "extra", (0,))
            if type(e) is not tuple or len(e) != 1:
                raise AssertionError(f"deleted attribute: {e!r}")
    except BaseException as e:
        errors.append(f"reader {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=writer)]
threads += [threading.Thread(target=reader, args=(t,)) for t in range(N - 1)]
threads.append(threading.Thread(target=subclass_churn))
for t in threads:
    t.start()
for t in threads:
    t.join()
if errors:
    print(f"class_attrs N={N} ITER={ITER}: FAIL: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(1)
print(f"class_attrs N={N} ITER={ITER}: ok")

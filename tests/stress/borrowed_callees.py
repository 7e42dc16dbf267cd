"""Stress: calls of globals and methods that other threads rebind, with
collections.

    twinpy borrowed_callees.py N ITER [SWITCH_INTERVAL]

In the nogil build a call does not count its callee when it is a global
class or function, a method found on the type or a special method such
as __call__ (borrowed callees): the callee is safe only because every
collection counts what the threads' frames borrow.  N - 1 threads call
the global class `Target`, the global function `check`, the method
`Shared.meth` and `Shared.__call__` (through an instance), with
arguments, or bodies, whose evaluation allocates cycles and now and then
collects; one thread keeps replacing `Target` with fresh classes and the
two methods with fresh functions (each dies once no frame or instance
holds it) and collects.  A callee freed under a caller shows up as a
wrong stamp, a crash, or a sanitizer report.  Exit 1 with a message
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
done = []


def new_class(k):
    class Target:
        stamp = k
        seal = k * 7 + 1

        def __init__(self, payload):
            cls = type(self)
            if cls.seal != cls.stamp * 7 + 1:
                errors.append("class %r has seal %r" % (cls.stamp, cls.seal))
            self.stamp = cls.stamp
            self.payload = payload

    return Target


def churn(i):
    a = [i]
    b = [a]
    a.append(b)             # a cycle for the collector
    if i % 16 == 0:
        gc.collect()
    return i


def new_method(k):
    # made by exec, so module-level: counted per thread (deferred), and
    # borrowed when LOAD_METHOD finds it on Shared, or when a call of
    # `shared` finds it as Shared.__call__ (then only its frame holds it,
    # and it alone holds its code: churn collects while it runs)
    g = {"churn": churn}
    exec("def meth(self, x):\n    churn(x)\n    return x * 0 + %d\n" % k, g)
    return g["meth"]


class Shared:
    pass


Target = new_class(0)
Shared.meth = new_method(0)
Shared.__call__ = new_method(0)
shared = Shared()


def check(obj, i):
    if obj.payload != i or not isinstance(obj.stamp, int):
        errors.append("call %d made %r" % (i, obj.payload))
    return obj.stamp


def caller(k):
    seen = 0
    for i in range(ITER):
        # no instance outlives the statement: while churn runs, the class
        # may have no reference but the global, which the rebinder drops
        seen += check(Target(churn(i)), i) >= 0
        if shared.meth(churn(i)) < 0 or shared(i) < 0:
            errors.append("a method gave a negative stamp")
    if seen != ITER:
        errors.append("caller %d saw %d of %d" % (k, seen, ITER))
    done.append(k)


def rebinder():
    global Target
    k = 1
    while len(done) < N - 1:
        Target = new_class(k)
        Shared.meth = new_method(k)
        Shared.__call__ = new_method(k)
        k += 1
        if k % 16 == 0:
            gc.collect()


threads = [threading.Thread(target=caller, args=(k,)) for k in range(N - 1)]
threads.append(threading.Thread(target=rebinder))
for t in threads:
    t.start()
for t in threads:
    t.join()
gc.collect()
if errors:
    print("FAIL:", errors[:5])
    sys.exit(1)
print("ok", N, ITER)

# Every way out of a with block calls __exit__ once, with the right
# arguments: return, break, continue, nested items, exceptions (suppressed
# or not), generators closed early, __exit__ raising, non-function __exit__.
class CM:
    def __init__(self, name, suppress=False):
        self.name = name; self.suppress = suppress
    def __enter__(self):
        print("enter", self.name); return self.name
    def __exit__(self, t, v, tb):
        print("exit", self.name, t.__name__ if t else None, v)
        return self.suppress

def f_return():
    with CM("a") as a:
        return a + "!"
print(f_return())

def f_loop():
    out = []
    for i in range(4):
        with CM(i):
            if i == 1: continue
            if i == 3: break
            out.append(i)
    return out
print(f_loop())

def f_nested():
    with CM("x") as x, CM("y") as y:
        with CM("z", suppress=True):
            raise ValueError("boom")
        return x + y
print(f_nested())

def f_try():
    try:
        with CM("t"):
            raise KeyError("k")
    except KeyError as e:
        print("caught", repr(e))
    finally:
        print("finally")
f_try()

def gen():
    with CM("g"):
        yield 1
        yield 2
g = gen(); print(next(g)); g.close(); print("closed")
for v in gen(): print("v", v)

class BadExit:
    def __enter__(self): return 1
    def __exit__(self, *a): raise RuntimeError("in exit")
try:
    with BadExit(): pass
except RuntimeError as e: print("exit raised", e)
try:
    with BadExit(): raise ValueError("first")
except RuntimeError as e: print("exit raised over", type(e.__context__).__name__)

class CallableExit:
    def __call__(self, *a): print("callable exit", len(a)); return False
class WithCallable:
    __exit__ = CallableExit()
    def __enter__(self): return "wc"
with WithCallable() as w: print(w)

def deep(n):
    if n == 0: return 0
    with CM(n):
        return deep(n - 1) + 1
print(deep(3))
def ret_in_finally():
    for i in range(2):
        try:
            with CM("r%d" % i):
                if i: return "ret"
        finally:
            print("fin", i)
print(ret_in_finally())
import threading
l = threading.RLock()
with l:
    with l: print("reentrant", l._is_owned())
cv = threading.Condition()
with cv: cv.notify_all(); print("cond ok")

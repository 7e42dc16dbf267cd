# The with statement looks __enter__ and __exit__ up on the type (special
# method lookup): instance attributes do not count; classmethods and
# staticmethods bind as descriptors; a missing method is a TypeError.
import threading
class C:
    def __enter__(self): return 1
    def __exit__(self, *a):
        print("exit", a[0])
        return False
c = C(); c.__enter__ = lambda: 2
with c as v: print(v)
class D:
    @classmethod
    def __enter__(cls): return cls.__name__
    @staticmethod
    def __exit__(*a): print("sexit", len(a)); return True
with D() as v:
    print(v); raise ValueError("x")
class E:
    def __enter__(self): raise KeyError("e")
    def __exit__(self, *a): print("never")
try:
    with E(): pass
except KeyError as e: print("caught", e)
class F:
    __enter__ = 5
    def __exit__(self, *a): pass
try:
    with F(): pass
except TypeError as e: print("TE", e)
try:
    with object(): pass
except TypeError as e: print(e)
class G:
    def __enter__(self): return self
try:
    with G(): pass
except TypeError as e: print(e)
l = threading.Lock()
with l: print(l.locked())
print(l.locked())

# The __dict__ attribute of instances, exceptions and functions: read,
# assigned, deleted (allowed for instances, as in CPython 3.11), and the
# TypeErrors.
class C: pass
o = C()
try:
    del o.__dict__
except Exception as e: print(type(e).__name__, e)
try:
    o.__dict__ = 5
except Exception as e: print(type(e).__name__, e)
print(o.__dict__)
class E(Exception): pass
e = E(1); e.q = 2; print(e.__dict__, vars(e))
import math
print(type(math.__dict__).__name__)
f = lambda: 0
print(f.__dict__)
try:
    del f.__dict__
except Exception as e: print(type(e).__name__, e)
try:
    f.__dict__ = None
except Exception as e: print(type(e).__name__, e)
try:
    ValueError().__dict__ = []
except Exception as e: print(type(e).__name__, e)
e = ValueError(1)
e.x = 5
print(e.__dict__)
e.__dict__ = {"y": 2}
print(e.y, hasattr(e, "x"))
def f(): pass
f.a = 1
print(f.__dict__)
f.__dict__ = {"b": 2}
print(f.b)
class C: pass
o = C(); o.__dict__ = {"z": 1}; print(o.z, vars(o))

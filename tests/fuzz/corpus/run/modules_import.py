# import m, from m import a, b; modules run once; __name__.
import math
import sys as system
from math import sqrt, pi
import _helper_mod
from _helper_mod import GREETING, bump, Thing
import _helper_mod as again
print(sqrt(9), round(pi, 4), system.maxsize > 0, math.floor(2.5))
print(GREETING, bump(), bump(), _helper_mod.counter, again is _helper_mod, Thing())
print(__name__, _helper_mod.__name__, "_helper_mod" in system.modules)
try:
    import no_such_module_xyz
except ImportError as e:
    print(type(e).__name__, e)
try:
    from math import no_such_name
except ImportError as e:
    print(type(e).__name__)
if __name__ == "__main__":
    print("running as main")

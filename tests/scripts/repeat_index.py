# Sequence repetition by an object with __index__ (str, list, tuple, both
# orders, in place), and the TypeErrors for the rest.
class X:
    def __index__(s): return 2
for f in [lambda: "ab" * X(), lambda: X() * "ab", lambda: [1] * X(), lambda: X() * [1], lambda: (1,) * X(), lambda: X() * (1,), lambda: "ab" * True, lambda: [0] * 2.0, lambda: "a" * "b"]:
    try: print(f())
    except Exception as e: print(type(e).__name__, e)
l = [1]; l *= X(); print(l)
s = "x"; s *= X(); print(s)

# twinpy-only: ints are 64-bit until big integers exist; overflow raises OverflowError.
import math
big = 9223372036854775807
print(big)
for label, op in (("add", lambda: big + 1), ("mul", lambda: big * 2), ("pow", lambda: 2 ** 64),
                  ("neg", lambda: -(-big - 1)), ("factorial", lambda: math.factorial(21))):
    try:
        op()
        print(label, "did not overflow")
    except OverflowError:
        print(label, "OverflowError")
print(-big - 1, big - 1, 2 ** 62, math.factorial(20))

# SystemExit from deep inside calls, with a non-zero int code.
import sys
def check(v):
    if v < 0:
        sys.exit(4)
    return v
print(check(1))
check(-1)

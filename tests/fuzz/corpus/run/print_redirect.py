# print to objects with write(): one write per piece, as CPython; sys.stdout can be replaced.
import sys
class Capture:
    def __init__(self):
        self.parts = []
    def write(self, s):
        self.parts.append(s)
        return len(s)
    def flush(self):
        self.parts.append("<flush>")
cap = Capture()
old = sys.stdout
sys.stdout = cap
print("captured", 1, 2, sep="-")
print("again", flush=True)
sys.stdout = old
print(cap.parts)
print("to file", file=cap)
print(cap.parts[-1])
try:
    sys.stdout.write(5)
except TypeError as e:
    print(e)
class E(Exception):
    def __init__(self, a, b):
        super().__init__(a, b)
try:
    raise E(1, 2)
except E as e:
    print(e, repr(e))

# Deep recursion raises RecursionError, which can be caught; the limit is
# adjustable.
import sys

def depth(n):
    return depth(n + 1)

try:
    depth(0)
except RecursionError as e:
    print("caught RecursionError:", "maximum recursion depth exceeded" in str(e))

def countdown(n):
    return 0 if n == 0 else 1 + countdown(n - 1)

print(countdown(500))
old = sys.getrecursionlimit()
sys.setrecursionlimit(3000)
print(sys.getrecursionlimit())
print(countdown(2500))
sys.setrecursionlimit(old)
print(sys.getrecursionlimit() == old)
try:
    countdown(old + 100)
except RecursionError:
    print("too deep again")
print(isinstance(RecursionError(), RuntimeError))

# The sys module's surface.
import sys
print(sys.argv[1:], len(sys.argv))
print(type(sys.argv[0]).__name__)
print(sys.maxsize == 9223372036854775807, sys.byteorder, sys.platform.startswith("linux"))
print(isinstance(sys.version, str), sys.version_info[0], isinstance(sys.implementation.name, str))
print(sys.getrecursionlimit() >= 100)
sys.setrecursionlimit(1234)
print(sys.getrecursionlimit())
print(sys.getswitchinterval())
sys.setswitchinterval(0.001)
print(sys.getswitchinterval())
sys.setswitchinterval(0.005)
print(type(getattr(sys, "_is_gil_enabled", lambda: True)()).__name__)
n = sys.stdout.write("written directly\n")
print(n)
sys.stdout.write("no newline, ")
sys.stdout.write("then one\n")
sys.stdout.flush()
sys.stderr.write("to stderr\n")
print("sys" in sys.modules, sys.modules["sys"] is sys, "__main__" in sys.modules)
a = sys.intern("hello world!")
b = sys.intern("hello " + "world!")
print(a is b, a == b)
x = []
before = sys.getrefcount(x)
holder = [x, x]
print(sys.getrefcount(x) - before)
del holder
print(sys.getrefcount(x) - before)
print(sys.getrefcount(object()) >= 1)
try:
    sys.setrecursionlimit(0)
except ValueError as e:
    print("ValueError:", e)
try:
    sys.setswitchinterval(0)
except ValueError as e:
    print("ValueError:", e)
try:
    sys.exit(5)
except SystemExit as e:
    print("SystemExit caught:", e.code)
try:
    sys.exit()
except SystemExit as e:
    print("SystemExit caught:", e.code)
try:
    sys.exit("message")
except SystemExit as e:
    print("SystemExit caught:", e.code)
print(issubclass(SystemExit, Exception), issubclass(SystemExit, BaseException))

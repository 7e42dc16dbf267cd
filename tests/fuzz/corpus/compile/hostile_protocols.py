class D:
    def __del__(self):
        print("del", self.k)
        raise ValueError("in del")
a = D(); a.k = 1
del a
class G:
    def __getattr__(self, name):
        return getattr(self, name + "x")
try:
    G().foo
except RecursionError:
    print("getattr recursion")
class L:
    def __len__(self): return -1
try:
    len(L())
except ValueError as e:
    print(e)
class L2:
    def __len__(self): return 2**62
print(len(L2()))
class It:
    def __iter__(self): return 5
try:
    list(It())
except TypeError as e:
    print(e)
class Idx:
    def __index__(self): return "no"
try:
    [1, 2][Idx()]
except TypeError as e:
    print(e)
print([1, 2, 3][::-(2**62)], "abc"[-(2**62):2**62], list(range(10))[2**62:-2**62:-3])
x = [1, 2, 3]
x[1:2] = x
print(x)
x[::2] = "ab" if len(x[::2]) == 2 else [0] * len(x[::2])
print(x)
try:
    x[::2] = [1]
except ValueError as e:
    print(e)
del x[::-2]
print(x)
print(int("  -0x10 ".strip(), 16), int("1_0"), float("inf") * 0, round(2.5), round(-0.5), divmod(-7, 2), -7 // 2, -7 % 2, 7 % -2)
try:
    int("9" * 30)
except (OverflowError, ValueError) as e:
    print(type(e).__name__)
print("%s %r %5.2f %-5d| %x %o %e %%" % ("a", "b", 3.14159, 42, 255, 8, 12345.678))
try:
    "%d" % "x"
except TypeError as e:
    print(e)
try:
    "%s %s" % (1,)
except TypeError as e:
    print(e)
print("{0}{1}{0}".format("a", "b"), "{:*^10}".format("mid"), "{x}".format(x=1))
try:
    "{0".format(1)
except ValueError as e:
    print(e)
try:
    "{:zz}".format(1)
except ValueError as e:
    print(e)

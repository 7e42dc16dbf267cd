# The builtin functions of LANGUAGE.md.
import sys
print(len("abc"), len([1, 2]), len({}), len(range(10)), len((1,)))
print(abs(-7), abs(-2.5), max([1, 5, 3]), max(1, 5, 3), min("zebra"), max([], default="empty"), min([3, 1], key=lambda v: -v))
print(max(["aa", "b", "ccc"], key=len), min({"x": 3, "y": 1}.items(), key=lambda kv: kv[1]))
print(sum([1, 2, 3]), sum([1, 2], 10), sum([0.5, 0.25]), sum([[1], [2]], []), sum(range(5), start=100))
print(sorted([3, 1, 2]), sorted("cba"), sorted([3, 1, 2], reverse=True), sorted({"b": 1, "a": 2}), sorted([-3, 2, -1], key=abs))
print(list(reversed([1, 2, 3])), list(reversed("abc")), list(reversed(range(4))), list(reversed((1, 2))))
print(list(enumerate("ab")), list(enumerate("ab", start=1)), list(enumerate([], 5)))
print(list(zip([1, 2, 3], "ab")), list(zip()), list(zip([1], [2], [3])), dict(zip("ab", "xy")))
print(list(map(str, [1, 2])), list(map(lambda a, b: a * b, [1, 2, 3], [4, 5])), list(map(abs, (-1, -2))))
print(list(filter(None, [0, 1, "", "a", None, [], [0]])), list(filter(lambda v: v > 1, [1, 2, 3])))
print(any([]), all([]), any([0, 0, 1]), all([1, 2, 0]), any(iter([False])), all("abc"))
print(isinstance(1, int), isinstance(True, int), isinstance(1, (str, float)), isinstance("s", (str, float)), isinstance(None, object))
print(issubclass(bool, int), issubclass(int, (str, object)), issubclass(KeyError, LookupError))
print(type(1) is int, type("s") == str, type(type), type(len).__name__ in ("builtin_function_or_method",))
l = []
print(id(l) == id(l), id(l) != id([]), hash("abc") == hash("abc"), hash(1) == 1, hash((1, 2)) == hash((1, 2)))
print(repr("q"), repr([1, "a"]), repr(None), repr(1.0), repr((1,)), repr({}), repr(range(3)), repr(range(1, 10, 2)))
it = iter([10, 20])
print(next(it), next(it), next(it, "done"), next(iter(()), None))
print(divmod(9, 4), divmod(-9, 4), divmod(9.0, 4), pow(2, 8), pow(2, -2), pow(5, 3, 7), pow(2.0, 3))
print(round(3.14159, 2), round(2.5), round(0.5), round(1.5), round(-1.5), round(7), round(15, -1), round(25, -1), round(1e300, -300) > 0)
print(chr(65), ord("a"), chr(8364), ord("€"), hex(255), hex(-255), oct(8), bin(5), bin(-5), bin(0))
print(callable(len), callable(1), callable(int), callable(lambda: 0), callable("s".upper))
class C:
    attr = 1
obj = C()
print(hasattr(obj, "attr"), getattr(obj, "attr"), getattr(obj, "nope", None), hasattr(obj, "nope"))
setattr(obj, "dyn", 5)
print(obj.dyn, vars(obj), "attr" in dir(obj), "dyn" in dir(obj), "append" in dir([]))
delattr(obj, "dyn")
print(hasattr(obj, "dyn"))
print(int("12"), int(" 7 "), int("-0"), int(2.9), int("1_000"), int("z", 36), float("3"), float(" -2.5 "), float(7))
print(str(5), str(), bool(0), bool([1]), bool(), list(), dict(), tuple(), set(), frozenset(), object().__class__.__name__)
print(tuple([1, 2]), list((3, 4)), set([1, 1]), dict([(1, 2)]), str(3.0), int(False), float(True))
print(format(3.5, ".2f"), format(10, "x"), format("a", "^5"), format(1234, ","))
print(globals()["__name__"], "C" in globals(), isinstance(locals(), dict))
def local_names(a, b=2):
    c = 3
    return sorted(locals().items())
print(local_names(1))
print(eval("1 + 2 * 3"), eval("x * 2", {"x": 21}), eval("[i for i in range(3)]"))
ns = {}
exec("y = 6\nz = y * 7", ns)
print(ns["y"], ns["z"])
exec("print('exec prints', 1 + 1)")
print(NotImplemented, Ellipsis, ..., type(None).__name__)
print(range(5), list(range(2, 11, 3)), list(range(5, 0, -1)), range(3) == range(0, 3), list(range(0)))
print(slice(1, 5, 2), [0, 1, 2, 3, 4, 5][slice(1, 5, 2)], slice(3))
print(print("nested print returns") is None)
print("multiple", "args", sep="")
print("no newline", end="")
print(" <- same line")
print("sep and end", 1, 2, sep=", ", end=".\n")
print()
print("to stderr", file=sys.stderr)
print("flushed", flush=True)
print(*"spread")
print(isinstance(print, object), issubclass(type, object))
try:
    print("x", sep=5)
except TypeError as e:
    print("TypeError:", e)
try:
    min([])
except ValueError as e:
    print("ValueError:", e)
try:
    next(iter([]))
except StopIteration:
    print("StopIteration")
try:
    ord("ab")
except TypeError as e:
    print("TypeError:", e)
try:
    chr(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    getattr(obj, "missing")
except AttributeError as e:
    print("AttributeError:", e)
try:
    int("x1")
except ValueError as e:
    print("ValueError:", e)
try:
    float("abc")
except ValueError as e:
    print("ValueError:", e)
try:
    sum(["a", "b"], "")
except TypeError as e:
    print("TypeError:", e)
try:
    hash([])
except TypeError as e:
    print("TypeError:", e)
try:
    iter(5)
except TypeError as e:
    print("TypeError:", e)
try:
    next([1])
except TypeError as e:
    print("TypeError:", e)
try:
    len(3)
except TypeError as e:
    print("TypeError:", e)
try:
    abs("x")
except TypeError as e:
    print("TypeError:", e)
try:
    reversed(5)
except TypeError as e:
    print("TypeError:", e)

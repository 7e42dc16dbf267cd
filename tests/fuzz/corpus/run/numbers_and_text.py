# int, float and str semantics: subclasses, format(), %-formatting, repr,
# division and rounding rules, error messages (all as CPython 3.11 prints them).
class MyInt(int):
    def double(self):
        return self * 2
class MyFloat(float):
    pass
class MyStr(str):
    def shout(self):
        return self.upper() + "!"
a = MyInt(21)
print(a, a.double(), type(a).__name__, a + 1, isinstance(a, int), repr(a), hash(a) == hash(21))
f = MyFloat("2.5")
print(f, f * 2, type(f).__name__)
s = MyStr("hey")
print(s, s.shout(), len(s), s == "hey", type(s).__name__, s + "!", s[1])
class P:
    def __format__(self, spec):
        return "P<" + spec + ">"
print(format(P(), "abc"), f"{P():xyz}", "{:q}".format(P()))
class Q:
    pass
try:
    format(Q(), "x")
except TypeError as e:
    print("TypeError:", e)
print(format(Q(), "") [:10])
print(int("0x1f", 16), int("0b101", 0), int("  -12  "), int(3.99), int(-3.99), int(True))
try:
    int("abc")
except ValueError as e:
    print(e)
print(float("  1e3 "), float("-inf"), float("nan"), float(3), 1.0 == 1, 0.1 + 0.7)
print(repr(1e16), repr(1e-5), repr(100.0), repr(1.5e300), repr(-0.0), 2 ** 0.5)
print(7 // 2, -7 // 2, 7 % -3, 7.5 // 2, -7.5 % 2, divmod(7, -2), divmod(-7.5, 2))
print(round(3.14159, 2), round(2.5), round(-0.5), round(1234, -2), round(0.5 + 1), round(7.5, 0))
print(abs(-5), abs(-2.5), -(-3), +4, ~7, 1 << 10, 1024 >> 3, 6 & 3, 6 | 3, 6 ^ 3)
print(3 < 3.5, 2 == 2.0, "a" < "b", "abc" * 2, 2 * "x", "é" * 2)
print("%s is %d years and %.1f%%" % ("Bob", 30, 99.5))
print("%(name)s=%(v)05.2f" % {"name": "pi", "v": 3.14159})
print("{0:>10}|{1:<8}|{2:^7}|{3:+.2e}".format("right", "left", "mid", 12345.678))
print(f"{255:#x} {255:08b} {1234567.891:,.2f} {0.25:.1%} {'s':*^5} {42!r} {'q'!r}")
print("Hello World".lower().replace("world", "there").title().split())
print(", ".join(str(i) for i in range(5)), "x".center(5, "-"), "42".zfill(6))
print("a-b-c".rsplit("-", 1), "  pad ".strip(), "abc".find("c"), "abcabc".count("bc"))
print("tEST".capitalize(), "Title Case".istitle(), "abc".startswith(("x", "a")), "abc"[::-1])
print([c for c in "héllo"], list(reversed("abc")), sorted("bca"), "ab" in "cabd")
print(str(1), str(1.5), str(True), str(None), str([1, "a"]), repr("a'b"), repr('a"b'))
print(hash("abc") == hash("ab" + "c"), hash(1.5) == hash(1.5), hash(-1), hash(2**61 - 1))
print((1).bit_length(), (255).bit_length(), (2.5).as_integer_ratio(), (3.0).is_integer())
print(pow(2, 10), pow(2, -1), pow(3, 4, 5), pow(2.0, 3), 2 ** 62, (-2) ** 63)
for expr in ["1/0", "1//0", "1%0", "1.0/0", "1.0//0.0", "1.0%0", "'a'+1", "'a'*'b'", "1<<-1", "0.0**-1", "int('1', 99)", "'abc'[10]", "format(1.5, 'd')", "'{'.format()", "'%d' % 'x'"]:
    try:
        eval(expr)
    except Exception as e:
        print(expr, "->", type(e).__name__, e)
print(True + True, True * 3, repr(True), str(False), True & False, True | False, int(True), float(True))
print(bool(0), bool(""), bool("a"), bool(0.0), bool(-1))
print(max("abc"), min(3, 2.5), sum([0.1] * 10), 10 / 3, 2 / 2)
x = 0.1
print(f"{x}", f"{x!s}", f"{x:.20f}", f"{1e100}", f"{123456789.0}", f"{1e16}")
for w in ["straße", "ΣΑΣ", "ὈΔΥΣΣΕΎΣ", "Σ", "aΣ b", "ßa", "Ünïcödé", "éCOLE ÀB"]:
    print(w.upper(), w.lower(), w.title(), w.capitalize(), w.swapcase(), w.casefold())
t = str.maketrans("abc", "xyz", "d")
print(sorted(t.items()))
print("abcdd-cab".translate(t), "hello".translate({ord("l"): "L!", ord("o"): None}), "abc".translate(str.maketrans({"a": "1", 98: None})))
print("é☃".translate({0x2603: 0x41}), "x".translate([]), "abc".translate({}))
print("abc".maketrans("a", "b"))
for bad in ["str.maketrans(1)", "str.maketrans('ab', 'c')", "str.maketrans({'ab': 1})", "'a'.translate({97: 1.5})", "'a'.translate({97: -1})", "str.maketrans(1, 'a')"]:
    try:
        eval(bad)
    except Exception as e:
        print(bad, type(e).__name__, e)

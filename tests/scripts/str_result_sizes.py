# Strings whose size is known before they are built: padding to a width
# (str methods, format specs with grouped zero fill, %-formatting), join,
# replace, expandtabs; against CPython's output.  Results too large for
# the memory raise MemoryError at once, before a byte is written.

for w in (-1, 0, 3, 4, 7, 8, 12):
    print(w, repr("abc".ljust(w)), repr("abc".rjust(w, "*")), repr("abc".center(w, "→")),
          repr("abcd".center(w)), repr("-42".zfill(w)), repr("+7".zfill(w)), repr("x".zfill(w)))

for v in (0, 7, -12345, 1234567, 10**15, -(10**15)):
    for spec in ("0=12,", "0=13_", "0=20,", "0=1,", "015,d", "0=16_x", "0=11_b", "*>14,", "^15_"):
        print(f"{v}:{spec}", repr(format(v, spec)))
for spec in ("0=14,.2f", "0=15_.3f", "0=20,.1e", "0=9,.0f", ">12.3%", "*^13,.1f"):
    print(f"1234.5678:{spec}", repr(format(1234.5678, spec)))
for width in range(1, 18):
    print(width, repr(format(12345, f"0={width},")), repr(format(-1, f"0={width}_")))

print(repr("%5d|%-5d|%05d|%+.3d|%.0d|%x|%#8o" % (42, 42, -42, 7, 0, 255, 8)))
print(repr("%10.4f|%-10s|%*d|%-*d|%.*f" % (3.14159, "ab", 6, 1, 6, 1, 2, 2.71828)))
print(repr("%s|%10r|%-4c|%%" % ("x", "y", "z")))
print(repr("a\tbc\tdef\tg".expandtabs()), repr("a\tb".expandtabs(0)), repr("a\tb".expandtabs(-4)),
      repr("1\t22\n\t333".expandtabs(3)))


def each_memory_error(*makes):
    for make in makes:
        try:
            make()
            print("made it?")
        except MemoryError:
            print("MemoryError")


each_memory_error(lambda: "x".ljust(10**12), lambda: "x".center(10**12, "é"),
                  lambda: "x".zfill(10**12), lambda: format(1, ">1000000000000"),
                  lambda: format("s", "<1000000000000"), lambda: "%1000000000000d" % 1,
                  lambda: "%-1000000000000s" % "s")
for bad in ("%.3000000000f", "%99999999999999999999d"):
    try:
        bad % 1.0
    except ValueError as e:
        print("ValueError", e)
try:
    "\t".expandtabs(10**12)
except OverflowError as e:
    print("OverflowError", e)

# join: any iterable, sizes added up first
print(repr("-".join(["ab", "", "c"])), repr("".join(())), repr(", ".join(str(i) for i in range(5))),
      repr("→".join("xyz")), repr("x".join({"k": 1})))


class Strs(list):
    def __iter__(self):
        return iter(["over", "ridden"])


print(repr("+".join(Strs(["a", "b"]))))
for bad in ([1], ["a", 2], None):
    try:
        "-".join(bad)
    except TypeError as e:
        print("TypeError", e)

# replace: counted first
print(repr("aaa".replace("a", "bc")), repr("abc".replace("", "-")), repr("abc".replace("", "-", 2)),
      repr("héllo".replace("", "|")), repr("abab".replace("ab", "", 1)), repr("xyz".replace("q", "r")),
      repr("aaaa".replace("aa", "b")), repr("abc".replace("b", "b" * 3, 0)))

# expandtabs: sized first
print(repr("é\tx\r\ty\n\tz".expandtabs(3)), repr("\t\t".expandtabs(1)))

each_memory_error(lambda: ",".join(["x" * 10**6] * 10**6),
                  lambda: ("a" * 10**6).replace("a", "b" * 10**6),
                  lambda: ("a" * 10**6).replace("", "b" * 10**6),
                  lambda: ("\t" * 10**5).expandtabs(2**31 - 1))
for spec in ("{999999999999999999999}", "{0[99999999999999999999999]}"):
    try:
        spec.format([1])
    except ValueError as e:
        print("ValueError", e)

# a format's precision: any Py_ssize_t for a str (it truncates), a C int
# for a float, none for an int
for spec in (".3000000000f", ".3000000000", ".3000000000%", ".99999999999999999999f"):
    for v in (1.5, 7, "abc"):
        try:
            print(spec, repr(v), len(format(v, spec)))
        except ValueError as e:
            print(spec, repr(v), "ValueError", e)

# field numbers: all digits is a number, digits past a Py_ssize_t an
# error even with more after them, else a name or a key
print("{1x}".format(**{"1x": 5}), "{0[12x]}".format({"12x": 6}), "{0[2]}".format("abc"))
for spec in ("{99999999999999999999999x}", "{0[99999999999999999999999x]}"):
    try:
        spec.format([1])
    except ValueError as e:
        print("ValueError", e)

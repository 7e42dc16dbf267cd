# f-strings and format specs.
x = 3.14159265
n = 42
s = "text"
print(f"{x:.3f}|{x:10.2f}|{x:<10.1f}|{x:^10.3f}|{x:e}|{x:.2e}|{x:g}|{x:%}|{0.5:.1%}")
print(f"{n:>6}|{n:<6}|{n:^6}|{n:06}|{n:+}|{-n:+}|{n: }|{n:x}|{n:X}|{n:o}|{n:b}|{n:#x}|{n:#b}|{n:#o}")
print(f"{1234567:,}|{1234567:_}|{1234567.891:,.2f}|{n:*^10}|{n:=+8}|{n:c}")
print(f"{s:>8}|{s:<8}|{s:^8}|{s:-^9}|{s:.2}|{s!r}|{s!s}|{'é'!a}")
print(f"{[1, 2]!r}|{None}|{True}|{True:d}|{3:.2f}|{2.0:.0f}|{2.5:.0f}|{3.5:.0f}")
width, prec = 10, 3
print(f"{x:{width}.{prec}f}|{n:{'>'}{width}}")
print(f"{'nested ' + s}", f"{n * 2}", f"{x if n > 40 else 0}", f"{len(s)=}" if False else len(s))
print(f"{{literal}}", f"a{n}b{n}c", f"{n!r:>5}")
print(format(n, "08b"), format(x, ".4f"), format("s", ">3"), format(12, ""), "{:>5}".format("ab"))
print("{} and {}".format("a", "b"), "{1} {0} {1}".format("x", "y"), "{name}={val:.1f}".format(name="v", val=2.25))
print("%d items, %s, %.2f, %5s|%-5s|, %x, %r, %%" % (3, "str", 2.5, "r", "l", 255, "q"))
print(f"{-0.0}", f"{1e20}", f"{1e-5}", f"{123.456:.1e}", f"{float('inf')}", f"{float('nan'):>5}")
print(f"{12:5d}|{-12:5d}|{12:<5d}|{0:03d}|{-5:04d}")
print(f"{0.1:.20f}", f"{1/3:.15g}", f"{100:.3g}", f"{1234567:.3g}")

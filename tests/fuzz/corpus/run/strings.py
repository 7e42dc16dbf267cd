s = "Hello, World"
print(s.lower(), s.split(", "), s.find("W"), s.replace("l", "L", 2), s[::-2], f"{s!r:>20}|{3.14159:.2f}|{42:08b}")
print("%s %d %r" % ("a", 3, [1]), "abc".center(9, "*"), "a,b,,c".split(","), " x ".strip(), "x".join("abc"))

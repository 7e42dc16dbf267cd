# Literals: ints in every base, floats, strings and their escapes, displays.
print(0, 7, -12, 1_000_000, 0x1F, 0XfF, 0o17, 0b1011, 0b_1111_0000)
print(9223372036854775807, -9223372036854775807 - 1)
print(1.5, -0.25, 1e3, 2.5e-3, 1_0.0_1, .5, 5., 1e16, 1.0e-7, 123456789.125)
print(0.1 + 0.2, 1/3, 2/3, 10/4, 3.0, -0.0)
print(float("inf"), float("-inf"), float("nan"))
print('single', "double", '''triple
quoted''', """also
triple""")
print("tab:\t|", "newline:\\n", 'quote: \' "', "back\\slash")
print("\x41\x42", "\u00e9t\u00e9", "alpha", "\101")
print(repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("\n\t\\"))
print(r"raw\n string", len(r"\n"))
print("adjacent " "strings " 'concatenate')
print(True, False, None, True + True, not None)
print([1, 2, 3], [], [[]], (1,), (), (1, 2), {'a': 1, 'b': 2}, {}, {3}, {1, 2, 3} == {3, 2, 1})
print(type(1).__name__, type(1.0).__name__, type("").__name__, type(None).__name__)
print(type([]).__name__, type(()).__name__, type({}).__name__, type({1}).__name__, type(True).__name__)
print(repr(1.0), repr(100.0), repr(1e22), repr(1.5e-10), repr(0.1))
print(str(12345678901234.0), 1e100, -1.5e300)
x = 5
print(f"x={x}", f"{x + 1}", f"{'nested'}", f"{{braces}}")

# Error paths of the builtin functions: CPython's exception types and messages.
tests = [
    lambda: len(), lambda: len(1, 2), lambda: abs(), lambda: isinstance(1), lambda: getattr(1),
    lambda: divmod(1), lambda: chr(), lambda: ord(), lambda: hash(), lambda: id(1, 2), lambda: repr(),
    lambda: iter(), lambda: next(), lambda: callable(), lambda: round(), lambda: sum(), lambda: any(),
    lambda: all(1), lambda: sorted(1), lambda: min(1), lambda: max(1, key=None, x=2), lambda: enumerate(),
    lambda: zip(1), lambda: map(len), lambda: filter(len), lambda: reversed(), lambda: pow(1),
    lambda: print(end=3), lambda: hex(1.5), lambda: bin("1"), lambda: chr(1.5), lambda: chr(0x110000),
    lambda: round(1.5, 1.5), lambda: divmod(1, 0), lambda: divmod(1.0, 0), lambda: pow(0, -1),
    lambda: iter(1, 2), lambda: format(1, 2), lambda: setattr(1, "x", 2), lambda: delattr(1, "x"),
    lambda: hasattr(1, 2), lambda: sum([1], "a"), lambda: sum(["a"]), lambda: next(iter([]), 1, 2),
    lambda: eval(1), lambda: exec("1/0"), lambda: eval("1 +"), lambda: vars(), lambda: dir(1, 2),
    lambda: __import__("nonexistent_mod"), lambda: sorted([1], key=1), lambda: round(float("inf")),
    lambda: round(float("nan")), lambda: int(float("inf")), lambda: max([]), lambda: min(()),
]
for i, t in enumerate(tests):
    try:
        r = t()
        print(i, "ok", r if not isinstance(r, (dict, list)) else type(r).__name__)
    except Exception as e:
        print(i, type(e).__name__, e)

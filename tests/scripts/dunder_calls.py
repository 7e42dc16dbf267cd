# How many times builtins call a class's __len__, __getitem__, __contains__,
# __bool__, __iter__, __index__, __eq__ and __hash__ (CPython's counts).
calls = []
class S:
    def __init__(s, n): s.n = n
    def __len__(s): calls.append("len"); return s.n
    def __getitem__(s, i):
        calls.append("getitem")
        if i >= s.n: raise IndexError(i)
        return i
    def __contains__(s, x): calls.append("contains"); return x < s.n
    def __bool__(s): calls.append("bool"); return s.n > 0
class I:
    def __init__(s, n): s.n = n
    def __iter__(s): calls.append("iter"); return iter(range(s.n))
    def __len__(s): calls.append("len"); return s.n
class X:
    def __index__(s): calls.append("index"); return 2
class E:
    def __eq__(s, o): calls.append("eq"); return False
    def __hash__(s): calls.append("hash"); return 7
def show(name, f):
    try: r = f()
    except Exception as e: r = type(e).__name__
    print(name, calls, repr(r)[:30]); calls.clear()
show("list(S)", lambda: list(S(3)))
show("tuple(S)", lambda: tuple(S(3)))
show("list(I)", lambda: list(I(3)))
show("sorted(I)", lambda: sorted(I(3)))
show("in S", lambda: 2 in S(3))
show("bool S", lambda: bool(S(3)))
show("if S", lambda: 1 if S(0) else 0)
show("len S", lambda: len(S(4)))
show("enumerate", lambda: list(enumerate(I(2))))
show("zip", lambda: list(zip(I(2), S(2))))
show("sum", lambda: sum(I(4)))
show("set(I)", lambda: set(I(3)))
show("dict.fromkeys(I)", lambda: dict.fromkeys(I(2)))
show("extend", lambda: [].extend(I(2)))
show("unpack", lambda: (lambda a, b, c: a)(*I(3)))
show("a,b=", lambda: [(a, b) for a, b in [S(2)]])
show("str*X", lambda: "ab" * X())
show("list[X]", lambda: [1, 2, 3][X()])
show("range(X)", lambda: list(range(X())))
show("slice X", lambda: [1, 2, 3, 4][X():])
show("E in list", lambda: E() in [E(), E()])
show("E in set", lambda: E() in {E(), E()})
show("list.index E", lambda: [E(), 1].index(E()))
show("dict E", lambda: len({E(): 1, E(): 2}))
show("max S", lambda: max(S(3)))
show("any I", lambda: any(I(3)))
show("reversed S", lambda: list(reversed(S(3))))
show("join", lambda: ",".join(map(str, I(3))))
show("all S", lambda: all(S(2)))

class BadHash:
    def __hash__(self): raise ValueError("no hash")
class BadEq:
    def __hash__(self): return 1
    def __eq__(self, o): raise KeyError("eq")
class StrHash:
    def __hash__(self): return "x"
for f in (lambda: {BadHash(): 1}, lambda: {BadEq(): 1, BadEq(): 2}, lambda: {StrHash()},
          lambda: BadEq() in [BadEq()], lambda: [BadEq()].index(BadEq()), lambda: [BadEq()].count(1),
          lambda: {1: 2}.get(BadHash()), lambda: set([BadEq(), BadEq()]), lambda: [BadEq()].remove(3)):
    try:
        print(f())
    except Exception as e:
        print(type(e).__name__, e)

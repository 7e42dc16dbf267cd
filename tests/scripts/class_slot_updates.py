# Special methods assigned to and deleted from classes after they are made:
# the class, its subclasses (made before and after), a subclass that
# defines its own, and the errors when a method is missing.


def attempt(what, fn):
    try:
        print(what, "->", fn())
    except Exception as e:
        print(what, "->", type(e).__name__ + ":", e)


class Base:
    pass


class Sub(Base):
    pass


class Own(Base):
    def __len__(self):
        return 100


b, s, o = Base(), Sub(), Own()

# each slot the dunder maps to follows it, in the subclasses too
Base.__len__ = lambda self: 3
attempt("len(s)", lambda: len(s))
attempt("len(o)", lambda: len(o))
del Base.__len__
attempt("len(b)", lambda: len(b))
attempt("len(s)", lambda: len(s))
attempt("len(o)", lambda: len(o))
attempt("del again", lambda: exec("del Base.__len__", {"Base": Base}))

Base.__call__ = lambda self, x=1: ("called", x)
attempt("s(5)", lambda: s(5))
Base.__call__ = None
attempt("s() with None", lambda: s())
del Base.__call__
attempt("s() deleted", lambda: s())

# one row of several sharing a slot (the comparisons)
Base.__lt__ = lambda self, other: "lt"
attempt("s < b", lambda: s < b)
attempt("s == s", lambda: s == s)
Base.__eq__ = lambda self, other: "eq"
attempt("s == b", lambda: s == b)
attempt("s != b", lambda: s != b)
attempt("s < b still", lambda: s < b)
del Base.__lt__
attempt("s < b gone", lambda: s < b)
attempt("s == b kept", lambda: s == b)
del Base.__eq__
attempt("s == s gone", lambda: s == s)

# reflected and in-place operators share one slot each
Base.__radd__ = lambda self, other: ("radd", other)
attempt("1 + s", lambda: 1 + s)
attempt("s + 1", lambda: s + 1)
Base.__add__ = lambda self, other: ("add", other)
attempt("s + 1 now", lambda: s + 1)
del Base.__radd__
attempt("1 + s gone", lambda: 1 + s)
del Base.__add__
Base.__iadd__ = lambda self, other: "iadd"
x = s
x += 1
print("x += 1 ->", x)
del Base.__iadd__

# __hash__ = None makes instances unhashable; deleting it restores them
Sub.__hash__ = None
attempt("hash(s)", lambda: hash(s) == hash(s))
del Sub.__hash__
attempt("hash(s) back", lambda: hash(s) == hash(s))

# items, truth, iteration
Base.__getitem__ = lambda self, i: i * 2
attempt("s[4]", lambda: s[4])
Base.__bool__ = lambda self: False
attempt("bool(s)", lambda: bool(s))
del Base.__bool__
attempt("bool(s) gone", lambda: bool(s))
Base.__iter__ = lambda self: iter([7, 8])
attempt("list(s)", lambda: list(s))
del Base.__iter__
attempt("list(s) by __getitem__", lambda: [v for _, v in zip(range(3), s)])
del Base.__getitem__
attempt("s[4] gone", lambda: s[4])

# attribute hooks
Base.__getattr__ = lambda self, name: "missing " + name
attempt("s.anything", lambda: s.anything)
del Base.__getattr__
attempt("s.anything gone", lambda: s.anything)

# construction
Base.__init__ = lambda self, v=0: setattr(self, "v", v)
attempt("Sub(9).v", lambda: Sub(9).v)
del Base.__init__
attempt("Sub(9) no init", lambda: Sub(9))


def new(cls, *args):
    inst = object.__new__(cls)
    inst.made = args
    return inst


Base.__new__ = staticmethod(new)
attempt("Sub(1, 2).made", lambda: Sub(1, 2).made)
del Base.__new__
attempt("Sub() plain", lambda: type(Sub()).__name__)

# a class made after the assignment inherits it
Base.__len__ = lambda self: 11


class Late(Sub):
    pass


attempt("len(Late())", lambda: len(Late()))
del Base.__len__
attempt("len(Late()) gone", lambda: len(Late()))

# a finalizer given to a class later runs
Base.__del__ = lambda self: print("finalized", type(self).__name__)
t = Sub()
del t
del Base.__del__
t = Sub()
del t
print("done")

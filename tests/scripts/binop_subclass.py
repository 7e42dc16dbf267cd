# Binary operators between a class and its subclass on the right: the
# subclass's reflected method goes first only if it overrides it
# (CPython's SLOT1BINFULL and method_is_overloaded); comparisons always try
# the subclass's reflected method first.
log = []


class A:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        log.append("A.add")
        return A(self.v + (o.v if isinstance(o, A) else o))

    def __radd__(self, o):
        log.append("A.radd")
        return A((o.v if isinstance(o, A) else o) + self.v)

    def __sub__(self, o):
        log.append("A.sub")
        return NotImplemented

    def __rsub__(self, o):
        log.append("A.rsub")
        return "A.rsub"

    def __mul__(self, o):
        log.append("A.mul")
        return "A.mul"

    def __lt__(self, o):
        log.append("A.lt")
        return True

    def __gt__(self, o):
        log.append("A.gt")
        return False


class B(A):            # inherits every reflected method
    pass


class C(A):            # overrides __radd__ and __rmul__
    def __radd__(self, o):
        log.append("C.radd")
        return "C.radd"

    def __rmul__(self, o):
        log.append("C.rmul")
        return NotImplemented


class D(A):
    def __gt__(self, o):
        log.append("D.gt")
        return True


def run(name, f):
    del log[:]
    r = f()
    print(name, r.v if isinstance(r, A) else r, log)


run("A + B", lambda: A(1) + B(2))
run("A + C", lambda: A(1) + C(2))
run("B + A", lambda: B(1) + A(2))
run("C + C", lambda: C(1) + C(2))
run("A - B", lambda: A(1) - B(2))
run("A * C", lambda: A(1) * C(2))
run("1 + B", lambda: 1 + B(2))
run("A < B", lambda: A(1) < B(2))
run("A < D", lambda: A(1) < D(2))

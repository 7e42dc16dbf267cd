def attempt(label, fn):
    try:
        print(label, fn())
    except Exception as e:
        print(label, type(e).__name__ + ':', e)

class P:
    def __init__(self, x, y=0):
        self.x, self.y = x, y
    def move(self, dx, dy=0):
        return P(self.x + dx, self.y + dy)
    def __repr__(self):
        return f'P({self.x}, {self.y})'
attempt('no args', lambda: P())
attempt('too many', lambda: P(1, 2, 3))
attempt('bad kw', lambda: P(1, z=2))
attempt('dup', lambda: P(1, x=2))
attempt('method missing', lambda: P(1).move())
attempt('method too many', lambda: P(1).move(1, 2, 3))
attempt('unbound', lambda: P.move(1))
attempt('ok', lambda: P.move(P(1), 5))

class Money:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        if not isinstance(o, Money):
            return NotImplemented
        return self.v == o.v
    def __lt__(self, o):
        if not isinstance(o, Money):
            return NotImplemented
        return self.v < o.v
    def __add__(self, o):
        if isinstance(o, int):
            return Money(self.v + o)
        if isinstance(o, Money):
            return Money(self.v + o.v)
        return NotImplemented
    def __radd__(self, o):
        return self.__add__(o)
    def __hash__(self):
        return hash(self.v)
    def __repr__(self):
        return f'${self.v}'
print(Money(1) == Money(1), Money(1) == 1, Money(1) != 'x', 1 == Money(1), Money(2) > Money(1))
print(sum([Money(1), Money(2)]), 5 + Money(1), Money(1) + Money(2), sorted([Money(3), Money(1)]))
attempt('lt mixed', lambda: Money(1) < 5)
attempt('add str', lambda: Money(1) + 'x')
attempt('radd str', lambda: 'x' + Money(1))
print({Money(1): 'a'}[Money(1)], Money(1) in [Money(0), Money(1)], [Money(1)].index(Money(1)))

class Seq:
    def __init__(self, n):
        self.n = n
    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return i * i
class Sized:
    def __len__(self):
        return 0
class Truthy:
    def __bool__(self):
        return True
    def __len__(self):
        return 0
print(list(Seq(4)), 9 in Seq(4), 5 in Seq(4), bool(Sized()), bool(Truthy()), len(Sized()))
for v in Seq(3):
    print('seq', v)
class BadLen:
    def __len__(self):
        return -1
class BadBool:
    def __bool__(self):
        return 1
attempt('bad len', lambda: len(BadLen()))
attempt('bad bool', lambda: bool(BadBool()))
attempt('not iterable', lambda: list(P(1)))
attempt('not callable', lambda: P(1)())
attempt('no len', lambda: len(P(1)))
attempt('no getitem', lambda: P(1)[0])
attempt('no setitem', lambda: Seq(1).__setitem__)
a = [1, 2]
a.append(a)
print(a, repr(a))
d = {'k': 1}
d['self'] = d
print(d)
class Node:
    def __init__(self):
        self.children = []
    def __repr__(self):
        return f'Node({self.children})'
n = Node()
n.children.append(Node())
print(n, str(n), [n], f'{n!r}')
class Base:
    @classmethod
    def create(cls, *args):
        return cls(*args)
    def __init__(self, v=0):
        self.v = v
    def describe(self):
        return f'{type(self).__name__}:{self.v}'
class Mid(Base):
    def describe(self):
        return 'mid<' + super().describe() + '>'
class Leaf(Mid):
    def __init__(self, v, extra):
        super().__init__(v)
        self.extra = extra
    def describe(self):
        return 'leaf<' + super().describe() + f',{self.extra}>'
print(Leaf.create(1, 'e').describe(), Mid.create(2).describe(), Base.create().describe())
print(Leaf.__name__, Leaf.__mro__ if False else '', isinstance(Leaf(1, 2), Base), [c.__name__ for c in Leaf.__bases__])
class Counter:
    count = 0
    def __init__(self):
        type(self).count += 1
class Sub(Counter):
    pass
Counter(); Sub(); Sub()
print(Counter.count, Sub.count)
class WithStr:
    def __str__(self):
        return 'str!'
    def __repr__(self):
        return 'repr!'
w = WithStr()
print(w, [w], (w,), {w: w} if False else '', f'{w} {w!r} {w!s}', str(w), repr(w), '%s %r' % (w, w), '{} {!r}'.format(w, w))
class Fmt:
    def __format__(self, spec):
        return f'<{spec}>'
print(f'{Fmt():xyz}', format(Fmt(), '>5'), '{:abc}'.format(Fmt()))
class Cmp:
    def __init__(self, v):
        self.v = v
    def __le__(self, o):
        return self.v <= o.v
    def __ge__(self, o):
        return self.v >= o.v
print(Cmp(1) <= Cmp(2), Cmp(1) >= Cmp(2), Cmp(3) >= Cmp(3))
attempt('lt missing', lambda: Cmp(1) < Cmp(2))
class Ctx:
    def __enter__(self):
        return 'entered'
    def __exit__(self, *exc):
        print('exit args', [type(e).__name__ for e in exc])
        return False
with Ctx() as val:
    print(val)
attempt('with non-ctx', lambda: exec('with 5: pass'))
class GetAttr:
    def __getattr__(self, name):
        return name.upper()
g = GetAttr()
g.real = 1
print(g.anything, g.real, getattr(g, 'other'), hasattr(g, 'x'))
class Slotted:
    def __setattr__(self, name, value):
        object.__setattr__(self, name, value * 2)
s = Slotted()
s.v = 5
print(s.v)
class Deleter:
    def __delattr__(self, name):
        print('deleting', name)
del Deleter().whatever
class Call:
    def __call__(self, *a, **k):
        return a, k
print(Call()(1, b=2), callable(Call()), callable(Call))
class Idx:
    def __index__(self):
        return 2
print([10, 20, 30][Idx()], 'abc'[Idx()], hex(Idx()), range(Idx()))
class Neg:
    def __neg__(self):
        return 'neg'
    def __pos__(self):
        return 'pos'
    def __invert__(self):
        return 'inv'
    def __abs__(self):
        return 'abs'
print(-Neg(), +Neg(), ~Neg(), abs(Neg()))
class IAdd:
    def __init__(self):
        self.items = []
    def __iadd__(self, other):
        self.items.append(other)
        return self
ia = IAdd()
ia += 1
ia += 2
print(ia.items)
class MulOnly:
    def __mul__(self, o):
        return 'mul'
m = MulOnly()
m *= 3
print(m)

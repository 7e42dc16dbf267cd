class Shape:
    count = 0
    def __init__(self, name):
        self.name = name
        Shape.count += 1
    def area(self):
        raise NotImplementedError
    def describe(self):
        return f'{self.name} with area {self.area():.2f}'
    def __repr__(self):
        return f'{type(self).__name__}({self.name!r})'
    def __str__(self):
        return f'<{self.name}>'
    def __lt__(self, other):
        return self.area() < other.area()
    def __eq__(self, other):
        return isinstance(other, Shape) and self.area() == other.area()
    def __hash__(self):
        return hash(self.area())

class Rect(Shape):
    def __init__(self, w, h):
        super().__init__('rect')
        self._w = w
        self._h = h
    @property
    def width(self):
        return self._w
    @width.setter
    def width(self, v):
        if v < 0:
            raise ValueError('negative width')
        self._w = v
    def area(self):
        return self._w * self._h

class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
        self.name = 'square'
    def describe(self):
        return 'Square! ' + super().describe()
    @classmethod
    def unit(cls):
        return cls(1)
    @staticmethod
    def sides():
        return 4

class Circle(Shape):
    PI = 3.14159
    def __init__(self, r):
        Shape.__init__(self, 'circle')
        self.r = r
    def area(self):
        return self.PI * self.r ** 2

shapes = [Rect(2, 3), Square(2), Circle(1), Square.unit()]
for s in shapes:
    print(repr(s), str(s), s.describe())
print(sorted(shapes), Shape.count, Square.sides(), shapes[1].sides())
print(max(shapes), min(shapes, key=lambda s: s.name))
r = shapes[0]
r.width = 10
print(r.width, r.area())
try:
    r.width = -1
except ValueError as e:
    print('setter', e)
try:
    Shape('abstract').area()
except NotImplementedError:
    print('abstract area')
print(isinstance(shapes[1], Rect), isinstance(shapes[1], Shape), isinstance(r, Square), issubclass(Square, Shape), issubclass(Shape, Square))
print(type(shapes[1]) is Square, type(r).__name__, Square.__name__, Square.__bases__ if False else '', Rect(1, 2) == Rect(2, 1), Rect(1, 1) != Square(1))
print(len({Rect(1, 2), Rect(2, 1), Square(3)}))

class Vector:
    def __init__(self, *xs):
        self.xs = list(xs)
    def __repr__(self):
        return 'Vector(' + ', '.join(map(str, self.xs)) + ')'
    def __add__(self, o):
        return Vector(*[a + b for a, b in zip(self.xs, o.xs)])
    def __sub__(self, o):
        return Vector(*[a - b for a, b in zip(self.xs, o.xs)])
    def __mul__(self, k):
        return Vector(*[a * k for a in self.xs])
    def __rmul__(self, k):
        return self * k
    def __neg__(self):
        return self * -1
    def __len__(self):
        return len(self.xs)
    def __getitem__(self, i):
        return self.xs[i]
    def __setitem__(self, i, v):
        self.xs[i] = v
    def __contains__(self, v):
        return v in self.xs
    def __iter__(self):
        return iter(self.xs)
    def __bool__(self):
        return any(self.xs)
    def __eq__(self, o):
        return self.xs == o.xs
    def __call__(self, k):
        return self.xs[k] * 100
    def __iadd__(self, o):
        self.xs = [a + b for a, b in zip(self.xs, o.xs)]
        return self

v = Vector(1, 2, 3)
w = Vector(4, 5, 6)
print(v + w, w - v, v * 2, 3 * v, -v, len(v), v[1], v[-1], 2 in v, 9 in v, list(v), bool(v), bool(Vector(0, 0)))
v[0] = 10
print(v, v(2), v == Vector(10, 2, 3), v != w)
ref = v
v += w
print(v, ref is v)
for i, x in enumerate(v):
    print(i, x, end=' ')
print()
if not Vector(0):
    print('falsy vector')

class Node:
    def __init__(self, val, next=None):
        self.val = val
        self.next = next
    def __iter__(self):
        node = self
        while node:
            yield node.val
            node = node.next
print(list(Node(1, Node(2, Node(3)))))

class Base:
    greeting = 'hello'
    def greet(self):
        return self.greeting + ' from ' + self.who()
    def who(self):
        return 'base'
class Child(Base):
    greeting = 'hi'
    def who(self):
        return 'child'
print(Base().greet(), Child().greet(), Child.greeting, Base.greeting)
c = Child()
c.greeting = 'yo'
print(c.greet(), Child.greeting, getattr(c, 'greeting'), getattr(c, 'missing', 'dflt'), hasattr(c, 'who'))
setattr(c, 'dyn', 5)
print(c.dyn, c.__dict__ if hasattr(c, '__dict__') else '')
try:
    c.nothere
except AttributeError as e:
    print(e)
try:
    Child.nothere
except AttributeError as e:
    print(e)

class Temp:
    def __init__(self):
        self._c = 0
    def get_c(self):
        return self._c
    def set_c(self, v):
        self._c = v
    c = property(get_c, set_c)
    @property
    def f(self):
        return self._c * 9 / 5 + 32
t = Temp()
t.c = 100
print(t.c, t.f)
try:
    t.f = 5
except AttributeError as e:
    print('readonly:', e)

class Counter:
    instances = []
    def __init__(self):
        Counter.instances.append(self)
print(len(Counter.instances), Counter(), len(Counter.instances)) if False else print(len(Counter.instances))
class E(Exception):
    def __init__(self, msg, extra):
        super().__init__(msg)
        self.extra = extra
try:
    raise E('m', 'x')
except E as e:
    print(e, e.extra)
class WithEqOnly:
    def __eq__(self, o):
        return True
try:
    hash(WithEqOnly())
except TypeError as e:
    print(e)
class Ordered:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        return self.v < o.v
    def __repr__(self):
        return f'O{self.v}'
print(sorted([Ordered(3), Ordered(1), Ordered(2)]), Ordered(1) > Ordered(0))
try:
    Ordered(1) <= Ordered(2)
except TypeError as e:
    print(e)
class Str:
    def __str__(self):
        return 'S'
print(Str(), str(Str()), f'{Str()}', [Str()] if False else 'ok', repr(Str()).startswith('<__main__.Str object at'))
print(type(Shape.describe).__name__, Square.unit.__name__)

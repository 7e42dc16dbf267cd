# Classes: inheritance, super(), dunders, class attributes, properties,
# classmethod and staticmethod.
class Animal:
    kingdom = "animalia"
    count = 0

    def __init__(self, name, sound="..."):
        self.name = name
        self.sound = sound
        Animal.count += 1

    def speak(self):
        return f"{self.name} says {self.sound}"

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"

    def __str__(self):
        return f"<{self.name}>"


class Dog(Animal):
    def __init__(self, name):
        super().__init__(name, "woof")
        self.tricks = []

    def speak(self):
        return super().speak() + "!"

    def learn(self, trick):
        self.tricks.append(trick)
        return self


class Puppy(Dog):
    def speak(self):
        return "tiny " + super().speak()


a = Animal("generic")
d = Dog("rex").learn("sit").learn("roll")
p = Puppy("bit")
print(a.speak(), d.speak(), p.speak(), sep=" | ")
print(repr(a), str(d), [a, d, p], d.tricks)
print(Animal.count, a.kingdom, Dog.kingdom, isinstance(p, Animal), isinstance(a, Dog))
print(issubclass(Puppy, Animal), issubclass(Animal, Dog), type(p).__name__, Puppy.__bases__[0].__name__)
print([c.__name__ for c in Puppy.__mro__])
Dog.kingdom = "canis"
print(a.kingdom, d.kingdom, p.kingdom)
d.kingdom = "own"
print(d.kingdom, Dog.kingdom, hasattr(d, "tricks"), hasattr(d, "wings"))


class Vector:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, other):
        return Vector(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Vector(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Vector(self.x * k, self.y * k)

    def __rmul__(self, k):
        return self * k

    def __neg__(self):
        return Vector(-self.x, -self.y)

    def __eq__(self, other):
        return isinstance(other, Vector) and (self.x, self.y) == (other.x, other.y)

    def __hash__(self):
        return hash((self.x, self.y))

    def __lt__(self, other):
        return (self.x ** 2 + self.y ** 2) < (other.x ** 2 + other.y ** 2)

    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

    def __bool__(self):
        return bool(self.x or self.y)

    def __repr__(self):
        return f"Vector({self.x}, {self.y})"


v = Vector(1, 2)
w = Vector(3, 4)
print(v + w, w - v, v * 3, 2 * v, -v, abs(w), v == Vector(1, 2), v != w, v == 5)
print(sorted([w, v, Vector(0, 1)]), bool(Vector(0, 0)), bool(v), len({v, Vector(1, 2), w}))
print(max([v, w]), min(v, w))


class Bag:
    def __init__(self, items):
        self._items = list(items)

    def __len__(self):
        return len(self._items)

    def __getitem__(self, i):
        return self._items[i]

    def __setitem__(self, i, value):
        self._items[i] = value

    def __delitem__(self, i):
        del self._items[i]

    def __contains__(self, x):
        return x in self._items

    def __iter__(self):
        return iter(self._items)

    def __call__(self, x):
        return self._items.count(x)


b = Bag("hello")
b[0] = "j"
del b[1]
print(len(b), b[0], b[-1], "l" in b, "z" in b, list(b), b("l"), [c for c in b])


class Temperature:
    def __init__(self, celsius):
        self._c = celsius

    @property
    def celsius(self):
        return self._c

    @celsius.setter
    def celsius(self, value):
        if value < -273.15:
            raise ValueError("below absolute zero")
        self._c = value

    @property
    def fahrenheit(self):
        return self._c * 9 / 5 + 32

    @classmethod
    def from_fahrenheit(cls, f):
        return cls((f - 32) * 5 / 9)

    @staticmethod
    def describe():
        return "degrees"


t = Temperature(100)
print(t.celsius, t.fahrenheit, Temperature.from_fahrenheit(212).celsius, Temperature.describe(), t.describe())
t.celsius = 0
print(t.fahrenheit)
try:
    t.celsius = -300
except ValueError as e:
    print("ValueError:", e)
try:
    t.fahrenheit = 5
except AttributeError:
    print("AttributeError on read-only property")


class Counter:
    instances = []

    def __init__(self):
        Counter.instances.append(self)

    @classmethod
    def how_many(cls):
        return len(cls.instances)


Counter(); Counter()
print(Counter.how_many())


class Plain:
    pass


pl = Plain()
pl.x = 1
setattr(pl, "y", 2)
print(pl.x, getattr(pl, "y"), getattr(pl, "z", "default"), sorted(vars(pl).items()))
delattr(pl, "x")
print(hasattr(pl, "x"), pl.__class__.__name__, type(pl) is Plain)


class Base:
    def __init__(self):
        self.log = ["Base"]

    def hello(self):
        return "base hello"


class Middle(Base):
    def __init__(self):
        super().__init__()
        self.log.append("Middle")


class Leaf(Middle):
    def __init__(self):
        super().__init__()
        self.log.append("Leaf")

    def hello(self):
        return "leaf and " + super(Leaf, self).hello()


print(Leaf().log, Leaf().hello())


class Node:
    def __init__(self, value, next=None):
        self.value = value
        self.next = next

    def __iter__(self):
        node = self
        while node is not None:
            yield node.value
            node = node.next


print(list(Node(1, Node(2, Node(3)))))


class EqOnly:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return self.v == other.v


try:
    hash(EqOnly(1))
except TypeError as e:
    print("TypeError:", e)
print(EqOnly(1) == EqOnly(1), EqOnly(1) != EqOnly(2))


class BadInit:
    def __init__(self, v):
        self.v = v
        return v


print(BadInit(None).v)
for bad in (1, "s", [2]):
    try:
        BadInit(bad)
    except TypeError as e:
        print("TypeError:", e)

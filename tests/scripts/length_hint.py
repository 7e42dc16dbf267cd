# list(), tuple(), sorted(), [*x] and list.extend() make room for as many
# items as an iterable says it has (operator.length_hint): what the hint
# may say, and what happens when it lies or fails.


class Hint:
    """Yields `items`; __length_hint__ answers `hint` (or raises it)."""

    def __init__(self, items, hint):
        self.items = items
        self.hint = hint

    def __iter__(self):
        return iter(self.items)

    def __length_hint__(self):
        if isinstance(self.hint, BaseException):
            raise self.hint
        return self.hint


class BadLen:
    """__len__ raises `exc`; iterating gives 1, 2, 3."""

    def __init__(self, exc):
        self.exc = exc

    def __len__(self):
        raise self.exc

    def __iter__(self):
        return iter([1, 2, 3])

    def __length_hint__(self):
        return 3


def attempt(label, make):
    try:
        print(label, make())
    except Exception as e:
        print(label, type(e).__name__, e)


for hint in (3, 0, 1000, 10**9, NotImplemented, -1, "3", 2.5, TypeError("no"), KeyError("k")):
    attempt(f"list hint={hint!r}:", lambda: list(Hint([1, 2, 3], hint)))
    attempt(f"tuple hint={hint!r}:", lambda: tuple(Hint([4, 5], hint)))

attempt("len TypeError:", lambda: list(BadLen(TypeError("x"))))
attempt("len ValueError:", lambda: list(BadLen(ValueError("v"))))

x = [0]
x.extend(Hint([1, 2], 10**6))
x.extend(Hint([], 50))
x += Hint([3], 2)
print("extend:", x, len(x))
print("sorted:", sorted(Hint([3, 1, 2], 100)), [*Hint("ab", 7)], [*Hint((), 7)])


def gen(n):
    yield from range(n)


print("generators:", list(gen(5)), tuple(gen(3)), sorted(gen(4), reverse=True))
print("sized:", list({1: "a", 2: "b"}), list("xyz"), tuple({3}), list(range(2, 20, 5)))
it = iter(range(10))
next(it)
print("partial iterator:", list(it))
try:
    list(range(10**12))
except MemoryError:
    print("MemoryError, and the program goes on")

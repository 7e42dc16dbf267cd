# The iterator protocol, lazy builtins, and generators.
class CountDown:
    def __init__(self, start):
        self.current = start

    def __iter__(self):
        return self

    def __next__(self):
        if self.current <= 0:
            raise StopIteration
        self.current -= 1
        return self.current + 1


print(list(CountDown(3)), [x * 2 for x in CountDown(2)], sum(CountDown(4)))
it = iter(CountDown(2))
print(next(it), next(it), next(it, "end"))
m = map(lambda x: x * 10, [1, 2, 3])
print(next(m), list(m), list(m))
z = zip("ab", [1, 2, 3])
print(next(z), list(z))
e = enumerate("xyz")
print(next(e), list(e))
f = filter(str.isupper, "aBcD")
print(list(f))
r = reversed([1, 2, 3])
print(next(r), list(r))
print(type(m).__name__, type(z).__name__, type(e).__name__, type(f).__name__, type(iter([])).__name__)
calls = [0]
def tick():
    calls[0] += 1
    return calls[0]
print(list(iter(tick, 4)))


def gen(n):
    for i in range(n):
        yield i * i
    return "done"


g = gen(3)
print(next(g), next(g), next(g))
try:
    next(g)
except StopIteration as stop:
    print("StopIteration value:", stop.value)
print(list(gen(5)), sum(gen(4)), max(gen(3)))


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b


out = []
for v in fib():
    if v > 50:
        break
    out.append(v)
print(out)


def echo():
    received = []
    while True:
        value = yield len(received)
        if value is None:
            break
        received.append(value)
    yield received


g = echo()
print(next(g), g.send("a"), g.send("b"), g.send(None))


def delegator():
    yield "start"
    yield from range(3)
    yield from gen(2)
    yield "end"


print(list(delegator()))
print(list(zip(fib(), "abc")), dict(enumerate(gen(3))))
squares = (x * x for x in range(4))
print(type(squares).__name__, list(squares), list(squares))
nested = [[1, 2], [3], []]
flat = (x for sub in nested for x in sub)
print(list(flat))

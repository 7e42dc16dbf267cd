def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
print(list(count_up(4)), sum(count_up(10)))
def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b
f = fib()
print([next(f) for _ in range(10)])
def pipeline(lines):
    stripped = (l.strip() for l in lines)
    nonempty = (l for l in stripped if l)
    upper = map(str.upper, nonempty)
    return list(upper)
print(pipeline(['  a ', '', ' b', '   ']))
def delegating():
    yield 'start'
    yield from count_up(3)
    r = yield from sub()
    yield ('sub returned', r)
def sub():
    yield 'in sub'
    return 42
print(list(delegating()))
def with_return():
    yield 1
    return 'done'
g = with_return()
print(next(g))
try:
    next(g)
except StopIteration as e:
    print('stop value', e.value)
try:
    next(g)
except StopIteration as e:
    print('exhausted', e.value)
def echo():
    received = None
    while True:
        received = yield received
        if received == 'quit':
            return
e = echo()
print(next(e), e.send('hello'), e.send(5))
def gen_finally():
    try:
        yield 1
        yield 2
    finally:
        print('gen cleanup')
g = gen_finally()
print(next(g))
g.close()
print('closed')
for x in gen_finally():
    print('got', x)
def take(n, it):
    for i, v in enumerate(it):
        if i >= n:
            return
        yield v
print(list(take(3, fib())))
squares = {x: x * x for x in range(5)}
print(squares, {x % 3 for x in range(10)}, [c * 2 for c in 'ab'], [(x, y) for x in range(3) for y in range(x)])
print(sum(x * x for x in range(10)), max(len(s) for s in ['a', 'abc']), sorted((x for x in [3, 1, 2]), reverse=True))
print(any(c.isdigit() for c in 'ab3'), all(c.isalpha() for c in 'ab3'), list(zip(count_up(3), 'abc')))
x = 'outer'
lst = [x for x in range(3)]
print(x, lst)
gen = (i for i in range(3))
print(list(gen), list(gen))
def gen_exc():
    yield 1
    raise ValueError('inside gen')
try:
    for v in gen_exc():
        print('v', v)
except ValueError as e:
    print('caught', e)
it = iter([1, 2, 3])
for a in it:
    print(a, next(it, None))
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n
print(list(Countdown(3)), [v for v in Countdown(2)], sum(Countdown(5)))
def nested_gen():
    for i in range(3):
        yield [j for j in range(i)]
print(list(nested_gen()))
g = count_up(2)
print(iter(g) is g, type(g).__name__)
def gen_throw():
    try:
        yield 1
    except KeyError as e:
        yield 'caught ' + str(e)
g = gen_throw()
next(g)
print(g.throw(KeyError('k')))
print(list(enumerate(count_up(3), start=10)), dict(zip(count_up(2), count_up(2))))
print([y for y in (x * 2 for x in range(4)) if y > 2])

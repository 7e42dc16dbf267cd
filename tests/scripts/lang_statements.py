def show(*a):
    print(*a)

for i in range(3):
    if i == 0:
        show('zero')
    elif i == 1:
        show('one')
    else:
        show('other')
n = 0
while n < 5:
    n += 1
    if n == 2:
        continue
    if n == 4:
        break
    show('n', n)
else:
    show('not reached')
while n < 6:
    n += 1
else:
    show('while-else', n)
for x in []:
    pass
else:
    show('for-else empty')
for x in [1, 2, 3]:
    if x == 2:
        break
else:
    show('no')
show('broke at', x)

def defaults(a, b=2, *args, c=3, d, **kw):
    return (a, b, args, c, d, sorted(kw.items()))
show(defaults(1, d=4))
show(defaults(1, 5, 6, 7, d=8, e=9, c=0, f=10))
show(defaults(*[1, 2, 3], **{'d': 4, 'z': 5}))
def kwonly(*, key=None):
    return key
show(kwonly(key='k'), kwonly())
def mutable_default(x, acc=[]):
    acc.append(x)
    return acc
show(mutable_default(1), mutable_default(2))
f = lambda x, y=10: x + y
show(f(1), f(1, 2), (lambda: 'noargs')(), (lambda *a, **k: (a, k))(1, b=2))
show(sorted([3, 1, 2], key=lambda v: -v))

def make_counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc
c = make_counter()
show(c(), c(), c(5))
c2 = make_counter()
show(c2(), c())
def outer():
    x = 'outer'
    def middle():
        def inner():
            return x
        return inner()
    return middle()
show(outer())
adders = [lambda v, i=i: v + i for i in range(3)]
show([a(10) for a in adders])
late = [lambda: i for i in range(3)]
show([g() for g in late])
G = 1
def set_global():
    global G, H
    G = 2
    H = 3
set_global()
show(G, H)
v = [1, 2, 3]
del v[0]
show(v)
d = {'a': 1, 'b': 2}
del d['a']
show(d)
q = 5
del q
try:
    q
except NameError as e:
    show('NameError:', e)
class O: pass
o = O()
o.attr = 1
del o.attr
show(hasattr(o, 'attr'))
a, b = 1, 2
del a, b
assert True, 'never'
try:
    assert 1 == 2, 'one is not two'
except AssertionError as e:
    show('assert:', e)
try:
    assert False
except AssertionError as e:
    show('bare assert:', repr(e))
def gen_ret():
    return
show(gen_ret())
def multi():
    return 1, 2
show(multi())
if __name__ == '__main__':
    show('main', __name__)
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
show(fact(20))
def varkw(**kw):
    return kw
show(varkw(a=1, b=2), varkw())
def pos(a, b, c):
    return a * 100 + b * 10 + c
show(pos(1, c=3, b=2), pos(*(1, 2), 3), pos(**{'a': 1, 'b': 2, 'c': 3}))
x = 0
def shadow():
    x = 1
    return x
show(shadow(), x)
pass

x = 'global'
def read_global():
    return x
def shadow_param(x):
    return x
class K:
    x = 'class'
    y = x + '!'
    def m(self):
        return x
    lst = [x for _ in range(1)]
print(read_global(), shadow_param('p'), K.y, K().m(), K.lst)
def counter_factory():
    counts = {}
    def hit(key):
        counts[key] = counts.get(key, 0) + 1
        return counts[key]
    return hit
h = counter_factory()
h('a'); h('a'); print(h('a'), h('b'))
def outer():
    v = 1
    def inner():
        nonlocal v
        v += 1
        def innermost():
            nonlocal v
            v *= 10
            return v
        return innermost()
    r = inner()
    return v, r
print(outer())
def make_acc():
    total = 0
    def add(n):
        nonlocal total
        total += n
        return total
    def get():
        return total
    return add, get
add, get = make_acc()
add(5); add(7)
print(get())
funcs = []
for i in range(3):
    def f(i=i):
        return i * i
    funcs.append(f)
print([f() for f in funcs])
def gen_closure():
    n = 0
    def g():
        nonlocal n
        while True:
            n += 1
            yield n
    return g()
g = gen_closure()
print(next(g), next(g))
y = 5
def uses_global_later():
    global y
    y += 1
    return y
print(uses_global_later(), y)
def recursive_closure(n):
    def helper(k):
        return 1 if k == 0 else k * helper(k - 1)
    return helper(n)
print(recursive_closure(6))
lam = lambda a: (lambda b: a + b)
print(lam(1)(2))
def default_eval_time(a=[]):
    return id(a)
print(default_eval_time() == default_eval_time())
class Outer:
    class Inner:
        val = 3
    def get(self):
        return self.Inner.val
print(Outer().get(), Outer.Inner.val)
def kw_defaults(a, *, b=lambda: 'lam'):
    return b()
print(kw_defaults(1))
comp_var = 'before'
result = [comp_var for comp_var in range(2)]
print(comp_var, result)
def star_args(first, *rest, sep='-'):
    return sep.join(str(v) for v in (first,) + rest)
print(star_args(1, 2, 3), star_args('a', sep='+'), star_args(*'xyz', sep=''))
def f_unpack(a, b, *c, d=0, **e):
    return a, b, c, d, e
print(f_unpack(*[1, 2, 3, 4], **{'d': 5, 'z': 6}))
args = (1, 2)
kwargs = {'d': 9}
print(f_unpack(0, *args, *args, **kwargs, q=1))
print([*range(3), *'ab'], (*[1, 2],), {**{'a': 1}, **{'b': 2}}, {*'aab'} == {'a', 'b'})
print(globals()['x'], 'read_global' in globals(), sorted(k for k in locals() if k == 'x'))
def loc():
    a = 1
    b = 2
    return sorted(locals().items())
print(loc())

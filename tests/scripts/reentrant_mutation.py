# Containers changed by the code they call: __eq__, __hash__, __lt__, a sort's
# key, __index__ and __repr__ that clear, grow or refill the container being
# searched, sorted, compared or indexed.  Each case must end as CPython's
# does: a result or the same exception, never a crash or a stale item.
log = []
def t(name, fn):
    try:
        r = fn()
        log.append((name, 'ok', repr(r)[:60]))
    except Exception as e:
        log.append((name, type(e).__name__, str(e)[:60]))

# dict lookup where __eq__ clears the dict
d = {}
class K:
    def __init__(s, v): s.v = v
    def __hash__(s): return 1
    def __eq__(s, o):
        d.clear()
        return False
def f1():
    d.clear()
    for i in range(5): d[K(i)] = i
    return d.get(K(99))
t('dict_eq_clear', f1)
def f1b():
    d.clear()
    for i in range(5): d[K(i)] = i
    d[K(100)] = 3
    return len(d)
t('dict_eq_clear_store', f1b)
# dict eq mutates with inserts (resizes)
class K2:
    def __init__(s, v): s.v = v
    def __hash__(s): return 7
    def __eq__(s, o):
        for i in range(50): d2[i] = i
        return False
d2 = {}
def f2():
    d2[K2(1)] = 1
    d2[K2(2)] = 2
    return len(d2)
t('dict_eq_grow', f2)
# list.remove with __eq__ clearing the list
L = []
class E:
    def __eq__(s, o):
        L.clear()
        return False
def f3():
    L[:] = [E() for _ in range(10)]
    L.remove(5)
t('list_remove_clear', f3)
def f4():
    L[:] = [E() for _ in range(10)]
    return 5 in L
t('list_contains_clear', f4)
def f5():
    L[:] = [E() for _ in range(10)]
    return L.index(5)
t('list_index_clear', f5)
def f5b():
    L[:] = [E() for _ in range(10)]
    return L.count(5)
t('list_count_clear', f5b)
# sort with key mutating
S = list(range(20))
def key(x):
    S.append(x)
    S.clear()
    return -x
t('sort_key_mutate', lambda: S.sort(key=key))
class Lt:
    def __init__(s, v): s.v = v
    def __lt__(s, o):
        S2.clear()
        return s.v < o.v
S2 = []
def f6():
    S2[:] = [Lt(i) for i in range(30, 0, -1)]
    S2.sort()
    return len(S2)
t('sort_lt_mutate', f6)
# list comparison with mutation
A = []; B = []
class C:
    def __eq__(s, o):
        A.clear(); B.clear()
        return True
def f7():
    A[:] = [C() for _ in range(5)]; B[:] = [C() for _ in range(5)]
    return A == B
t('list_eq_clear', f7)
def f7b():
    A[:] = [C() for _ in range(5)]; B[:] = [C() for _ in range(5)]
    return A < B
t('list_lt_clear', f7b)
# tuple contains fine
# set with eq mutating
ST = set()
class SK:
    def __init__(s, v): s.v = v
    def __hash__(s): return 3
    def __eq__(s, o):
        ST.clear()
        return False
def f8():
    ST.clear()
    for i in range(5): ST.add(SK(i))
    return SK(9) in ST
t('set_eq_clear', f8)
def f8b():
    ST.clear()
    for i in range(5): ST.add(SK(i))
    ST.discard(SK(9))
    return len(ST)
t('set_discard_clear', f8b)
# dict compare values mutate
D1 = {}; D2 = {}
class V:
    def __eq__(s, o):
        D1.clear(); D2.clear()
        return True
def f9():
    for i in range(5): D1[i] = V(); D2[i] = V()
    return D1 == D2
t('dict_eq_values_clear', f9)
# extend with generator appending
G = [1, 2, 3]
def gen():
    for x in G:
        if len(G) < 100: G.append(x)
        yield x
# min with key mutating
M = list(range(10))
t('min_key_mutate', lambda: min(M, key=lambda x: (M.clear(), x)[1]))
# repr recursive
R = [1]; R.append(R)
t('repr_rec', lambda: repr(R))
RD = {}; RD['a'] = RD
t('repr_rec_dict', lambda: repr(RD))
# __repr__ mutating list during repr
class RR:
    def __repr__(s):
        RL.clear()
        return 'RR'
RL = []
def f10():
    RL[:] = [RR() for _ in range(5)]
    return repr(RL)
t('repr_mutate', f10)
# dict iteration mutate
def f11():
    dd = {i: i for i in range(10)}
    for k in dd:
        dd[k + 100] = 1
t('dict_iter_mutate', f11)
def f12():
    ss = set(range(10))
    for k in ss:
        ss.add(k + 100)
t('set_iter_mutate', f12)
# list iteration with clear
def f13():
    ll = list(range(10))
    n = 0
    for x in ll:
        ll.clear(); n += 1
    return n
t('list_iter_clear', f13)
# hash of key mutating dict in setitem
HD = {}
class HK:
    def __hash__(s):
        HD.clear()
        for i in range(20): HD[i] = i
        return 5
def f14():
    HD[HK()] = 1
    return len(HD)
t('dict_hash_mutate', f14)
# dict.setdefault / pop with eq
def f15():
    d.clear()
    for i in range(5): d[K(i)] = i
    return d.pop(K(50), 'dflt')
t('dict_pop_eq_clear', f15)
def f16():
    d.clear()
    for i in range(5): d[K(i)] = i
    return d.setdefault(K(51), 'x')
t('dict_setdefault_eq_clear', f16)
# list slice assignment from itself
def f17():
    q = list(range(10)); q[2:5] = q; return len(q)
t('slice_assign_self', f17)
# list.insert during __index__
class Idx:
    def __index__(s):
        IL.clear(); return 3
IL = list(range(10))
t('index_mutate', lambda: IL[Idx()])
def f18():
    IL[:] = list(range(10)); IL[Idx()] = 5; return IL
t('setitem_index_mutate', f18)
def f19():
    IL[:] = list(range(10)); return IL.pop(Idx())
t('pop_index_mutate', f19)
# deque contains mutate
try:
    from collections import deque
    DQ = deque()
    class DE:
        def __eq__(s, o):
            DQ.clear(); return False
    def f20():
        DQ.extend(DE() for _ in range(10))
        return 5 in DQ
    t('deque_contains_clear', f20)
    def f21():
        DQ.clear(); DQ.extend(DE() for _ in range(10))
        DQ.remove(5)
    t('deque_remove_clear', f21)
    def f22():
        DQ.clear(); DQ.extend(DE() for _ in range(10))
        return DQ.count(5)
    t('deque_count_clear', f22)
except ImportError:
    pass
# str join with mutating iterable
class SJ:
    def __str__(s): return 'x'
JL = ['a', 'b']
t('join_ok', lambda: ','.join(JL))
# sorted with cmp causing exception
t('sorted_exc', lambda: sorted([1, 'a', 2]))
# max of list mutated by __gt__
class Gt:
    def __gt__(s, o):
        GL.clear(); return True
    def __lt__(s, o):
        GL.clear(); return True
GL = []
def f23():
    GL[:] = [Gt() for _ in range(10)]
    return type(max(GL)).__name__
t('max_mutate', f23)
# list += self
def f24():
    z = [1,2]; z += z; z.extend(z); z *= 2; return z
t('iadd_self', f24)
# dict update from itself
def f25():
    z = {1: 2}; z.update(z); z |= z; return z
t('dict_update_self', f25)
S = []
class Lt:
    def __init__(s, v, act): s.v = v; s.act = act
    def __lt__(s, o):
        s.act()
        return s.v < o.v
def sort_with(act):
    S[:] = [Lt(i, act) for i in range(12, 0, -1)]
    S.sort()
    return [x.v for x in S][:4], len(S)
t('clear', lambda: sort_with(S.clear))
t('del_slice', lambda: sort_with(lambda: S.__delitem__(slice(None))))
t('assign_empty_slice', lambda: sort_with(lambda: S.__setitem__(slice(None), [])))
t('imul0', lambda: sort_with(lambda: S.__imul__(0)))
t('extend_empty', lambda: sort_with(lambda: S.extend([])))
t('reverse', lambda: sort_with(S.reverse))
t('inner_sort', lambda: sort_with(S.sort))
t('len', lambda: sort_with(lambda: len(S)))
t('append', lambda: sort_with(lambda: S.append(0)))
t('append_pop', lambda: sort_with(lambda: (S.append(0), S.pop())))
t('insert', lambda: sort_with(lambda: S.insert(0, 1)))
t('iadd_empty', lambda: sort_with(lambda: S.__iadd__([])))
t('copy', lambda: sort_with(S.copy))
# an instance's __dict__ replaced by a key's __eq__ while an attribute is
# read, tested, called, set, deleted or listed (the lookup goes on in the
# old dict, which must stay alive)
class SK(str):
    def __hash__(s): return str.__hash__(s)
    def __eq__(s, o):
        Inst.target.__dict__ = {}
        return str.__eq__(s, o)
class Inst:
    target = None
    def meth(s): return 'method'
def with_key(name, fn):
    o = Inst()
    Inst.target = o
    o.__dict__[SK(name)] = 1
    r = fn(o)
    return r, sorted(o.__dict__)
t('instdict_get', lambda: with_key('x', lambda o: o.x))
t('instdict_getattr', lambda: with_key('x', lambda o: getattr(o, 'x', 5)))
t('instdict_hasattr', lambda: with_key('x', lambda o: hasattr(o, 'x')))
t('instdict_set', lambda: with_key('x', lambda o: setattr(o, 'x', 2)))
t('instdict_del', lambda: with_key('x', lambda o: delattr(o, 'x')))
t('instdict_method', lambda: with_key('meth', lambda o: o.meth()))
t('instdict_dir', lambda: with_key('x', lambda o: 'x' in dir(o)))
t('instdict_vars', lambda: with_key('x', lambda o: len(vars(o))))
for e in log:
    print(*e)

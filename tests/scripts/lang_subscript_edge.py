def attempt(label, fn):
    try:
        print(label, fn())
    except (IndexError, KeyError, TypeError, ValueError) as e:
        print(label, type(e).__name__, e)

l = [1, 2, 3]
def setitem(seq, i, v):
    seq[i] = v
    return seq
def delitem(seq, i):
    del seq[i]
    return seq
attempt('set -5', lambda: setitem(l, -5, 9))
attempt('set -3', lambda: setitem(l, -3, 'a'))
attempt('set -1', lambda: setitem(l, -1, 'z'))
attempt('set 3', lambda: setitem(l, 3, 0))
attempt('set 2**40', lambda: setitem(l, 2**40, 0))
attempt('set -2**40', lambda: setitem(l, -2**40, 0))
attempt('set True', lambda: setitem(l, True, 'T'))
attempt('set str', lambda: setitem(l, 'x', 0))
attempt('set float', lambda: setitem(l, 1.0, 0))
attempt('get -4', lambda: l[-4])
attempt('get -3', lambda: l[-3])
attempt('get False', lambda: l[False])
attempt('get 2**62', lambda: l[2**62])
attempt('del -4', lambda: delitem(l, -4))
attempt('del -1', lambda: delitem(l, -1))
attempt('del 5', lambda: delitem(l, 5))
t = (1, 2, 3)
attempt('tuple -4', lambda: t[-4])
attempt('tuple -1', lambda: t[-1])
attempt('tuple set', lambda: setitem(t, 0, 1))
s = 'abc'
attempt('str -4', lambda: s[-4])
attempt('str -3', lambda: s[-3])
attempt('str set', lambda: setitem(s, 0, 'x'))
r = range(0, 10, 3)
attempt('range -1', lambda: r[-1])
attempt('range -5', lambda: r[-5])
attempt('range 4', lambda: r[4])
d = {1: 'a', -1: 'b'}
attempt('dict -1', lambda: d[-1])
attempt('dict 1.0', lambda: d[1.0])
attempt('dict True', lambda: d[True])
attempt('dict missing', lambda: d[2])
attempt('dict list key', lambda: d[[1]])
attempt('dict set list key', lambda: setitem(d, [1], 0))
attempt('del dict missing', lambda: delitem(d, 5))
m = [[0] * 3 for _ in range(3)]
m[-1][-1] = 5
m[0][-3] = 1
print(m)
big = list(range(10))
big[-10] = 'first'
big[9] = 'last'
print(big)
big[1:3] = []
big[-2:] = ['x', 'y', 'z']
print(big, len(big))
attempt('ext slice size', lambda: setitem(big, slice(None, None, 2), [1]))
attempt('slice step 0', lambda: big[::0])
nums = [5, 6, 7]
nums[-1] += 10
nums[0] *= 2
nums[-3] -= 1
print(nums)
dd = {'k': 1}
dd['k'] += 1
dd.setdefault('n', 0)
dd['n'] -= 5
print(dd)

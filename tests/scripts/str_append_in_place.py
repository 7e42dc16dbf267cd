# s += t and s = s + t on a local that holds the only reference grow the
# string in place: the result, and every other name for the old string,
# must read exactly as with a fresh concatenation.


def build(n):
    s = ''
    for i in range(n):
        s += 'xé€'[i % 3]
    return s


def aliases():
    out = []
    a = 'ab' * 40
    b = a                 # a second reference: a must not change under b
    a += 'cd'
    out.append((len(a), len(b), a[-4:], b[-4:]))
    c = 'q' * 100
    saved = [c]           # in a list (published in the nogil build)
    saved.pop()
    c += '!'
    out.append((len(c), c[-2:]))
    d = 'k' * 300
    h = hash(d)
    d += 'z'
    out.append((hash(d) == hash('k' * 300 + 'z'), hash(d) == h))
    e = 'e'
    e += e                # the same object on both sides
    e += e
    out.append(e)
    f = 'f' * 50
    f = f + str(len(f))   # the right operand computed on the stack
    f += str(7) * 3
    out.append(f[-5:])
    g = 'g'
    d2 = {g * 64: 1}
    g = g * 64
    g += 'h'
    out.append((d2.get('g' * 64), d2.get(g), len(d2)))
    return out


def grow_and_keep(n):
    parts = []
    s = 'start'
    for i in range(n):
        s += str(i)
        if i % 97 == 0:
            parts.append(s)   # a snapshot: later appends must not reach it
    return [len(p) for p in parts[:5]], [p[-3:] for p in parts[-3:]], len(s)


s = build(30000)
print(len(s), s[:7], s[-5:], s.count('é'), s.count('€'))
print(aliases())
print(grow_and_keep(2000))
t = 'module'
for i in range(1000):
    t += '.'
print(len(t), t[:8])

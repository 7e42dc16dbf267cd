# twinpy-only: CPython 3.11 overflows its C stack here (a segfault); twinpy
# raises RecursionError, as its repr and comparisons of nested containers do.
# Hashing a tuple nested 200,000 deep, directly and as a dict key or set
# member.
t = ()
for _ in range(200000):
    t = (t,)
for name, f in [("hash", lambda: hash(t)), ("dict key", lambda: {t: 1}),
                ("set member", lambda: {t}), ("in a set", lambda: t in {1})]:
    try:
        f()
        print(name, "ok")
    except RecursionError as e:
        print(name, "RecursionError:", e)
shallow = ((1, 2), ((3,), 4))
print(hash(shallow) == hash(((1, 2), ((3,), 4))), len({shallow, ((1, 2), ((3,), 4))}))

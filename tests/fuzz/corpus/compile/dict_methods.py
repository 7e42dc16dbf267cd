# Everyday dict methods; insertion order.
d = {"b": 2, "a": 1}
d["c"] = 3
print(d, len(d), d["a"], d.get("z"), d.get("z", 0), "a" in d, "z" not in d)
print(list(d.keys()), list(d.values()), list(d.items()))
print(d.setdefault("a", 100), d.setdefault("d", 4), d)
d.update({"e": 5, "a": 10})
d.update(f=6)
d.update([("g", 7)])
print(d)
print(d.pop("g"), d.pop("zz", "dflt"), d)
print(d.popitem(), d)
del d["b"]
print(d, sorted(d), {k: d[k] for k in sorted(d, reverse=True)})
c = d.copy()
c["new"] = 1
print(d == c, len(c), c)
c.clear()
print(c, bool(c), bool(d))
counts = {}
for w in "the cat and the hat and the bat".split():
    counts[w] = counts.get(w, 0) + 1
print(counts, max(counts, key=counts.get))
print(dict(a=1, b=2), dict([("x", 1)]), dict(zip("ab", [1, 2])), dict.fromkeys("ab", 0), dict({"k": "v"}))
print({1: "int", 1.0: "float", True: "bool"}, {(1, 2): "tuple key"}[(1, 2)])
nested = {"outer": {"inner": [1, 2]}}
nested["outer"]["inner"].append(3)
print(nested)
for k in d:
    print(k, d[k])
for k, v in sorted(d.items(), key=lambda kv: -kv[1]):
    print(k, v)
try:
    d["missing"]
except KeyError as e:
    print("KeyError:", e)
try:
    {}.popitem()
except KeyError as e:
    print("KeyError:", e)
try:
    {[1]: 2}
except TypeError as e:
    print("TypeError:", e)
try:
    for k in d:
        d["added"] = 1
except RuntimeError as e:
    print("RuntimeError:", e)
print(d == {"a": 10, "c": 3, "d": 4, "e": 5, "added": 1}, {"a": 1} != {"a": 2})
print(repr({"s": "x", 1: [None]}), list({3: 0, 1: 0, 2: 0}))

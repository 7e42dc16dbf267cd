# A dict is tracked by the cycle collector only once it holds something
# that can be part of a cycle (python3's rule), and collects as before.
import gc


def n(x):
    return x


class Obj:
    def __init__(self, v):
        self.v = v


class D(dict):
    pass


print("empty", gc.is_tracked({}), gc.is_tracked(dict()))
print("atomic", gc.is_tracked({"a": 1, 2: "b", 3.5: None, "t": True}))
print("container value", gc.is_tracked({"a": []}), gc.is_tracked({"a": Obj(1)}))
d = {}
d["x"] = 1
print("after atomic store", gc.is_tracked(d))
d["x"] = [1]
print("after replacing with a list", gc.is_tracked(d))
del d["x"]
print("after deleting it", gc.is_tracked(d), d)
print("instance dict", gc.is_tracked(Obj(1).__dict__), gc.is_tracked(Obj([]).__dict__))
o = Obj(1)
o.w = o
print("instance dict holding its owner", gc.is_tracked(o.__dict__))
print("subclass", gc.is_tracked(D()), gc.is_tracked(D(a=1)))
print("dict()", gc.is_tracked(dict(a=1)), gc.is_tracked(dict(a=[])), gc.is_tracked(dict([("a", 1)])))
print("comprehension", gc.is_tracked({k: k for k in range(3)}), gc.is_tracked({k: [k] for k in range(3)}))
print("fromkeys", gc.is_tracked(dict.fromkeys("ab")), gc.is_tracked(dict.fromkeys("ab", [])))
e = {"a": 1}
e.update({"b": 2})
print("update atomic", gc.is_tracked(e))
e.update(c={})
print("update container", gc.is_tracked(e))
s = {}
s.setdefault("a", 1)
print("setdefault atomic", gc.is_tracked(s))
s.setdefault("b", [])
print("setdefault container", gc.is_tracked(s))
print("copy", gc.is_tracked({"a": 1}.copy()), gc.is_tracked({"a": []}.copy()))
f = {"a": []}
del f["a"]
print("copy of a tracked dict", gc.is_tracked(f.copy()))
g = {"a": [], "b": 1, "c": 2}
del g["a"]
h = {"a": [], "b": [], "c": 1}
del h["a"], h["b"]
print("copies of tracked atomic dicts", gc.is_tracked(g.copy()), gc.is_tracked(h.copy()), gc.is_tracked(dict(g)))
u = {"a": 1} | {"b": 2}
v = {"a": 1} | {"b": ()}
print("union", gc.is_tracked(u), gc.is_tracked(v))
t = (n(1), n(2))
print("run-time tuple", gc.is_tracked(t), gc.is_tracked({"t": t}), gc.is_tracked({t: 1}))
gc.collect()
print("atomic tuple after a collection", gc.is_tracked(t), gc.is_tracked({"t": t}), gc.is_tracked({t: 1}))
t2 = (n(1), [])
gc.collect()
print("tuple with a list", gc.is_tracked(t2), gc.is_tracked({"t": t2}), gc.is_tracked({t2[0]: t2}))
k = (n(1), Obj(2))
print("tuple key with an object", gc.is_tracked({k: 1}))
print("nested empty dict", gc.is_tracked({"d": {}}))

gc.collect()
a = {"n": 1}
b = {"n": 2}
print("before the cycle", gc.is_tracked(a), gc.is_tracked(b))
a["b"] = b
b["a"] = a
print("in a cycle", gc.is_tracked(a), gc.is_tracked(b))
del a, b
print("dict pair collected", gc.collect())
x = Obj(0)
x.me = {"self": x}
del x
print("object and its dict's dict collected", gc.collect())
c = {}
c["c"] = c
del c
print("dict in itself collected", gc.collect())

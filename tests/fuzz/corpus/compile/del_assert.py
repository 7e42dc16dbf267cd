# del of names, items, slices and attributes; assert.
x = 1
del x
try:
    x
except NameError as e:
    print("NameError:", e)
d = {"a": 1, "b": 2}
del d["a"]
print(d)
l = [0, 1, 2, 3]
del l[0], l[-1]
print(l)


class O:
    pass


o = O()
o.attr = 5
del o.attr
print(hasattr(o, "attr"))
try:
    del o.attr
except AttributeError:
    print("AttributeError on second del")
assert True
assert 1 < 2, "never shown"
try:
    assert False
except AssertionError as e:
    print("AssertionError with no message:", repr(e))
try:
    assert 2 + 2 == 5, f"bad sum {2 + 2}"
except AssertionError as e:
    print("AssertionError:", e)


def uses_del():
    y = [1, 2]
    del y
    try:
        return y
    except UnboundLocalError as e:
        return "UnboundLocalError"


print(uses_del())
a, b = 1, 2
del a, b
print("a" in globals(), "b" in globals())

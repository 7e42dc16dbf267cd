a = [1, 2, 3]
del a[0]
x = 1
del x
try:
    print(x)
except NameError as e:
    print(e)
assert a, "empty"
assert not a, "not empty"

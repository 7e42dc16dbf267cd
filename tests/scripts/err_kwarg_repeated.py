def f(**kw):
    return kw
print("compiled before running")
f(x=1, x=2)

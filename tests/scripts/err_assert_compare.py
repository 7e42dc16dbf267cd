def check(x):
    assert x == 0 or x > 10, f"bad {x}"
    return x
print(check(0), check(11))
check(5)

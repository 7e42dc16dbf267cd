class A:
    y = 1
    z = [y for _ in range(3)]
    w = {k: v for k, v in zip(range(3), "abc") if k for _ in [1]}

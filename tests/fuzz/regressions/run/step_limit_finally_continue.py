def f(n):
    while True:
        try:
            for i in range(3):
                f(n + 1)
        finally:
            continue
f(0)

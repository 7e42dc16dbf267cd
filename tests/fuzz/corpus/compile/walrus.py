if (n := 10) > 5:
    print([y := 1, y ** 2])

while True:
    try:
        x = [1, 2]
    except BaseException:
        pass

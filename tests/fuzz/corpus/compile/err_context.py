# An exception raised while handling another.
try:
    [][0]
except IndexError:
    print("handling")
    raise ValueError("during handling")

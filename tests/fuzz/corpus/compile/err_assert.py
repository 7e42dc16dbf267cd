# An uncaught AssertionError with a message.
x = -1
assert x > 0, "x must be positive"

# An exception with no message: the last line is the bare type name.
print("ok so far")
raise ValueError

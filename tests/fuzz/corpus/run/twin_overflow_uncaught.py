# twinpy-only: an uncaught OverflowError ends the program with status 1.
print("computing")
x = 2 ** 70
print(x)

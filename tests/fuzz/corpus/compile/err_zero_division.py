# An uncaught ZeroDivisionError: output before it is not lost, exit 1.
print("before the error")
def divide(a, b):
    return a / b
print(divide(1, 0))
print("never printed")

# An uncaught NameError.
print("start")
print(undefined_name)

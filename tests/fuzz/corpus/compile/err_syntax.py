# A syntax error: nothing runs, exit status 1.
print("this line must not run")
x = = 1

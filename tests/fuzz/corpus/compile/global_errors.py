def f():
    x = 1
    global x
nonlocal y
return 5
break

try:
    d = {[1]: 2}
except TypeError as e:
    print(e)
try:
    {1, {}}
except TypeError as e:
    print(e)

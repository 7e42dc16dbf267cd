x = []
for i in range(3000):
    x = [x]
print(len(x))
try:
    print(repr(x)[:10])
except RecursionError:
    print("deep")

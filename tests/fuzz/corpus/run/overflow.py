x = 9999
for i in range(9):
    x = x * x
    print(x)
print(-x // 7, x % -3, divmod(x, 13), abs(-x), int("-9223372036854775808") - 1)

# An uncaught user exception raised from a nested call.
class InventoryError(Exception):
    pass

def take(stock, n):
    if n > stock:
        raise InventoryError(f"cannot take {n}, only {stock} left")
    return stock - n

def run():
    s = take(10, 3)
    print("left", s)
    take(s, 9)

run()

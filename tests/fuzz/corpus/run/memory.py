try:
    x = [1] * (9999 * 9999 * 9999)
except MemoryError:
    print("mem")
try:
    s = "x" * (9999 * 9999 * 9999)
except MemoryError:
    print("mem2")

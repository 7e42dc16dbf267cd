# gc.get_stats() counts automatic collections too (as CPython does), not
# only gc.collect() calls, and what they found.
import gc

gc.collect()
gc.set_threshold(100, 10, 10)
before = gc.get_stats()
for i in range(3000):
    x = []
    x.append(x)
after = gc.get_stats()
print(len(after), sorted(after[0]))
print("automatic gen0 collections counted:", after[0]["collections"] - before[0]["collections"] >= 10)
print("their findings counted:", after[0]["collected"] - before[0]["collected"] >= 2000)
print("older generations collected too:", after[1]["collections"] > before[1]["collections"])
n = gc.collect()
final = gc.get_stats()
print("gc.collect() counted:", final[2]["collections"] == after[2]["collections"] + 1,
      final[2]["collected"] == after[2]["collected"] + n)
gc.set_threshold(700, 10, 10)

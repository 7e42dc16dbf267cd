# Automatic collection: allocating container objects past the generation-0
# threshold makes the collector run by itself (no gc.collect() calls), so
# garbage cycles do not pile up; with the collector disabled they do.
import gc

gc.collect()
N = 3000


def make_garbage(n):
    for i in range(n):
        x = []
        x.append(x)


# disabled: every cycle is still there for gc.collect() to find
gc.disable()
make_garbage(N)
print("disabled, left for collect:", gc.collect())
gc.enable()

# enabled, threshold 100: at most about one generation's worth is left
gc.set_threshold(100, 10, 10)
gc.collect()
make_garbage(N)
left = gc.collect()
print("enabled, left for collect < 300:", left < 300)

# the generation counters move as CPython's do: an automatic collection of
# generation 0 resets count[0] and bumps count[1]
gc.collect()
before = gc.get_count()
keep = [[] for i in range(250)]
after = gc.get_count()
print("count[0] stayed under the threshold:", after[0] <= 101)
print("younger collections counted:", after[1] > before[1] or after[2] > before[2])
del keep

# threshold 0 disables automatic collection, as in CPython
gc.set_threshold(0)
gc.collect()
make_garbage(500)
print("threshold 0, left for collect:", gc.collect())
gc.set_threshold(700, 10, 10)
print(gc.get_threshold())

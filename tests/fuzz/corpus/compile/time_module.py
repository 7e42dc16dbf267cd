# The time module: clocks move forward, sleep waits at least its time.
import time
t0 = time.time()
p0 = time.perf_counter()
m0 = time.monotonic()
time.sleep(0.05)
t1 = time.time()
p1 = time.perf_counter()
m1 = time.monotonic()
print(type(t0).__name__, type(p0).__name__, type(m0).__name__)
print(t0 > 1600000000, t1 >= t0, p1 - p0 >= 0.045, m1 - m0 >= 0.045, p1 - p0 < 5)
ns = time.time_ns()
print(type(ns).__name__, ns > 1600000000 * 10**9, abs(ns / 1e9 - time.time()) < 5)
pc = time.perf_counter_ns()
time.sleep(0)
print(time.perf_counter_ns() >= pc, type(time.process_time()).__name__, time.process_time() >= 0)
start = time.perf_counter()
total = 0
for i in range(100000):
    total += i
print(total, time.perf_counter() - start >= 0)
try:
    time.sleep(-1)
except ValueError as e:
    print("ValueError:", e)
try:
    time.sleep("1")
except TypeError:
    print("TypeError")

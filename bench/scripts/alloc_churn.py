# Allocation churn: small class instances created and dropped in each thread.
# usage: alloc_churn.py THREADS SIZE
import sys
import threading
import time


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def norm1(self):
        return abs(self.x) + abs(self.y)


def work(n, out, i):
    total = 0
    for k in range(n):
        p = Point(k, -k)
        q = [p, (k, k + 1), {"k": k}]
        total += q[0].norm1()
    out[i] = total


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    out = [0] * threads
    workers = [threading.Thread(target=work, args=(size, out, i)) for i in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    print(f"RESULT script=alloc_churn threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

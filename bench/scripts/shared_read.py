# Threads reading shared read-only lists and dicts.
# usage: shared_read.py THREADS SIZE
import sys
import threading
import time

TABLE = list(range(1000))
INDEX = {i: i * 2 for i in range(1000)}


def work(n, out, i):
    total = 0
    table = TABLE
    index = INDEX
    for k in range(n):
        j = k % 1000
        total += table[j] + index[j]
    out[i] = total


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
    out = [0] * threads
    workers = [threading.Thread(target=work, args=(size, out, i)) for i in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    assert all(v == out[0] for v in out)
    print(f"RESULT script=shared_read threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

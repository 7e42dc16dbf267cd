# Cycle-heavy workload: each thread builds and drops reference cycles.
# usage: cycles.py THREADS SIZE
import sys
import threading
import time
import gc


class Node:
    def __init__(self):
        self.other = None


def work(n):
    for _ in range(n):
        a = Node()
        b = Node()
        a.other = b
        b.other = a


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    workers = [threading.Thread(target=work, args=(size,)) for _ in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    gc.collect()
    elapsed = time.perf_counter() - t0
    print(f"RESULT script=cycles threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

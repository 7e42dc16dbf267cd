# The classic CPU-bound countdown, once per thread (weak scaling).
# usage: countdown.py THREADS SIZE
import sys
import threading
import time


def countdown(n):
    while n > 0:
        n -= 1


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 5000000
    workers = [threading.Thread(target=countdown, args=(size,)) for _ in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    print(f"RESULT script=countdown threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

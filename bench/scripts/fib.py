# Recursive fib in each thread: calls and small-int arithmetic.
# usage: fib.py THREADS SIZE   (SIZE = n of fib(n))
import sys
import threading
import time


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def work(n, out, i):
    out[i] = fib(n)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    out = [0] * threads
    workers = [threading.Thread(target=work, args=(size, out, i)) for i in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    assert all(v == out[0] for v in out)
    print(f"RESULT script=fib threads={threads} size={size} seconds={elapsed:.6f} ops={threads}")


main()

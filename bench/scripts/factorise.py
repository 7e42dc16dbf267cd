# The naive factoriser, once per thread (weak scaling: each thread factorises
# SIZE numbers of its own range, all about the same size).
# usage: factorise.py THREADS SIZE
import sys
import threading
import time


def factorise(n):
    factors = []
    d = 2
    while d * d <= n:
        while n % d == 0:
            factors.append(d)
            n //= d
        d += 1
    if n > 1:
        factors.append(n)
    return factors


def work(start, count, out, i):
    total = 0
    for n in range(start, start + count):
        total += len(factorise(n))
    out[i] = total


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    out = [0] * threads
    base = 1000000
    workers = [threading.Thread(target=work, args=(base + i * size, size, out, i))
               for i in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    print(f"RESULT script=factorise threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

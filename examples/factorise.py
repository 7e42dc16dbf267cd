"""Naive factorisation of 1..N split over 1, 2, 4 and 8 threads (the
"Dive into Python: GIL and GC" experiment).  CPU-bound pure-Python work:
under a GIL more threads do not finish sooner.

    twinpy examples/factorise.py [N]        (default N = 200_000)

Needs the threading module.  Timings vary; the check lines do not.
"""
import sys
import threading
import time


def factorise_naive(n):
    """The prime factors of n, smallest first."""
    if n < 2:
        return []
    factors = []
    p = 2
    while True:
        if n == 1:
            return factors
        if n % p == 0:
            factors.append(p)
            n //= p
        elif p * p >= n:
            factors.append(n)
            return factors
        elif p > 2:
            p += 2
        else:
            p += 1


def serial_factoriser(count):
    return {n: factorise_naive(n) for n in range(1, count + 1)}


def threaded_factoriser(count, nthreads):
    def worker(nums, out):
        for n in nums:
            out[n] = factorise_naive(n)

    chunk = (count + nthreads - 1) // nthreads
    outs = [{} for _ in range(nthreads)]
    threads = []
    for i in range(nthreads):
        nums = range(chunk * i + 1, min(chunk * (i + 1), count) + 1)
        t = threading.Thread(target=worker, args=(nums, outs[i]))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    return {k: v for out in outs for k, v in out.items()}


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    print(f"factorising 1..{count:,}")
    start = time.perf_counter()
    expected = serial_factoriser(count)
    base = time.perf_counter() - start
    print(f"  serial     : {base:8.3f} s")
    agree = True
    for nthreads in (1, 2, 4, 8):
        start = time.perf_counter()
        got = threaded_factoriser(count, nthreads)
        elapsed = time.perf_counter() - start
        agree = agree and got == expected
        ratio = base / elapsed if elapsed > 0 else 0.0
        print(f"  {nthreads} thread{'s' if nthreads > 1 else ' '} : {elapsed:8.3f} s  ({ratio:.2f}x serial)")
    ok = True
    for n, factors in expected.items():
        product = 1
        for f in factors:
            product *= f
        ok = ok and product == (n if n > 1 else 1)
    print(f"factors multiply back: {ok}")
    print(f"threaded results agree with serial: {agree}")


if __name__ == "__main__":
    main()

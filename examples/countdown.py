"""The classic GIL experiment (David Beazley, "Understanding the Python GIL"):
count down from N, twice in a row in one thread, then at the same time in two
threads.  Under a GIL the two threads take as long as the sequential run (or
longer); without one they can take half the time on two cores.

    twinpy examples/countdown.py [N]        (default N = 10_000_000)

Needs the threading module.  Timings vary; the last line does not.
"""
import sys
import threading
import time


def count(n):
    while n > 0:
        n -= 1


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    print(f"countdown from {n:,} (GIL enabled: {gil})")

    start = time.perf_counter()
    count(n)
    count(n)
    sequential = time.perf_counter() - start
    print(f"  sequential, 1 thread : {sequential:8.3f} s")

    start = time.perf_counter()
    threads = [threading.Thread(target=count, args=(n,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    threaded = time.perf_counter() - start
    print(f"  parallel, 2 threads  : {threaded:8.3f} s")
    if threaded > 0:
        print(f"  speed-up             : {sequential / threaded:8.2f}x")
    print(f"done: 2 countdowns of {n} in each configuration")


if __name__ == "__main__":
    main()

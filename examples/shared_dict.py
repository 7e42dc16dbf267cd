"""A dict shared by two threads, each adding 1 to the same keys N times:
first without a lock (d[k] += 1 is a read, an add and a write, so updates can
be lost), then with a threading.Lock (always exact).  Built-in containers are
never corrupted either way: the dict stays a valid dict with the same keys.

    twinpy examples/shared_dict.py [N]      (default N = 1_000_000)

Needs the threading module.  The unlocked total varies; the rest does not.
"""
import sys
import threading
import time

KEYS = ("piece", "reward", "other")


def run(n, lock):
    stats = {k: 0 for k in KEYS}

    def work():
        for i in range(n):
            k = KEYS[i % 3]
            if lock is None:
                stats[k] += 1
            else:
                with lock:
                    stats[k] += 1

    threads = [threading.Thread(target=work) for _ in range(2)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.perf_counter() - start


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    expected = 2 * n
    unlocked, t1 = run(n, None)
    lost = expected - sum(unlocked.values())
    print(f"without a lock: total {sum(unlocked.values()):,} of {expected:,} ({lost:,} lost) in {t1:.3f} s")
    locked, t2 = run(n, threading.Lock())
    print(f"with a lock:    total {sum(locked.values()):,} of {expected:,} in {t2:.3f} s")
    print(f"keys intact: {sorted(unlocked) == sorted(KEYS) and sorted(locked) == sorted(KEYS)}")
    print(f"locked total exact: {sum(locked.values()) == expected}")


if __name__ == "__main__":
    main()

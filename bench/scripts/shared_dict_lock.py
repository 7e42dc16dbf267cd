# A shared dict updated under one lock by every thread (contended).
# usage: shared_dict_lock.py THREADS SIZE
import sys
import threading
import time


def work(n, d, lock):
    for k in range(n):
        key = k % 64
        with lock:
            d[key] = d.get(key, 0) + 1


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 200000
    d = {}
    lock = threading.Lock()
    workers = [threading.Thread(target=work, args=(size, d, lock)) for _ in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    assert sum(d.values()) == threads * size
    print(f"RESULT script=shared_dict_lock threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

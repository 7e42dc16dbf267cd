# Producers and consumers over one queue.Queue (THREADS producers, THREADS consumers).
# usage: producer_consumer.py THREADS SIZE
import sys
import threading
import time
import queue


def produce(q, n):
    for k in range(n):
        q.put(k)
    q.put(None)


def consume(q, out, i):
    total = 0
    while True:
        item = q.get()
        if item is None:
            break
        total += item
    out[i] = total


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
    q = queue.Queue(1000)
    out = [0] * threads
    workers = [threading.Thread(target=produce, args=(q, size)) for _ in range(threads)]
    workers += [threading.Thread(target=consume, args=(q, out, i)) for i in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - t0
    assert sum(out) == threads * (size * (size - 1) // 2)
    print(f"RESULT script=producer_consumer threads={threads} size={size} seconds={elapsed:.6f} ops={threads * size}")


main()

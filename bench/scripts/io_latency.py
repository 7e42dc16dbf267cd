# The convoy effect: how late does a thread waking from sleep(0.001) run
# while THREADS other threads burn CPU?  Reports the median extra wake-up
# latency in microseconds; seconds is the whole run.
# usage: io_latency.py THREADS SIZE   (SIZE = number of sleeps)
import sys
import threading
import time

stop = False


def burn():
    n = 0
    while not stop:
        n += 1


def main():
    global stop
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    burners = [threading.Thread(target=burn) for _ in range(threads)]
    t0 = time.perf_counter()
    for b in burners:
        b.start()
    lat = []
    for _ in range(size):
        s = time.perf_counter()
        time.sleep(0.001)
        lat.append(time.perf_counter() - s - 0.001)
    stop = True
    for b in burners:
        b.join()
    elapsed = time.perf_counter() - t0
    lat.sort()
    median_us = lat[len(lat) // 2] * 1e6
    print(f"RESULT script=io_latency threads={threads} size={size} seconds={elapsed:.6f} ops={size} latency_us={median_us:.1f}")


main()

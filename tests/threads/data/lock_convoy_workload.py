# Two threads take one _thread lock in a loop (`with lock:` around a dict
# update), each ITER times; prints "done" with the dict's total.  Run by
# lock_convoy_check.sh under `twinpy --stats`.
import sys
import threading

ITER = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
lock = threading.Lock()
d = {}


def work():
    for k in range(ITER):
        key = k % 64
        with lock:
            d[key] = d.get(key, 0) + 1


workers = [threading.Thread(target=work) for _ in range(2)]
for w in workers:
    w.start()
for w in workers:
    w.join()
assert sum(d.values()) == 2 * ITER
print("done")

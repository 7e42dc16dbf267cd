# Threads (needs the threading module): start/join, results, locks, queue.
import threading
import queue

results = []


def worker(n, scale=1):
    results.append(n * scale)


threads = [threading.Thread(target=worker, args=(i,), kwargs={"scale": 10}) for i in range(5)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results), any(t.is_alive() for t in threads))

counter = 0
lock = threading.Lock()


def add_many(n):
    global counter
    for _ in range(n):
        with lock:
            counter += 1


ts = [threading.Thread(target=add_many, args=(10000,)) for _ in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("locked counter:", counter)

shared = []
def appender(k):
    for i in range(1000):
        shared.append(i)
ts = [threading.Thread(target=appender, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("appends kept:", len(shared))

q = queue.Queue()
out = []


def consumer():
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        out.append(item * item)
        q.task_done()


c = threading.Thread(target=consumer, name="consumer")
c.start()
for i in range(10):
    q.put(i)
q.put(None)
q.join()
c.join()
print(sorted(out), c.name)

ev = threading.Event()
seen = []


def waiter():
    ev.wait()
    seen.append("woke")


w = threading.Thread(target=waiter)
w.start()
ev.set()
w.join()
print(seen, ev.is_set())
print(threading.current_thread().name, threading.main_thread() is threading.current_thread())
print(isinstance(threading.get_ident(), int), threading.active_count() >= 1)
r = threading.RLock()
with r:
    with r:
        print("reentrant")
print(lock.acquire(), lock.locked(), lock.acquire(blocking=False))
lock.release()
print(lock.locked())

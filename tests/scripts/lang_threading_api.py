import threading
import _thread
import queue
import time

results = []
lock = threading.Lock()

def worker(n, tag='w', scale=1):
    with lock:
        results.append((tag, n * scale))

threads = [threading.Thread(target=worker, args=(i,), kwargs={'tag': 't', 'scale': 10}, name=f'worker-{i}') for i in range(4)]
print([t.name for t in threads], [t.is_alive() for t in threads], threads[0].daemon)
for t in threads:
    t.start()
for t in threads:
    t.join(timeout=5)
print(sorted(results), [t.is_alive() for t in threads], all(isinstance(t.ident, int) for t in threads))
d = threading.Thread(target=lambda: None, daemon=True)
print(d.daemon, d.ident)
d.start(); d.join()
print(threading.current_thread().name, threading.main_thread().name if hasattr(threading, 'main_thread') else 'MainThread', threading.active_count(), isinstance(threading.get_ident(), int))
print(threading.get_ident() == threading.current_thread().ident, _thread.get_ident() == threading.get_ident())
l = threading.Lock()
print(l.acquire(), l.locked(), l.acquire(blocking=False), l.acquire(timeout=0.01))
l.release()
print(l.locked())
try:
    l.release()
except RuntimeError as e:
    print('RuntimeError', e)
r = threading.RLock()
with r:
    with r:
        print('reentrant ok')
print(r.acquire(), r.acquire(), r.release(), r.release())
try:
    r.release()
except RuntimeError as e:
    print('RuntimeError', e)
ev = threading.Event()
print(ev.is_set(), ev.wait(0.01))
def setter():
    time.sleep(0.01)
    ev.set()
threading.Thread(target=setter).start()
print(ev.wait(5), ev.is_set())
ev.clear(); print(ev.is_set())
cond = threading.Condition()
items = []
def consumer():
    with cond:
        while not items:
            cond.wait()
        results.append(('consumed', items.pop()))
c = threading.Thread(target=consumer)
c.start()
with cond:
    items.append(42)
    cond.notify()
c.join()
print(results[-1])
with cond:
    print(cond.wait(0.01), cond.wait_for(lambda: True, timeout=1))
sem = threading.Semaphore(2)
print(sem.acquire(), sem.acquire(), sem.acquire(blocking=False), sem.release(), sem.acquire(timeout=0.01))
bs = threading.BoundedSemaphore(1) if hasattr(threading, 'BoundedSemaphore') else None
barrier = threading.Barrier(3)
order = []
def at_barrier(i):
    idx = barrier.wait()
    with lock:
        order.append(idx)
bt = [threading.Thread(target=at_barrier, args=(i,)) for i in range(3)]
for t in bt: t.start()
for t in bt: t.join()
print(sorted(order), barrier.parties)
q = queue.Queue()
def producer():
    for i in range(5):
        q.put(i)
    q.put(None)
got = []
def qconsumer():
    while True:
        v = q.get()
        if v is None:
            q.task_done()
            break
        got.append(v * v)
        q.task_done()
threading.Thread(target=producer).start()
qc = threading.Thread(target=qconsumer)
qc.start()
q.join()
qc.join()
print(got, q.empty(), q.qsize())
q2 = queue.Queue(maxsize=1)
q2.put('a')
try:
    q2.put('b', block=False)
except queue.Full:
    print('Full')
print(q2.get(), q2.full())
try:
    q2.get(timeout=0.01)
except queue.Empty:
    print('Empty')
done = threading.Event()
def raw(a, b):
    results.append(('raw', a + b))
    done.set()
_thread.start_new_thread(raw, (1, 2))
done.wait(5)
print(results[-1])
al = _thread.allocate_lock()
print(al.acquire(), al.locked(), al.release() if False else al.release(), al.locked())
class MyThread(threading.Thread):
    def __init__(self, v):
        super().__init__()
        self.v = v
        self.out = None
    def run(self):
        self.out = self.v * 2
mt = MyThread(21)
mt.start(); mt.join()
print(mt.out)
t = threading.Thread(target=time.sleep, args=(0.05,))
t.start()
t.join(timeout=0.001)
print('alive after short join:', t.is_alive())
t.join()
print('alive after join:', t.is_alive())
try:
    t.start()
except RuntimeError as e:
    print('RuntimeError', e)

# Event, Condition, Semaphore, BoundedSemaphore, Barrier.
import threading

# Event: wait blocks until set; wait with a timeout returns the flag.
ev = threading.Event()
print(ev.is_set(), ev.wait(0.01))
got = []
def waiter():
    got.append(ev.wait())
ts = [threading.Thread(target=waiter) for i in range(3)]
for t in ts:
    t.start()
ev.set()
for t in ts:
    t.join()
print(got, ev.is_set())
ev.clear()
print(ev.is_set())

# Condition: a producer hands items to a consumer in order.
cond = threading.Condition()
items = []
consumed = []
def consumer():
    for i in range(5):
        with cond:
            while not items:
                cond.wait()
            consumed.append(items.pop(0))
c = threading.Thread(target=consumer)
c.start()
for i in range(5):
    with cond:
        items.append(i * i)
        cond.notify()
c.join()
print(consumed)

with cond:
    print(cond.wait(0.01))
    print(cond.wait_for(lambda: True))
try:
    cond.notify()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    cond.wait()
except RuntimeError as e:
    print("RuntimeError:", e)

# Condition over a plain Lock, notify_all wakes everyone.
c2 = threading.Condition(threading.Lock())
ready = [False]
woken = []
def sleeper(i):
    with c2:
        while not ready[0]:
            c2.wait()
        woken.append(i)
ts = [threading.Thread(target=sleeper, args=(i,)) for i in range(4)]
for t in ts:
    t.start()
with c2:
    ready[0] = True
    c2.notify_all()
for t in ts:
    t.join()
print(sorted(woken))

# Semaphore: never more than 2 holders at once.
sem = threading.Semaphore(2)
guard = threading.Lock()
inside = [0]
peak = [0]
def limited():
    for k in range(50):
        with sem:
            with guard:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            with guard:
                inside[0] -= 1
ts = [threading.Thread(target=limited) for i in range(5)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(peak[0] <= 2, inside[0])
print(sem.acquire(), sem.acquire(), sem.acquire(False), sem.acquire(timeout=0.01))
sem.release(2)
try:
    threading.Semaphore(-1)
except ValueError as e:
    print("ValueError:", e)

bs = threading.BoundedSemaphore(1)
bs.acquire()
bs.release()
try:
    bs.release()
except ValueError as e:
    print("ValueError:", e)

# Barrier: every party gets a distinct index; the action runs once.
actions = []
bar = threading.Barrier(3, action=lambda: actions.append("go"))
indices = []
def party():
    indices.append(bar.wait())
ts = [threading.Thread(target=party) for i in range(3)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(sorted(indices), actions, bar.parties, bar.n_waiting, bar.broken)

b2 = threading.Barrier(2, timeout=0.05)
try:
    b2.wait()
except threading.BrokenBarrierError:
    print("broken:", b2.broken)
b2.reset()
print("after reset:", b2.broken)
b2.abort()
try:
    b2.wait()
except threading.BrokenBarrierError:
    print("aborted:", b2.broken)

# Timer: runs once after its interval unless cancelled.
fired = []
tm = threading.Timer(0.01, fired.append, args=["fired"])
tm.start()
tm.join()
tm2 = threading.Timer(10, fired.append, args=["never"])
tm2.start()
tm2.cancel()
tm2.join()
print(fired)

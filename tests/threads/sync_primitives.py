# Events, conditions, semaphores, barriers and queues across threads:
# wake-ups, timeouts (a timed wait never returns early), notify(n) waking
# exactly n, barrier rounds / abort / failing action, and many producers
# and consumers handing over every item exactly once.
import queue
import sys
import threading
import time


def waited_at_least(f, timeout):
    t0 = time.monotonic()
    r = f()
    return r, time.monotonic() - t0 >= timeout * 0.95


# timed waits return False / raise, and never before their timeout
lk = threading.Lock()
lk.acquire()
print("lock timeout", waited_at_least(lambda: lk.acquire(timeout=0.05), 0.05))
ev = threading.Event()
print("event timeout", waited_at_least(lambda: ev.wait(0.05), 0.05))
cond = threading.Condition()
with cond:
    print("cond timeout", waited_at_least(lambda: cond.wait(0.05), 0.05))
    print("wait_for timeout", waited_at_least(lambda: cond.wait_for(lambda: 0, 0.05), 0.05))
    print("wait_for value", cond.wait_for(lambda: "yes", 0.05))
sem = threading.Semaphore(0)
print("semaphore timeout", waited_at_least(lambda: sem.acquire(timeout=0.05), 0.05))
q = queue.Queue()
t0 = time.monotonic()
try:
    q.get(timeout=0.05)
except queue.Empty:
    print("queue get timeout", time.monotonic() - t0 >= 0.0475)
fq = queue.Queue(1)
fq.put(1)
t0 = time.monotonic()
try:
    fq.put(2, timeout=0.05)
except queue.Full:
    print("queue put timeout", time.monotonic() - t0 >= 0.0475)
try:
    q.get(timeout=-1)
except ValueError as e:
    print("ValueError:", e)

# notify(n) wakes exactly n waiters, notify_all the rest
cond = threading.Condition()
woken = []
waiting = [0]


def sleeper(i):
    with cond:
        waiting[0] += 1
        cond.wait()
        woken.append(i)


ts = [threading.Thread(target=sleeper, args=(i,)) for i in range(5)]
for t in ts:
    t.start()
while True:
    with cond:
        if waiting[0] == 5:
            break
    time.sleep(0.001)
with cond:
    cond.notify(2)
while True:
    with cond:
        if len(woken) == 2:
            break
    time.sleep(0.001)
time.sleep(0.05)
with cond:
    print("after notify(2):", len(woken))
    cond.notify_all()
for t in ts:
    t.join()
print("after notify_all:", sorted(woken))

# Condition over an RLock held recursively: wait releases it completely
rl = threading.RLock()
c2 = threading.Condition(rl)
got = []


def rl_waiter():
    with c2:
        with c2:
            got.append(c2.wait(5))


t = threading.Thread(target=rl_waiter)
t.start()
while True:
    if rl.acquire(timeout=1):
        # the waiter released both levels while it waits
        if len(c2._waiters) == 1:
            c2.notify()
            rl.release()
            break
        rl.release()
    time.sleep(0.001)
t.join()
print("rlock condition:", got)

# Event: set wakes every waiter, clear re-arms
ev = threading.Event()
results = []
ts = [threading.Thread(target=lambda: results.append(ev.wait(5))) for i in range(4)]
for t in ts:
    t.start()
ev.set()
for t in ts:
    t.join()
ev.clear()
print("event:", results, ev.is_set(), ev.wait(0))

# Barrier: several rounds, every party gets each index once per round
N = 4
ROUNDS = 5
bar = threading.Barrier(N)
seen = [[] for r in range(ROUNDS)]


def party():
    for r in range(ROUNDS):
        seen[r].append(bar.wait())


ts = [threading.Thread(target=party) for i in range(N)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("barrier rounds:", all(sorted(x) == list(range(N)) for x in seen), bar.n_waiting)

# abort wakes the waiters with BrokenBarrierError
bar = threading.Barrier(3)
errs = []


def broken_party():
    try:
        bar.wait()
    except threading.BrokenBarrierError:
        errs.append("broken")


ts = [threading.Thread(target=broken_party) for i in range(2)]
for t in ts:
    t.start()
while bar.n_waiting < 2:
    time.sleep(0.001)
bar.abort()
for t in ts:
    t.join()
print("barrier abort:", errs, bar.broken)
bar.reset()
print("barrier reset:", bar.broken)

# a failing action breaks the barrier for everyone
def bad_action():
    raise ValueError("action failed")


bar = threading.Barrier(2, action=bad_action)
outcome = []


def party2():
    try:
        bar.wait()
        outcome.append("passed")
    except threading.BrokenBarrierError:
        outcome.append("broken")
    except ValueError as e:
        outcome.append("ValueError " + str(e))


ts = [threading.Thread(target=party2) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("barrier action:", sorted(outcome))

# Barrier timeout breaks it
bar = threading.Barrier(2)
try:
    bar.wait(0.02)
except threading.BrokenBarrierError:
    print("barrier timeout broken:", bar.broken)

# Semaphore: bounded holders; BoundedSemaphore refuses extra releases
sem = threading.BoundedSemaphore(3)
inside = [0]
peak = [0]
g = threading.Lock()


def user():
    for i in range(200):
        with sem:
            with g:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            with g:
                inside[0] -= 1


ts = [threading.Thread(target=user) for i in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("semaphore:", peak[0] <= 3, inside[0])
try:
    sem.release()
except ValueError as e:
    print("ValueError:", e)

# queues: 3 producers, 3 consumers, every item exactly once, join()
q = queue.Queue(maxsize=5)
consumed = []
clock = threading.Lock()
STOP = object()


def producer(k):
    for i in range(300):
        q.put(k * 1000 + i)


def consumer():
    while True:
        item = q.get()
        if item is STOP:
            q.task_done()
            return
        with clock:
            consumed.append(item)
        q.task_done()


cons = [threading.Thread(target=consumer) for i in range(3)]
prods = [threading.Thread(target=producer, args=(k,)) for k in range(3)]
for t in cons + prods:
    t.start()
for t in prods:
    t.join()
q.join()
print("queue all consumed:", sorted(consumed) == sorted(k * 1000 + i for k in range(3) for i in range(300)))
for t in cons:
    q.put(STOP)
for t in cons:
    t.join()
print("queue empty:", q.empty(), q.qsize(), q.full(), q.unfinished_tasks)
lq = queue.LifoQueue()
pq = queue.PriorityQueue()
for x in [5, 1, 4, 2, 3]:
    lq.put(x)
    pq.put(x)
print([lq.get_nowait() for i in range(5)], [pq.get_nowait() for i in range(5)])

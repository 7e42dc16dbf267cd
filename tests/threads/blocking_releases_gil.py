# Every blocking call releases the GIL: while a worker is blocked, the main
# thread runs Python code.  The switch interval is set to 10 s, so the GIL
# changes hands only where a thread blocks or ends: if a blocking call kept
# the GIL, the main thread could not make any progress while the worker is
# inside it.  The worker's wait ends only once the main thread has made
# progress (or after a bounded number of tries, so a defect fails instead
# of hanging).  Deterministic: no timing enters the result.
import queue
import sys
import threading
import time
import _thread

sys.setswitchinterval(10)
TARGET = 200
TRIES = 400


def probe(name, setup):
    """setup(progress) -> (block, release): block() runs in the worker and
    must not return before the main thread made TARGET steps (unless it
    gives up); release() runs in the main thread once it has."""
    progress = [0]
    state = [0]
    block, release = setup(progress)

    def worker():
        state[0] = 1
        block()
        state[0] = 2

    t = threading.Thread(target=worker)
    t.start()
    # start() returns when the worker has started; it is running or blocked
    while state[0] == 0:
        time.sleep(0.001)
    while state[0] == 1 and progress[0] < TARGET:
        progress[0] += 1
    if release is not None:
        release()
    t.join()
    print(f"{name:28} main ran while worker blocked: {progress[0] == TARGET}")


def until_progress(progress, wait_once):
    for i in range(TRIES):
        if progress[0] >= TARGET:
            return
        wait_once()


def sleep_case(progress):
    return (lambda: until_progress(progress, lambda: time.sleep(0.01))), None


def lock_timeout_case(progress):
    lk = threading.Lock()
    lk.acquire()
    return (lambda: until_progress(progress, lambda: lk.acquire(timeout=0.01))), lk.release


def lock_forever_case(progress):
    # main holds the lock until it has progressed; the worker waits with no
    # timeout (a GIL kept here would deadlock: bounded by the test timeout)
    lk = threading.Lock()
    lk.acquire()

    def block():
        lk.acquire()
        lk.release()
    return block, lk.release


def with_lock_case(progress):
    lk = threading.Lock()
    lk.acquire()

    def block():
        with lk:
            pass
    return block, lk.release


def raw_lock_case(progress):
    lk = _thread.allocate_lock()
    lk.acquire()

    def block():
        lk.acquire(True, 5)
    return block, lk.release


def rlock_case(progress):
    lk = threading.RLock()
    lk.acquire()

    def block():
        if lk.acquire(timeout=5):
            lk.release()
    return block, lk.release


def join_case(progress):
    def sub():
        until_progress(progress, lambda: time.sleep(0.01))
    s = threading.Thread(target=sub)

    def block():
        s.start()
        s.join(5)
    return block, None


def event_case(progress):
    ev = threading.Event()
    return (lambda: ev.wait(5)), ev.set


def condition_case(progress):
    cond = threading.Condition()
    flag = [False]

    def block():
        with cond:
            cond.wait_for(lambda: flag[0], 5)

    def release():
        with cond:
            flag[0] = True
            cond.notify_all()
    return block, release


def semaphore_case(progress):
    sem = threading.Semaphore(0)
    return (lambda: sem.acquire(timeout=5)), sem.release


def queue_get_case(progress):
    q = queue.Queue()
    return (lambda: q.get(timeout=5)), (lambda: q.put("x"))


def queue_put_case(progress):
    q = queue.Queue(maxsize=1)
    q.put(0)
    return (lambda: q.put(1, timeout=5)), q.get


def queue_join_case(progress):
    q = queue.Queue()
    q.put(0)

    def release():
        q.get()
        q.task_done()
    return q.join, release


def barrier_case(progress):
    b = threading.Barrier(2, timeout=5)
    return b.wait, b.wait


for name, case in [("time.sleep", sleep_case), ("Lock.acquire(timeout)", lock_timeout_case),
                   ("Lock.acquire()", lock_forever_case), ("with Lock", with_lock_case),
                   ("_thread lock", raw_lock_case), ("RLock.acquire", rlock_case),
                   ("Thread.join", join_case), ("Event.wait", event_case),
                   ("Condition.wait_for", condition_case), ("Semaphore.acquire", semaphore_case),
                   ("Queue.get", queue_get_case), ("Queue.put (full)", queue_put_case),
                   ("Queue.join", queue_join_case), ("Barrier.wait", barrier_case)]:
    probe(name, case)
sys.setswitchinterval(0.005)

# A thread that sleeps on a held lock (counted: thread_lock_slept, and the
# time it slept in thread_lock_wait_ms, folded in when it exits), then
# failed non-blocking acquires (never counted).  See lock_stats_check.sh.
import threading
import time

lock = threading.Lock()
lock.acquire()
ready = threading.Event()


def waiter():
    ready.set()
    lock.acquire()
    lock.release()


t = threading.Thread(target=waiter)
t.start()
ready.wait()
time.sleep(0.3)   # the waiter is asleep on the lock by now
lock.release()
t.join()

lock.acquire()
for _ in range(500):
    assert not lock.acquire(False)
    assert not lock.acquire(True, 0)
lock.release()
print("done")

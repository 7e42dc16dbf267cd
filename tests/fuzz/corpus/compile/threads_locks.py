# Lock and RLock: acquire/release/locked, timeouts, errors, `with`, and
# mutual exclusion that makes a shared counter exact.
import threading
import _thread

lock = threading.Lock()
print(lock.locked())
print(lock.acquire())
print(lock.locked())
print(lock.acquire(False))
print(lock.acquire(blocking=False))
print(lock.acquire(True, 0.01))
print(lock.acquire(timeout=0.01))
lock.release()
print(lock.locked())
try:
    lock.release()
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    lock.acquire(False, 1)
except ValueError as e:
    print("ValueError:", e)
try:
    lock.acquire(True, -5)
except ValueError as e:
    print("ValueError:", e)

with lock:
    print("inside", lock.locked())
print("outside", lock.locked())

try:
    with lock:
        raise KeyError("k")
except KeyError:
    print("released after exception:", not lock.locked())

# A lock released by another thread (locks are not owned).
held = threading.Lock()
held.acquire()
def releaser():
    held.release()
t = threading.Thread(target=releaser)
t.start()
t.join()
print("released by other thread:", not held.locked())

r = threading.RLock()
print(r.acquire())
print(r.acquire())
with r:
    print("nested with")
r.release()
r.release()
try:
    r.release()
except RuntimeError as e:
    print("RuntimeError:", e)

r.acquire()
errors = []
def foreign_release():
    try:
        r.release()
    except RuntimeError as e:
        errors.append(str(e))
    errors.append(r.acquire(False))
t = threading.Thread(target=foreign_release)
t.start()
t.join()
r.release()
print(errors)

counter = 0
counter_lock = threading.Lock()

def add(n):
    global counter
    for i in range(n):
        with counter_lock:
            counter += 1

threads = [threading.Thread(target=add, args=(2000,)) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(counter)

# _thread's own names.
lk = _thread.allocate_lock()
print(type(lk) is _thread.LockType)
print(lk.acquire(), lk.locked())
lk.release()
print(isinstance(_thread.get_ident(), int))
print(_thread.get_ident() == threading.get_ident())
print(_thread.error is RuntimeError)

# Imports from several threads at once: a module's body runs once, and a
# thread that imports a module another thread is still running waits for
# it; two threads whose imports import each other's modules do not
# deadlock; a failed import is not run again by the threads that waited.
import threading
import time
import _thrimp_log

results = {}


def importer(key):
    try:
        import _thrimp_slow
        results[key] = _thrimp_slow.READY
    except Exception as e:
        results[key] = f"{type(e).__name__}: {e}"


threads = [threading.Thread(target=importer, args=(k,)) for k in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()))
print(_thrimp_log.runs)


def cross(key, which):
    try:
        if which == 1:
            import _thrimp_m1 as m
            results[key] = m.A
        else:
            import _thrimp_m2 as m
            results[key] = m.B
    except Exception as e:
        results[key] = f"{type(e).__name__}: {e}"


results.clear()
threads = [threading.Thread(target=cross, args=("m1", 1)), threading.Thread(target=cross, args=("m2", 2))]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()))


def bad(key):
    try:
        import _thrimp_bad
        results[key] = type(_thrimp_bad).__name__
    except Exception as e:
        results[key] = f"{type(e).__name__}: {e}"


def bad_later(key):
    # start once the first thread's import of it is under way
    while "bad" not in _thrimp_log.runs:
        time.sleep(0.001)
    bad(key)


results.clear()
threads = [threading.Thread(target=bad, args=(0,))] + [
    threading.Thread(target=bad_later, args=(k,)) for k in range(1, 4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results.items()))
print(_thrimp_log.runs)
import sys
print("_thrimp_bad" in sys.modules)

# Uncaught exceptions in threads are reported on stderr exactly as CPython
# 3.11 prints them ("Exception in thread NAME:" + traceback), and the
# program goes on; SystemExit ends only the thread.  The full stderr is
# compared (run_stderr.sh), with frames inside threading's own source
# reduced to their function names.
import sys
import threading
import _thread


def target():
    raise ValueError("boom")


def helper(x):
    return 10 // x


def target2(a, b=2):
    helper(a - b)


def chained():
    try:
        {}["missing"]
    except KeyError as e:
        raise RuntimeError("while handling") from e


def implicit():
    try:
        [][3]
    except IndexError:
        raise TypeError("second")


class Custom(Exception):
    pass


def custom():
    raise Custom("mine", 42)


def empty():
    raise AssertionError


t = threading.Thread(target=target)
t.start()
t.join()
t = threading.Thread(target=target2, args=(3,), kwargs={"b": 3})
t.start()
t.join()
t = threading.Thread(target=target, name="worker")
t.start()
t.join()
for f in (chained, implicit, custom, empty):
    t = threading.Thread(target=f)
    t.start()
    t.join()


class W(threading.Thread):
    def run(self):
        self.step()

    def step(self):
        raise KeyError("k")


w = W()
w.start()
w.join()
w = W(name="named")
w.start()
w.join()


# the recursion limit counts threading's own frames as CPython does
def recurse(n):
    return recurse(n + 1)


t = threading.Thread(target=recurse, args=(0,))
t.start()
t.join()
print("main goes on", w.is_alive(), threading.active_count())


def quits():
    sys.exit(5)


t = threading.Thread(target=quits)
t.start()
t.join()
print("SystemExit ended only its thread")

done = _thread.allocate_lock()
done.acquire()


def raw():
    try:
        raise ValueError("raw thread")
    finally:
        done.release()


_thread.start_new_thread(raw, ())
done.acquire()
# the report is printed after the function returns: wait for the thread
# to be gone
import time
while _thread._count() if hasattr(_thread, "_count") else False:
    time.sleep(0.001)


# threading.excepthook can be replaced; a failing hook is reported too
def hook(args):
    print("hook:", args.exc_type.__name__, args.exc_value, args.thread.name)


threading.excepthook = hook
t = threading.Thread(target=target, name="hooked")
t.start()
t.join()
t = threading.Thread(target=quits, name="hooked-exit")
t.start()
t.join()


def bad_hook(args):
    raise OSError("hook failed")


threading.excepthook = bad_hook
t = threading.Thread(target=target, name="badhook")
t.start()
t.join()
threading.excepthook = threading.__excepthook__
t = threading.Thread(target=target, name="restored")
t.start()
t.join()
print("end")

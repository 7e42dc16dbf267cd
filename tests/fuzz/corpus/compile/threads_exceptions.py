# An exception in a thread is reported on stderr ("Exception in thread
# NAME:" and a traceback) and the program goes on; SystemExit in a thread
# ends only that thread.  _thread.start_new_thread runs a function.
import threading
import _thread

def boom():
    raise ValueError("boom in thread")

t = threading.Thread(target=boom, name="bad")
t.start()
t.join()
print("main continues", t.is_alive())

def quits():
    raise SystemExit(3)

t = threading.Thread(target=quits)
t.start()
t.join()
print("SystemExit ended only the thread")

def thread_exit():
    _thread.exit()
    print("not reached")

t = threading.Thread(target=thread_exit)
t.start()
t.join()
print("_thread.exit ended only the thread")

done = _thread.allocate_lock()
done.acquire()
box = []
def raw(a, b, c=0):
    box.append(a + b + c)
    done.release()

ident = _thread.start_new_thread(raw, (1, 2), {"c": 3})
done.acquire()
print(box, isinstance(ident, int))

try:
    _thread.start_new_thread(raw, [1, 2])
except TypeError as e:
    print("TypeError:", e)

class Worker(threading.Thread):
    def run(self):
        raise KeyError("from run")

w = Worker(name="worker-1")
w.start()
w.join()
print("still running")

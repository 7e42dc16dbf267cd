# A put or get that waits for the queue's mutex while another thread,
# holding it, rebinds q.queue uses the new storage: what the fast paths
# look up before taking the mutex is looked up again once they hold it
# if the queue's attributes changed meanwhile.
import queue
import threading
import time

q = queue.Queue()
old = q.queue
q.mutex.acquire()
t = threading.Thread(target=q.put, args=("x",))
t.start()
time.sleep(0.2)                  # the put waits for the mutex
q.queue = type(old)()            # new, empty storage of the same type
q.mutex.release()
t.join()
print("put:", list(old), list(q.queue), q.qsize())

q = queue.Queue()
q.put("old item")
old = q.queue
got = []
q.mutex.acquire()
t = threading.Thread(target=lambda: got.append(q.get()))
t.start()
time.sleep(0.2)                  # the get waits for the mutex
fresh = type(old)()
fresh.append("new item")
q.queue = fresh
q.mutex.release()
t.join()
print("get:", got, list(old), list(q.queue))

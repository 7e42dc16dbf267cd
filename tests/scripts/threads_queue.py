# queue.Queue: producer/consumer with task_done/join, Empty and Full,
# timeouts, sizes, and LIFO order.
import queue
import threading

q = queue.Queue()
print(q.empty(), q.qsize(), q.full())
results = []

def consumer():
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        results.append(item * 2)
        q.task_done()

workers = [threading.Thread(target=consumer) for i in range(3)]
for w in workers:
    w.start()
for i in range(30):
    q.put(i)
q.join()
print(sorted(results) == [i * 2 for i in range(30)])
for w in workers:
    q.put(None)
for w in workers:
    w.join()
print(q.empty(), q.qsize())

try:
    q.get_nowait()
except queue.Empty:
    print("Empty")
try:
    q.get(timeout=0.01)
except queue.Empty:
    print("Empty after timeout")
try:
    q.get(block=False)
except queue.Empty:
    print("Empty non-blocking")

b = queue.Queue(maxsize=2)
b.put(1)
b.put(2)
print(b.full(), b.qsize())
try:
    b.put_nowait(3)
except queue.Full:
    print("Full")
try:
    b.put(3, timeout=0.01)
except queue.Full:
    print("Full after timeout")
print(b.get(), b.get(), b.empty())

# A bounded queue makes a fast producer wait for the consumer.
bq = queue.Queue(maxsize=1)
out = []
def slow_consumer():
    for i in range(10):
        out.append(bq.get())
t = threading.Thread(target=slow_consumer)
t.start()
for i in range(10):
    bq.put(i)
t.join()
print(out)

lq = queue.LifoQueue()
for i in range(4):
    lq.put(i)
print([lq.get() for i in range(4)])

try:
    q.task_done()
except ValueError as e:
    print("ValueError:", e)
print(issubclass(queue.Empty, Exception), issubclass(queue.Full, Exception))

pq = queue.PriorityQueue()
for item in [(3, "c"), (1, "a"), (2, "b"), (1, "a2")]:
    pq.put(item)
print([pq.get() for i in range(4)])

# puts from several threads at once each count one unfinished task
cq = queue.Queue()
def putter(k):
    for i in range(2000):
        cq.put((k, i))
putters = [threading.Thread(target=putter, args=(k,)) for k in range(4)]
for t in putters:
    t.start()
for t in putters:
    t.join()
print(cq.unfinished_tasks, cq.qsize())
def taker():
    for i in range(4000):
        cq.get()
        cq.task_done()
takers = [threading.Thread(target=taker) for k in range(2)]
for t in takers:
    t.start()
cq.join()
for t in takers:
    t.join()
print(cq.unfinished_tasks, cq.qsize())

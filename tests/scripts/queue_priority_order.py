# queue.PriorityQueue: smallest first, and items that compare equal come
# out in the order CPython's heap-based queue gives them; the number of
# comparisons (a __lt__ that counts) is the same too.
import queue

compares = 0


class Job:
    def __init__(self, prio, name):
        self.prio = prio
        self.name = name

    def __lt__(self, other):
        global compares
        compares += 1
        return self.prio < other.prio


# a fixed pseudo-random sequence of puts and gets
seed = 12345


def rnd(n):
    global seed
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n


q = queue.PriorityQueue()
out = []
for step in range(400):
    if rnd(3) and q.qsize() < 50:
        q.put(Job(rnd(6), "j%d" % step))
    elif not q.empty():
        out.append(q.get().name)
while not q.empty():
    out.append(q.get().name)
print(len(out), compares)
print(" ".join(out[:40]))
print(" ".join(out[-40:]))

# tuples and ints: plain priority order
pq = queue.PriorityQueue()
for x in (5, 1, 4, 1, 5, 9, 2, 6, 5, 3):
    pq.put((x, -x))
print([pq.get() for _ in range(10)])

# a bounded priority queue: put_nowait past maxsize raises Full
bq = queue.PriorityQueue(maxsize=2)
bq.put(3)
bq.put(1)
try:
    bq.put_nowait(2)
except queue.Full:
    print("Full", bq.qsize())
print(bq.get(), bq.get(), bq.empty())

# Built-in containers under concurrent use, with a tiny switch interval so
# the GIL changes hands constantly: list.append from many threads keeps
# every item, dict/set operations are atomic, and a Lock makes a
# read-modify-write counter exact.
import sys
import threading

sys.setswitchinterval(1e-5)
N_THREADS = 8
PER_THREAD = 20000

shared = []
d = {}
s = set()


def appender(k):
    for i in range(PER_THREAD):
        shared.append((k, i))
        d[(k, i)] = i
        s.add(k * PER_THREAD + i)


ts = [threading.Thread(target=appender, args=(k,)) for k in range(N_THREADS)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(shared), len(d), len(s))
print(sorted(shared) == [(k, i) for k in range(N_THREADS) for i in range(PER_THREAD)])
# each thread's own items stay in its order
print(all([x[1] for x in shared if x[0] == k] == list(range(PER_THREAD)) for k in range(N_THREADS)))

# pops from one list by many threads: every item taken exactly once
source = list(range(40000))
taken = [[] for k in range(4)]


def popper(k):
    mine = taken[k]
    while True:
        try:
            mine.append(source.pop())
        except IndexError:
            break


ts = [threading.Thread(target=popper, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
allt = []
for part in taken:
    allt.extend(part)
print(len(allt), sorted(allt) == list(range(40000)))

# a counter protected by a Lock (and by an RLock, re-entered) is exact
lock = threading.Lock()
rlock = threading.RLock()
counter = [0, 0]


def incr():
    for i in range(10000):
        with lock:
            counter[0] += 1
        with rlock:
            with rlock:
                counter[1] += 1


ts = [threading.Thread(target=incr) for k in range(6)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(counter)

# dict setdefault/pop races: every key inserted exactly once, removed once
registry = {}
removed = []


def register(k):
    for i in range(5000):
        registry.setdefault(i, k)


ts = [threading.Thread(target=register, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(registry), all(0 <= v < 4 for v in registry.values()))


def unregister():
    for i in range(5000):
        if registry.pop(i, None) is not None:
            removed.append(i)


ts = [threading.Thread(target=unregister) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(registry), len(removed), sorted(removed) == list(range(5000)))
sys.setswitchinterval(0.005)

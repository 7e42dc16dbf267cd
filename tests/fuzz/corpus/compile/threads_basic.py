# threading.Thread: targets, arguments, names, join, is_alive, subclassing.
import threading

results = []

def worker(n, scale=1):
    results.append(n * scale)

threads = []
for i in range(5):
    t = threading.Thread(target=worker, args=(i,), kwargs={"scale": 10})
    threads.append(t)
print([t.name for t in threads])
print([t.is_alive() for t in threads])
print(threads[0].ident is None, threads[0].daemon)
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sorted(results))
print([t.is_alive() for t in threads])
print(all(isinstance(t.ident, int) for t in threads))
print(len(set(t.ident for t in threads)) >= 1)

named = threading.Thread(target=worker, args=(7,), name="custom")
print(named.name)
named.start()
named.join()
print(results[-1])

class Counter(threading.Thread):
    def __init__(self, n):
        super().__init__()
        self.n = n
        self.total = 0

    def run(self):
        for i in range(self.n):
            self.total += i

c = Counter(100)
print(c.name)
c.start()
c.join()
print(c.total)

print(threading.current_thread().name)
print(threading.current_thread() is threading.main_thread())
print(threading.active_count())
print(len(threading.enumerate()))
print(threading.get_ident() == threading.main_thread().ident)

seen = []
def who():
    seen.append(threading.current_thread().name)
    seen.append(threading.get_ident() != threading.main_thread().ident)

t = threading.Thread(target=who, name="probe")
t.start()
t.join()
print(seen)

try:
    t.start()
except RuntimeError as e:
    print("RuntimeError:", e)

u = threading.Thread(target=worker, args=(1,))
try:
    u.join()
except RuntimeError as e:
    print("RuntimeError:", e)

try:
    threading.current_thread().join()
except RuntimeError as e:
    print("RuntimeError:", e)

d = threading.Thread(target=worker, args=(2,), daemon=True)
print(d.daemon)
d.start()
d.join()
print("done")

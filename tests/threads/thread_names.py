# Default thread names are unique and numbered in creation order, also
# when many threads create threads at the same time ("Thread-N (target)").
import threading

names = []
lock = threading.Lock()


def work():
    pass


def maker():
    local = [threading.Thread(target=work) for i in range(50)]
    with lock:
        names.extend(t.name for t in local)


ts = [threading.Thread(target=maker) for i in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(names), len(set(names)))
print(sorted(int(n.split("-")[1].split(" ")[0]) for n in names) == list(range(5, 205)))
print(threading.Thread(target=work).name, threading.Thread().name, threading.Thread(name="x").name)
print([t.name for t in ts])

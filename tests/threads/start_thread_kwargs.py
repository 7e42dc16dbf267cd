# _thread.start_new_thread(f, args, kwargs) with a kwargs dict that another
# thread keeps changing: each new thread must call f with one whole state
# of it (the values alive, every value its key's), and f(**kw) gets a dict
# of its own.
import _thread
import threading

KW = {"k%d" % i: [i] for i in range(40)}
COUNT = 400
done = threading.Event()
lock = threading.Lock()
results = []


def target(**kw):
    ok = kw is not KW and all(v == [int(k[1:])] for k, v in kw.items())
    with lock:
        results.append(ok)


def mutator():
    i = 0
    while not done.is_set():
        KW["k%d" % (i % 40)] = [i % 40]
        KW.pop("k%d" % ((i * 7) % 40), None)
        KW["k%d" % ((i * 7) % 40)] = [(i * 7) % 40]
        i += 1


m = threading.Thread(target=mutator)
m.start()
for i in range(COUNT):
    _thread.start_new_thread(target, (), KW)
while True:
    with lock:
        if len(results) >= COUNT:
            break
done.set()
m.join()
print(len(results), all(results))

# join() returns only once the thread is gone.  In the nogil build an
# object a thread made, whose last reference another thread drops as the
# first one ends, is finalized by its owner as that thread exits (the
# biased count queues it to the owner), and join() waits for that exit, as
# CPython's join waits for the thread state's deletion; before it did, 7
# to 185 of these 300 finalizers ran after join() had returned.  Both
# join() and join(timeout) are used.
import threading

ran = [0]


class Fin:
    def __del__(self):
        ran[0] += 1


box = []
late = 0
N = 300
for i in range(N):
    def work():
        box.append(Fin())
    t = threading.Thread(target=work)
    t.start()
    while not box:
        pass
    box.clear()          # the last reference, dropped while the worker ends
    if i % 2:
        t.join()
    else:
        t.join(30.0)
    if ran[0] != i + 1:
        late += 1
        while ran[0] != i + 1:
            pass
    if t.is_alive():
        print("alive after join", i)
print("late finalizers after join:", late, "of", N)

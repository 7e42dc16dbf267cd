# CPU-bound threads all make progress (the GIL is handed over at the
# switch interval); sys.setswitchinterval round-trips; list.append from
# many threads keeps every item.
import sys
import threading

print(sys.getswitchinterval())
sys.setswitchinterval(0.001)
print(sys.getswitchinterval())

# Each thread spins until it sees the other one's progress.  Without
# switching, the first would run to its limit before the second started.
progress = [0, 0]
saw_other = [False, False]

def spin(i):
    n = 0
    while n < 5000000:
        n += 1
        progress[i] = n
        if progress[1 - i] > 0:
            saw_other[i] = True
            break

ts = [threading.Thread(target=spin, args=(i,)) for i in range(2)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(saw_other)

shared = []
def appender(k):
    for i in range(5000):
        shared.append(k)

ts = [threading.Thread(target=appender, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print(len(shared), [shared.count(k) for k in range(4)])
sys.setswitchinterval(0.005)
print(sys.getswitchinterval())

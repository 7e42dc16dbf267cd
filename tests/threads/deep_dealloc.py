# Deallocation of structures nested 100000 deep (lists, dicts, instances,
# tuples) does not overflow the C stack (the trashcan defers the inner
# levels), in the main thread and in other threads; a deep garbage cycle
# is found and freed by the collector; the program may also end with deep
# structures still alive.
import sys, threading, gc
def build_list(n):
    l = []
    for i in range(n):
        l = [l]
    return l
def build_dict(n):
    d = {}
    for i in range(n):
        d = {"next": d}
    return d
class Node:
    def __init__(self, nxt):
        self.nxt = nxt
def build_inst(n):
    x = None
    for i in range(n):
        x = Node(x)
    return x
def build_tuple(n):
    t = ()
    for i in range(n):
        t = (t,)
    return t
for b in (build_list, build_dict, build_inst, build_tuple):
    x = b(100000)
    del x
    print(b.__name__, "freed")
# deep garbage cycle freed by the collector
l = build_list(100000)
inner = l
for i in range(99999):
    inner = inner[0]
inner.append(l)
del l, inner
print("deep cycle", gc.collect())
def in_thread():
    x = build_list(100000); del x
    x = build_inst(100000); del x
    print("thread freed")
t = threading.Thread(target=in_thread); t.start(); t.join()
keep = build_list(100000)
keep2 = build_inst(100000)
print("exit with deep structures alive")

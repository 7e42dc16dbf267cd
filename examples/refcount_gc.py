"""Reference counts and the cycle collector, as in the classic talks:
sys.getrefcount shows references coming and going; reference cycles are
not freed by counting and need gc.collect().

    twinpy examples/refcount_gc.py [N]      (default N = 1000 cycles)

Runs in one thread.  Exact counts are implementation details (CPython and
twinpy agree on the differences shown, not always on the absolute values).
"""
import gc
import sys


def show_refcounts():
    foo = []
    base = sys.getrefcount(foo)
    print(f"a fresh list: getrefcount = {base} (the name, plus the call's argument)")

    def bar(a):
        return sys.getrefcount(a)

    print(f"inside a call: +{bar(foo) - base} (the callee's parameter)")
    holders = [foo, foo, foo]
    print(f"in a list three times: +{sys.getrefcount(foo) - base}")
    del holders
    print(f"after the list is gone: +{sys.getrefcount(foo) - base}")


class Node:
    def __init__(self, name):
        self.name = name
        self.partner = None


def make_cycles(n):
    for i in range(n):
        a = Node(f"a{i}")
        b = Node(f"b{i}")
        a.partner = b
        b.partner = a
    lst = []
    lst.append(lst)


def show_cycles(n):
    gc.collect()
    gc.disable()
    make_cycles(n)
    found = gc.collect()
    gc.enable()
    print(f"cycles made with the collector disabled: {n} pairs and a self-referencing list")
    print(f"gc.collect() found them: {found >= 2 * n + 1}")
    print(f"thresholds {gc.get_threshold()}, counts now {gc.get_count()}")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    show_refcounts()
    show_cycles(n)
    print("done")


if __name__ == "__main__":
    main()

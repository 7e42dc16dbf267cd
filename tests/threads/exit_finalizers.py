# Finalizers of what the program leaves alive run at exit, as in CPython:
# __main__'s globals are collected (they form a cycle with the functions
# and classes that refer to them), so every finalizer runs once, with the
# globals still intact, and before the process ends.  What a finalizer
# raises is reported without source lines (CPython can no longer read them
# by then) and does not change the exit status.
#
# Collection order: CPython runs these finalizers in the order its
# collector lists the garbage, which depends on when its automatic
# collections ran; with them off, it is the order the objects were made,
# which is twinpy's too for objects one thread made (exit_finalizer_thread
# has one that a thread made).
import gc

gc.disable()

G = globals()


class Noisy:
    def __init__(self, name):
        self.name = name

    def __del__(self):
        # the globals are intact while the finalizers run
        print("del", self.name, "| Noisy still bound:", G.get("Noisy") is Noisy)


class Raises:
    def __del__(self):
        raise ValueError("raised at exit")


def gen():
    try:
        yield 1
        yield 2
    finally:
        print("generator closed at exit")


first = Noisy("first")
suspended = gen()
print("generator yields", next(suspended))
items = [Noisy("list item 0"), Noisy("list item 1")]
table = {"key": Noisy("dict value")}
cycle = Noisy("cycle")
cycle.me = cycle
bad = Raises()


class Holder:
    pass


holder = Holder()
holder.attr = Noisy("attribute")

# dropped before the end: finalized here, not again at exit
dropped = Noisy("dropped early")
del dropped

last = Noisy("last")
print("end of program")

"""Stress: N threads draining one shared iterator of every kind at once.

    twinpy shared_iterators.py N ITER [SWITCH_INTERVAL]

Round after round, one iterator (over a list, a reversed list, a tuple,
a str, a dict's keys, values and items, a set, a deque, a range, an old
style sequence, reversed() of a sequence, iter(callable, sentinel),
enumerate, zip, map, filter, and a generator) is handed to N threads,
which all call next() on it until it is exhausted, while a generator is
also resumed by all of them.  Which items each thread gets is not
specified (two threads may get the same item), but every item must be
one of the source's, range values must lie in the range, a generator must
never run in two threads at once (ValueError "generator already
executing" is the only error allowed) nor give a value twice, the
iterator must be exhausted once every thread is done, and once the
iterators are gone
the source objects' reference counts must be back at their baselines.
Exit 1 with a message when any of that fails.
"""
import gc
import sys
import threading
from collections import deque

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

SIZE = 64
errors = []


class Item:
    def __init__(self, k):
        self.k = k


ITEMS = [Item(k) for k in range(SIZE)]
VALID = set(id(x) for x in ITEMS)
LIST = list(ITEMS)
TUPLE = tuple(ITEMS)
DICT = {k: ITEMS[k] for k in range(SIZE)}
SET = set(ITEMS)
DEQUE = deque(ITEMS)
TEXT = "".join(chr(0x41 + k % 26) if k % 3 else chr(0x3b1 + k % 20) for k in range(SIZE))


class OldSeq:
    """The sequence protocol: __getitem__ only (and __len__ for reversed)."""
    def __len__(self):
        return SIZE

    def __getitem__(self, i):
        if i < 0 or i >= SIZE:
            raise IndexError(i)
        return ITEMS[i]


def item_check(x):
    return id(x) in VALID


def make_calliter():
    pos = [0]

    def call():
        i = pos[0]
        pos[0] = i + 1
        return ITEMS[i] if i < SIZE else None
    return iter(call, None)


def counter_gen():
    for i in range(SIZE * 4):
        yield i


KINDS = [
    ("list", lambda: iter(LIST), item_check),
    ("reversed_list", lambda: reversed(LIST), item_check),
    ("tuple", lambda: iter(TUPLE), item_check),
    ("str", lambda: iter(TEXT), lambda c: c in TEXT and len(c) == 1),
    ("dict_keys", lambda: iter(DICT), lambda k: type(k) is int and 0 <= k < SIZE),
    ("dict_values", lambda: iter(DICT.values()), item_check),
    ("dict_items", lambda: iter(DICT.items()),
     lambda kv: type(kv) is tuple and len(kv) == 2 and DICT[kv[0]] is kv[1]),
    ("set", lambda: iter(SET), item_check),
    ("deque", lambda: iter(DEQUE), item_check),
    ("range", lambda: iter(range(5, 5 + 3 * SIZE, 3)),
     lambda v: type(v) is int and 5 <= v < 5 + 3 * SIZE and (v - 5) % 3 == 0),
    ("reversed_range", lambda: reversed(range(SIZE)), lambda v: type(v) is int and 0 <= v < SIZE),
    ("seq", lambda: iter(OldSeq()), item_check),
    ("reversed_seq", lambda: reversed(OldSeq()), item_check),
    ("callable", make_calliter, item_check),
    # the count and the item come from two racing sources: not checked as a pair
    ("enumerate", lambda: enumerate(LIST),
     lambda t: type(t) is tuple and type(t[0]) is int and t[0] >= 0 and item_check(t[1])),
    ("zip", lambda: zip(LIST, TUPLE), lambda t: type(t) is tuple and item_check(t[0]) and item_check(t[1])),
    ("map", lambda: map(lambda x: x, LIST), item_check),
    ("filter", lambda: filter(None, LIST), item_check),
]
BASE = {name: sys.getrefcount(obj) for name, obj in
        (("ITEM0", ITEMS[0]), ("LIST", LIST), ("TUPLE", TUPLE), ("DICT", DICT), ("SET", SET),
         ("DEQUE", DEQUE), ("TEXT", TEXT))}


def drain(name, it, check, gen, gen_seen, barrier):
    try:
        barrier.wait()
        while True:
            try:
                x = next(it)
            except StopIteration:
                break
            if not check(x):
                errors.append(f"{name}: foreign item {x!r}")
                return
            try:
                gen_seen.append(next(gen))
            except StopIteration:
                pass
            except ValueError as e:
                if "already executing" not in str(e):
                    raise
    except BaseException as e:
        errors.append(f"{name}: {type(e).__name__}: {e}")


def one_round(r):
    name, make, check = KINDS[r % len(KINDS)]
    it = make()
    gen = counter_gen()
    gen_seen = []
    barrier = threading.Barrier(N)
    threads = [threading.Thread(target=drain, args=(name, it, check, gen, gen_seen, barrier))
               for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Exhausted once every thread is done.  (Not while others still race:
    # a thread that loaded the position before another exhausted the
    # iterator stores its own next position after, and goes on from there.)
    for _ in range(3):
        try:
            x = next(it)
            errors.append(f"{name}: {x!r} after exhaustion")
            break
        except StopIteration:
            pass
    if len(set(gen_seen)) != len(gen_seen):
        errors.append(f"{name}: the generator gave a value twice")
    if any(type(v) is not int or not 0 <= v < SIZE * 4 for v in gen_seen):
        errors.append(f"{name}: the generator gave a foreign value")


def fail(msg):
    print(f"shared_iterators N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


rounds = max(len(KINDS), ITER)
for r in range(rounds):
    one_round(r)
    if errors:
        fail("; ".join(errors[:5]))
gc.collect()
now = {name: sys.getrefcount(obj) for name, obj in
       (("ITEM0", ITEMS[0]), ("LIST", LIST), ("TUPLE", TUPLE), ("DICT", DICT), ("SET", SET),
        ("DEQUE", DEQUE), ("TEXT", TEXT))}
if now != BASE:
    fail(f"reference counts {now}, expected {BASE}")
print(f"shared_iterators N={N} ITER={ITER}: ok, {rounds} rounds")

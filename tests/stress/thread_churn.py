"""Stress: threads created and exiting continuously while holding and
passing objects.

    twinpy thread_churn.py N ROUNDS [SWITCH_INTERVAL]

Each round starts N short-lived threads.  Thread k builds objects (a list,
a dict, an instance, a tuple of them), hands them to thread k+1 of the next
round through a queue, and exits; the receiver checks and extends what it
got, drops some of it (so objects created by a dead thread are freed in
another one) and passes the rest on.  Meanwhile a few long-lived threads
hold objects whose creators have exited.  At the end every hand-off must
be accounted for, every object intact (exit 1 otherwise).
"""
import sys
import threading
import queue

N = int(sys.argv[1])
ROUNDS = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))


class Parcel:
    def __init__(self, origin):
        self.origin = origin
        self.hops = []
        self.payload = {"items": [origin] * 10, "tag": f"p{origin}"}


errors = []
handoffs = queue.Queue()
kept = []                 # parcels the long-lived holders keep to the end
kept_lock = threading.Lock()
finished = []             # (origin, hops) of parcels that made every hop
drop_box = []             # objects whose creator exits before they are freed
dropped = []
HOPS = 4


def check(parcel):
    o = parcel.origin
    if parcel.payload["items"] != [o] * 10 or parcel.payload["tag"] != f"p{o}":
        raise AssertionError(f"parcel {o} payload corrupt: {parcel.payload!r}")


def short_lived(rnd, k):
    try:
        # create: objects owned by this thread, which is about to exit
        p = Parcel(rnd * N + k)
        handoffs.put(p)
        # receive one parcel made by an earlier (probably dead) thread
        try:
            got = handoffs.get(timeout=5)
        except queue.Empty:
            raise AssertionError("no parcel to receive")
        check(got)
        got.hops.append((rnd, k))
        got.payload[f"r{rnd}k{k}"] = [rnd, k]
        if len(got.hops) >= HOPS:
            finished.append(got)        # made its trip: drop it here
        elif (rnd + k) % 5 == 0:
            with kept_lock:
                kept.append(got)        # a holder keeps it past its creator's exit
        else:
            handoffs.put(got)
        # made here, freed by a later thread after this one has exited
        drop_box.append([{"from": (rnd, k), "n": [j]} for j in range(20)])
        try:
            old = drop_box.pop(0)
        except IndexError:
            old = None
        if old is not None:
            for j in range(20):
                if old[j]["n"] != [j] or type(old[j]["from"]) is not tuple:
                    raise AssertionError(f"dropped object corrupt: {old[j]!r}")
            dropped.append(1)
        del old
    except BaseException as e:
        errors.append(f"round {rnd} thread {k}: {type(e).__name__}: {e}")


stop = threading.Event()
held_checks = [0]


def holder():
    # long-lived: keeps re-reading objects whose creators have exited
    try:
        while not stop.is_set():
            with kept_lock:
                snapshot = list(kept)
            for p in snapshot:
                check(p)
            held_checks[0] += 1
            stop.wait(0.001)
    except BaseException as e:
        errors.append(f"holder: {type(e).__name__}: {e}")


holders = [threading.Thread(target=holder) for _ in range(2)]
for h in holders:
    h.start()
for rnd in range(ROUNDS):
    ts = [threading.Thread(target=short_lived, args=(rnd, k)) for k in range(N)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
stop.set()
for h in holders:
    h.join()


def fail(msg):
    print(f"thread_churn N={N} ROUNDS={ROUNDS}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


if errors:
    fail("; ".join(errors[:5]))
remaining = []
while True:
    try:
        remaining.append(handoffs.get_nowait())
    except queue.Empty:
        break
every = finished + kept + remaining
created = N * ROUNDS
if len(every) != created:
    fail(f"{created} parcels created, {len(every)} accounted for")
origins = sorted(p.origin for p in every)
if origins != list(range(created)):
    fail("a parcel was lost or duplicated")
hops_total = 0
for p in every:
    check(p)
    hops_total += len(p.hops)
    for (rnd, k) in p.hops:
        if p.payload.get(f"r{rnd}k{k}") != [rnd, k]:
            fail(f"parcel {p.origin}: hop {(rnd, k)} not recorded")
if hops_total != created:
    fail(f"{created} receives, {hops_total} hops recorded")
if len(dropped) + len(drop_box) != created:
    fail(f"{created} objects put in the drop box, {len(dropped)} dropped + {len(drop_box)} left")
if threading.active_count() != 1:
    fail(f"{threading.active_count()} threads still active")
print(f"thread_churn N={N} ROUNDS={ROUNDS}: ok")

"""Stress: N threads hammer one shared list, dict, set and instance with
mixed reads, writes, deletes and iteration, then the invariants are checked.

    twinpy containers.py N ITER [SWITCH_INTERVAL]

Atomic operations must lose nothing: every list.append and every dict/set
store of a key no other thread touches is still there at the end, values
intact.  Pushes and pops of a second list conserve the total, and so do
popitem-and-reinsert on a second dict (whose items are always consistent
pairs, also while others iterate it).  Iterating a
container another thread changes either works or raises RuntimeError; any
other exception, a wrong value or a lost item fails the run (exit 1).
"""
import sys
import threading

N = int(sys.argv[1])
ITER = int(sys.argv[2])
if len(sys.argv) > 3 and sys._is_gil_enabled():
    sys.setswitchinterval(float(sys.argv[3]))

shared_list = []          # append-only: every item must survive
stack = [0] * 64          # pushed and popped by everyone: the sum is conserved
shared_dict = {}          # disjoint keys per thread, plus one hot key for all
shared_set = set()
# popped and refilled by everyone: popitem frees the dict's last entries,
# which the next insert reuses for another key, under concurrent iteration.
# Every value is its key's pair value; the number of items is conserved.
churn_dict = {(t, -1): t * 2 - 4 for t in range(N)}
# sorted in place by thread 0 and reversed by thread 1 while everyone
# indexes it without the lock (it looks empty while the sort runs): a
# permutation of 0..63 at the end.  (Two sorts of one list at once may
# lose its items, in CPython too: the later one puts back what it found.)
ring = list(range(64))
# fresh strs whose hash nobody has computed yet: every worker's set()
# computes and caches them at the same time
words = ["w%d" % i for i in range(512)]


class Box:
    pass


box = Box()
box.hot = 0
errors = []
pushed = [0] * N
popped = [0] * N
iter_errors = [0] * N
barrier = threading.Barrier(N)


def check_item(item, where):
    # An item read from a shared container must be a whole, valid object.
    if type(item) is not tuple or len(item) != 2 or type(item[0]) is not int or type(item[1]) is not int:
        raise AssertionError(f"{where}: corrupt item {item!r}")
    if item[0] < 0 or item[0] >= N or item[1] < 0 or item[1] >= ITER:
        raise AssertionError(f"{where}: item out of range {item!r}")


def worker(tid):
    try:
        barrier.wait()
        if len(set(words)) != len(words):
            raise AssertionError("set(words) lost a word")
        mine = f"attr{tid}"
        for i in range(ITER):
            item = (tid, i)
            shared_list.append(item)
            shared_dict[item] = i * 2 + 1
            shared_dict["hot"] = item
            shared_set.add(item)
            setattr(box, mine, i)
            box.hot = item
            # push then pop: the pop may take anyone's value
            stack.append(i)
            pushed[tid] += i
            popped[tid] += stack.pop()
            # delete every third key and set member again (own keys only)
            if i % 3 == 2:
                old = (tid, i - 1)
                del shared_dict[old]
                shared_set.discard(old)
            # pop anyone's pair, put back one of our own
            try:
                ck, cv = churn_dict.popitem()
                if cv != ck[0] * 2 + ck[1] * 4:
                    raise AssertionError(f"popitem(): {ck!r} -> {cv!r}")
            except KeyError:
                ck = None
            if ck is not None:
                churn_dict[(tid, i)] = tid * 2 + i * 4
            if tid == 0 and i % 4 == 0:
                ring.sort(key=lambda x: (x * (i + 1)) % 67)
            elif tid == 1 and i % 4 == 2:
                ring.reverse()
            try:
                x = ring[(i * 31) % 64]
                if type(x) is not int or not 0 <= x < 64:
                    raise AssertionError(f"ring item {x!r}")
            except IndexError:
                pass          # a sort in progress
            if i % 64 == tid % 64:
                # every thread's repr guard (the containers being printed)
                # must be gone when it exits: the ASan builds check leaks
                if not repr(ring).startswith("["):
                    raise AssertionError("repr(ring)")
            # reads of everyone's data
            n = len(shared_list)
            if n:
                check_item(shared_list[(i * 7919) % n], "list[i]")
                check_item(shared_list[-1], "list[-1]")
            hot = shared_dict.get("hot")
            check_item(hot, "dict['hot']")
            check_item(box.hot, "box.hot")
            other = (i + tid) % N
            v = shared_dict.get((other, i))
            if v is not None and v != i * 2 + 1:
                raise AssertionError(f"dict[{(other, i)!r}] = {v!r}")
            if getattr(box, mine) != i:
                raise AssertionError(f"own attribute {mine} lost")
            # iteration while others mutate
            if i % 50 == tid % 50:
                for x in shared_list[-200:]:
                    check_item(x, "list slice")
                try:
                    cnt = 0
                    for k in shared_dict:
                        cnt += 1
                        if cnt > 200:
                            break
                    cnt = 0
                    for k, v in shared_dict.items():
                        if k != "hot" and v != k[1] * 2 + 1:
                            raise AssertionError(f"items(): {k!r} -> {v!r}")
                        cnt += 1
                        if cnt > 100:
                            break
                    for k, v in churn_dict.items():
                        if v != k[0] * 2 + k[1] * 4:
                            raise AssertionError(f"churn items(): {k!r} -> {v!r}")
                    cnt = 0
                    for x in shared_set:
                        check_item(x, "set iteration")
                        cnt += 1
                        if cnt > 200:
                            break
                except RuntimeError:
                    iter_errors[tid] += 1
                if item not in shared_set:
                    raise AssertionError(f"own set member {item!r} lost")
        delattr(box, mine)
    except BaseException as e:
        errors.append(f"thread {tid}: {type(e).__name__}: {e}")


threads = [threading.Thread(target=worker, args=(t,)) for t in range(N)]
for t in threads:
    t.start()
for t in threads:
    t.join()


def fail(msg):
    print(f"containers N={N} ITER={ITER}: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


if errors:
    fail("; ".join(errors[:5]))
if len(shared_list) != N * ITER:
    fail(f"list.append lost items: len {len(shared_list)}, expected {N * ITER}")
seen = set(shared_list)
if len(seen) != N * ITER:
    fail(f"list holds duplicates: {len(seen)} distinct of {N * ITER}")
for tid in range(N):
    mine = [x[1] for x in shared_list if x[0] == tid]
    if mine != list(range(ITER)):
        fail(f"thread {tid}'s appends out of order or lost")
expected_keys = set()
for tid in range(N):
    for i in range(ITER):
        if not (i % 3 == 1 and i + 1 < ITER):
            expected_keys.add((tid, i))
keys = set(k for k in shared_dict if k != "hot")
if keys != expected_keys:
    fail(f"dict keys wrong: {len(keys - expected_keys)} extra, {len(expected_keys - keys)} missing")
for k in expected_keys:
    if shared_dict[k] != k[1] * 2 + 1:
        fail(f"dict value wrong at {k!r}")
if len(shared_dict) != len(expected_keys) + 1:
    fail(f"len(dict) {len(shared_dict)} != {len(expected_keys) + 1}")
if shared_set != expected_keys or len(shared_set) != len(expected_keys):
    fail(f"set wrong: len {len(shared_set)}, expected {len(expected_keys)}")
if len(churn_dict) != N:
    fail(f"popitem/insert not conserved: {len(churn_dict)} items, expected {N}")
for k, v in churn_dict.items():
    if v != k[0] * 2 + k[1] * 4:
        fail(f"churn dict value wrong at {k!r}: {v!r}")
if sum(pushed) != sum(popped) + sum(stack):
    fail(f"push/pop not conserved: pushed {sum(pushed)}, popped {sum(popped)}, left {sum(stack)}")
if sorted(ring) != list(range(64)):
    fail(f"ring is not a permutation of 0..63: {ring!r}")
if len(stack) != 64:
    fail(f"stack length {len(stack)}, expected 64")
for tid in range(N):
    if hasattr(box, f"attr{tid}"):
        fail(f"deleted attribute attr{tid} still there")
check_item(box.hot, "final box.hot")
print(f"containers N={N} ITER={ITER}: ok ({sum(iter_errors)} iterations saw a concurrent change)")

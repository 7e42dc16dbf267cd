# Containers made in one thread and used in another, by every route the
# free-threaded build treats differently (a container is private to its
# maker until another thread looks inside): passed as a thread argument,
# put on a queue, stored in a global, left on a Thread attribute after the
# maker exited, nested several levels deep, mutated from both sides.
import queue
import threading

N = 4
ROUNDS = 200


def nested(seed):
    return {"id": seed, "items": [[seed, i] for i in range(5)],
            "meta": {"tags": ["t%d" % seed], "count": 0}}


lock = threading.Lock()


# 1. Made by main, handed to workers as an argument, mutated under a lock:
# once from module level (stored in a global first), once from a function
# (local to it until the workers look inside).
def bump(shared, k):
    for r in range(ROUNDS):
        with lock:
            shared["meta"]["count"] += 1
            shared["items"][r % 5].append(k)
            shared["meta"]["tags"].append(k)


def run_bumpers(shared):
    workers = [threading.Thread(target=bump, args=(shared, k)) for k in range(N)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print("count", shared["meta"]["count"])
    print("lens", [len(x) for x in shared["items"]])
    print("tags", len(shared["meta"]["tags"]), sorted(set(shared["meta"]["tags"][1:])))


shared = nested(0)
run_bumpers(shared)


def local_bumpers():
    mine = nested(1)
    mine["items"][0].append(-1)
    run_bumpers(mine)
    mine["items"][0].append(-2)
    print("after", mine["items"][0][:3], mine["items"][0][-1], len(mine["items"][0]))


local_bumpers()

# 2. Made by workers, put on a queue, read and changed by main.
q = queue.Queue()


def produce(k):
    for r in range(ROUNDS // 10):
        d = nested(k * 1000 + r)
        d["items"][0].append(r)
        q.put(d)
    q.put(None)


producers = [threading.Thread(target=produce, args=(k,)) for k in range(N)]
for p in producers:
    p.start()
done = 0
total = 0
seen = 0
while done < N:
    d = q.get()
    if d is None:
        done += 1
        continue
    d["meta"]["count"] += 1
    total += d["id"] + sum(len(x) for x in d["items"]) + d["meta"]["count"]
    seen += 1
for p in producers:
    p.join()
print("queued", seen, total)

# 3. Made by workers, stored in a global dict, read by the others.
board = {}
ready = threading.Barrier(N)


def post_and_read(k):
    mine = [k] * (k + 1)
    board[k] = {"list": mine, "sq": [i * i for i in range(k + 3)]}
    ready.wait()
    acc = 0
    for j in range(N):
        other = board[j]
        acc += sum(other["list"]) + len(other["sq"])
    with lock:
        results.append((k, acc))


results = []
ts = [threading.Thread(target=post_and_read, args=(k,)) for k in range(N)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("board", sorted(results))


# 4. Left on the Thread object by a thread that has exited.
class Maker(threading.Thread):
    def __init__(self, k):
        super().__init__()
        self.k = k
        self.result = None

    def run(self):
        out = {"sq": [], "by": {}}
        for i in range(50):
            out["sq"].append(i * self.k)
            out["by"][i] = [i, self.k]
        self.result = out


def run_makers():
    makers = [Maker(k) for k in range(N)]
    for m in makers:
        m.start()
    for m in makers:
        m.join()
    for m in makers:
        r = m.result
        r["sq"].append(-1)
        r["by"][0].append("x")
        print("maker", m.k, sum(r["sq"]), len(r["by"]), r["by"][0], r["by"][49])


run_makers()

# 5. Two threads that keep taking each other's fresh lists and extending them.
def pingpong(slots, turn, k):
    for r in range(ROUNDS // 4):
        fresh = [k, r]
        with turn:
            other = slots[1 - k]
            slots[k] = fresh
        if other is not None:
            other.append(k)
            other.extend([r, r])
            assert other[0] == 1 - k and len(other) >= 2


def run_pingpong():
    slots = [None, None]
    turn = threading.Condition()
    pp = [threading.Thread(target=pingpong, args=(slots, turn, k)) for k in range(2)]
    for t in pp:
        t.start()
    for t in pp:
        t.join()
    print("pingpong", [s[:2] for s in slots])


run_pingpong()


# 6. Reached only through a closure: the thread that made them keeps using
# them while another thread changes them.
def run_closure():
    box = {"hits": 0, "log": []}
    nums = list(range(10))
    go = threading.Event()

    def other():
        go.wait()
        for i in range(ROUNDS):
            with lock:
                box["hits"] += 1
                box["log"].append(i % 3)
                nums[i % 10] += 1

    t = threading.Thread(target=other)
    t.start()
    for i in range(ROUNDS):
        with lock:
            box["hits"] += 2
            nums[(i * 3) % 10] += 2
        if i == 10:
            go.set()
    t.join()
    print("closure", box["hits"], len(box["log"]), sum(box["log"]), sum(nums))


run_closure()


# 7. Handed back through a closure cell: the maker exits, then the thread
# that started it reads and extends what it made.
def run_cell():
    made = None

    def make():
        nonlocal made
        rows = [[i, i * i] for i in range(20)]
        index = {r[0]: r for r in rows}
        made = (rows, index)

    t = threading.Thread(target=make)
    t.start()
    t.join()
    rows, index = made
    rows.append([20, 400])
    index[20] = rows[-1]
    index[3].append("seen")
    print("cell", len(rows), sum(r[1] for r in rows), index[3], len(index))


run_cell()

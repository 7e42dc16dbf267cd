#!/usr/bin/env python3
"""trace_check.py TWINPY CASE — `twinpy --trace` and `twinpy --stats` show
what really happened.

Cases:
  threads  two threads counting down: the trace is valid trace-event JSON,
           every thread with events is named, both workers ran; on gil
           both waited for the GIL, on nogil nobody did.
  gc       main collects cyclic garbage while a worker spins: a "gc" event
           on main; on gil the worker does not run during it, on nogil a
           stop_the_world event on main overlaps the worker's "stopped".
  stats    counters at exit, one `name value` per line, that move with the
           program: collected objects grow with the garbage made, GIL
           switches (gil) or stops (nogil) happen when threads compete.
Exits 0 when the case holds, 1 with the evidence when it does not.
"""
import json
import os
import subprocess
import sys
import tempfile

TW = sys.argv[1]
CASE = sys.argv[2]

THREADS = """
import sys, threading
sys.setswitchinterval(0.001)
def countdown(n):
    while n > 0:
        n -= 1
ts = [threading.Thread(target=countdown, args=(N,)) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print("done")
"""

SOLO_STORES = """
d = {}
def work(n):
    for k in range(n):
        d[k % 64] = k
work(20000)
print("done")
"""

PAIR_MERGES = """
import threading
shared = list(range(50))
shared_set = set(range(50))
def work(n):
    for k in range(n):
        a = [k]
        b = [k, k]
        a.extend(b)
        a += b
        s = {k}
        s |= {k + 1}
        s.update({k + 2})
        mine = list(shared)
        mine.append(k)
        s2 = set(shared_set)
        s2.add(k)
ts = [threading.Thread(target=work, args=(5000,)) for _ in range(2)]
for t in ts: t.start()
for t in ts: t.join()
print("done")
"""

GC = """
import gc, threading
state = {"started": False, "stop": False}
def spin():
    # "started" only after a while: the worker's own first stops of the
    # world (unbiasing `state`, making it deferred) are over by then, so
    # main's collection finds it running, not detached waiting to stop the
    # world itself.
    n = 0
    while not state["stop"]:
        n += 1
        if n == 50000:
            state["started"] = True
class Node:
    pass
t = threading.Thread(target=spin)
t.start()
while not state["started"]:
    pass
gc.disable()
for i in range(CYCLES):
    a = Node(); b = Node(); a.other = b; b.other = a
del a, b
found = gc.collect()
state["stop"] = True
t.join()
print("found", found >= 2 * CYCLES)
"""


def fail(msg, evidence=""):
    print(f"FAIL {CASE}: {msg}")
    if evidence:
        print(evidence[-4000:])
    sys.exit(1)


def runtime():
    out = subprocess.run([TW, "--version"], capture_output=True, text=True).stdout
    return "nogil" if "nogil" in out else "gil"


def run(args, src, tmp):
    path = os.path.join(tmp, "prog.py")
    with open(path, "w") as f:
        f.write(src)
    p = subprocess.run([TW] + args + [path], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        fail(f"status {p.returncode}", p.stdout + p.stderr)
    return p


def load_trace(path):
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"trace is not valid JSON: {e}", open(path).read() if os.path.exists(path) else "")
    events = doc["traceEvents"] if isinstance(doc, dict) else doc
    names = {}
    spans = []
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            names[e["tid"]] = e["args"]["name"]
        elif e.get("ph") == "X":
            for k in ("name", "ts", "dur", "pid", "tid"):
                if k not in e:
                    fail(f"complete event without '{k}': {e}")
            if e["ts"] < 0 or e["dur"] < 0:
                fail(f"negative time in {e}")
            spans.append(e)
    for e in spans:
        if e["tid"] not in names:
            fail(f"thread {e['tid']} has events but no thread_name", json.dumps(names))
    main = [t for t, n in names.items() if n == "main"]
    if len(main) != 1:
        fail("no single thread named main", json.dumps(names))
    return spans, names, main[0]


def by(spans, name, tid=None):
    return [e for e in spans if e["name"] == name and (tid is None or e["tid"] == tid)]


def overlaps(a, b):
    return a["ts"] < b["ts"] + b["dur"] and b["ts"] < a["ts"] + a["dur"]


def case_threads(tmp, rt):
    trace = os.path.join(tmp, "t.json")
    run(["--trace", trace], THREADS.replace("N", "4000000"), tmp)
    spans, names, main = load_trace(trace)
    workers = sorted({e["tid"] for e in spans} - {main})
    if len(workers) != 2:
        fail(f"expected events from 2 worker threads, got {workers}", json.dumps(names))
    for w in workers:
        if not by(spans, "running", w):
            fail(f"worker {w} never ran")
    if rt == "gil":
        for w in workers:
            waits = by(spans, "gil wait", w)
            if not waits or sum(e["dur"] for e in waits) <= 0:
                fail(f"worker {w} ({names[w]}) has no GIL wait", json.dumps(spans[:40]))
        # Two threads, a 1 ms switch interval, ~50+ ms of work each: the
        # GIL changed hands several times, so the workers' runs interleave.
        if len(by(spans, "running", workers[0])) + len(by(spans, "running", workers[1])) < 4:
            fail("the workers never took turns", json.dumps(spans[:40]))
    else:
        if by(spans, "gil wait"):
            fail("GIL waits in the nogil runtime")


def case_gc(tmp, rt):
    trace = os.path.join(tmp, "t.json")
    p = run(["--trace", trace], GC.replace("CYCLES", "1000"), tmp)
    if p.stdout.strip() != "found True":
        fail("gc.collect() did not find the cycles", p.stdout)
    spans, names, main = load_trace(trace)
    gcs = by(spans, "gc", main)
    if not gcs:
        fail("no gc event on main", json.dumps(spans[-40:]))
    workers = sorted({e["tid"] for e in spans} - {main})
    if len(workers) != 1:
        fail(f"expected one worker, got {workers}")
    w = workers[0]
    if rt == "gil":
        # The collector holds the GIL: the worker, alive throughout (it
        # spins until after the collection), never runs during it.
        if any(overlaps(g, x) for g in gcs for x in by(spans, "running", w)):
            fail("the worker ran during a collection under the GIL", json.dumps(spans[-40:]))
        # (the last full collection is the one at exit, after the join)
        full = [g for g in gcs if g.get("args", {}).get("generation") == 2]
        if not any(x["ts"] > g["ts"] + g["dur"] for g in full for x in by(spans, "running", w)):
            fail("the worker did not run after the collection", json.dumps(spans[-40:]))
    else:
        stws = by(spans, "stop_the_world", main)
        stopped = by(spans, "stopped", w)
        if not stws or not stopped:
            fail("no stop_the_world on main or no stopped on the worker", json.dumps(spans[-40:]))
        if not any(overlaps(s, x) for s in stws for x in stopped):
            fail("the worker's stop does not overlap a stop_the_world", json.dumps(spans[-40:]))


def stats_of(tmp, src):
    p = run(["--stats"], src, tmp)
    counters = {}
    for line in p.stderr.splitlines():
        parts = line.split()
        if len(parts) != 2:
            fail(f"not a `name value` line: {line!r}", p.stderr)
        name, value = parts
        if name == "runtime":
            counters[name] = value
            continue
        try:
            counters[name] = float(value)
        except ValueError:
            fail(f"not a number: {line!r}", p.stderr)
    return counters, p.stderr


def case_stats(tmp, rt):
    few, _ = stats_of(tmp, GC.replace("CYCLES", "10"))
    many, err = stats_of(tmp, GC.replace("CYCLES", "3000"))
    if many.get("runtime") != rt:
        fail(f"runtime line says {many.get('runtime')}, expected {rt}", err)
    for key in ("gc_runs", "gc_collected"):
        if key not in many:
            fail(f"no {key} counter", err)
    if many["gc_runs"] < 1:
        fail("gc.collect() ran but gc_runs < 1", err)
    if many["gc_collected"] - few["gc_collected"] < 2 * (3000 - 10):
        fail(f"gc_collected did not grow with the garbage: {few['gc_collected']} -> "
             f"{many['gc_collected']}", err)
    two, err = stats_of(tmp, THREADS.replace("N", "1000000"))
    if rt == "gil":
        for key in ("gil_acquisitions", "gil_switches", "gil_wait_ms", "gil_drop_requests"):
            if key not in two:
                fail(f"no {key} counter", err)
        if two["gil_switches"] < 4 or two["gil_acquisitions"] < two["gil_switches"]:
            fail("two competing threads but few GIL switches", err)
        if two["gil_drop_requests"] < 1 or two["gil_wait_ms"] <= 0:
            fail("two competing threads but no drop request or no wait time", err)
    else:
        for key in ("stw_count", "threads_started", "mutex_fast", "critical_sections_elided"):
            if key not in many:
                fail(f"no {key} counter", err)
        if many["stw_count"] < 1:
            fail("a collection ran but stw_count < 1", err)
        if two["threads_started"] < 2:
            fail("two threads ran but threads_started < 2", err)
        # The only thread storing into a shared dict (a global: stored in
        # the module's dict, so not biased): its sections are elided (it
        # runs solo), not counted as locked.
        solo, err = stats_of(tmp, SOLO_STORES)
        if solo["critical_sections_elided"] < 20000:
            fail("a solo thread's 20,000 dict stores were not counted as elided", err)
        if solo["mutex_fast"] > 1000:
            fail("a solo thread's dict stores were counted as locked", err)
        # Two threads merging their own lists and sets (sections on two
        # objects), and copying shared ones into new ones of their own:
        # their containers stay private, only the shared ones are locked.
        pairs, err = stats_of(tmp, PAIR_MERGES)
        if pairs["bias_cleared"] > 5000:
            fail("merging a thread's own containers made them shared", err)
        if pairs["mutex_fast"] > 25000 or pairs["critical_sections_elided"] < 60000:
            fail("merging a thread's own containers took locks", err)


def main():
    rt = runtime()
    with tempfile.TemporaryDirectory(prefix="twin_trace.") as tmp:
        {"threads": case_threads, "gc": case_gc, "stats": case_stats}[CASE](tmp, rt)
    print(f"ok {CASE} ({rt})")


main()

#!/usr/bin/env python3
"""bench/driver.py — twinpy's head-to-head comparison.

Builds both runtimes in Release (build/release-gil, build/release-nogil),
runs every macro script in bench/scripts/ at 1, 2, 4, ... threads up to the
machine's cores and twice that (weak scaling: each thread does the same
work), several repetitions with the interpreters interleaved so drift hits
all of them alike, takes medians, runs the Google Benchmark micro suite of
each build (alternating builds), and writes to bench/results/<UTC time>/
(and points bench/results/latest at it):

  report.md           machine and commit; how much repeated timings of one
                      run differed (timing noise); the design's quality bars; speedup
                      vs threads; single-thread time and peak RSS ratios,
                      instruction counts, and the nogil/gil time ratios over
                      several code layouts (LAYOUT_FLAGS); GC pauses; convoy
                      latency; micro results side by side
  scaling_<script>.svg/.png, micro.svg/.png   gnuplot plots
  raw.json            every run, every micro result, the machine

usage: bench/driver.py [--quick] [--python EXE]... [--reps N] [--threads 1,2,4]
                       [--scripts a,b] [--out DIR] [--no-build] [--no-micro]
                       [--no-instructions] [--layouts N] [--publish]

--publish also copies the report and plots to bench/published/ (in git) and
the report's main tables into README.md's Results section.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS_DIR = os.path.join(ROOT, "bench", "scripts")
RUNTIMES = ("gil", "nogil")

# Work per thread: (full, quick).  Chosen so one thread on twinpy-gil takes
# about 1 s (full) or 0.25 s (quick) on a quiet x86-64 server core of 2026:
# long enough that start-up (a few ms) does not weigh on the ratios.
SIZES = {
    "countdown": (96_000_000, 24_000_000),
    "fib": (35, 32),
    "factorise": (120_000, 30_000),
    "nbody": (250_000, 60_000),
    "alloc_churn": (2_000_000, 500_000),
    "shared_read": (20_000_000, 5_000_000),
    "shared_dict_lock": (5_000_000, 1_300_000),
    "producer_consumer": (400_000, 100_000),
    "cycles": (1_600_000, 400_000),
    "io_latency": (100, 30),
}
# Scripts whose threads do independent work: the "two threads of
# independent work" quality bar is judged on these.
INDEPENDENT = ("countdown", "fib", "factorise", "nbody")
# Single-thread CPU work the free-threaded runtime should run about as fast
# as the GIL build: the "within 5% of the gil build" bar is judged on these.
SINGLE_THREAD_BAR = ("countdown", "fib", "factorise", "nbody", "alloc_churn")


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def progress(msg):
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + msg)
    else:
        sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def capture(cmd, cwd=None):
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


# ---------------------------------------------------------------- building

# Code layouts.  A build's single-thread times move by 5-10% with where its
# hot code happens to land (the alignment of the interpreter loop's
# branches and jump targets against the front end's fetch blocks and
# predictors), as much as the nogil/gil differences being measured, and an
# unrelated change anywhere in the loop deals a new layout.  So both
# runtimes are also built with each of these alignment options (same code,
# same optimisations: only addresses move) and every single-thread script is
# timed on every pair; the median over the layouts is the comparison that
# does not rest on one layout's luck.  Layout 0 is the plain Release build.
LAYOUT_FLAGS = ("", "-falign-functions=64", "-falign-jumps=16", "-falign-loops=32")


def layout_dir(runtime, layout):
    name = "release-" + runtime + (f"-layout{layout}" if layout else "")
    return os.path.join(ROOT, "build", name)


def build(runtime, jobs, layout=0):
    bdir = layout_dir(runtime, layout)
    flags = LAYOUT_FLAGS[layout]
    progress(f"building {runtime} (Release{', ' + flags if flags else ''}) in "
             f"{os.path.relpath(bdir, ROOT)}")
    cfg = ["cmake", "-S", ROOT, "-B", bdir, "-DTWIN_RUNTIME=" + runtime,
           "-DCMAKE_BUILD_TYPE=Release"]
    if layout:
        cfg.append("-DCMAKE_C_FLAGS=" + flags)
    r = subprocess.run(cfg, capture_output=True, text=True)
    if r.returncode == 0:
        r = subprocess.run(["cmake", "--build", bdir, "-j", str(jobs), "--target", "twinpy"],
                           capture_output=True, text=True)
    if r.returncode != 0:
        log(r.stdout[-3000:] + r.stderr[-2000:])
        if layout:
            # the runs made so far are kept: the sweep goes on without it
            log(f"driver: building {runtime} for layout {layout} ({flags}) failed")
            return None
        sys.exit(f"driver: building {runtime} failed")
    for target in () if layout else ("twin_micro", "twin_peak_rss"):
        r = subprocess.run(["cmake", "--build", bdir, "-j", str(jobs), "--target", target],
                           capture_output=True, text=True)
        if r.returncode != 0:
            log(f"{target} not built for {runtime} (is libbenchmark-dev installed?)")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return bdir


# ---------------------------------------------------------------- machine

def machine_info():
    info = {"cores": os.cpu_count() or 1, "kernel": platform.release(),
            "arch": platform.machine()}
    try:
        info["usable_cores"] = len(os.sched_getaffinity(0))
    except AttributeError:
        info["usable_cores"] = info["cores"]
    info["cpu"] = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info["os"] = platform.system()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    info["os"] = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    info["compiler"] = capture(["cc", "--version"]).splitlines()[0] if shutil.which("cc") else "?"
    commit = capture(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT) or "unknown"
    if capture(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT):
        commit += " (with uncommitted changes)"
    info["commit"] = commit
    return info


# A virtual machine's CPUs need not be equal: on a shared host one vCPU may
# run at a fraction of another's speed (a development machine's two ran a
# pinned loop 1.2-1.9x apart over one morning), which caps what N threads
# can gain, in either runtime, whatever the interpreter does.  The report
# states each CPU's speed, at the start and end of the run, so that scaling
# figures can be read against it.
CPU_SPEED_WARN = 0.85


def cpu_speeds(reps=5, loop=200_000):
    """{cpu: speed relative to the fastest usable CPU}: the median time of
    a fixed Python loop run pinned to each CPU (reps rounds, CPUs taken in
    turn within a round); None where the affinity cannot be set."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
        orig = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return None
    times = {c: [] for c in cpus}
    try:
        for _ in range(reps):
            for c in cpus:
                os.sched_setaffinity(0, {c})
                t0 = time.perf_counter()
                x = 0
                for i in range(loop):
                    x += i
                times[c].append(time.perf_counter() - t0)
    except OSError:
        return None
    finally:
        try:
            os.sched_setaffinity(0, orig)
        except OSError:
            pass
    med = {c: statistics.median(v) for c, v in times.items()}
    fastest = min(med.values())
    return {c: fastest / t for c, t in med.items()}


def format_speeds(speeds):
    return ", ".join(f"cpu{c} {v:.2f}" for c, v in sorted(speeds.items()))


def cpu_speed_lines(start, end):
    """The report's lines on the CPUs' speeds (cpu_speeds at the start and
    end of the run, either None): what was measured, and a warning with
    the most two threads could gain when a CPU ran below CPU_SPEED_WARN of
    the fastest."""
    if not start and not end:
        return []
    parts = [f"{format_speeds(start)} at the start"] if start else []
    if end:
        parts.append(f"{format_speeds(end)} at the end")
    lines = [f"- **CPU speeds**: a fixed loop pinned to each CPU ran at "
             f"{', and '.join(parts)}, relative to the fastest (median of 5)"]
    slow = [sp for sp in (start, end) if sp and min(sp.values()) < CPU_SPEED_WARN]
    if slow:
        worst = min(slow, key=lambda sp: min(sp.values()))
        two_best = sum(sorted(worst.values(), reverse=True)[:2])
        lines += ["", f"> Warning: the CPUs were unequal (the slowest at "
                  f"{min(worst.values()):.2f} of the fastest): a thread on a slow one runs "
                  f"slower whatever the interpreter does, so two threads could gain at most "
                  f"about {two_best:.2f}x over one here."]
    return lines


# Single-thread timings are taken on one CPU, the fastest at the time:
# before each script's single-thread runs (every interpreter's, and every
# layout's) the CPUs are probed again and all those runs are pinned to the
# fastest, so a time ratio compares interpreters on the same CPU, never one
# on the fast CPU with another on the slow one.  Only scripts whose one
# "thread" is one running thread: a producer_consumer pair is two, and
# io_latency's sleeper must not share its burner's CPU.
PIN_SCRIPTS = ("countdown", "fib", "factorise", "nbody", "alloc_churn", "shared_read",
               "shared_dict_lock", "cycles")
PIN = True          # --no-pin clears it


def pick_cpu(script, threads):
    """The CPU to pin a single-thread run of script to, or None (not such
    a run, pinning off, or the speeds unknown)."""
    if not PIN or threads != 1 or script not in PIN_SCRIPTS:
        return None
    sp = cpu_speeds(reps=3, loop=100_000)
    if not sp or len(sp) < 2:
        return None
    return max(sorted(sp), key=lambda c: sp[c])


def interpreter_info(exe):
    """Resolve EXE to the real executable (not a pyenv/venv shim) and its version."""
    out = capture([exe, "-c", "import sys, sysconfig; print(sys.executable); "
                   "print(sys.version.split()[0]); "
                   "print(sysconfig.get_config_var('Py_GIL_DISABLED') or 0)"])
    lines = out.splitlines()
    if len(lines) >= 3 and os.path.exists(lines[0]):
        return lines[0], lines[1] + (" free-threaded" if lines[2] == "1" else "")
    return shutil.which(exe), "?"


# ---------------------------------------------------------------- running

PEAK_RSS = None   # bench/tools/peak_rss.c, built as twin_peak_rss
RUN_DIR = "."


class RssPopen(subprocess.Popen):
    """Popen that keeps the child's ru_maxrss (KiB) from wait4: the fallback
    when twin_peak_rss is missing.  It over-reads small children (see
    bench/tools/peak_rss.c)."""

    peak_rss_kib = 0

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            self.peak_rss_kib = ru.ru_maxrss
        return (pid, sts)


STAT_LINE = re.compile(r"^([a-z][a-z0-9_.]*) (-?[0-9][0-9.]*)$")


def parse_stats(stderr):
    """`twinpy --stats` lines, normalised: *_us and *_ms fields in ms."""
    raw = {}
    for line in stderr.splitlines():
        m = STAT_LINE.match(line.strip())
        if m:
            raw[m.group(1)] = float(m.group(2))
    st = {}

    def pick(names):
        for name, scale in names:
            if name in raw:
                return raw[name] * scale
        return None
    st["gc_runs"] = raw.get("gc_runs")
    st["gc_pause_ms_max"] = pick([("gc_pause_ms_max", 1), ("gc_pause_max_us", 1e-3)])
    st["gc_pause_ms_total"] = pick([("gc_pause_ms_total", 1), ("gc_pause_total_us", 1e-3)])
    st["stw_pause_ms_max"] = pick([("stw_pause_ms_max", 1), ("stw_pause_max_us", 1e-3)])
    st["gil_wait_ms"] = raw.get("gil_wait_ms")
    st["gil_switches"] = raw.get("gil_switches")
    return {k: v for k, v in st.items() if v is not None}


def run_once(interp, script, threads, size, timeout, cpu=None):
    """Run one script (pinned to CPU cpu when given); returns a dict (ok,
    seconds, ops, latency_us, rss, stats, error, cpu)."""
    cmd = [interp["exe"]] + (["--stats"] if interp["twinpy"] else [])
    cmd += [os.path.join(SCRIPTS_DIR, script + ".py"), str(threads), str(size)]
    res = {"ok": False, "seconds": None, "ops": None, "latency_us": None,
           "max_rss_kib": 0, "stats": {}, "error": "", "cpu": cpu}
    rss_file = None
    if PEAK_RSS:
        rss_file = os.path.join(RUN_DIR, "peak_rss")
        cmd = [PEAK_RSS, rss_file] + cmd
    t0 = time.monotonic()
    pin = (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None
    proc = RssPopen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                    start_new_session=True, preexec_fn=pin)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        res["error"] = f"timed out after {timeout:.0f} s"
        return res
    res["wall"] = time.monotonic() - t0
    res["max_rss_kib"] = proc.peak_rss_kib
    if rss_file:
        try:
            with open(rss_file) as f:
                res["max_rss_kib"] = int(f.read().strip())
            os.unlink(rss_file)
        except (OSError, ValueError):
            res["max_rss_kib"] = 0
    if proc.returncode != 0:
        tail = err.strip().splitlines()[-1] if err.strip() else ""
        res["error"] = f"exit status {proc.returncode}: {tail}"
        return res
    fields = None
    for line in out.splitlines():
        if line.startswith("RESULT "):
            fields = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
    if not fields or "seconds" not in fields:
        res["error"] = "no RESULT line"
        return res
    res["ok"] = True
    res["seconds"] = float(fields["seconds"])
    res["ops"] = int(fields.get("ops", 0))
    if "latency_us" in fields:
        res["latency_us"] = float(fields["latency_us"])
    if interp["twinpy"]:
        res["stats"] = parse_stats(err)
    return res


# Single-thread instruction counts (cachegrind, no cache simulation).
# Deterministic where times are not: machine load and the code's layout
# in memory (a function's alignment alone moves a twinpy time by 5-10%)
# do not change them, so they say what each runtime executes.  Sizes give
# a few hundred million instructions; the same script at size 1 (start-up:
# parsing, imports, one iteration) is subtracted.  producer_consumer and
# io_latency are left out: their threads wait for each other, and under
# valgrind (one thread at a time) how long a waiter spins depends on the
# scheduling.
INSN_SIZES = {
    "countdown": 2_000_000,
    "fib": 27,
    "factorise": 3_000,
    "nbody": 5_000,
    "alloc_churn": 50_000,
    "shared_read": 500_000,
    "shared_dict_lock": 200_000,
    "cycles": 50_000,
}


def count_instructions(valgrind, exe, script, size, timeout):
    """Instructions one single-thread run executes, or None (with a log line)."""
    cmd = [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
           exe, os.path.join(SCRIPTS_DIR, script + ".py"), "1", str(size)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        log(f"\n  instructions: {script} size {size} with {exe}: timed out after {timeout:.0f} s")
        return None
    m = re.search(r"I\s+refs:\s+([\d,]+)", p.stderr)
    if p.returncode != 0 or not m or "RESULT " not in p.stdout:
        tail = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
        log(f"\n  instructions: {script} size {size} with {exe}: exit status {p.returncode} {tail}")
        return None
    return int(m.group(1).replace(",", ""))


def run_instructions(interps, scripts, timeout):
    """{interpreter: {script: instructions of the work}}; None without valgrind."""
    valgrind = shutil.which("valgrind")
    if not valgrind:
        log("valgrind not found: no instruction counts (tools/twin bench installs it)")
        return None
    todo = [s for s in scripts if s in INSN_SIZES]
    out = {name: {} for name in interps}
    total, done = len(todo) * len(interps) * 2, 0
    for script in todo:
        for name, interp in interps.items():
            counts = []
            for size in (INSN_SIZES[script], 1):
                done += 1
                progress(f"[{done}/{total}] instructions: {script} size {size} {name}")
                counts.append(count_instructions(valgrind, interp["exe"], script, size, timeout))
            if None not in counts:
                out[name][script] = counts[0] - counts[1]
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return out


def run_layouts(layouts, scripts, reps, quick, timeout):
    """Single-thread runs of every script on every layout's pair of builds
    ({layout: {name: interp}}), repetitions outermost, the two runtimes in
    alternating order.  Returns the runs (script, layout, interp, seconds)."""
    runs = []
    total = reps * len(scripts) * sum(len(v) for v in layouts.values())
    done, t0 = 0, time.monotonic()
    for rep in range(reps):
        for script in scripts:
            size = SIZES[script][1 if quick else 0]
            cpu = pick_cpu(script, 1)
            for layout, pair in layouts.items():
                names = list(pair)
                if (rep + layout) % 2:
                    names.reverse()
                for name in names:
                    done += 1
                    elapsed = time.monotonic() - t0
                    eta = elapsed / max(done - 1, 1) * (total - done + 1) if done > 1 else 0
                    progress(f"[{done}/{total}] layouts: rep {rep + 1}/{reps} {script} "
                             f"layout {layout} {name}  ({elapsed:.0f} s, eta {eta:.0f} s)")
                    r = run_once(pair[name], script, 1, size, timeout, cpu)
                    runs.append({"script": script, "layout": layout, "interp": name,
                                 "rep": rep, "ok": r["ok"], "seconds": r["seconds"],
                                 "error": r["error"], "cpu": cpu})
                    if not r["ok"]:
                        log(f"\n  failed: {script} layout {layout} {name}: {r['error']}")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return runs


def thread_counts(arg, quick):
    if arg:
        return sorted({int(x) for x in arg.split(",")})
    cores = os.cpu_count() or 2
    if quick:
        return [1, 2]
    counts, n = [], 1
    while n <= cores:
        counts.append(n)
        n *= 2
    if counts[-1] != cores:
        counts.append(cores)
    counts.append(2 * cores)
    return counts


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


# Timing noise.  On a shared or virtual machine the same binary running the
# same work has taken up to 70% longer from one run to the next (countdown,
# 0.33-0.57 s, on a guest with nothing else running), which no interleaving
# or median of three removes.  The report states how much repetitions of
# one single-thread cell (interpreter, script, layout) differed, so that a
# reader knows what size of time ratio the run can resolve; instruction
# counts (valgrind) are unaffected by it.  Above NOISE_WARN the report says
# so up front.
NOISE_WARN = 0.10


def timing_noise(runs):
    """Spread of each single-thread cell's successful timings, as (max - min)
    / median, over cells with at least 3 of them: (median over cells, worst,
    number of cells), or None when no cell has 3."""
    cells = {}
    for r in runs:
        if r.get("ok") and r.get("seconds") and r.get("threads", 1) == 1:
            key = (r.get("script"), r.get("interp"), r.get("layout"))
            cells.setdefault(key, []).append(r["seconds"])
    spreads = [(max(v) - min(v)) / statistics.median(v) for v in cells.values() if len(v) >= 3]
    if not spreads:
        return None
    return statistics.median(spreads), max(spreads), len(spreads)


# ---------------------------------------------------------------- micro

def micro_name(name):
    """BM_list_read_shared/real_time/threads:2 -> list_read_shared/threads:2"""
    parts = [p for p in name.split("/") if p not in ("real_time", "manual_time")
             and not p.startswith("iterations:")]
    if parts and parts[0].startswith("BM_"):
        parts[0] = parts[0][3:]
    return "/".join(parts)


def micro_value(b):
    """ns per operation per thread, or for benchmarks without items the
    real time of one iteration in ns (GC pause)."""
    scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}.get(b.get("time_unit", "ns"), 1.0)
    ips = b.get("items_per_second")
    if ips:
        return b.get("threads", 1) * 1e9 / ips
    return b["real_time"] * scale


def run_micro(bdirs, quick, reps):
    """Returns {runtime: {benchmark: {"ns": median or None, "skip": reason}}}."""
    samples = {rt: {} for rt in bdirs}
    skips = {rt: {} for rt in bdirs}
    order = list(bdirs)
    for rep in range(reps):
        for rt in order[rep % len(order):] + order[:rep % len(order)]:
            exe = os.path.join(bdirs[rt], "bench", "twin_micro")
            if not os.path.exists(exe):
                log(f"micro suite not built for {rt} ({exe} missing)")
                continue
            out = os.path.join(bdirs[rt], "micro.json")
            args = [exe, "--benchmark_out=" + out, "--benchmark_out_format=json",
                    "--benchmark_min_time=" + ("0.02" if quick else "0.2")]
            progress(f"micro suite: {rt} (run {rep + 1}/{reps})")
            r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0 or not os.path.exists(out):
                log(f"micro suite failed on {rt}: {r.stderr.strip()[-300:]}")
                continue
            with open(out) as f:
                j = json.load(f)
            for b in j.get("benchmarks", []):
                if b.get("run_type") == "aggregate":
                    continue
                name = micro_name(b["name"])
                if b.get("error_occurred"):
                    skips[rt][name] = b.get("error_message", "skipped")
                    continue
                samples[rt].setdefault(name, []).append(micro_value(b))
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    micro = {}
    for rt in bdirs:
        micro[rt] = {n: {"ns": median(v)} for n, v in samples[rt].items()}
        for n, why in skips[rt].items():
            micro[rt].setdefault(n, {"ns": None, "skip": why})
    return micro


def fmt_ns(ns):
    if ns is None:
        return "n/a"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e4:
        return f"{ns / 1e3:.1f} us"
    return f"{ns:.1f} ns"


# ---------------------------------------------------------------- plots

def gnuplot(script):
    if not shutil.which("gnuplot"):
        return False
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        log("gnuplot failed: " + r.stderr.strip()[-300:])
    return r.returncode == 0


def plot_scaling(outdir, script, table, names, counts):
    data = os.path.join(outdir, f"scaling_{script}.dat")
    with open(data, "w") as f:
        f.write("# threads " + " ".join(names) + "\n")
        for t in counts:
            row = [str(t)]
            for name in names:
                s = table.get((name, t))
                row.append(f"{s:.4f}" if s else "NaN")
            f.write(" ".join(row) + "\n")
    plots = ", ".join(
        f"'{data}' using 1:{i + 2} with linespoints lw 2 pt 7 title '{name}'"
        for i, name in enumerate(names))
    ok = True
    for term, ext in (("svg size 640,420 dynamic noenhanced", "svg"),
                      ("pngcairo size 640,420 noenhanced", "png")):
        ok &= gnuplot(f"""set terminal {term}
set output '{os.path.join(outdir, f"scaling_{script}.{ext}")}'
set title '{script}: throughput vs one thread (weak scaling)'
set xlabel 'threads'; set ylabel 'throughput speedup'
set key left top; set grid
set logscale x 2; set xrange [{counts[0] * 0.9}:{counts[-1] * 1.1}]; set yrange [0:*]
plot {plots}, x with lines dt 2 lc rgb 'gray' title 'linear'
""")
    return ok


def plot_micro(outdir, micro):
    rts = [rt for rt in RUNTIMES if rt in micro]
    names = sorted({n for rt in rts for n in micro[rt]})
    if not names:
        return False
    data = os.path.join(outdir, "micro.dat")
    with open(data, "w") as f:
        f.write("# benchmark " + " ".join(rts) + " (ns per op per thread)\n")
        for n in names:
            vals = []
            for rt in rts:
                v = micro[rt].get(n, {}).get("ns")
                vals.append(f"{v:.3f}" if v else "NaN")
            f.write(f"\"{n}\" " + " ".join(vals) + "\n")
    cols = ", ".join(f"'{data}' using {i + 2}:xtic(1) title '{rt}'" for i, rt in enumerate(rts))
    width = max(900, 22 * len(names))
    ok = True
    for term, ext in ((f"svg size {width},560 dynamic noenhanced", "svg"),
                      (f"pngcairo size {width},560 noenhanced", "png")):
        ok &= gnuplot(f"""set terminal {term}
set output '{os.path.join(outdir, f"micro.{ext}")}'
set title 'micro benchmarks: ns per operation per thread (log scale, lower is better)'
set style data histogram; set style histogram clustered gap 1; set style fill solid 0.8
set xtics rotate by -60 font ',8' nomirror; set logscale y; set grid y
set bmargin 14; set key top left
plot {cols}
""")
    return ok


# ---------------------------------------------------------------- report

PUBLISHED = os.path.join(ROOT, "bench", "published")
README_BEGIN = "<!-- bench-results:begin (written by bench/driver.py --publish) -->"
README_END = "<!-- bench-results:end -->"
# Report sections that go into the README; the rest stays in the full report.
README_SECTIONS = ("Quality bars", "Throughput speedup", "Single thread", "Convoy effect",
                   "Failed runs")


def publish(outdir, lines):
    """Copy the report and its plots to bench/published/ (kept in git) and
    put the report's head and main tables into README.md between the
    README_BEGIN/README_END markers, so that the README's figures are the
    driver's own output."""
    os.makedirs(PUBLISHED, exist_ok=True)
    for name in os.listdir(PUBLISHED):
        if name.endswith((".md", ".svg", ".json")):
            os.unlink(os.path.join(PUBLISHED, name))
    for name in os.listdir(outdir):
        if name.endswith((".md", ".svg", ".json")):
            shutil.copy(os.path.join(outdir, name), PUBLISHED)
    keep, out = True, []
    for line in lines[1:]:
        if line.startswith("## "):
            keep = line[3:].startswith(README_SECTIONS)
            if keep:
                out.append("#### " + line[3:])
                continue
        if keep and not line.startswith("Driver wall time"):
            out.append(line)
    rel = os.path.relpath(PUBLISHED, ROOT)
    plots = [f"![{s}]({rel}/scaling_{s}.svg)" for s in ("countdown", "shared_read", "alloc_churn")
             if os.path.exists(os.path.join(PUBLISHED, f"scaling_{s}.svg"))]
    if os.path.exists(os.path.join(PUBLISHED, "micro.svg")):
        plots.append(f"![micro benchmarks]({rel}/micro.svg)")
    body = ("\n".join(out).strip() + "\n\n" + " ".join(plots) + "\n\n" +
            f"The full report (GC pauses, micro benchmarks, every plot) is "
            f"[{rel}/report.md]({rel}/report.md); every run is in {rel}/raw.json.\n")
    readme = os.path.join(ROOT, "README.md")
    with open(readme) as f:
        text = f.read()
    a, b = text.find(README_BEGIN), text.find(README_END)
    if a < 0 or b < a:
        log(f"README.md has no {README_BEGIN} ... {README_END} markers: only {rel}/ was written")
        return
    text = text[:a + len(README_BEGIN)] + "\n" + body + text[b:]
    with open(readme, "w") as f:
        f.write(text)
    log(f"published: {rel}/ and README.md's Results section")


def main():
    ap = argparse.ArgumentParser(description="twinpy head-to-head benchmarks")
    ap.add_argument("--quick", action="store_true",
                    help="small sizes, 1 and 2 threads, 3 repetitions, short micro runs")
    ap.add_argument("--python", action="append", default=[], metavar="EXE",
                    help="another interpreter to put in the same tables (repeatable)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 5; quick 3)")
    ap.add_argument("--threads", default=None, help="comma-separated thread counts")
    ap.add_argument("--scripts", default=None, help="comma-separated script names")
    ap.add_argument("--out", default=None, help="output folder (default bench/results/<time>)")
    ap.add_argument("--no-build", action="store_true", help="use the existing build/release-* trees")
    ap.add_argument("--no-pin", action="store_true",
                    help="do not pin single-thread runs to the fastest CPU")
    ap.add_argument("--no-micro", action="store_true", help="skip the micro suite")
    ap.add_argument("--no-instructions", action="store_true",
                    help="skip the single-thread instruction counts (valgrind)")
    ap.add_argument("--layouts", type=int, default=None, metavar="N",
                    help=f"code layouts to time single-thread runs on, 1-{len(LAYOUT_FLAGS)} "
                         f"(default {len(LAYOUT_FLAGS)}; quick 1, which skips the sweep)")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("TWIN_JOBS", os.cpu_count() or 2)))
    ap.add_argument("--timeout", type=float, default=None, help="seconds per run (default 300; quick 30)")
    ap.add_argument("--publish", action="store_true",
                    help="also copy the report and plots to bench/published/ and the summary "
                         "into README.md's Results section")
    args = ap.parse_args()
    global PIN
    PIN = not args.no_pin

    started = time.monotonic()
    reps = args.reps or (3 if args.quick else 5)
    timeout = args.timeout or (30.0 if args.quick else 300.0)
    counts = thread_counts(args.threads, args.quick)
    nlayouts = args.layouts if args.layouts is not None else (1 if args.quick else len(LAYOUT_FLAGS))
    if not 1 <= nlayouts <= len(LAYOUT_FLAGS):
        ap.error(f"--layouts must be 1 to {len(LAYOUT_FLAGS)}")
    scripts = args.scripts.split(",") if args.scripts else list(SIZES)
    for s in scripts:
        if s not in SIZES:
            ap.error(f"unknown script '{s}' (known: {', '.join(SIZES)})")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    outdir = args.out or os.path.join(ROOT, "bench", "results", stamp)
    os.makedirs(outdir, exist_ok=True)
    if not args.out:
        latest = os.path.join(ROOT, "bench", "results", "latest")
        if os.path.islink(latest) or not os.path.exists(latest):
            if os.path.islink(latest):
                os.unlink(latest)
            os.symlink(stamp, latest)

    machine = machine_info()
    machine["loadavg_start"] = os.getloadavg()
    machine["cpu_speeds_start"] = cpu_speeds()
    if machine["cpu_speeds_start"]:
        log("CPU speeds (relative to the fastest): " + format_speeds(machine["cpu_speeds_start"]))
    bdirs = {}
    for rt in RUNTIMES:
        bdirs[rt] = (os.path.join(ROOT, "build", "release-" + rt) if args.no_build
                     else build(rt, args.jobs))
    interps = {}
    for rt in RUNTIMES:
        exe = os.path.join(bdirs[rt], "twinpy")
        if not os.path.exists(exe):
            sys.exit(f"driver: {exe} missing (build it, or drop --no-build)")
        interps[f"twinpy-{rt}"] = {"exe": exe, "twinpy": True,
                                   "version": capture([exe, "--version"])}
    for exe in args.python:
        path, version = interpreter_info(exe)
        if not path:
            ap.error(f"--python {exe}: not found")
        interps[os.path.basename(exe)] = {"exe": path, "twinpy": False,
                                          "version": f"Python {version}"}
    names = list(interps)
    global PEAK_RSS, RUN_DIR
    helper = os.path.join(bdirs["gil"], "bench", "twin_peak_rss")
    RUN_DIR = outdir
    if os.path.exists(helper):
        PEAK_RSS = helper
    else:
        log(f"{helper} missing: peak RSS read through wait4 (floors at the driver's own RSS)")

    # ---- macro suite: reps x scripts x threads, interpreters rotated ----
    runs = []
    total = len(scripts) * len(counts) * reps * len(names)
    done = 0
    macro_t0 = time.monotonic()
    for rep in range(reps):
        for script in scripts:
            size = SIZES[script][1 if args.quick else 0]
            for t in counts:
                k = (rep + counts.index(t)) % len(names)
                cpu = pick_cpu(script, t)
                for name in names[k:] + names[:k]:
                    done += 1
                    elapsed = time.monotonic() - macro_t0
                    eta = elapsed / max(done - 1, 1) * (total - done + 1) if done > 1 else 0
                    progress(f"[{done}/{total}] rep {rep + 1}/{reps} {script} threads={t} "
                             f"{name}  ({elapsed:.0f} s, eta {eta:.0f} s)")
                    r = run_once(interps[name], script, t, size, timeout, cpu)
                    r.update({"script": script, "threads": t, "interp": name, "rep": rep,
                              "size": size})
                    runs.append(r)
                    if not r["ok"]:
                        log(f"\n  failed: {script} threads={t} {name}: {r['error']}")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    micro = {} if args.no_micro else run_micro(bdirs, args.quick, 1 if args.quick else 3)
    insns = None if args.no_instructions else run_instructions(interps, scripts, timeout)
    throughput_scripts = [s for s in scripts if s != "io_latency"]
    layouts = {0: {f"twinpy-{rt}": interps[f"twinpy-{rt}"] for rt in RUNTIMES}}
    for k in range(1, nlayouts if throughput_scripts else 1):
        pair = {}
        for rt in RUNTIMES:
            bdir = layout_dir(rt, k) if args.no_build else build(rt, args.jobs, k)
            exe = os.path.join(bdir or layout_dir(rt, k), "twinpy")
            if bdir and os.path.exists(exe):
                pair[f"twinpy-{rt}"] = {"exe": exe, "twinpy": True}
            else:
                log(f"{exe} missing: layout {k} left out (build it, or drop --no-build)")
        if len(pair) == len(RUNTIMES):
            layouts[k] = pair
    layout_runs = (run_layouts(layouts, throughput_scripts, reps, args.quick, timeout)
                   if len(layouts) > 1 else [])
    machine["loadavg_end"] = os.getloadavg()
    machine["cpu_speeds_end"] = cpu_speeds()

    def cell(script, name, t, key):
        return median([r[key] for r in runs if r["script"] == script and r["interp"] == name
                       and r["threads"] == t and r["ok"]])

    def stat_cell(script, name, t, key):
        return median([r["stats"].get(key) for r in runs if r["script"] == script
                       and r["interp"] == name and r["threads"] == t and r["ok"]])

    def speedup(script, name, t):
        base, s = cell(script, name, 1, "seconds"), cell(script, name, t, "seconds")
        return (t * base) / s if base and s else None

    def ratio(a, b):
        return a / b if a and b else None

    def fx(v, digits=2, suffix="x"):
        return f"{v:.{digits}f}{suffix}" if v is not None else "fail"

    L = ["# twinpy benchmark report", ""]
    L.append(f"- **Machine**: {machine['cpu']}, {machine['cores']} cores "
             f"({machine['usable_cores']} usable), {machine['arch']}, "
             f"{machine['os']}, Linux kernel {machine['kernel']}")
    L.append(f"- **Commit**: {machine['commit']}; compiler: {machine['compiler']}")
    L.append(f"- **Run**: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{'quick' if args.quick else 'full'} mode, {reps} repetitions per cell "
             f"(interpreters interleaved), medians; threads {', '.join(map(str, counts))}; "
             f"load average {machine['loadavg_start'][0]:.2f} at start, "
             f"{machine['loadavg_end'][0]:.2f} at end")
    for name in names:
        L.append(f"- **{name}**: `{interps[name]['exe']}` ({interps[name]['version']})")
    noise = timing_noise(runs + layout_runs)
    machine["timing_noise"] = noise
    if noise:
        L.append(f"- **Timing noise**: repetitions of one single-thread run differed by "
                 f"{noise[0]:.1%} (median over {noise[2]} cells of (max - min) / median; "
                 f"worst {noise[1]:.1%})")
    if noise and noise[0] > NOISE_WARN:
        L.append("")
        L.append(f"> Warning: repetitions of the same single-thread run differed by "
                 f"{noise[0]:.0%} (median over cells): time ratios below are uncertain at "
                 f"about that level. The instruction counts are not affected.")
    L.extend(cpu_speed_lines(machine.get("cpu_speeds_start"), machine.get("cpu_speeds_end")))
    pinned = [r for r in runs + layout_runs if r.get("cpu") is not None]
    if pinned:
        L.append(f"- **Pinning**: single-thread runs of {', '.join(s for s in PIN_SCRIPTS if s in scripts)} "
                 f"were pinned to the fastest CPU, probed again before each script's runs "
                 f"({len(pinned)} runs; `--no-pin` turns it off)")
    if machine["loadavg_start"][0] > 0.5 * machine["cores"]:
        L.append("")
        L.append(f"> Warning: the machine was busy (load {machine['loadavg_start'][0]:.1f} on "
                 f"{machine['cores']} cores); multi-thread figures are not trustworthy.")
    L.append("")

    # ---- quality bars ----
    L.append("## Quality bars (DESIGN.md)")
    L.append("")
    L.append("| bar | measured | target | met |")
    L.append("|---|---|---|---|")
    two = 2 if 2 in counts else None

    def bar(label, value, target, ok):
        if value is None:
            L.append(f"| {label} | n/a | {target} | ? |")
        else:
            L.append(f"| {label} | {value} | {target} | {'yes' if ok else '**no**'} |")
    st_ratios = [ratio(cell(s, "twinpy-nogil", 1, "seconds"), cell(s, "twinpy-gil", 1, "seconds"))
                 for s in throughput_scripts]
    st_ratios = [x for x in st_ratios if x]
    g = statistics.geometric_mean(st_ratios) if st_ratios else None
    bar("nogil single-thread time / gil (geometric mean)", fx(g, 3), "<= 1.03x",
        g is not None and g <= 1.03)

    def layout_ratio(script, layout):
        def med(name):
            return median([r["seconds"] for r in layout_runs if r["script"] == script
                           and r["layout"] == layout and r["interp"] == name and r["ok"]])
        return ratio(med("twinpy-nogil"), med("twinpy-gil"))

    def layout_median(script):
        rs = [layout_ratio(script, k) for k in layouts]
        rs = [x for x in rs if x]
        return statistics.median(rs) if len(rs) == len(layouts) else None
    if layout_runs:
        lm = [layout_median(s) for s in throughput_scripts]
        lm = [x for x in lm if x]
        lg = statistics.geometric_mean(lm) if lm else None
        bar(f"the same, median over {len(layouts)} code layouts (geometric mean)", fx(lg, 3),
            "<= 1.03x", lg is not None and lg <= 1.03)
        cpu = [s for s in SINGLE_THREAD_BAR if s in scripts]
        wm = [layout_median(s) for s in cpu]
        worst = max(wm) if wm and None not in wm else None
        bar(f"nogil single-thread time / gil, worst of {', '.join(cpu)} (median over "
            f"{len(layouts)} code layouts)", fx(worst, 3), "<= 1.05x",
            worst is not None and worst <= 1.05)
    if two:
        for rt, target in (("nogil", 1.9), ("gil", 0.95)):
            sps = [speedup(s, f"twinpy-{rt}", 2) for s in INDEPENDENT if s in scripts]
            sps = [x for x in sps if x]
            m = min(sps) if sps else None
            bar(f"{rt}: 2 threads of independent work, throughput vs 1 (worst of "
                f"{', '.join(s for s in INDEPENDENT if s in scripts)})",
                fx(m), f">= {target}x", m is not None and m >= target)
        if "shared_read" in scripts:
            sp = speedup("shared_read", "twinpy-nogil", 2)
            bar("nogil: shared_read at 2 threads", fx(sp), ">= 1.8x", sp is not None and sp >= 1.8)
    rss = [ratio(cell(s, "twinpy-nogil", t, "max_rss_kib"), cell(s, "twinpy-gil", t, "max_rss_kib"))
           for s in scripts for t in counts]
    rss = [x for x in rss if x]
    worst = max(rss) if rss else None
    bar("nogil peak RSS / gil (worst script and thread count)", fx(worst), "<= 1.15x",
        worst is not None and worst <= 1.15)
    for name in names:
        if interps[name]["twinpy"]:
            continue
        rs = [ratio(cell(s, "twinpy-gil", 1, "seconds"), cell(s, name, 1, "seconds"))
              for s in throughput_scripts]
        rs = [x for x in rs if x]
        gm = statistics.geometric_mean(rs) if rs else None
        bar(f"twinpy-gil single-thread time / {name} (geometric mean)", fx(gm, 3), "<= 1.0x",
            gm is not None and gm <= 1.0)
    L.append("")

    # ---- scaling ----
    L.append("## Throughput speedup vs one thread")
    L.append("")
    L.append("Weak scaling: with N threads the script does N times the work; the cell is "
             "(N x time of 1 thread) / (time of N threads) for the same interpreter. "
             "Linear scaling is N; a GIL keeps it near 1.")
    L.append("")
    L.append("| script | interpreter | " + " | ".join(f"{t} thr" for t in counts) + " |")
    L.append("|---|---|" + "---|" * len(counts))
    plotted = []
    for script in throughput_scripts:
        table = {}
        for name in names:
            cells = []
            for t in counts:
                sp = speedup(script, name, t)
                if sp:
                    table[(name, t)] = sp
                cells.append(fx(sp))
            L.append(f"| {script} | {name} | " + " | ".join(cells) + " |")
        if plot_scaling(outdir, script, table, names, counts):
            plotted.append(script)
    L.append("")

    # ---- single thread ----
    L.append("## Single thread: time and peak memory")
    L.append("")
    others = [n for n in names if n != "twinpy-gil"]
    L.append("| script | twinpy-gil | " + " | ".join(f"{n} / gil" for n in others)
             + " | RSS gil | " + " | ".join(f"RSS {n} / gil" for n in others) + " |")
    L.append("|---|---|" + "---|" * (2 * len(others) + 1))
    for script in throughput_scripts:
        g1 = cell(script, "twinpy-gil", 1, "seconds")
        r1 = cell(script, "twinpy-gil", 1, "max_rss_kib")
        row = [f"{g1:.3f} s" if g1 else "fail"]
        row += [fx(ratio(cell(script, n, 1, "seconds"), g1), 3) for n in others]
        row.append(f"{r1 / 1024:.1f} MiB" if r1 else "?")
        row += [fx(ratio(cell(script, n, 1, "max_rss_kib"), r1)) for n in others]
        L.append(f"| {script} | " + " | ".join(row) + " |")
    gms = []
    for n in others:
        rs = [ratio(cell(s, n, 1, "seconds"), cell(s, "twinpy-gil", 1, "seconds"))
              for s in throughput_scripts]
        rs = [x for x in rs if x]
        gms.append(fx(statistics.geometric_mean(rs), 3) if rs else "n/a")
    L.append("| **geometric mean** | | " + " | ".join(gms) + " |" + " |" * (len(others) + 1))
    L.append("")
    if insns:
        L.append("Instructions executed by the same work at one thread (cachegrind; "
                 "start-up subtracted; independent of load and code layout, unlike the "
                 "times above):")
        L.append("")
        L.append("| script | size | twinpy-gil | " + " | ".join(f"{n} / gil" for n in others) + " |")
        L.append("|---|---|---|" + "---|" * len(others))
        iratios = {n: [] for n in others}
        for script in throughput_scripts:
            gi = insns.get("twinpy-gil", {}).get(script)
            if script not in INSN_SIZES:
                continue
            row = [f"{gi / 1e6:.1f}M" if gi else "fail"]
            for n in others:
                r = ratio(insns.get(n, {}).get(script), gi)
                if r:
                    iratios[n].append(r)
                row.append(fx(r, 3))
            L.append(f"| {script} | {INSN_SIZES[script]:,} | " + " | ".join(row) + " |")
        L.append("| **geometric mean** | | | " + " | ".join(
            fx(statistics.geometric_mean(iratios[n]), 3) if iratios[n] else "n/a"
            for n in others) + " |")
        L.append("")
    if layout_runs:
        ks = list(layouts)
        L.append(f"nogil / gil single-thread time on {len(ks)} code layouts (both runtimes "
                 f"built again with each alignment option: the same code, only its addresses "
                 f"move; {reps} repetitions each, interleaved, medians). The spread is what "
                 f"one build's layout alone can do to a ratio; the median does not rest on it:")
        L.append("")
        L.append("| script | " + " | ".join(f"`{LAYOUT_FLAGS[k]}`" if k else "default"
                                             for k in ks) + " | median | spread |")
        L.append("|---|" + "---|" * (len(ks) + 2))
        cols = {k: [] for k in ks}
        meds = []
        for script in throughput_scripts:
            rs = [layout_ratio(script, k) for k in ks]
            for k, r in zip(ks, rs):
                if r:
                    cols[k].append(r)
            m = layout_median(script)
            if m:
                meds.append(m)
            ok = [r for r in rs if r]
            spread = f"{min(ok):.3f}-{max(ok):.3f}" if ok else "n/a"
            L.append(f"| {script} | " + " | ".join(fx(r, 3) for r in rs)
                     + f" | {fx(m, 3)} | {spread} |")
        L.append("| **geometric mean** | " + " | ".join(
            fx(statistics.geometric_mean(cols[k]), 3) if cols[k] else "n/a" for k in ks)
            + " | " + (fx(statistics.geometric_mean(meds), 3) if meds else "n/a") + " | |")
        L.append("")
    L.append(f"Peak RSS at {counts[-1]} threads, nogil / gil: " + ", ".join(
        f"{s} {fx(ratio(cell(s, 'twinpy-nogil', counts[-1], 'max_rss_kib'), cell(s, 'twinpy-gil', counts[-1], 'max_rss_kib')))}"
        for s in scripts) + ".")
    L.append("")

    # ---- GC ----
    L.append("## Garbage collection pauses (from `twinpy --stats`)")
    L.append("")
    L.append(f"Longest single pause (ms), median over repetitions, at 1 and {counts[-1]} threads; "
             "nogil pauses stop every thread, gil pauses hold the GIL.")
    L.append("")
    tw = [n for n in names if interps[n]["twinpy"]]
    L.append("| script | " + " | ".join(f"{n} 1 thr | {n} {counts[-1]} thr" for n in tw) + " |")
    L.append("|---|" + "---|" * (2 * len(tw)))
    for script in scripts:
        row = []
        for n in tw:
            for t in (1, counts[-1]):
                v = stat_cell(script, n, t, "gc_pause_ms_max")
                row.append(f"{v:.2f}" if v is not None else "n/a")
        L.append(f"| {script} | " + " | ".join(row) + " |")
    L.append("")
    gcb = sorted({n for rt in micro for n in micro[rt] if n.startswith("gc_pause/")},
                 key=lambda n: int(n.split("/")[1]))
    if gcb:
        L.append("Full collection pause vs number of tracked objects (micro suite):")
        L.append("")
        L.append("| tracked objects | " + " | ".join(rt for rt in RUNTIMES if rt in micro) + " |")
        L.append("|---|" + "---|" * len(micro))
        for n in gcb:
            L.append(f"| {int(n.split('/')[1]):,} | " + " | ".join(
                fmt_ns(micro[rt].get(n, {}).get("ns")) for rt in RUNTIMES if rt in micro) + " |")
        L.append("")

    # ---- convoy ----
    if "io_latency" in scripts:
        L.append("## Convoy effect: I/O wake-up latency")
        L.append("")
        L.append("Median extra delay (beyond the 1 ms asked for) before a thread that slept "
                 "1 ms runs again, while N other threads burn CPU. Under a GIL it waits for "
                 "a switch interval; without one it only needs a core.")
        L.append("")
        L.append("| interpreter | " + " | ".join(f"{t} burners" for t in counts) + " |")
        L.append("|---|" + "---|" * len(counts))
        for name in names:
            row = []
            for t in counts:
                v = cell("io_latency", name, t, "latency_us")
                row.append(f"{v:.0f} us" if v is not None else "fail")
            L.append(f"| {name} | " + " | ".join(row) + " |")
        L.append("")

    # ---- micro ----
    if micro:
        rts = [rt for rt in RUNTIMES if rt in micro]
        L.append("## Micro benchmarks")
        L.append("")
        L.append("Nanoseconds per operation per thread (median of runs; `threads:N` = N "
                 "threads on the same benchmark; lower is better). GC pause rows are one "
                 "full collection. `n/a` rows name what the runtime lacks.")
        L.append("")
        L.append("| benchmark | " + " | ".join(rts) + " | nogil / gil |")
        L.append("|---|" + "---|" * (len(rts) + 1))
        for n in sorted({n for rt in rts for n in micro[rt]}):
            vals = [micro[rt].get(n, {}) for rt in rts]
            cells = []
            for v in vals:
                if v.get("ns") is not None:
                    cells.append(fmt_ns(v["ns"]))
                else:
                    cells.append("n/a: " + v.get("skip", "missing") if v else "missing")
            r = ratio(micro.get("nogil", {}).get(n, {}).get("ns"), micro.get("gil", {}).get(n, {}).get("ns"))
            L.append(f"| {n} | " + " | ".join(cells) + f" | {fx(r) if r else ''} |")
        L.append("")
        if plot_micro(outdir, micro):
            L.append("![micro benchmarks](micro.svg)")
            L.append("")

    failures = [r for r in runs if not r["ok"]]
    if failures:
        L.append("## Failed runs")
        L.append("")
        for r in failures[:50]:
            L.append(f"- {r['script']} threads={r['threads']} {r['interp']} rep {r['rep'] + 1}: {r['error']}")
        if len(failures) > 50:
            L.append(f"- ... and {len(failures) - 50} more (raw.json)")
        L.append("")
    if plotted:
        L.append("## Scaling plots")
        L.append("")
        for script in plotted:
            L.append(f"![{script}](scaling_{script}.svg)")
        L.append("")
    L.append(f"Driver wall time: {time.monotonic() - started:.0f} s.")
    L.append("")

    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write("\n".join(L))
    with open(os.path.join(outdir, "raw.json"), "w") as f:
        json.dump({"machine": machine, "mode": "quick" if args.quick else "full",
                   "counts": counts, "reps": reps, "sizes": {s: SIZES[s] for s in scripts},
                   "interpreters": interps, "runs": runs, "micro": micro,
                   "instructions": insns, "instruction_sizes": INSN_SIZES,
                   "layouts": {"flags": {k: LAYOUT_FLAGS[k] for k in layouts},
                               "runs": layout_runs}}, f, indent=1)
    print("\n".join(L))
    log(f"report: {os.path.join(outdir, 'report.md')}  ({time.monotonic() - started:.0f} s)")
    if args.publish:
        publish(outdir, L)
    return 1 if runs and len(failures) == len(runs) else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""bench/driver.py — twinpy's head-to-head comparison.

Builds both runtimes in Release, runs every macro script in bench/scripts/
at 1, 2, 4, ... threads up to the machine's cores and twice that, several
repetitions with the interpreters interleaved (so drift hits all of them
alike), takes medians, runs the Google Benchmark micro suite of each build,
and writes:

  <out>/report.md     tables: speedup vs threads, nogil/gil single-thread
                      ratio, peak RSS ratio, convoy latency, micro results
  <out>/*.svg, *.png  scaling curves per script, micro-benchmark bars (gnuplot)
  <out>/raw.json      every run

usage: bench/driver.py [--quick] [--python EXE]... [--reps N]
                       [--threads 1,2,4] [--scripts a,b] [--out DIR] [--no-build]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS_DIR = os.path.join(ROOT, "bench", "scripts")

# Work size per thread: (full, quick).  Each run should take ~1 s (full)
# or ~0.1-0.3 s (quick) on one core.
SIZES = {
    "countdown": (10_000_000, 1_000_000),
    "fib": (27, 22),
    "factorise": (30_000, 4_000),
    "nbody": (40_000, 5_000),
    "alloc_churn": (400_000, 50_000),
    "shared_read": (3_000_000, 300_000),
    "shared_dict_lock": (300_000, 40_000),
    "producer_consumer": (100_000, 15_000),
    "cycles": (200_000, 30_000),
    "io_latency": (300, 60),
}


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def progress(msg):
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + msg)
    else:
        sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def build(runtime):
    bdir = os.path.join(ROOT, "build", "release-" + runtime)
    log(f"building {runtime} (Release) in {bdir}")
    subprocess.run(["cmake", "-S", ROOT, "-B", bdir, "-DTWIN_RUNTIME=" + runtime,
                    "-DCMAKE_BUILD_TYPE=Release"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", bdir, "-j", str(os.cpu_count() or 2)],
                   check=True, stdout=subprocess.DEVNULL)
    return bdir


def parse_result(stdout):
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            fields = dict(kv.split("=", 1) for kv in line.split()[1:])
            return fields
    return None


def run_once(exe, script, threads, size, timeout):
    """Run one script; return (fields or None, peak RSS in KiB, error text)."""
    cmd = [exe, os.path.join(SCRIPTS_DIR, script + ".py"), str(threads), str(size)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return None, 0, f"timed out after {timeout} s"
    # ru_maxrss of this child only: wait4 has already been done by
    # communicate(), so read it from /proc-independent resource usage delta.
    rss = getattr(proc, "_twin_rss", 0)
    if proc.returncode != 0:
        return None, rss, f"exit {proc.returncode}: {err.strip().splitlines()[-1] if err.strip() else ''}"
    fields = parse_result(out)
    if fields is None:
        return None, rss, "no RESULT line"
    fields["wall"] = time.monotonic() - t0
    return fields, rss, ""


class RssPopen(subprocess.Popen):
    """Popen that records the child's own peak RSS (ru_maxrss) from wait4."""

    def _try_wait(self, wait_flags):
        try:
            pid, sts, ru = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            self._twin_rss = ru.ru_maxrss
        return (pid, sts)


subprocess.Popen = RssPopen  # run_once's children report their own RSS


def thread_counts(arg):
    if arg:
        return [int(x) for x in arg.split(",")]
    cores = os.cpu_count() or 2
    counts, n = [], 1
    while n <= cores:
        counts.append(n)
        n *= 2
    if counts[-1] != cores:
        counts.append(cores)
    counts.append(2 * cores)
    return counts


def median(xs):
    return statistics.median(xs) if xs else None


def gnuplot(script):
    if not shutil.which("gnuplot"):
        return False
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        log("gnuplot failed: " + r.stderr.strip())
    return r.returncode == 0


def plot_scaling(outdir, script, table, interps, counts):
    data = os.path.join(outdir, f"scaling_{script}.dat")
    with open(data, "w") as f:
        f.write("# threads " + " ".join(interps) + "\n")
        for t in counts:
            row = [str(t)]
            for name in interps:
                s = table.get((name, t))
                row.append(f"{s:.4f}" if s else "NaN")
            f.write(" ".join(row) + "\n")
    plots = ", ".join(
        f"'{data}' using 1:{i + 2} with linespoints lw 2 title '{name}'"
        for i, name in enumerate(interps))
    for term, ext in (("svg size 640,420", "svg"), ("pngcairo size 640,420", "png")):
        gnuplot(f"""set terminal {term}
set output '{os.path.join(outdir, f"scaling_{script}.{ext}")}'
set title '{script}: throughput speedup vs 1 thread (same interpreter)'
set xlabel 'threads'; set ylabel 'speedup'
set key left top; set grid
set logscale x 2
plot {plots}, x with lines dt 2 lc rgb 'gray' title 'linear'
""")


def plot_micro(outdir, micro):
    names = sorted({b for rt in micro for b in micro[rt]})
    if not names:
        return
    data = os.path.join(outdir, "micro.dat")
    rts = sorted(micro)
    with open(data, "w") as f:
        f.write("# benchmark " + " ".join(rts) + "\n")
        for n in names:
            vals = [f"{micro[rt].get(n, float('nan')):.3f}" for rt in rts]
            f.write(f"\"{n}\" " + " ".join(vals) + "\n")
    cols = ", ".join(f"'{data}' using {i + 2}:xtic(1) title '{rt}'" for i, rt in enumerate(rts))
    height = max(420, 16 * len(names))
    for term, ext in ((f"svg size 900,{height}", "svg"), (f"pngcairo size 900,{height}", "png")):
        gnuplot(f"""set terminal {term}
set output '{os.path.join(outdir, f"micro.{ext}")}'
set title 'micro benchmarks: ns per operation (lower is better)'
set style data histogram; set style histogram clustered; set style fill solid 0.8
set xtics rotate by -60 font ',7'; set logscale y; set grid y
plot {cols}
""")


def run_micro(bdirs, quick):
    micro = {}
    for rt, bdir in bdirs.items():
        exe = os.path.join(bdir, "bench", "twin_micro")
        if not os.path.exists(exe):
            log(f"micro suite not built for {rt} ({exe} missing)")
            continue
        out = os.path.join(bdir, "micro.json")
        args = [exe, "--benchmark_format=json", "--benchmark_out=" + out,
                "--benchmark_out_format=json"]
        args.append("--benchmark_min_time=0.05" if quick else "--benchmark_min_time=0.3")
        progress(f"micro suite: {rt}")
        r = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0 or not os.path.exists(out):
            log(f"micro suite failed on {rt}: {r.stderr.strip()[-300:]}")
            continue
        with open(out) as f:
            j = json.load(f)
        micro[rt] = {}
        for b in j.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                continue
            scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}.get(b.get("time_unit", "ns"), 1.0)
            micro[rt][b["name"]] = b["real_time"] * scale
    return micro


def main():
    ap = argparse.ArgumentParser(description="twinpy head-to-head benchmarks")
    ap.add_argument("--quick", action="store_true", help="small sizes, 1-2 threads, 3 reps (< 3 min)")
    ap.add_argument("--python", action="append", default=[], help="another interpreter to include")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--threads", default=None, help="comma-separated thread counts")
    ap.add_argument("--scripts", default=None, help="comma-separated script names")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "latest"))
    ap.add_argument("--no-build", action="store_true", help="use existing build/release-* trees")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    args = ap.parse_args()

    reps = args.reps or (3 if args.quick else 5)
    counts = thread_counts(args.threads or ("1,2" if args.quick else None))
    scripts = args.scripts.split(",") if args.scripts else sorted(SIZES)
    for s in scripts:
        if s not in SIZES:
            ap.error(f"unknown script '{s}' (known: {', '.join(sorted(SIZES))})")
    os.makedirs(args.out, exist_ok=True)

    bdirs = {}
    for rt in ("gil", "nogil"):
        bdirs[rt] = (os.path.join(ROOT, "build", "release-" + rt) if args.no_build else build(rt))
    interps = {f"twinpy-{rt}": os.path.join(bdirs[rt], "twinpy") for rt in bdirs}
    for exe in args.python:
        path = shutil.which(exe)
        if not path:
            ap.error(f"--python {exe}: not found")
        interps[os.path.basename(exe)] = path
    names = list(interps)

    runs = []
    total = len(scripts) * len(counts) * reps * len(names)
    done = 0
    started = time.monotonic()
    for script in scripts:
        size = SIZES[script][1 if args.quick else 0]
        for t in counts:
            for rep in range(reps):
                order = names[rep % len(names):] + names[:rep % len(names)]
                for name in order:
                    done += 1
                    eta = (time.monotonic() - started) / done * (total - done)
                    progress(f"[{done}/{total}] {script} threads={t} {name} rep {rep + 1}/{reps}  (eta {eta:.0f} s)")
                    fields, rss, err = run_once(interps[name], script, t, size, args.timeout)
                    runs.append({"script": script, "threads": t, "interp": name, "rep": rep,
                                 "size": size, "ok": fields is not None, "error": err,
                                 "seconds": float(fields["seconds"]) if fields else None,
                                 "ops": int(fields["ops"]) if fields else None,
                                 "latency_us": float(fields["latency_us"]) if fields and "latency_us" in fields else None,
                                 "max_rss_kib": rss})
    progress("macro suite done\n")
    micro = run_micro(bdirs, args.quick)

    # ---- summarise ------------------------------------------------------
    def med(script, name, t, key):
        xs = [r[key] for r in runs if r["script"] == script and r["interp"] == name
              and r["threads"] == t and r["ok"] and r[key] is not None]
        return median(xs)

    lines = ["# twinpy benchmark report", ""]
    lines.append(f"Machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().release} "
                 f"{os.uname().machine}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
                 f"{'quick' if args.quick else 'full'} mode, {reps} repetitions, medians.")
    lines.append("")
    lines.append("## Throughput speedup vs one thread (weak scaling: each thread does the same work)")
    lines.append("")
    lines.append("| script | interpreter | " + " | ".join(f"{t} thr" for t in counts) + " |")
    lines.append("|---|---|" + "---|" * len(counts))
    for script in scripts:
        if script == "io_latency":
            continue
        table = {}
        for name in names:
            base = med(script, name, 1, "seconds")
            cells = []
            for t in counts:
                s = med(script, name, t, "seconds")
                if s and base:
                    sp = (t * base) / s   # throughput ratio, work grows with t
                    table[(name, t)] = sp
                    cells.append(f"{sp:.2f}x")
                else:
                    cells.append("fail")
            lines.append(f"| {script} | {name} | " + " | ".join(cells) + " |")
        plot_scaling(args.out, script, table, names, counts)
    lines.append("")
    lines.append("## Single thread: time relative to twinpy-gil (lower is faster)")
    lines.append("")
    lines.append("| script | " + " | ".join(names) + " | peak RSS " + " | peak RSS ".join(names) + " |")
    lines.append("|---|" + "---|" * (2 * len(names)))
    ratios = {n: [] for n in names}
    for script in scripts:
        if script == "io_latency":
            continue
        g = med(script, "twinpy-gil", 1, "seconds")
        cells, rss_cells = [], []
        for name in names:
            s = med(script, name, 1, "seconds")
            if s and g:
                ratios[name].append(s / g)
                cells.append(f"{s / g:.3f} ({s:.3f} s)")
            else:
                cells.append("fail")
            rss = med(script, name, 1, "max_rss_kib")
            rss_cells.append(f"{rss / 1024:.1f} MiB" if rss else "?")
        lines.append(f"| {script} | " + " | ".join(cells) + " | " + " | ".join(rss_cells) + " |")
    geo = []
    for name in names:
        r = ratios[name]
        geo.append(f"{statistics.geometric_mean(r):.3f}" if r else "n/a")
    lines.append("| **geometric mean** | " + " | ".join(geo) + " |" + " |" * len(names))
    lines.append("")
    lines.append("## Convoy effect: median extra wake-up latency of a thread sleeping 1 ms while N threads burn CPU")
    lines.append("")
    lines.append("| interpreter | " + " | ".join(f"{t} burners" for t in counts) + " |")
    lines.append("|---|" + "---|" * len(counts))
    for name in names:
        cells = []
        for t in counts:
            v = med("io_latency", name, t, "latency_us")
            cells.append(f"{v:.0f} us" if v is not None else "fail")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    if micro:
        plot_micro(args.out, micro)
        lines.append("## Micro benchmarks (ns per operation, real time)")
        lines.append("")
        rts = sorted(micro)
        lines.append("| benchmark | " + " | ".join(rts) + " |")
        lines.append("|---|" + "---|" * len(rts))
        for n in sorted({b for rt in micro for b in micro[rt]}):
            lines.append(f"| {n} | " + " | ".join(
                f"{micro[rt][n]:.1f}" if n in micro[rt] else "n/a" for rt in rts) + " |")
        lines.append("")
        lines.append("![micro](micro.svg)")
        lines.append("")
    failures = [r for r in runs if not r["ok"]]
    if failures:
        lines.append("## Failed runs")
        lines.append("")
        for r in failures[:50]:
            lines.append(f"- {r['script']} threads={r['threads']} {r['interp']}: {r['error']}")
        lines.append("")
    lines.append("## Plots")
    lines.append("")
    for script in scripts:
        if script != "io_latency":
            lines.append(f"![{script}](scaling_{script}.svg)")
    lines.append("")
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(args.out, "raw.json"), "w") as f:
        json.dump({"counts": counts, "reps": reps, "interpreters": interps,
                   "runs": runs, "micro": micro}, f, indent=1)
    log(f"report: {os.path.join(args.out, 'report.md')}")
    print("\n".join(lines))
    return 1 if failures and len(failures) == len(runs) else 0


if __name__ == "__main__":
    sys.exit(main())

"""bench/driver.py's timing_noise: the spread of repeated single-thread
timings that the report states (and warns about above NOISE_WARN)."""
import os
import sys

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import driver  # noqa: E402


def run(script, interp, seconds, threads=1, layout=None, ok=True):
    r = {"script": script, "interp": interp, "seconds": seconds, "ok": ok, "threads": threads}
    if layout is not None:
        r["layout"] = layout
        del r["threads"]
    return r


def check(label, got, want):
    if got != want and not (isinstance(want, float) and abs(got - want) < 1e-9):
        sys.exit(f"FAIL {label}: got {got!r}, want {want!r}")


# No cell with three timings: nothing to say.
check("too few", driver.timing_noise([run("a", "g", 1.0), run("a", "g", 2.0)]), None)

runs = [
    # cell (a, g): spread (1.2 - 1.0) / 1.1
    run("a", "g", 1.0), run("a", "g", 1.1), run("a", "g", 1.2),
    # cell (a, n): spread (3.0 - 1.0) / 2.0 = 1.0
    run("a", "n", 1.0), run("a", "n", 2.0), run("a", "n", 3.0),
    # the same script on layout 1 is a cell of its own: spread 0
    run("a", "g", 5.0, layout=1), run("a", "g", 5.0, layout=1), run("a", "g", 5.0, layout=1),
    # multi-thread and failed runs are left out
    run("a", "g", 100.0, threads=2), run("a", "g", 0.01, threads=2), run("a", "g", 7.0, threads=2),
    run("a", "g", 50.0, ok=False),
]
med, worst, cells = driver.timing_noise(runs)
check("cells", cells, 3)
check("median", med, 0.2 / 1.1)
check("worst", worst, 1.0)
check("warns above", med > driver.NOISE_WARN, True)

quiet = [run("b", "g", x) for x in (1.00, 1.01, 1.02)]
check("quiet warns", driver.timing_noise(quiet)[0] > driver.NOISE_WARN, False)
print("ok")

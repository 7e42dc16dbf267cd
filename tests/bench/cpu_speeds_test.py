"""bench/driver.py's CPU-speed probe and what the report says about it:
each usable CPU gets a speed relative to the fastest, and unequal CPUs
are warned about with the most two threads could gain."""
import os
import sys

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import driver  # noqa: E402


def check(label, got, want):
    if got != want:
        sys.exit(f"FAIL {label}: got {got!r}, want {want!r}")


# The probe: one speed per usable CPU, the fastest exactly 1, none above.
sp = driver.cpu_speeds(reps=3, loop=20_000)
if sp is not None:
    check("cpus", sorted(sp), sorted(os.sched_getaffinity(0)))
    check("fastest", max(sp.values()), 1.0)
    check("in range", all(0 < v <= 1.0 for v in sp.values()), True)
    check("affinity restored", os.sched_getaffinity(0), set(sp))

# Nothing measured: nothing said.
check("none", driver.cpu_speed_lines(None, None), [])

# Equal CPUs: the figures, no warning.
lines = driver.cpu_speed_lines({0: 1.0, 1: 0.97}, {0: 0.99, 1: 1.0})
check("equal lines", len(lines), 1)
check("equal text", "cpu0 1.00, cpu1 0.97 at the start, and cpu0 0.99, cpu1 1.00 at the end"
      in lines[0], True)

# One slow CPU at the end: a warning from the worse of the two probes.
lines = driver.cpu_speed_lines({0: 1.0, 1: 0.95}, {0: 0.55, 1: 1.0})
check("slow lines", len(lines), 3)
check("slow text", "slowest at 0.55" in lines[2] and "at most about 1.55x" in lines[2], True)

# Only a start probe.
lines = driver.cpu_speed_lines({0: 1.0, 1: 0.5, 2: 0.9}, None)
check("start only", "at the end" in lines[0], False)
check("best two", "at most about 1.90x" in lines[2], True)
print("ok")

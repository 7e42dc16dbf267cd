#!/usr/bin/env python3
"""Differential test of twinpy's parser against CPython's `ast` module.

usage: parser_diff.py TEST_PARSER CASES_FILE [SOURCE.py ...]

Every source file, and every snippet of CASES_FILE (snippets are separated
by lines that are exactly "#---"), is parsed by twinpy (`TEST_PARSER --dump`)
and by CPython.  A snippet CPython accepts must give the same `ast.dump`; a
snippet CPython rejects must give the same exception type and line, and the
same column where CPython's column points into the line.  Snippets that use
a feature outside the subset may instead give twinpy's "Unsupported" error
when the case says so with a first line "# unsupported".

Exits 1 on any difference, printing each one; 0 otherwise.
"""
import ast
import os
import subprocess
import sys
import tempfile


def cpython(src):
    try:
        return ("ok", ast.dump(ast.parse(src)))
    except SyntaxError as e:  # IndentationError and TabError are subclasses
        return ("err", type(e).__name__, e.lineno, e.offset)
    except (RecursionError, MemoryError) as e:
        return ("err", type(e).__name__, None, None)
    except ValueError as e:  # null bytes in source
        return ("err", "SyntaxError", None, None)


def twinpy(binary, path):
    out = subprocess.run([binary, "--dump", path], capture_output=True,
                         timeout=60)
    if out.returncode != 0:
        return ("crash", out.returncode, out.stderr.decode(errors="replace"))
    lines = [l for l in out.stdout.decode(errors="replace").splitlines()
             if not l.startswith("WARN|")]
    text = "\n".join(lines)
    if text.startswith("ERR|"):
        f = text.split("|")
        return ("err", f[1], int(f[3]), int(f[4]))
    return ("ok", text)


def compare(binary, name, src_bytes, unsupported_ok):
    with tempfile.NamedTemporaryFile(suffix=".py", delete=False) as t:
        t.write(src_bytes)
        path = t.name
    try:
        got = twinpy(binary, path)
    finally:
        os.unlink(path)
    try:
        want = cpython(src_bytes)
    except Exception as e:  # pragma: no cover - reported as a difference
        want = ("err", type(e).__name__, None, None)
    if got[0] == "crash":
        return f"{name}: twinpy's parser exited with {got[1]}: {got[2][-300:]}"
    if unsupported_ok and got[0] == "err" and got[1] == "Unsupported":
        return None
    if got[0] != want[0]:
        return f"{name}: CPython says {want[:2]}, twinpy says {got[:2]}"
    if got[0] == "ok":
        if got[1] != want[1]:
            return f"{name}: AST differs\n  cpython: {want[1]}\n  twinpy:  {got[1]}"
        return None
    # Both are errors: same type, same line (when CPython gives one).
    if got[1] != want[1]:
        return f"{name}: CPython raises {want[1]}, twinpy {got[1]}"
    if want[2] is not None and got[2] != want[2]:
        return f"{name}: {want[1]} at line {want[2]} in CPython, line {got[2]} in twinpy"
    if want[3] is not None and want[3] > 0 and got[3] != want[3]:
        return f"{name}: {want[1]} at column {want[3]} in CPython, column {got[3]} in twinpy"
    return None


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    binary, cases_file = sys.argv[1], sys.argv[2]
    problems = []
    count = 0
    with open(cases_file, "rb") as f:
        snippets = f.read().split(b"\n#---\n")
    for i, snip in enumerate(snippets):
        first = snip.split(b"\n", 1)[0].strip()
        unsupported = first == b"# unsupported"
        name = f"{os.path.basename(cases_file)}#{i} ({first.decode(errors='replace')[:40]})"
        p = compare(binary, name, snip, unsupported)
        count += 1
        if p:
            problems.append(p)
    for path in sys.argv[3:]:
        with open(path, "rb") as f:
            src = f.read()
        if os.path.basename(path).startswith("err_syntax"):
            continue  # its error is the test's point; checked by script tests
        p = compare(binary, path, src, False)
        count += 1
        if p:
            problems.append(p)
    for p in problems:
        print("DIFF", p)
    print(f"{count - len(problems)} agree with CPython, {len(problems)} differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/bin/sh
# run_stderr.sh INTERPRETER SCRIPT.py
# run_stderr.sh --regen PYTHON3 SCRIPT.py
#
# Like ../run_script.sh, but compares the WHOLE stderr too: runs SCRIPT.py
# from its directory and compares stdout with NAME.out and the normalised
# stderr with NAME.stderr.  With --regen, writes both from CPython.
#
# Normalisation, applied to both sides, removes only what differs between
# machines or is outside the language: the script's directory (tracebacks
# name scripts by absolute path), object addresses (0x...), and frames of
# threading's own source (CPython: ".../lib/python3.X/threading.py" with a
# line number and a source line; twinpy: "<frozen threading>" with a line
# number), which are reduced to `File "<threading>", in FUNC`: the chain of
# function names must still match.
set -u
regen=0
if [ "$1" = "--regen" ]; then
    regen=1
    shift
fi
interp="$1"
script="$2"
dir=$(cd "$(dirname "$script")" && pwd)
name=$(basename "$script" .py)
base="$dir/$name"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twin_stderr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

normalise() {
    awk -v dir="$dir/" '
        function strip_dir(s,   i) {
            while ((i = index(s, dir)) > 0)
                s = substr(s, 1, i - 1) substr(s, i + length(dir))
            return s
        }
        skipping && /^    / { next }
        { skipping = 0 }
        /^  File "(<frozen threading>|[^"]*\/threading\.py)", line [0-9]+, in / {
            sub(/^  File "[^"]*", line [0-9]+, in /, "  File \"<threading>\", in ")
            print
            skipping = 1
            next
        }
        {
            line = strip_dir($0)
            gsub(/0x[0-9a-fA-F]+/, "0xADDR", line)
            print line
        }'
}

(cd "$dir" && exec "$interp" "$name.py") >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
normalise <"$tmp/err" >"$tmp/err.norm"

if [ $regen -eq 1 ]; then
    cp "$tmp/out" "$base.out"
    cp "$tmp/err.norm" "$base.stderr"
    echo "$name: status $rc"
    exit 0
fi

fail=0
if ! cmp -s "$base.out" "$tmp/out"; then
    echo "FAIL $name: stdout differs from $name.out (--- expected, +++ actual):"
    diff -u "$base.out" "$tmp/out" | head -n 60
    fail=1
fi
if ! cmp -s "$base.stderr" "$tmp/err.norm"; then
    echo "FAIL $name: stderr differs from $name.stderr (--- expected, +++ actual):"
    diff -u "$base.stderr" "$tmp/err.norm" | head -n 80
    fail=1
fi
if [ "$rc" != 0 ]; then
    echo "FAIL $name: exit status $rc, expected 0"
    fail=1
fi
[ $fail -eq 0 ] && echo "ok $name"
exit $fail

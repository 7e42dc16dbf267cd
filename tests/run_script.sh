#!/bin/sh
# run_script.sh INTERPRETER SCRIPT.py
#
# Runs SCRIPT.py with INTERPRETER (build's twinpy, or python3 for the
# differential check) from the script's directory, with stdin closed, and
# compares what it did with the expectations committed beside it:
#
#   NAME.out   the exact expected stdout (required)
#   NAME.rc    the expected exit status (absent: 0)
#   NAME.err   the expected LAST line of stderr (absent: stderr not checked)
#   NAME.args  command-line arguments for the script, one line (optional)
#
# Prints a diff and exits 1 on any difference.
set -u
interp="$1"
script="$2"
case "$interp" in
    /*) ;;
    */*) interp="$(cd "$(dirname "$interp")" && pwd)/$(basename "$interp")" ;;
esac
dir=$(cd "$(dirname "$script")" && pwd)
name=$(basename "$script" .py)
base="$dir/$name"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twin_script.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

args=""
[ -f "$base.args" ] && args=$(cat "$base.args")

# shellcheck disable=SC2086
(cd "$dir" && exec "$interp" "$name.py" $args) >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?

expected_rc=0
[ -f "$base.rc" ] && expected_rc=$(tr -d ' \n' <"$base.rc")

fail=0
if ! cmp -s "$base.out" "$tmp/out"; then
    echo "FAIL $name: stdout differs from $name.out (--- expected, +++ actual):"
    diff -u "$base.out" "$tmp/out" | head -n 80
    fail=1
fi
if [ "$rc" != "$expected_rc" ]; then
    echo "FAIL $name: exit status $rc, expected $expected_rc"
    fail=1
fi
if [ -f "$base.err" ]; then
    expected_last=$(tail -n 1 "$base.err")
    actual_last=$(tail -n 1 "$tmp/err")
    if [ "$expected_last" != "$actual_last" ]; then
        echo "FAIL $name: last line of stderr differs"
        echo "  expected: $expected_last"
        echo "  actual:   $actual_last"
        fail=1
    fi
fi
if [ $fail -ne 0 ]; then
    echo "--- stderr of $interp $name.py (last 30 lines):"
    tail -n 30 "$tmp/err"
    exit 1
fi
echo "ok $name"
exit 0

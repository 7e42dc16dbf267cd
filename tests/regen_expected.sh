#!/bin/sh
# regen_expected.sh [SCRIPT.py ...]
#
# Regenerates the expectations of script tests from CPython: NAME.out
# (stdout), NAME.rc (exit status, only when not 0) and NAME.err (the last
# line of stderr, only when the status is not 0).  Scripts marked
# "# twinpy-only" on their first line keep their hand-written expectations.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON3:-python3}
if [ $# -eq 0 ]; then
    set -- "$here"/scripts/*.py
fi
for script in "$@"; do
    dir=$(cd "$(dirname "$script")" && pwd)
    name=$(basename "$script" .py)
    case "$name" in _*) continue ;; esac
    if head -n 1 "$script" | grep -q '^# twinpy-only'; then
        echo "skip $name (twinpy-only)"
        continue
    fi
    args=""
    [ -f "$dir/$name.args" ] && args=$(cat "$dir/$name.args")
    set +e
    # shellcheck disable=SC2086
    (cd "$dir" && exec "$py" "$name.py" $args) >"$dir/$name.out" 2>"$dir/$name.stderr.tmp" </dev/null
    rc=$?
    set -e
    rm -f "$dir/$name.rc" "$dir/$name.err"
    if [ $rc -ne 0 ]; then
        echo "$rc" >"$dir/$name.rc"
        tail -n 1 "$dir/$name.stderr.tmp" >"$dir/$name.err"
    fi
    rm -f "$dir/$name.stderr.tmp"
    echo "$name: status $rc"
done

#!/bin/sh
# differential.sh PYTHON3 SCRIPTS_DIR
#
# Re-runs CPython on every script test and checks it against the committed
# expectations, so that the suite cannot drift from CPython.  Scripts whose
# first line is "# twinpy-only: <reason>" test a documented difference
# (64-bit ints) and are skipped.  Files starting with "_" are helper modules.
set -u
py="$1"
dir="$2"
here=$(cd "$(dirname "$0")" && pwd)
failed=0
checked=0
for script in "$dir"/*.py; do
    name=$(basename "$script")
    case "$name" in _*) continue ;; esac
    if head -n 1 "$script" | grep -q '^# twinpy-only'; then
        continue
    fi
    checked=$((checked + 1))
    if ! sh "$here/run_script.sh" "$py" "$script" >"${TMPDIR:-/tmp}/twin_diff.$$" 2>&1; then
        cat "${TMPDIR:-/tmp}/twin_diff.$$"
        failed=$((failed + 1))
    fi
done
rm -f "${TMPDIR:-/tmp}/twin_diff.$$"
echo "differential: $checked scripts checked against $py, $failed differ"
[ $failed -eq 0 ]

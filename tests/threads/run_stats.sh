# run_stats.sh — sourced by the threads/*_check.sh scripts (POSIX sh).
#
# run_stats TWINPY SCRIPT [EXPECTED]: runs SCRIPT under `twinpy --stats`
# with its stdout in $tmp/out and the counters (stderr) in $tmp/err, in a
# temporary directory removed on exit; fails the test (exit 1, showing
# stderr) on a nonzero exit status or, when EXPECTED is given, on stdout
# other than EXPECTED.
run_stats() {
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/twin_stats.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT INT TERM
    "$1" --stats "$2" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    if [ $rc -ne 0 ] || { [ $# -ge 3 ] && [ "$(cat "$tmp/out")" != "$3" ]; }; then
        echo "FAIL: exit status $rc, output: $(cat "$tmp/out")"
        cat "$tmp/err"
        exit 1
    fi
}

# check_stats RULES: runs the awk program RULES over the counters run_stats
# left, with v[NAME] = VALUE filled in for every counter line and
# need(COND, WHAT) defined (a false COND prints "FAIL: WHAT" and sets
# bad; RULES ends with `exit bad` in its END); on failure shows the
# counters and fails the test.
check_stats() {
    awk '
    { v[$1] = $2 }
    function need(cond, what) { if (!cond) { print "FAIL: " what; bad = 1 } }
    '"$1" "$tmp/err" || { echo "--- stats:"; cat "$tmp/err"; exit 1; }
}

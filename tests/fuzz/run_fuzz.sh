#!/bin/sh
# run_fuzz.sh FUZZER SEED_DIR SECONDS [fork]
#
# Runs a libFuzzer target for a bounded time, starting from the committed
# seed corpus (copied to a scratch directory: the source tree is never
# written) with the Python token dictionary beside this script.  With
# "fork", the target runs in a child process (-fork=1) so that a timeout or
# out-of-memory caused by a legitimately slow program (fuzz_run: a huge
# range() given to sum()) is noted and skipped instead of ending the run;
# crashes and sanitizer reports still fail.
#
# Exits 0 when the fuzzer found nothing; 1 with the reproducer's path
# otherwise (copy it to tests/fuzz/regressions/<target>/ once fixed).
set -u
fuzzer="$1"
seeds="$2"
seconds="$3"
mode="${4:-}"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/twin_fuzz.XXXXXX")
mkdir -p "$work/corpus" "$work/artifacts"

opts="-max_total_time=$seconds -timeout=20 -rss_limit_mb=2560 -max_len=4096 -close_fd_mask=3
      -dict=$here/python.dict -artifact_prefix=$work/artifacts/ -print_final_stats=1"
if [ "$mode" = fork ]; then
    opts="$opts -fork=1 -ignore_timeouts=1 -ignore_ooms=1 -ignore_crashes=0"
fi
# shellcheck disable=SC2086
"$fuzzer" $opts "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?
tail -n 25 "$work/log"
found=$(ls "$work/artifacts" | grep -v '^timeout-\|^oom-\|^slow-unit-' || true)
skipped=$(ls "$work/artifacts" | wc -l)
# Fork mode: libFuzzer ends with the exit status of the last job that
# failed even when it was told to ignore that kind of failure (70 after a
# timeout).  A run whose only artifacts are timeouts and out-of-memory
# inputs, with no crash in its log, found nothing.
if [ "$mode" = fork ] && [ $rc -ne 0 ] && [ -z "$found" ] && [ "$skipped" -gt 0 ] &&
   ! grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error:\|deadly signal' "$work/log"; then
    echo "note: fuzzer exited $rc after skipping slow or out-of-memory inputs"
    rc=0
fi
if [ $rc -ne 0 ] || [ -n "$found" ]; then
    if [ -z "$found" ] && [ "$mode" = fork ] && ! grep -q 'ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error:\|deadly signal' "$work/log"; then
        echo "fuzzer exited $rc without a crash artifact"
    fi
    echo "FAIL: $fuzzer found a problem; reproducers kept in $work/artifacts:"
    ls -l "$work/artifacts"
    exit 1
fi
[ "$skipped" -gt 0 ] && echo "note: $skipped slow or out-of-memory inputs skipped (fork mode): $(ls "$work/artifacts" | tr '\n' ' ')"
rm -rf "$work"
echo "ok: no crash in ${seconds}s"
exit 0

#!/bin/sh
# cli_test.sh TWINPY CASE — the command line of the twinpy executable.
# Each CASE is one promise; exits 0 when it holds, 1 (with the evidence)
# when it does not.
set -u
tw="$1"
case_name="$2"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twin_cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

fail() { echo "FAIL $case_name: $*"; echo "--- stdout:"; cat "$tmp/out" 2>/dev/null; echo "--- stderr:"; cat "$tmp/err" 2>/dev/null; exit 1; }
run() { "$@" >"$tmp/out" 2>"$tmp/err" </dev/null; echo $? >"$tmp/rc"; }
rc() { cat "$tmp/rc"; }
# counter NAME: the value of a --stats line of the last run (empty if absent)
counter() { sed -n "s/^$1 //p" "$tmp/err"; }

case "$case_name" in
version)
    run "$tw" --version
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    grep -Eq '^twinpy [0-9]+\.[0-9]+\.[0-9]+ \((gil|nogil) runtime\)$' "$tmp/out" || fail "unexpected version line"
    ;;
help)
    run "$tw" --help
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    grep -q '^usage: twinpy' "$tmp/out" || fail "no usage on stdout"
    [ -s "$tmp/err" ] && fail "stderr not empty"
    ;;
unknown_option)
    run "$tw" --no-such-option x.py
    [ "$(rc)" = 2 ] || fail "status $(rc), expected 2"
    grep -q 'usage: twinpy' "$tmp/err" || fail "no usage on stderr"
    [ -s "$tmp/out" ] && fail "stdout not empty"
    ;;
missing_file)
    run "$tw" "$tmp/does_not_exist.py"
    [ "$(rc)" = 2 ] || fail "status $(rc), expected 2"
    grep -q "^twinpy: can't open file '$tmp/does_not_exist.py': \[Errno 2\] No such file or directory$" "$tmp/err" \
        || fail "unexpected message"
    ;;
command)
    run "$tw" -c 'import sys; print(1 + 1, sys.argv)' a b
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    [ "$(cat "$tmp/out")" = "2 ['-c', 'a', 'b']" ] || fail "unexpected output"
    ;;
stdin)
    printf 'import sys\nprint("from stdin", sys.argv)\n' >"$tmp/prog.py"
    "$tw" - x <"$tmp/prog.py" >"$tmp/out" 2>"$tmp/err"
    r=$?
    [ $r = 0 ] || fail "status $r"
    [ "$(cat "$tmp/out")" = "from stdin ['-', 'x']" ] || fail "unexpected output"
    ;;
command_exception)
    run "$tw" -c 'x = 1
1 / 0'
    [ "$(rc)" = 1 ] || fail "status $(rc), expected 1"
    [ "$(tail -n 1 "$tmp/err")" = "ZeroDivisionError: division by zero" ] || fail "unexpected last line"
    grep -q '^Traceback (most recent call last):$' "$tmp/err" || fail "no traceback header"
    grep -q '^  File "<string>", line 2, in <module>$' "$tmp/err" || fail "no File line"
    ;;
traceback_lines)
    printf 'def f():\n    return 1 / 0\n\nf()\n' >"$tmp/tb.py"
    run "$tw" "$tmp/tb.py"
    [ "$(rc)" = 1 ] || fail "status $(rc), expected 1"
    cat >"$tmp/expected" <<EOT
Traceback (most recent call last):
  File "$tmp/tb.py", line 4, in <module>
    f()
  File "$tmp/tb.py", line 2, in f
    return 1 / 0
ZeroDivisionError: division by zero
EOT
    grep -v '^ *[~^]*$' "$tmp/err" >"$tmp/err_no_carets"
    cmp -s "$tmp/expected" "$tmp/err_no_carets" || { diff -u "$tmp/expected" "$tmp/err_no_carets"; fail "traceback differs"; }
    ;;
fused_traceback_lines)
    # an error inside a fused operand load + subscript / division is
    # reported at the operation's line, in the right function
    printf 'def f(s, i):\n    n = i\n    return s[n]\n\ndef g(a, b):\n    return (a\n            / b)\n\ng(1.0, 2.0)\nf([1], 5)\n' >"$tmp/tb.py"
    run "$tw" "$tmp/tb.py"
    [ "$(rc)" = 1 ] || fail "status $(rc), expected 1"
    cat >"$tmp/expected" <<EOT
Traceback (most recent call last):
  File "$tmp/tb.py", line 10, in <module>
    f([1], 5)
  File "$tmp/tb.py", line 3, in f
    return s[n]
IndexError: list index out of range
EOT
    grep -v '^ *[~^]*$' "$tmp/err" >"$tmp/err_no_carets"
    cmp -s "$tmp/expected" "$tmp/err_no_carets" || { diff -u "$tmp/expected" "$tmp/err_no_carets"; fail "traceback differs"; }
    printf 'def g(a, b):\n    x = 1\n    return (a\n            // b)\n\ng(1, 0)\n' >"$tmp/tb2.py"
    run "$tw" "$tmp/tb2.py"
    [ "$(rc)" = 1 ] || fail "status $(rc), expected 1"
    [ "$(tail -n 1 "$tmp/err")" = "ZeroDivisionError: integer division or modulo by zero" ] || fail "unexpected last line"
    grep -q '^  File "'"$tmp"'/tb2.py", line [34], in g$' "$tmp/err" || fail "not reported in g at the division"
    ;;
syntax_error)
    printf 'print("a")\nx = = 1\n' >"$tmp/bad.py"
    run "$tw" "$tmp/bad.py"
    [ "$(rc)" = 1 ] || fail "status $(rc), expected 1"
    [ -s "$tmp/out" ] && fail "the program ran"
    grep -q "^  File \"$tmp/bad.py\", line 2$" "$tmp/err" || fail "no File line"
    grep -q '^    x = = 1$' "$tmp/err" || fail "no source line"
    grep -q '^ *\^' "$tmp/err" || fail "no caret line"
    [ "$(tail -n 1 "$tmp/err")" = "SyntaxError: invalid syntax" ] || fail "unexpected last line"
    ;;
stats)
    run "$tw" --stats -c 'print("counted")'
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    [ "$(cat "$tmp/out")" = "counted" ] || fail "unexpected stdout"
    [ -s "$tmp/err" ] || fail "no counters on stderr"
    ;;
brc_stats)
    # Ints the main thread made, dropped by a worker that took the list's
    # references: each drop is queued to the main thread (nogil), and the
    # worker sends them in batches, far fewer sends than objects.
    cat >"$tmp/drop.py" <<'EOF'
import threading
made = [1000 + i for i in range(3000)]
def drop():
    while made:
        made.pop()
t = threading.Thread(target=drop)
t.start()
t.join()
print(len(made))
EOF
    run "$tw" --stats "$tmp/drop.py"
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    [ "$(cat "$tmp/out")" = "0" ] || fail "unexpected stdout"
    if grep -q '^runtime nogil$' "$tmp/err"; then
        q=$(counter brc_queued)
        s=$(counter brc_batches_sent)
        [ -n "$q" ] && [ -n "$s" ] || fail "brc_queued / brc_batches_sent missing"
        [ "$q" -ge 3000 ] || fail "brc_queued $q < 3000"
        [ "$s" -ge 1 ] && [ $((s * 4)) -le "$q" ] || fail "brc_batches_sent $s for $q queued"
    else
        grep -q '^brc_' "$tmp/err" && fail "the gil runtime reports BRC counters"
    fi
    ;;
bias_stats)
    # A list made by a thread and handed back through a closure cell: the
    # main thread's first look inside stops the world once (nogil), unless
    # TWINPY_BIAS=0.  The output is the same either way.
    cat >"$tmp/hand.py" <<'EOF'
import threading
def go():
    made = None
    def make():
        nonlocal made
        made = [[i] for i in range(10)]
    t = threading.Thread(target=make)
    t.start()
    t.join()
    made.append([10])
    print(len(made), made[3])
go()
EOF
    run "$tw" --stats "$tmp/hand.py"
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    [ "$(cat "$tmp/out")" = "11 [3]" ] || fail "unexpected stdout"
    if grep -q '^runtime nogil$' "$tmp/err"; then
        n=$(counter bias_revocations)
        [ -n "$n" ] && [ "$n" -ge 1 ] || fail "expected a revocation, got '$n'"
        TWINPY_BIAS=0 run "$tw" --stats "$tmp/hand.py"
        [ "$(rc)" = 0 ] || fail "TWINPY_BIAS=0: status $(rc)"
        [ "$(cat "$tmp/out")" = "11 [3]" ] || fail "TWINPY_BIAS=0: unexpected stdout"
        grep -q '^bias_revocations 0$' "$tmp/err" || fail "TWINPY_BIAS=0 still revoked"
        grep -q '^bias_cleared 0$' "$tmp/err" || fail "TWINPY_BIAS=0 still biased objects"
    else
        grep -q '^bias_' "$tmp/err" && fail "the gil runtime reports bias counters"
    fi
    ;;
trace)
    run "$tw" --trace "$tmp/trace.json" -c 'print(sum(range(1000)))'
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    [ "$(cat "$tmp/out")" = "499500" ] || fail "unexpected stdout"
    [ -s "$tmp/trace.json" ] || fail "no trace written"
    head -c 1 "$tmp/trace.json" | grep -q '[[{]' || fail "trace is not JSON"
    ;;
exit_status)
    run "$tw" -c 'import sys; sys.exit(7)'
    [ "$(rc)" = 7 ] || fail "status $(rc), expected 7"
    run "$tw" -c 'raise SystemExit("bye")'
    [ "$(rc)" = 1 ] || fail "status $(rc), expected 1"
    [ "$(cat "$tmp/err")" = "bye" ] || fail "message not printed alone"
    run "$tw" -c 'import sys; print("x", end=""); sys.exit(None)'
    [ "$(rc)" = 0 ] || fail "status $(rc), expected 0"
    [ "$(cat "$tmp/out")" = "x" ] || fail "buffered output lost"
    ;;
dis)
    run "$tw" --dis -c 'def f(x):
    return x + 1
def g(x):
    return f(x) * 3 < x
print(f(1))'
    [ "$(rc)" = 0 ] || fail "status $(rc)"
    [ -s "$tmp/out" ] || fail "no disassembly"
    grep -q "2" "$tmp/out" && ! grep -qx "2" "$tmp/out" || fail "the program ran instead of being disassembled"
    # x + 1: the operand load is marked for fusing with the addition
    grep -q "LOAD_FAST_FUSED" "$tmp/out" || fail "x + 1 not fused"
    # f(x) * 3 < x: right operands of what is already on the stack
    grep -q "LOAD_CONST_RIGHT .*(3)" "$tmp/out" || fail "* 3 not fused"
    grep -q "LOAD_FAST_RIGHT .*(x)" "$tmp/out" || fail "< x not fused"
    ;;
output_not_lost)
    run "$tw" -c 'for i in range(20000): print(i)
raise ValueError("end")'
    [ "$(rc)" = 1 ] || fail "status $(rc)"
    [ "$(wc -l <"$tmp/out")" -eq 20000 ] || fail "lost lines: $(wc -l <"$tmp/out")"
    [ "$(tail -n 1 "$tmp/out")" = "19999" ] || fail "last line wrong"
    ;;
fatal_signal)
    # A fatal signal (a crash; here SIGSEGV sent from outside once the
    # script is waiting) still delivers what stdout buffered, says so on
    # stderr and dies of the signal.  Not in sanitizer builds (theirs).
    "$tw" -c 'import sys, time
for i in range(1000):
    print(i)
sys.stderr.write("ready\n")
time.sleep(60)' >"$tmp/out" 2>"$tmp/err" </dev/null &
    pid=$!
    n=0
    while ! grep -q '^ready$' "$tmp/err" 2>/dev/null; do
        n=$((n + 1))
        [ $n -gt 300 ] && { kill -9 $pid; fail "never ready"; }
        sleep 0.1
    done
    kill -SEGV $pid
    wait $pid
    echo $? >"$tmp/rc"
    [ "$(rc)" = 139 ] || fail "status $(rc), expected 139 (SIGSEGV)"
    [ "$(wc -l <"$tmp/out")" -eq 1000 ] || fail "lost lines: $(wc -l <"$tmp/out")"
    [ "$(tail -n 1 "$tmp/out")" = "999" ] || fail "last line wrong"
    grep -q '^twinpy: fatal error: Segmentation fault' "$tmp/err" || fail "no message on stderr"
    ;;
*)
    echo "unknown case $case_name"
    exit 1
    ;;
esac
echo "ok $case_name"

#!/bin/sh
# badinput.sh INTERPRETER CASE — hostile input never crashes the interpreter.
#
# Each CASE feeds one kind of bad program (syntax errors, absurd nesting,
# runaway recursion, impossible allocations, errors in many threads at
# once, structures too deep to free recursively, output cut short by an
# error) and checks what CPython 3.11 does: the exception TYPE on the last
# line of stderr, exit status 1 (0 where CPython exits 0), the File line
# and caret of a SyntaxError, and that every byte printed before the end
# reaches stdout.  A signal (crash), a sanitizer report or a hang
# (timeout) always fails.
#
# INTERPRETER may be python3: tests/badinput.cmake runs every case marked
# "cpython" below against it, so the expectations are checked to be
# CPython's own.  Exits 0 when the promise holds, 1 with the evidence.
set -u
tw="$1"
case_name="$2"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/twin_bad.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prog="$tmp/prog.py"
limit=${TWIN_BADINPUT_TIMEOUT:-60}
# Under AddressSanitizer an impossible allocation must fail the way malloc
# does (NULL, hence MemoryError) rather than end the process with a report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1"

fail() {
    echo "FAIL $case_name: $*"
    echo "--- stdout (first 40 lines, 200 columns):"; head -n 40 "$tmp/out" 2>/dev/null | cut -c1-200
    echo "--- stderr (last 40 lines, 200 columns):"; tail -n 40 "$tmp/err" 2>/dev/null | cut -c1-200
    exit 1
}

# run [ARGS...]: run the interpreter on $prog (or on ARGS when given),
# stdout and stderr to files; a hang or a signal fails at once.
run() {
    if [ $# -eq 0 ]; then set -- "$prog"; fi
    timeout "$limit" "$tw" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    rc=$?
    [ $rc -eq 124 ] && fail "no result within ${limit}s (hang)"
    [ $rc -ge 128 ] && fail "killed by signal $((rc - 128)) (crash)"
    grep -q 'ERROR: AddressSanitizer\|runtime error:\|ERROR: LeakSanitizer\|WARNING: ThreadSanitizer' "$tmp/err" && fail "sanitizer report"
    return 0
}

last_err() { tail -n 1 "$tmp/err"; }

# expect_exc TYPE [MESSAGE]: status 1 and the last stderr line is
# "TYPE: MESSAGE" (or starts with "TYPE" when no message is given).
expect_exc() {
    [ "$rc" = 1 ] || fail "exit status $rc, expected 1"
    if [ $# -ge 2 ]; then
        [ "$(last_err)" = "$1: $2" ] || fail "last line of stderr is not '$1: $2'"
    else
        case "$(last_err)" in
            "$1"|"$1: "*) ;;
            *) fail "last line of stderr is not a $1" ;;
        esac
    fi
}

# expect_syntax TYPE MESSAGE LINE: a syntax error CPython's way: File line
# with the line number, then (when CPython shows the source) a caret.
expect_syntax() {
    expect_exc "$1" "$2"
    grep -q "^  File \"$prog\", line $3\$" "$tmp/err" || fail "no 'File \"...\", line $3'"
    [ -s "$tmp/out" ] && fail "the program ran (stdout not empty)"
    [ "${4:-caret}" = caret ] || return 0
    grep -q '^ *\^' "$tmp/err" || fail "no caret line"
}

# gen_repeat N STRING: STRING N times, without a newline.
gen_repeat() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }

case "$case_name" in

# ---------------- syntax errors (cpython) ---------------------------------
indent_expected)
    printf 'if True:\nprint(1)\n' >"$prog"; run
    expect_syntax IndentationError "expected an indented block after 'if' statement on line 1" 2 ;;
unindent_mismatch)
    printf 'if True:\n    x = 1\n  y = 2\n' >"$prog"; run
    expect_syntax IndentationError "unindent does not match any outer indentation level" 3 ;;
unexpected_indent)
    printf 'x = 1\n    y = 2\n' >"$prog"; run
    expect_syntax IndentationError "unexpected indent" 2 nocaret ;;
tab_error)
    printf 'if True:\n\tx = 1\n        y = 2\n' >"$prog"; run
    expect_syntax TabError "inconsistent use of tabs and spaces in indentation" 3 nocaret ;;
unterminated_string)
    printf 'print("ok")\nx = "abc\n' >"$prog"; run
    expect_syntax SyntaxError "unterminated string literal (detected at line 2)" 2
    printf "x = 'abc\n" >"$prog"; run
    expect_syntax SyntaxError "unterminated string literal (detected at line 1)" 1 ;;
unterminated_triple)
    printf 'x = 1\ny = """abc\n\nmore\n' >"$prog"; run
    expect_syntax SyntaxError "unterminated triple-quoted string literal (detected at line 4)" 2
    printf "y = '''abc" >"$prog"; run
    expect_syntax SyntaxError "unterminated triple-quoted string literal (detected at line 1)" 1 ;;
null_byte)
    printf 'print("ran")\nx = 1\000 + 2\n' >"$prog"; run
    expect_exc SyntaxError "source code cannot contain null bytes"
    [ -s "$tmp/out" ] && fail "the program ran"
    grep -q "^  File \"$prog\", line 2\$" "$tmp/err" || fail "no File line" ;;
bad_utf8)
    printf 's = "\377"\n' >"$prog"; run
    expect_exc SyntaxError
    grep -q "Non-UTF-8 code starting with '\\\\xff'" "$tmp/err" || fail "no Non-UTF-8 message" ;;
unbalanced_open)
    printf 'x = (1,\n     2\ny = 3\n' >"$prog"; run
    expect_syntax SyntaxError "'(' was never closed" 1 ;;
unbalanced_mismatch)
    printf 'x = [1, 2)\n' >"$prog"; run
    expect_syntax SyntaxError "closing parenthesis ')' does not match opening parenthesis '['" 1 ;;
unbalanced_close)
    printf 'x = 1\ny = 2]\n' >"$prog"; run
    expect_syntax SyntaxError "unmatched ']'" 2 ;;
syntax_from_stdin)
    printf 'print(1)\nx = = 2\n' >"$prog"
    timeout "$limit" "$tw" - <"$prog" >"$tmp/out" 2>"$tmp/err"; rc=$?
    expect_exc SyntaxError "invalid syntax"
    grep -q '^  File "<stdin>", line 2$' "$tmp/err" || fail "no File \"<stdin>\" line" ;;
deep_parens)
    { printf 'x = '; gen_repeat 10000 '('; printf 1; gen_repeat 10000 ')'; echo; } >"$prog"; run
    expect_syntax SyntaxError "too many nested parentheses" 1 ;;
deep_lists)
    { printf 'x = '; gen_repeat 10000 '['; gen_repeat 10000 ']'; echo; } >"$prog"; run
    expect_syntax SyntaxError "too many nested parentheses" 1 ;;
assign_in_nested_lists)
    # Every '=' in a list display is an error whose message the parser
    # works out by parsing the rest again; nested 40 deep that once meant
    # 2^40 reparses (22 deep: 2.3 s and 860 MB).
    { printf 'x == '; gen_repeat 40 '[1, a = '; gen_repeat 40 ']'; echo; } >"$prog"; run
    expect_syntax SyntaxError "invalid syntax" 1 ;;
deep_dicts)
    { printf 'x = '; gen_repeat 10000 '{1: '; printf 1; gen_repeat 10000 '}'; echo; } >"$prog"; run
    expect_syntax SyntaxError "too many nested parentheses" 1 ;;
deep_ifs)
    awk 'BEGIN { for (i = 0; i < 10000; i++) printf "%*sif True:\n", i, ""; printf "%*spass\n", 10000, "" }' >"$prog"; run
    expect_syntax IndentationError "too many levels of indentation" 101 nocaret ;;
deep_blocks)
    # CPython allows 20 nested loop/with/try blocks; the 21st is an error.
    awk 'BEGIN { for (i = 0; i < 20; i++) printf "%*swhile False:\n", i, ""; printf "%*spass\nprint(\"ok\")\n", 20, "" }' >"$prog"; run
    [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = ok ] || fail "20 nested loops must compile and run"
    awk 'BEGIN { for (i = 0; i < 21; i++) printf "%*sfor x in ():\n", i, ""; printf "%*spass\n", 21, "" }' >"$prog"; run
    expect_syntax SyntaxError "too many statically nested blocks" 21 ;;
long_chains)
    # A chain is parsed in a loop but is as deep as it is long: CPython's
    # compiler gives RecursionError.
    for unit in '+1' '.b' '()' '[0]'; do
        { printf 'x = a'; gen_repeat 100000 "$unit"; echo; } >"$prog"; run
        expect_exc RecursionError "maximum recursion depth exceeded during compilation"
    done
    { printf 'x = 1'; gen_repeat 100000 ' < 1'; printf '\ny = (1'; gen_repeat 100000 ', 1'; printf ')\nprint(x, len(y))\n'; } >"$prog"; run
    [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "False 100001" ] || fail "flat chains must run" ;;

# ---------------- twinpy only: CPython's parser runs out of memory -------
deep_prefix)
    # 10000 prefix operators: CPython 3.11 gives MemoryError (its parser's
    # stack), twinpy RecursionError; either way a clean exception.
    for unit in '-' 'not ' 'lambda: ' '1 if 1 else '; do
        { printf 'x = '; gen_repeat 10000 "$unit"; echo 1; } >"$prog"; run
        [ "$rc" = 1 ] || fail "exit status $rc for '$unit' x 10000"
        case "$(last_err)" in RecursionError*|MemoryError*) ;; *) fail "not RecursionError/MemoryError for '$unit'" ;; esac
    done ;;

# ---------------- runtime errors (cpython) --------------------------------
recursion)
    printf 'def f(n):\n    return f(n + 1) + 1\nprint("start")\nf(0)\n' >"$prog"; run
    expect_exc RecursionError "maximum recursion depth exceeded"
    [ "$(cat "$tmp/out")" = start ] || fail "output before the error lost"
    grep -q 'Previous line repeated' "$tmp/err" || fail "repeated frames not folded" ;;
recursion_methods_and_repr)
    cat >"$prog" <<'EOF'
class A:
    def __repr__(self):
        return repr(self)
    def __eq__(self, other):
        return self == other
def deep(n):
    return deep(n + 1)
for what in (lambda: repr(A()), lambda: A() == A(), lambda: deep(0)):
    try:
        what()
    except RecursionError:
        print("RecursionError")
x = []
for i in range(100000):
    x = [x]
for what in (lambda: repr(x), lambda: str(x), lambda: x == [x]):
    try:
        what()
    except RecursionError:
        print("RecursionError")
print("alive")
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(grep -c '^RecursionError$' "$tmp/out")" = 6 ] || fail "expected 6 RecursionErrors"
    [ "$(tail -n 1 "$tmp/out")" = alive ] || fail "did not go on" ;;
recursion_raised_limit)
    # With a huge limit, 50000 Python frames are fine; runaway recursion
    # still ends in RecursionError, not a crash.
    cat >"$prog" <<'EOF'
import sys
sys.setrecursionlimit(1000000)
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
print(depth(50000))
def forever(n):
    return forever(n + 1)
try:
    forever(0)
except RecursionError:
    print("RecursionError")
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(cat "$tmp/out")" = "50000
RecursionError" ] || fail "unexpected output" ;;
recursion_in_thread)
    cat >"$prog" <<'EOF'
import threading
def f(n):
    return f(n + 1)
class A:
    def __repr__(self):
        return repr(self)
t = threading.Thread(target=f, args=(0,), name="deep")
t.start(); t.join()
t = threading.Thread(target=lambda: repr(A()), name="deep-repr")
t.start(); t.join()
print("main goes on")
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(cat "$tmp/out")" = "main goes on" ] || fail "unexpected output"
    [ "$(grep -c '^RecursionError: maximum recursion depth exceeded' "$tmp/err")" = 2 ] || fail "expected 2 RecursionErrors"
    grep -q '^Exception in thread deep:$' "$tmp/err" || fail "no 'Exception in thread deep:'" ;;
memory_list)
    printf 'print("before")\nx = [1] * 10**12\n' >"$prog"; run
    expect_exc MemoryError
    [ "$(cat "$tmp/out")" = before ] || fail "output lost" ;;
memory_str)
    printf "x = 'x' * 10**12\n" >"$prog"; run
    expect_exc MemoryError ;;
memory_caught)
    cat >"$prog" <<'EOF'
for make in (lambda: [1] * 10**12, lambda: 'x' * 10**12, lambda: (0,) * 10**12,
             lambda: [1, 2] * (10**12 // 2), lambda: 'ab' * 10**12):
    try:
        make()
        print("made it?")
    except MemoryError:
        print("MemoryError")
x = [1] * 1000
print(len(x), len('y' * 1000))
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(grep -c '^MemoryError$' "$tmp/out")" = 5 ] || fail "expected 5 MemoryErrors"
    [ "$(tail -n 1 "$tmp/out")" = "1000 1000" ] || fail "did not go on" ;;
memory_from_iterable)
    # an iterable that tells its length (range: len; its iterator:
    # __length_hint__) gets the room first, as in CPython: an impossible
    # length fails at once instead of filling the memory item by item
    # (a shorter time limit: the failure this case looks for is a run
    # that would take minutes)
    limit=20
    cat >"$prog" <<'EOF'
x = [1, 2]
for make in (lambda: list(range(10**12)), lambda: tuple(range(10**12)),
             lambda: sorted(range(10**12)), lambda: [*range(10**12)],
             lambda: list(iter(range(10**12))), lambda: x.extend(range(10**12)),
             lambda: list(range(0, 10**13, 7))):
    try:
        make()
        print("made it?")
    except MemoryError:
        print("MemoryError")
print(x, list(range(3)), tuple(range(2, 4)), sorted(range(3, 0, -1)))
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(grep -c '^MemoryError$' "$tmp/out")" = 7 ] || fail "expected 7 MemoryErrors"
    [ "$(tail -n 1 "$tmp/out")" = "[1, 2] [0, 1, 2] (2, 3) [1, 2, 3]" ] || fail "x changed or later lines wrong" ;;
memory_deque)
    # collections.deque grows by doubling, item by item: a repetition or a
    # range that could not fit in the machine's memory fails at once
    # (CPython's deque fills the memory first), a bounded deque keeps only
    # its last maxlen items and needs no room
    limit=20
    cat >"$prog" <<'EOF'
from collections import deque
d = deque([1, 2])
for make in (lambda: deque(range(10**12)), lambda: deque([1, 2]) * 10**12,
             lambda: 10**12 * deque([1]), lambda: d.extend(range(10**12)),
             lambda: d.__imul__(10**12)):
    try:
        make()
        print("made it?")
    except MemoryError:
        print("MemoryError")
print(d, deque([1, 2, 3], maxlen=4) * 10**12, deque(range(10**6), maxlen=2))
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(grep -c '^MemoryError$' "$tmp/out")" = 5 ] || fail "expected 5 MemoryErrors"
    [ "$(tail -n 1 "$tmp/out")" = "deque([1, 2]) deque([3, 1, 2, 3], maxlen=4) deque([999998, 999999], maxlen=2)" ] ||
        fail "d changed or later lines wrong" ;;
unhashable)
    cat >"$prog" <<'EOF'
class NoHash:
    def __eq__(self, other):
        return True
for make in (lambda: {[1]: 2}, lambda: {[1]}, lambda: {}.setdefault({}, 1),
             lambda: set().add([]), lambda: hash([]), lambda: {1: 2}[[1]],
             lambda: {NoHash(): 1}, lambda: [] in {1, 2}, lambda: {(1, [2]): 3}):
    try:
        make()
        print("hashed?")
    except TypeError as e:
        print(e)
d = {}
d[[1]] = 2
EOF
    run
    expect_exc TypeError "unhashable type: 'list'"
    [ "$(cat "$tmp/out")" = "unhashable type: 'list'
unhashable type: 'list'
unhashable type: 'dict'
unhashable type: 'list'
unhashable type: 'list'
unhashable type: 'list'
unhashable type: 'NoHash'
unhashable type: 'list'
unhashable type: 'list'" ] || fail "unexpected messages" ;;
release_unlocked)
    cat >"$prog" <<'EOF'
import threading, _thread
for make in (threading.Lock, _thread.allocate_lock, threading.RLock):
    lock = make()
    try:
        lock.release()
    except RuntimeError as e:
        print(e)
lock = threading.Lock()
with lock:
    pass
lock.release()
EOF
    run
    expect_exc RuntimeError "release unlocked lock"
    [ "$(cat "$tmp/out")" = "release unlocked lock
release unlocked lock
cannot release un-acquired lock" ] || fail "unexpected messages" ;;
thread_exceptions)
    # 50 threads raise at the same moment: each is reported the way
    # threading.excepthook does, and the program still exits 0.
    cat >"$prog" <<'EOF'
import threading
n = 50
barrier = threading.Barrier(n)
def boom(i):
    barrier.wait()
    raise ValueError("boom %d" % i)
threads = [threading.Thread(target=boom, args=(i,), name="T%d" % i) for i in range(n)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("done", threading.active_count())
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc, expected 0"
    [ "$(cat "$tmp/out")" = "done 1" ] || fail "unexpected stdout"
    [ "$(grep -c '^Exception in thread T[0-9]*:$' "$tmp/err")" = 50 ] || fail "not 50 'Exception in thread' headers"
    [ "$(grep -c '^Traceback (most recent call last):$' "$tmp/err")" = 50 ] || fail "not 50 tracebacks"
    i=0
    while [ $i -lt 50 ]; do
        grep -q "^ValueError: boom $i\$" "$tmp/err" || fail "no 'ValueError: boom $i'"
        i=$((i + 1))
    done ;;
deep_structures_free)
    # Dropping the last reference to a very deep structure frees it without
    # recursing on the C stack (CPython's trashcan), in the main thread and
    # in a thread (smaller stack), by reference counting and by the cycle
    # collector.
    cat >"$prog" <<'EOF'
import gc, threading
N = 100000
class Node:
    def __init__(self, nxt):
        self.next = nxt
def build(kind, n):
    x = None
    for i in range(n):
        if kind == "list": x = [x]
        elif kind == "tuple": x = (x,)
        elif kind == "dict": x = {"k": x}
        elif kind == "inst": x = Node(x)
        elif kind == "closure": x = (lambda y: lambda: y)(x)
    return x
def drop_all():
    for kind in ("list", "tuple", "dict", "inst", "closure"):
        x = build(kind, N)
        del x
        print("freed", kind)
drop_all()
t = threading.Thread(target=drop_all)
t.start(); t.join()
head = build("inst", N)
tail = head
while tail.next is not None:
    tail = tail.next
tail.next = head
del head, tail
print("cycle collected", gc.collect() >= N)
x = build("list", 5 * N)
x = None
print("freed half a million")
EOF
    run
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(grep -c '^freed ' "$tmp/out")" = 11 ] || fail "not every structure freed"
    grep -q '^cycle collected True$' "$tmp/out" || fail "cycle not collected" ;;

# ---------------- no lost output (cpython) --------------------------------
output_before_error_pipe)
    printf 'import sys\nfor i in range(5000):\n    print(i)\nsys.stdout.write("no newline")\nraise ValueError("end")\n' >"$prog"
    (timeout "$limit" "$tw" "$prog" 2>"$tmp/err"; echo $? >"$tmp/rc") | cat >"$tmp/out"
    rc=$(cat "$tmp/rc")
    expect_exc ValueError end
    [ "$(wc -l <"$tmp/out")" -eq 5000 ] || fail "lost lines"
    [ "$(tail -n 1 "$tmp/out")" = "no newline" ] || fail "unterminated last line lost" ;;
output_before_exit)
    printf 'import sys\nprint("a" * 100000)\nprint("partial", end="")\nsys.stderr.write("to stderr")\nsys.exit(3)\n' >"$prog"
    (timeout "$limit" "$tw" "$prog" 2>"$tmp/err"; echo $? >"$tmp/rc") | cat >"$tmp/out"
    rc=$(cat "$tmp/rc")
    [ "$rc" = 3 ] || fail "exit status $rc, expected 3"
    [ "$(tail -n 1 "$tmp/out")" = partial ] || fail "output before sys.exit lost"
    [ "$(wc -c <"$tmp/out")" = 100008 ] || fail "not all bytes"
    [ "$(cat "$tmp/err")" = "to stderr" ] || fail "stderr lost" ;;
output_from_threads)
    # Lines printed by other threads reach the file and the pipe, also
    # when the main thread then dies of an exception or calls sys.exit
    # while a non-daemon thread is still printing.
    cat >"$prog" <<'EOF'
import sys, threading
def chatter(k):
    for i in range(2000):
        print("t%d %d" % (k, i))
threads = [threading.Thread(target=chatter, args=(k,)) for k in range(4)]
for t in threads: t.start()
for t in threads: t.join()
late = threading.Thread(target=chatter, args=(9,))
late.start()
if len(sys.argv) > 1:
    sys.exit(5)
raise KeyError("main dies")
EOF
    run "$prog"
    expect_exc KeyError "'main dies'"
    [ "$(wc -l <"$tmp/out")" -eq 10000 ] || fail "file: lost lines ($(wc -l <"$tmp/out"))"
    (timeout "$limit" "$tw" "$prog" exit 2>"$tmp/err"; echo $? >"$tmp/rc") | cat >"$tmp/out"
    rc=$(cat "$tmp/rc")
    [ "$rc" = 5 ] || fail "exit status $rc, expected 5"
    [ "$(wc -l <"$tmp/out")" -eq 10000 ] || fail "pipe: lost lines ($(wc -l <"$tmp/out"))"
    [ "$(grep -c '^t9 ' "$tmp/out")" = 2000 ] || fail "the late thread's lines lost" ;;
output_thread_exception)
    printf 'import threading\ndef f():\n    print("from thread")\n    1 / 0\nt = threading.Thread(target=f, name="worker")\nt.start(); t.join()\nprint("main after")\n' >"$prog"
    (timeout "$limit" "$tw" "$prog" 2>"$tmp/err"; echo $? >"$tmp/rc") | cat >"$tmp/out"
    rc=$(cat "$tmp/rc")
    [ "$rc" = 0 ] || fail "exit status $rc"
    [ "$(cat "$tmp/out")" = "from thread
main after" ] || fail "unexpected stdout"
    grep -q '^Exception in thread worker:$' "$tmp/err" || fail "no header"
    [ "$(last_err)" = "ZeroDivisionError: division by zero" ] || fail "no last line" ;;

# ---------------- twinpy only: the step limit ------------------------------
step_limit)
    [ -n "${TWIN_BADINPUT_CPYTHON:-}" ] && { echo "skip $case_name (twinpy only)"; exit 0; }
    printf 'print("start")\nwhile True:\n    try:\n        pass\n    except Exception:\n        pass\n' >"$prog"
    export TWINPY_MAX_STEPS=100000; run
    expect_exc KeyboardInterrupt "step limit exceeded"
    [ "$(cat "$tmp/out")" = start ] || fail "output lost"
    printf 'def f():\n    return f()\nf()\n' >"$prog"
    export TWINPY_MAX_STEPS=100; run
    expect_exc KeyboardInterrupt "step limit exceeded"
    printf 'for i in range(1000):\n    pass\nprint(i)\n' >"$prog"
    export TWINPY_MAX_STEPS=5000; run
    [ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = 999 ] || fail "a short loop must finish under the limit" ;;

*)
    echo "unknown case $case_name"
    exit 1
    ;;
esac
echo "ok $case_name"

/*
 * eval.c — the interpreter loop.
 *
 * One C function, eval_loop(), runs frames.  A call from Python code to a
 * Python function pushes the callee's frame and carries on in the same
 * loop; its return pops back to the caller.  So Python recursion costs no
 * C stack.  C code that calls a Python function (tw_function_call, from
 * tw_call) enters the loop anew with an "entry" frame; the loop returns to
 * C when that frame returns.  Two limits guard the C stack: the Python
 * call depth (sys.setrecursionlimit, counted per frame) and a check of the
 * real stack pointer against the thread's stack bounds at every C-level
 * entry, so a deep chain of C re-entries raises RecursionError instead of
 * overflowing.
 *
 * The eval breaker (GIL drop requests, stop-the-world, pending calls) is
 * tested only at backward jumps and at calls, as CPython does: that is what
 * makes the GIL build's thread switches happen where CPython's happen.
 *
 * Exceptions use a block stack (SETUP_FINALLY / SETUP_WITH push a block,
 * POP_BLOCK pops it).  When an error unwinds into a block, the value stack
 * is cut back to the block's level, the previously handled exception and
 * the new one are pushed, and the handler runs inside an EXCEPT_HANDLER
 * block that restores the previous handled exception when it ends.  As an
 * exception leaves each frame, one traceback entry is appended to it.
 *
 * Dispatch uses computed gotos with GCC and Clang and a switch otherwise;
 * the opcode list comes from opcodes.h either way.
 */
#define _GNU_SOURCE 1
/* the interpreter loop: every reference count update inline */
#define TW_REFCOUNT_HOT 1
#include <pthread.h>
#include <string.h>

#include "vm/opcodes.h"
#include "vm/frame_inline.h"
#include "objects/typeobject_internal.h"

/* ---------------- recursion limits --------------------------------- */

static int g_recursion_limit = 1000;

int tw_get_recursion_limit(void) { return __atomic_load_n(&g_recursion_limit, __ATOMIC_RELAXED); }
void tw_set_recursion_limit(int limit) { __atomic_store_n(&g_recursion_limit, limit, __ATOMIC_RELAXED); }

/* ---------------- step limit ---------------------------------------- */

static _Thread_local long long tls_steps_left;

void tw_set_step_limit(long long steps)
{
    TwThreadState *ts = tw_tstate();
    tls_steps_left = steps;
    if (steps > 0)
        tw_eval_breaker_set(ts, TW_EB_STEP_LIMIT);
    else
        tw_eval_breaker_clear(ts, TW_EB_STEP_LIMIT);
}

/* The eval breaker's slow path: count a step when a step limit is set,
 * then let the runtime handle its own bits. */
static int eval_breaker_slow(TwThreadState *ts)
{
    uint32_t bits = __atomic_load_n(&ts->eval_breaker, __ATOMIC_RELAXED);
    if (bits & TW_EB_STEP_LIMIT) {
        if (tls_steps_left <= 0) {
            tw_err_set_string(TwExc_KeyboardInterrupt, "step limit exceeded");
            return -1;
        }
        tls_steps_left--;
        if ((bits & ~(uint32_t)TW_EB_STEP_LIMIT) == 0)
            return 0;
    }
    return tw_eval_breaker_handle(ts);
}

static _Thread_local char *tls_stack_limit;

/* The lowest address this thread's C stack may reach before the loop
 * refuses to go deeper: the bottom of the stack plus a safety margin for
 * the C code that runs between two checks. */
static char *c_stack_limit(void)
{
    if (tls_stack_limit == NULL) {
        pthread_attr_t attr;
        void *addr = NULL;
        size_t size = 0;
        char here;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            pthread_attr_getstack(&attr, &addr, &size);
            pthread_attr_destroy(&attr);
        }
        if (addr == NULL || size == 0) {
            addr = (void *)((uintptr_t)&here - (1u << 20));
            size = 1 << 20;
        }
        size_t margin = size / 4 < (256 << 10) ? size / 4 : (256 << 10);
        tls_stack_limit = (char *)addr + margin;
    }
    return tls_stack_limit;
}

static TwObject *recursion_error(void)
{
    tw_err_set_string(TwExc_RecursionError, "maximum recursion depth exceeded");
    return NULL;
}

/* Make f the thread's innermost frame, counting Python call depth. */
static inline int frame_push(TwThreadState *ts, TwFrame *f)
{
    if (ts->recursion_depth >= __atomic_load_n(&g_recursion_limit, __ATOMIC_RELAXED)) {
        recursion_error();
        return -1;
    }
    ts->recursion_depth++;
    f->back = ts->frame;
    ts->frame = f;
    return 0;
}

static inline void frame_pop(TwThreadState *ts, TwFrame *f)
{
    ts->recursion_depth--;
    ts->frame = f->back;
}

/* ---------------- frame set-up ---------------------------------------- */

/* Create the cells of captured locals (moving a parameter into its cell
 * when the parameter is captured) and copy the closure's cells in. */
static inline int frame_prepare_cells(TwFrame *f)
{
    TwCodeObject *co = f->code;
    TwObject **cells = f->localsplus + co->nlocals;
    for (int i = 0; i < co->ncells; i++) {
        TwObject *init = NULL;
        int a = co->cell2arg ? co->cell2arg[i] : -1;
        if (a >= 0)
            init = f->localsplus[a];
        TwObject *c = tw_cell_new(init);
        if (c == NULL)
            return -1;
        if (a >= 0)
            TW_CLEAR(f->localsplus[a]);
        cells[i] = c;
    }
    if (co->nfrees) {
        TwObject *closure = f->func ? ((TwFunctionObject *)f->func)->closure : NULL;
        if (closure == NULL || TW_TUPLE_SIZE(closure) < co->nfrees) {
            tw_err_set_string(TwExc_SystemError, "code needs a closure it was not given");
            return -1;
        }
        for (int i = 0; i < co->nfrees; i++)
            cells[co->ncells + i] = tw_newref(TW_TUPLE_GET(closure, i));
    }
    return 0;
}

TwFrame *tw_frame_for_call_prepared(TwFunctionObject *fn, TwObject *self, TwObject *const *args,
                                    size_t nargs, TwObject *kwnames, int hold);

/* tw_frame_for_call plus the closure cells: a frame ready to run. */
TwFrame *tw_frame_for_call_prepared(TwFunctionObject *fn, TwObject *self, TwObject *const *args,
                                    size_t nargs, TwObject *kwnames, int hold)
{
    TwFrame *f = tw_frame_for_call(fn, self, args, nargs, kwnames, hold);
    if (f == NULL)
        return NULL;
    if ((f->code->ncells || f->code->nfrees) && frame_prepare_cells(f) < 0) {
        tw_frame_release(f);
        return NULL;
    }
    return f;
}

/* A call of a generator function returns a generator owning the frame. */
static TwObject *make_generator(TwFrame *f)
{
    TwFunctionObject *fn = (TwFunctionObject *)f->func;
    return tw_gen_new(f, fn->name, fn->qualname);
}

TwObject *tw_function_call(TwObject *func, TwObject *const *args, size_t nargs, TwObject *kwnames)
{
    return tw_function_call_self(func, NULL, args, nargs, kwnames, false);
}

TwObject *tw_function_call_self(TwObject *func, TwObject *self, TwObject *const *args,
                                size_t nargs, TwObject *kwnames, bool borrowed)
{
    TwFunctionObject *fn = (TwFunctionObject *)func;
    TwFrame *f = tw_frame_for_call_prepared(fn, self, args, nargs, kwnames,
                                            borrowed ? TW_FRAME_FUNC_BORROW : TW_FRAME_FUNC_COUNT);
    if (f == NULL)
        return NULL;
    if (f->code->flags & TW_CO_GENERATOR)
        return make_generator(f);
    return tw_eval_frame(tw_tstate(), f);
}

TwObject *tw_eval_code(TwObject *code, TwObject *globals, TwObject *locals)
{
    TwCodeObject *co = (TwCodeObject *)code;
    if (!TW_CODE_CHECK(code)) {
        tw_err_set_string(TwExc_TypeError, "tw_eval_code needs a code object");
        return NULL;
    }
    if (co->nfrees) {
        tw_err_set_string(TwExc_TypeError, "code object passed to exec() may not contain free variables");
        return NULL;
    }
    TwFrame *f = tw_frame_new(co, NULL, globals, tw_builtins_dict(), locals ? locals : globals, false);
    if (f == NULL)
        return NULL;
    if (co->ncells && frame_prepare_cells(f) < 0) {
        tw_frame_release(f);
        return NULL;
    }
    return tw_eval_frame(tw_tstate(), f);
}

/* ---------------- helpers of the instructions ----------------------- */

static TwObject *name_error(TwObject *name)
{
    return tw_err_format(TwExc_NameError, "name '%s' is not defined", TW_STR_DATA(name));
}

static TwObject *unbound_local(TwObject *name)
{
    return tw_err_format(TwExc_UnboundLocalError,
                         "cannot access local variable '%s' where it is not associated with a value",
                         TW_STR_DATA(name));
}

static TwObject *deref_name(TwCodeObject *co, int i)
{
    return i < co->ncells ? TW_TUPLE_GET(co->cellvars, i) : TW_TUPLE_GET(co->freevars, i - co->ncells);
}

static void unbound_deref(TwCodeObject *co, int i)
{
    if (i < co->ncells)
        unbound_local(deref_name(co, i));
    else
        tw_err_format(TwExc_NameError,
                      "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
                      TW_STR_DATA(deref_name(co, i)));
}

/* LOAD_GLOBAL: globals, then builtins.  Hits are served from the code
 * object's per-name cache while neither dict has changed (dict versions).
 * The nogil runtime's deferred reference counting of globals belongs
 * here, and only here.
 *
 * Threads running the same code share its cache: it is read without a
 * lock and written under the code object's critical section.  A writer
 * marks the entry invalid before changing it and stores the versions
 * last; a reader takes its reference with tw_try_incref_item (the cached
 * value may be replaced in the dict and freed meanwhile) and keeps it only
 * if the entry and both dicts still show the versions it checked. */
#define TW_GLOBAL_CACHE_INVALID UINT64_MAX

/* Call a with statement's __exit__, found on type(mgr), as mgr's method:
 * functions and method descriptors take mgr as their first argument,
 * anything else is bound first (staticmethod, classmethod, ...). */
static TwObject *call_exit(TwObject *exitf, TwObject *mgr, TwObject *const args[3])
{
    TwTypeObject *et = TW_TYPE(exitf);
    if (et->tp_flags & TW_TPFLAGS_METHOD_DESCRIPTOR) {
        TwObject *argv[4] = {mgr, args[0], args[1], args[2]};
        return tw_call(exitf, argv, 4, NULL);
    }
    if (et->tp_descr_get == NULL)
        return tw_call(exitf, args, 3, NULL);
    TwObject *bound = et->tp_descr_get(exitf, mgr, (TwObject *)TW_TYPE(mgr));
    if (bound == NULL)
        return NULL;
    TwObject *res = tw_call(bound, args, 3, NULL);
    TW_DECREF(bound);
    return res;
}

/* ---------------- fast cases shared by the opcodes ------------------ */

/* x op y for two C numbers of one type: 0 or 1, or -1 for an op that is
 * not one of TW_LT..TW_GE. */
#define COMPARE_VALUES(op, x, y)                                                   \
    ((op) == TW_LT ? (x) < (y) : (op) == TW_LE ? (x) <= (y) : (op) == TW_EQ ? (x) == (y) \
     : (op) == TW_NE ? (x) != (y) : (op) == TW_GT ? (x) > (y) : (op) == TW_GE ? (x) >= (y) : -1)

/* Two exact ints or two floats compared: 0 or 1; -1 when neither fast
 * case applies (the generic protocol decides). */
static inline __attribute__((always_inline)) int compare_fast(TwObject *l, TwObject *r, int op)
{
    if (TW_INT_CHECK_EXACT(l) && TW_INT_CHECK_EXACT(r)) {
        int64_t x = TW_INT_VALUE(l), y = TW_INT_VALUE(r);
        switch (op) {
        case TW_LT: return x < y;
        case TW_LE: return x <= y;
        case TW_EQ: return x == y;
        case TW_NE: return x != y;
        case TW_GT: return x > y;
        case TW_GE: return x >= y;
        }
    } else if (TW_TYPE(l) == &TwFloat_Type && TW_TYPE(r) == &TwFloat_Type) {
        double x = TW_FLOAT_VALUE(l), y = TW_FLOAT_VALUE(r);
        switch (op) {
        case TW_LT: return x < y;
        case TW_LE: return x <= y;
        case TW_EQ: return x == y;
        case TW_NE: return x != y;
        case TW_GT: return x > y;
        case TW_GE: return x >= y;
        }
    }
    return -1;
}

/* a op b on exact ints: true with *c set; false when the generic protocol
 * must decide (overflow, a negative operand of // or %, other operators). */
static inline __attribute__((always_inline)) bool int_binop_fast(int op, int64_t a, int64_t b,
                                                                 int64_t *c)
{
    switch (op) {
    case TW_BINOP_ADD: return !__builtin_add_overflow(a, b, c);
    case TW_BINOP_SUB: return !__builtin_sub_overflow(a, b, c);
    case TW_BINOP_MUL: return !__builtin_mul_overflow(a, b, c);
    case TW_BINOP_FLOORDIV:
        if (b <= 0 || a < 0)
            return false;
        *c = a / b;
        return true;
    case TW_BINOP_MOD:
        if (b <= 0 || a < 0)
            return false;
        *c = a % b;
        return true;
    case TW_BINOP_AND: *c = a & b; return true;
    case TW_BINOP_OR: *c = a | b; return true;
    case TW_BINOP_XOR: *c = a ^ b; return true;
    default: return false;
    }
}

/* a op b on floats: true with *d set; false for other operators and
 * division by zero (the generic protocol raises). */
static inline __attribute__((always_inline)) bool float_binop_fast(int op, double a, double b,
                                                                   double *d)
{
    switch (op) {
    case TW_BINOP_ADD: *d = a + b; return true;
    case TW_BINOP_SUB: *d = a - b; return true;
    case TW_BINOP_MUL: *d = a * b; return true;
    case TW_BINOP_TRUEDIV:
        if (b == 0.0)
            return false;
        *d = a / b;
        return true;
    default: return false;
    }
}

/* `s += t` or `s = s + t` (s an exact str, w the instruction after the
 * operation): when w stores the result into s's own local and s's
 * references are that local's alone (n == 1) or it and the stack's
 * (n == 2), t is appended to s's own block, which the allocator grows in
 * place as it can (tw_str_append_in_place), so a loop of appends is not
 * quadratic; the local then holds the result with one reference (the
 * stack's, for n == 2, went to it) and true is returned.  Otherwise
 * nothing changed (false).  Out of line: the interpreter loop's
 * arithmetic keeps its registers. */
static __attribute__((noinline)) bool str_append_to_local(TwObject **localsplus, uint32_t w,
                                                          uint32_t local, TwObject *s, TwObject *t,
                                                          TwSsize n)
{
    if (!TW_STR_CHECK_EXACT(t) || TW_INSTR_OP(w) != TW_OP_STORE_FAST ||
        TW_INSTR_ARG(w) != local || localsplus[local] != s || !tw_refcnt_is_unshared(s, n) ||
        !tw_object_may_move(s))
        return false;
    localsplus[local] = NULL;
    if (n == 2)
        tw_decref(s);       /* the local's: the stack's stays while s moves */
    TwObject *r = tw_str_append_in_place(s, t);
    if (r == NULL) {
        localsplus[local] = n == 2 ? tw_newref(s) : s;
        return false;
    }
    localsplus[local] = r;
    return true;
}

/* The interpreter's readers of list[i] (0 <= i expected; NULL out of
 * range): a private list's item by a plain read (nobody else changes the
 * list: runtime.h), and a shared list's slot by list.c's lock-free read. */
static inline __attribute__((always_inline)) TwObject *private_list_item(TwListObject *lo, int64_t i)
{
    return (uint64_t)i < (uint64_t)lo->size ? lo->array->items[i] : NULL;
}
static inline __attribute__((always_inline)) TwObject **shared_list_slot(TwListObject *lo, int64_t i)
{
    TwListArray *a;
    if ((uint64_t)i < (uint64_t)tw_atomic_load_ssize(&lo->size)
        && (a = tw_atomic_load_ptr(&lo->array)) != NULL && (uint64_t)i < (uint64_t)a->allocated)
        return &a->items[i];
    return NULL;
}

/* list[i] without a reference, or NULL: only for a list no other thread
 * can change (private: see runtime.h) and 0 <= i < len.  The caller uses
 * the item before any code runs (number arithmetic), while the list keeps
 * it: nobody else can drop it from the list, and its count is at least
 * the list's, so nobody changes its value in place either. */
static inline __attribute__((always_inline)) TwObject *list_item_borrow(TwObject *list, int64_t i)
{
    return tw_object_is_private(list) ? private_list_item((TwListObject *)list, i) : NULL;
}

/* list[i] without a reference, or NULL, for the interpreter's uncounted
 * number operands only: from a private list as list_item_borrow; from a
 * shared one by list.c's lock-free read.  An item of a shared list is
 * published: until the caller's next quiescent point its memory stays and,
 * if it is an int or float, its value does not change
 * (tw_refcnt_is_unshared), even if another thread takes it out of the
 * list meanwhile.  It must not be counted (it may be dead by now).  A
 * list biased to another thread gives NULL: unbiasing it stops the world,
 * a quiescent point, which would end what an earlier peek returned (the
 * caller's plain path unbiases it). */
static __attribute__((noinline)) TwObject *list_item_peek_shared(TwObject *list, int64_t i)
{
    if (tw_bias_read_needs_revoke(list))
        return NULL;
    TwObject **slot = shared_list_slot((TwListObject *)list, i);
    return slot != NULL ? tw_atomic_load_ptr(slot) : NULL;
}
/* z[m] for list_item_peek's callers when z is not a list with an int
 * index: a dict's value by tw_dict_peek, else NULL. */
static __attribute__((noinline)) TwObject *subscr_peek_other(TwObject *z, TwObject *m)
{
    return TW_TYPE(z) == &TwDict_Type ? tw_dict_peek(z, m) : NULL;
}
static inline __attribute__((always_inline)) TwObject *list_item_peek(TwObject *list, int64_t i)
{
    if (__builtin_expect(tw_object_is_private(list), 1))
        return private_list_item((TwListObject *)list, i);
    return list_item_peek_shared(list, i);
}

/* list[i] by list.c's lock-free read, inline: a new reference, or NULL for
 * anything unusual (a negative index, a racing writer), which the caller
 * hands to tw_list_get. */
static inline __attribute__((always_inline)) TwObject *list_item_fast(TwObject *list, int64_t i)
{
    if (tw_object_is_private(list)) {
        TwObject *v = private_list_item((TwListObject *)list, i);
        if (v != NULL)
            tw_incref(v);
        return v;
    }
    tw_bias_check_read(list);
    TwObject **slot = shared_list_slot((TwListObject *)list, i);
    return slot != NULL ? tw_try_incref_item(slot) : NULL;
}

/* A cache entry is read as a seqlock: its versions must equal the dicts'
 * before the value is read (global_cache_matches), and the entry's and
 * the dicts' versions must not have moved after (global_cache_unchanged). */
static inline __attribute__((always_inline)) bool global_cache_matches(TwGlobalCache *c, TwObject *globals, uint64_t gv, uint64_t bv)
{
    return __atomic_load_n(&c->globals_version, __ATOMIC_ACQUIRE) == gv
        && __atomic_load_n(&c->builtins_version, __ATOMIC_ACQUIRE) == bv
        && tw_atomic_load_ptr(&c->globals) == globals;
}

static inline __attribute__((always_inline)) bool global_cache_unchanged(TwGlobalCache *c, TwDictObject *gd, TwDictObject *bd, uint64_t gv, uint64_t bv)
{
    return __atomic_load_n(&c->globals_version, __ATOMIC_ACQUIRE) == gv
        && __atomic_load_n(&gd->version, __ATOMIC_ACQUIRE) == gv
        && __atomic_load_n(&bd->version, __ATOMIC_ACQUIRE) == bv;
}

/* The cache hit: a new reference, or NULL (no exception) on a miss.
 * borrow (a constant at each call): the value only if the frame may hold
 * it without a reference (tw_frame_may_borrow; twinpy/vm.h), uncounted,
 * else NULL.  Its header is safe to read before the versions confirm it
 * (tw_try_incref_global reads it too): memory read without a lock is
 * freed after a grace period. */
static inline __attribute__((always_inline)) TwObject *global_cache_read(TwGlobalCache *c, TwObject *globals,
                                                                         TwObject *builtins, bool borrow)
{
    TwDictObject *gd = (TwDictObject *)globals, *bd = (TwDictObject *)builtins;
    uint64_t gv = __atomic_load_n(&gd->version, __ATOMIC_ACQUIRE);
    uint64_t bv = __atomic_load_n(&bd->version, __ATOMIC_ACQUIRE);
    if (global_cache_matches(c, globals, gv, bv)) {
        if (borrow) {
            TwObject *v = __atomic_load_n(&c->value, __ATOMIC_ACQUIRE);
            if (v != NULL && tw_frame_may_borrow(v) && global_cache_unchanged(c, gd, bd, gv, bv))
                return v;
            return NULL;
        }
        TwObject *v = tw_try_incref_global(&c->value);
        if (v) {
            if (global_cache_unchanged(c, gd, bd, gv, bv))
                return v;
            tw_decref(v);
        }
    }
    return NULL;
}

/* The value of a valid cache entry, without a reference (NULL on a
 * miss), for an identity test only: it is never dereferenced.  The
 * versions read again after the value say it was the name's value at one
 * moment during the read; an object the caller holds that has the same
 * address then is the same object.  Out of line: the interpreter loop
 * keeps its registers (instruction counts of bench/driver.py's scripts). */
static __attribute__((noinline)) TwObject *global_cache_peek(TwGlobalCache *c, TwObject *globals, TwObject *builtins)
{
    TwDictObject *gd = (TwDictObject *)globals, *bd = (TwDictObject *)builtins;
    uint64_t gv = __atomic_load_n(&gd->version, __ATOMIC_ACQUIRE);
    uint64_t bv = __atomic_load_n(&bd->version, __ATOMIC_ACQUIRE);
    if (global_cache_matches(c, globals, gv, bv)) {
        TwObject *v = __atomic_load_n(&c->value, __ATOMIC_ACQUIRE);
        if (v != NULL && global_cache_unchanged(c, gd, bd, gv, bv))
            return v;
    }
    return NULL;
}

static TwObject *load_global(TwCodeObject *co, TwObject *globals, TwObject *builtins, int idx)
{
    TwDictObject *gd = (TwDictObject *)globals, *bd = (TwDictObject *)builtins;
    TwGlobalCache *cache = tw_atomic_load_ptr(&co->global_cache);
    if (cache) {
        TwObject *hit = global_cache_read(&cache[idx], globals, builtins, false);
        if (hit)
            return hit;
    }
    /* versions before the lookup: the entry may claim an older version
     * than its value, never a newer one */
    uint64_t gv = __atomic_load_n(&gd->version, __ATOMIC_ACQUIRE);
    uint64_t bv = __atomic_load_n(&bd->version, __ATOMIC_ACQUIRE);
    TwGlobalCache *c;
    TwObject *name = TW_TUPLE_GET(co->names, idx);
    TwObject *v;
    int found = tw_dict_get_ref(globals, name, &v);
    if (found == 0)
        found = tw_dict_get_ref(builtins, name, &v);
    if (found <= 0) {
        if (found == 0)
            name_error(name);
        return NULL;
    }
    TW_BEGIN_CRITICAL_SECTION((TwObject *)co);
    cache = tw_atomic_load_ptr(&co->global_cache);
    if (cache == NULL) {
        cache = tw_mem_calloc((size_t)TW_TUPLE_SIZE(co->names) * sizeof(TwGlobalCache));
        tw_atomic_store_ptr(&co->global_cache, cache);
    }
    if (cache) {
        c = &cache[idx];
        /* a reader that sees the new value (acquire) sees INVALID or later */
        __atomic_store_n(&c->globals_version, TW_GLOBAL_CACHE_INVALID, __ATOMIC_RELAXED);
        tw_object_publish(v);
        __atomic_store_n(&c->value, v, __ATOMIC_RELEASE);
        tw_atomic_store_ptr(&c->globals, globals);
        __atomic_store_n(&c->builtins_version, bv, __ATOMIC_RELEASE);
        __atomic_store_n(&c->globals_version, gv, __ATOMIC_RELEASE);
    }
    TW_END_CRITICAL_SECTION();
    return v;
}

/* Dict reads here use tw_dict_get_ref: module-level code reads globals
 * that other threads may be replacing. */
static TwObject *mapping_get(TwObject *d, TwObject *key)
{
    if (TW_DICT_CHECK(d)) {
        TwObject *v;
        return tw_dict_get_ref(d, key, &v) < 0 ? NULL : v;
    }
    TwObject *v = tw_object_getitem(d, key);
    if (v == NULL && tw_err_matches(TwExc_KeyError))
        tw_err_clear();
    return v;
}

static TwObject *load_name(TwFrame *f, TwObject *name)
{
    TwObject *v;
    if (f->locals && f->locals != f->globals) {
        v = mapping_get(f->locals, name);
        if (v || tw_err_occurred())
            return v;
    }
    int found = tw_dict_get_ref(f->globals, name, &v);
    if (found == 0)
        found = tw_dict_get_ref(f->builtins, name, &v);
    if (found > 0)
        return v;
    if (found == 0)
        name_error(name);
    return NULL;
}

/* LOAD_METHOD: for a plain method found on the type (and not shadowed by
 * the instance dict), push the function and self instead of allocating a
 * bound method.  Everything else is an ordinary getattr. */
static inline __attribute__((always_inline)) int load_method(TwObject *owner, TwObject *name, TwObject **meth)
{
    TwTypeObject *tp = TW_TYPE(owner);
    if (tp->tp_getattro == tw_object_generic_getattr) {
        TwObject *descr = tw_type_lookup(tp, name);
        /* taken before the instance dict is looked at (which may run
         * code); a value another thread's assignment just ended goes the
         * general way (tw_type_lookup_ref) */
        if (descr != NULL && (TW_TYPE(descr)->tp_flags & TW_TPFLAGS_METHOD_DESCRIPTOR) && tw_try_incref(descr)) {
            /* an instance attribute of the name shadows the method (a
             * function is no data descriptor): the value found is the
             * attribute, as one lookup */
            TwObject *v = NULL;
            if (tp->tp_dictoffset > 0
                && tw_dict_slot_get_ref((TwObject **)((char *)owner + tp->tp_dictoffset), name, &v) != 0) {
                tw_decref(descr);
                *meth = v;
                return v ? 0 : -1;
            }
            *meth = descr;
            return 1;
        }
    }
    *meth = tw_object_getattr(owner, name);
    return *meth ? 0 : -1;
}

/* Call with self prepended to args: args[-1] must be a writable slot
 * holding self (the value stack always has one there). */
static inline TwObject *call_with_self_slot(TwObject *callable, TwObject **args_with_self,
                                            size_t nargs_with_self, TwObject *kwnames)
{
    return tw_call(callable, args_with_self, nargs_with_self, kwnames);
}

static int unpack_iterable(TwObject *v, int before, int after, TwObject **sp_top)
{
    /* values are written downward from sp_top[-1]: first item deepest-last */
    TwObject *it = tw_object_iter(v);
    if (it == NULL) {
        if (tw_err_matches(TwExc_TypeError) && TW_TYPE(v)->tp_iter == NULL
            && TW_TYPE(v)->tp_getitem == NULL) {
            tw_err_clear();
            tw_err_format(TwExc_TypeError, "cannot unpack non-iterable %s object",
                          tw_type_name(TW_TYPE(v)));
        }
        return -1;
    }
    int total = before + (after >= 0 ? after + 1 : 0);
    TwObject **out = sp_top + (after >= 0 ? total : before);
    /* out[-1] gets item 0, out[-2] item 1, ... */
    int i = 0;
    for (; i < before; i++) {
        TwObject *w = tw_iter_next(it);
        if (w == NULL) {
            if (!tw_err_occurred()) {
                if (after < 0)
                    tw_err_format(TwExc_ValueError, "not enough values to unpack (expected %d, got %d)",
                                  before, i);
                else
                    tw_err_format(TwExc_ValueError,
                                  "not enough values to unpack (expected at least %d, got %d)",
                                  before + after, i);
            }
            goto fail;
        }
        out[-1 - i] = w;
    }
    if (after < 0) {
        TwObject *w = tw_iter_next(it);
        if (w != NULL) {
            TW_DECREF(w);
            tw_err_format(TwExc_ValueError, "too many values to unpack (expected %d)", before);
            goto fail;
        }
        if (tw_err_occurred())
            goto fail;
        TW_DECREF(it);
        return 0;
    }
    TwObject *rest = tw_list_from_iterable(it);
    if (rest == NULL)
        goto fail;
    TwSsize n = TW_LIST_SIZE(rest);
    if (n < after) {
        tw_err_format(TwExc_ValueError, "not enough values to unpack (expected at least %d, got %zd)",
                      before + after, (TwSsize)before + n);
        TW_DECREF(rest);
        goto fail;
    }
    /* the last `after` items of rest go after the starred list */
    for (int k = 0; k < after; k++) {
        TwObject *w = tw_list_get(rest, n - after + k);
        out[-1 - before - 1 - k] = w;
    }
    TwObject *starred = tw_list_new(0);
    for (TwSsize k = 0; starred && k < n - after; k++) {
        TwObject *w = tw_list_get(rest, k);
        tw_list_append(starred, w);
        TW_DECREF(w);
    }
    TW_DECREF(rest);
    if (starred == NULL) {
        for (int k = 0; k < after; k++)
            TW_DECREF(out[-1 - before - 1 - k]);
        goto fail;
    }
    out[-1 - before] = starred;
    TW_DECREF(it);
    return 0;
fail:
    for (int k = 0; k < i; k++)
        TW_DECREF(out[-1 - k]);
    TW_DECREF(it);
    return -1;
}

/* ascii(): repr with every non-ASCII character escaped. */
static TwObject *object_ascii(TwObject *v)
{
    TwObject *r = tw_object_repr(v);
    if (r == NULL || ((TwStrObject *)r)->is_ascii)
        return r;
    TwStrBuilder sb;
    tw_sb_init(&sb);
    const unsigned char *s = (const unsigned char *)TW_STR_DATA(r);
    size_t n = (size_t)TW_STR_SIZE(r);
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            tw_sb_append(&sb, (const char *)&s[i], 1);
            i++;
            continue;
        }
        int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        uint32_t cp = c & (len == 4 ? 0x07 : len == 3 ? 0x0f : 0x1f);
        for (int k = 1; k < len && i + (size_t)k < n; k++)
            cp = (cp << 6) | (s[i + k] & 0x3f);
        char buf[16];
        if (cp <= 0xff)
            snprintf(buf, sizeof buf, "\\x%02x", cp);
        else if (cp <= 0xffff)
            snprintf(buf, sizeof buf, "\\u%04x", cp);
        else
            snprintf(buf, sizeof buf, "\\U%08x", cp);
        tw_sb_append_cstr(&sb, buf);
        i += (size_t)len;
    }
    TW_DECREF(r);
    return tw_sb_finish(&sb);
}

static TwObject *format_value(TwObject *v, int flags, TwObject *spec)
{
    TwObject *conv;
    switch (flags & TW_FVC_MASK) {
    case TW_FVC_STR: conv = tw_object_str(v); break;
    case TW_FVC_REPR: conv = tw_object_repr(v); break;
    case TW_FVC_ASCII: conv = object_ascii(v); break;
    default: conv = tw_newref(v); break;
    }
    if (conv == NULL)
        return NULL;
    if (spec == NULL && TW_STR_CHECK_EXACT(conv))
        return conv;
    TwObject *empty = NULL;
    if (spec == NULL) {
        empty = tw_str_from_utf8("", 0);
        if (empty == NULL) {
            TW_DECREF(conv);
            return NULL;
        }
    }
    TwObject *res = tw_object_format(conv, spec ? spec : empty);
    TW_XDECREF(empty);
    TW_DECREF(conv);
    return res;
}

static bool is_exception_class(TwObject *o)
{
    return TW_HAS_TPFLAG(o, TW_TPFLAGS_TYPE_SUBCLASS)
           && (((TwTypeObject *)o)->tp_flags & TW_TPFLAGS_EXC_SUBCLASS);
}

/* raise exc [from cause]: returns -1 with the exception set. */
static int do_raise(TwObject *exc, TwObject *cause)
{
    TwObject *value;
    if (is_exception_class(exc)) {
        value = tw_call0(exc);
        if (value == NULL)
            return -1;
        if (!TW_HAS_TPFLAG(value, TW_TPFLAGS_EXC_SUBCLASS)) {
            tw_err_format(TwExc_TypeError,
                          "calling %R should have returned an instance of BaseException, not %T",
                          exc, value);
            TW_DECREF(value);
            return -1;
        }
    } else if (TW_HAS_TPFLAG(exc, TW_TPFLAGS_EXC_SUBCLASS)) {
        value = tw_newref(exc);
    } else {
        tw_err_set_string(TwExc_TypeError, "exceptions must derive from BaseException");
        return -1;
    }
    if (cause != NULL) {
        TwObject *c;
        if (cause == Tw_None) {
            c = NULL;
        } else if (is_exception_class(cause)) {
            c = tw_call0(cause);
            if (c == NULL) {
                TW_DECREF(value);
                return -1;
            }
        } else if (TW_HAS_TPFLAG(cause, TW_TPFLAGS_EXC_SUBCLASS)) {
            c = tw_newref(cause);
        } else {
            tw_err_set_string(TwExc_TypeError, "exception causes must derive from BaseException");
            TW_DECREF(value);
            return -1;
        }
        TwBaseExceptionObject *e = (TwBaseExceptionObject *)value;
        TW_SETREF(e->cause, c);
        e->suppress_context = true;
    }
    tw_err_raise(value);
    return -1;
}

static int check_except_type(TwObject *t)
{
    if (TW_TUPLE_CHECK(t)) {
        for (TwSsize i = 0; i < TW_TUPLE_SIZE(t); i++)
            if (!is_exception_class(TW_TUPLE_GET(t, i)))
                goto bad;
        return 0;
    }
    if (is_exception_class(t))
        return 0;
bad:
    tw_err_set_string(TwExc_TypeError,
                      "catching classes that do not inherit from BaseException is not allowed");
    return -1;
}

static TwObject *import_from(TwObject *module, TwObject *name)
{
    TwObject *v = NULL;
    int r = tw_object_lookup_attr(module, name, &v);
    if (r > 0)
        return v;
    if (r < 0)
        return NULL;
    TwObject *mname = NULL, *file = NULL;
    tw_object_lookup_attr(module, tw_str_intern_cstr("__name__"), &mname);
    tw_err_clear();
    tw_object_lookup_attr(module, tw_str_intern_cstr("__file__"), &file);
    tw_err_clear();
    if (mname && TW_STR_CHECK(mname) && file && TW_STR_CHECK(file))
        tw_err_format(TwExc_ImportError, "cannot import name '%s' from '%s' (%s)",
                      TW_STR_DATA(name), TW_STR_DATA(mname), TW_STR_DATA(file));
    else if (mname && TW_STR_CHECK(mname))
        tw_err_format(TwExc_ImportError, "cannot import name '%s' from '%s' (unknown location)",
                      TW_STR_DATA(name), TW_STR_DATA(mname));
    else
        tw_err_format(TwExc_ImportError, "cannot import name '%s'", TW_STR_DATA(name));
    TW_XDECREF(mname);
    TW_XDECREF(file);
    return NULL;
}

static int import_star(TwFrame *f, TwObject *module)
{
    TwObject *locals = f->locals ? f->locals : f->globals;
    TwObject *all = NULL;
    if (tw_object_lookup_attr(module, tw_str_intern_cstr("__all__"), &all) < 0)
        return -1;
    if (all != NULL) {
        TwObject *it = tw_object_iter(all);
        TW_DECREF(all);
        if (it == NULL)
            return -1;
        TwObject *name;
        while ((name = tw_iter_next(it)) != NULL) {
            TwObject *v = tw_object_getattr(module, name);
            int r = v ? tw_object_setitem(locals, name, v) : -1;
            TW_XDECREF(v);
            TW_DECREF(name);
            if (r < 0) {
                TW_DECREF(it);
                return -1;
            }
        }
        TW_DECREF(it);
        return tw_err_occurred() ? -1 : 0;
    }
    TwObject *d = tw_object_getattr_str(module, "__dict__");
    if (d == NULL)
        return -1;
    TwObject *items = tw_dict_items_list(d);
    TW_DECREF(d);
    if (items == NULL)
        return -1;
    for (TwSsize i = 0; i < TW_LIST_SIZE(items); i++) {
        TwObject *kv = tw_list_get(items, i);
        TwObject *k = TW_TUPLE_GET(kv, 0);
        int r = 0;
        if (TW_STR_CHECK(k) && TW_STR_DATA(k)[0] != '_')
            r = tw_object_setitem(locals, k, TW_TUPLE_GET(kv, 1));
        TW_DECREF(kv);
        if (r < 0) {
            TW_DECREF(items);
            return -1;
        }
    }
    TW_DECREF(items);
    return 0;
}

/* BUILD_CLASS: run the class body in a fresh namespace, make the class,
 * and fill the __class__ cell that zero-argument super() reads. */
static TwObject *build_class(TwObject *body, TwObject *name, TwObject *const *bases, int nbases)
{
    TwFunctionObject *fn = (TwFunctionObject *)body;
    TwObject *ns = tw_dict_new();
    if (ns == NULL)
        return NULL;
    TwCodeObject *co = (TwCodeObject *)fn->code;
    TwFrame *f = tw_frame_new(co, body, fn->globals, fn->builtins, ns, false);
    if (f == NULL) {
        TW_DECREF(ns);
        return NULL;
    }
    if ((co->ncells || co->nfrees) && frame_prepare_cells(f) < 0) {
        tw_frame_release(f);
        TW_DECREF(ns);
        return NULL;
    }
    TwObject *r = tw_eval_frame(tw_tstate(), f);
    if (r == NULL) {
        TW_DECREF(ns);
        return NULL;
    }
    TW_DECREF(r);
    TwObject *cell = NULL;
    TwObject *key = tw_str_intern_cstr("__classcell__");
    if (tw_dict_pop(ns, key, &cell) < 0) {
        TW_DECREF(ns);
        return NULL;
    }
    TwObject *bt = tw_tuple_from_array(bases, nbases);
    TwObject *cls = bt ? tw_type_new_class(name, bt, ns) : NULL;
    TW_XDECREF(bt);
    TW_DECREF(ns);
    if (cls && cell && TW_TYPE(cell) == &TwCell_Type)
        tw_cell_set(cell, cls);
    TW_XDECREF(cell);
    return cls;
}

static TwObject *make_function(TwObject **sp, int flags, TwObject *globals)
{
    TwObject *qualname = sp[-1];
    TwObject *code = sp[-2];
    int k = -3;
    TwFunctionObject *fn = (TwFunctionObject *)tw_function_new(code, globals, qualname);
    if (fn == NULL)
        return NULL;
    if (flags & TW_MF_CLOSURE)
        fn->closure = tw_newref(sp[k--]);
    if (flags & TW_MF_KWDEFAULTS)
        fn->kwdefaults = tw_newref(sp[k--]);
    if (flags & TW_MF_DEFAULTS)
        fn->defaults = tw_newref(sp[k--]);
    TwCodeObject *co = (TwCodeObject *)code;
    if ((co->flags & TW_CO_DOCSTRING) && TW_TUPLE_SIZE(co->consts) > 0)
        TW_SETREF(fn->doc, tw_newref(TW_TUPLE_GET(co->consts, 0)));
    return (TwObject *)fn;
}

static TwObject *call_ex(TwObject *callable, TwObject *args, TwObject *kwargs)
{
    if (!TW_TUPLE_CHECK(args)) {
        TwObject *l = tw_list_from_iterable(args);
        if (l == NULL) {
            if (tw_err_matches(TwExc_TypeError)) {
                tw_err_clear();
                TwObject *fname = tw_object_repr(callable);
                tw_err_format(TwExc_TypeError, "%s argument after * must be an iterable, not %s",
                              fname ? TW_STR_DATA(fname) : "function", tw_type_name(TW_TYPE(args)));
                TW_XDECREF(fname);
            }
            return NULL;
        }
        TwObject *t = tw_list_as_tuple(l);
        TW_DECREF(l);
        if (t == NULL)
            return NULL;
        TwObject *r = tw_call_tuple_dict(callable, t, kwargs);
        TW_DECREF(t);
        return r;
    }
    return tw_call_tuple_dict(callable, args, kwargs);
}

/* ---------------- the loop ------------------------------------------ */

TwObject *tw_eval_frame(TwThreadState *ts, TwFrame *f)
{
    return tw_eval_frame_ex(ts, f, 0);
}

#if defined(__GNUC__) && !defined(TW_EVAL_NO_COMPUTED_GOTO)
#define TW_USE_COMPUTED_GOTO 1
#else
#define TW_USE_COMPUTED_GOTO 0
#endif

#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define SECOND() (sp[-2])
#define THIRD() (sp[-3])
#define PEEK(n) (sp[-(n)])
#define SET_TOP(v) (sp[-1] = (v))

#define LOAD_FRAME_STATE()                                   \
    do {                                                     \
        co = f->code;                                        \
        ip = f->ip;                                          \
        sp = f->sp;                                          \
        localsplus = f->localsplus;                          \
        consts = TW_TUPLE_ITEMS(co->consts);                 \
        names = TW_TUPLE_ITEMS(co->names);                   \
    } while (0)

#define SAVE_FRAME_STATE() do { f->ip = ip; f->sp = sp; } while (0)

#define CHECK_EVAL_BREAKER()                                                     \
    do {                                                                         \
        if (tw_eval_breaker_pending(ts)) {                                       \
            SAVE_FRAME_STATE();                                                  \
            if (eval_breaker_slow(ts) < 0)                                       \
                goto error;                                                      \
        }                                                                        \
    } while (0)

#if TW_USE_COMPUTED_GOTO
#define TARGET(op) TARGET_##op:
#define DISPATCH()                                           \
    do {                                                     \
        word = *ip++;                                        \
        oparg = (int)TW_INSTR_ARG(word);                     \
        goto *dispatch_table[TW_INSTR_OP(word)];             \
    } while (0)
#else
#define TARGET(op) case TW_OP_##op:
#define DISPATCH() goto dispatch
#endif

/* Jump to an absolute instruction index. */
#define JUMPTO(target) (ip = co->code + (target))
/* A comparison's result b (0 or 1), its operands gone: fused with a
 * following conditional jump, else pushed as a bool. */
#define COMPARE_RESULT(b)                                        \
    do {                                                         \
        uint32_t next_ = *ip;                                    \
        if (TW_INSTR_OP(next_) == TW_OP_POP_JUMP_IF_FALSE) {     \
            ip++;                                                \
            if (!(b))                                            \
                JUMPTO(TW_INSTR_ARG(next_));                     \
            DISPATCH();                                          \
        }                                                        \
        if (TW_INSTR_OP(next_) == TW_OP_POP_JUMP_IF_TRUE) {      \
            ip++;                                                \
            if (b)                                               \
                JUMPTO(TW_INSTR_ARG(next_));                     \
            DISPATCH();                                          \
        }                                                        \
        PUSH(tw_newref((b) ? Tw_True : Tw_False));               \
        DISPATCH();                                              \
    } while (0)

/* The interpreter loop starts on a 64-byte boundary: where it starts
 * modulo 64 decides how its hot jumps fall on the front end's 32- and
 * 64-byte windows, which moved single-thread times by 5-15% whenever a
 * change elsewhere in the binary shifted it (see README, code layout). */
__attribute__((aligned(64)))
TwObject *tw_eval_frame_ex(TwThreadState *ts, TwFrame *f, int throwflag)
{
#if TW_USE_COMPUTED_GOTO
    static void *const dispatch_table[256] = {
#define TW_OPCODE_LABEL(name, kind) [TW_OP_##name] = &&TARGET_##name,
        TW_OPCODES(TW_OPCODE_LABEL)
#undef TW_OPCODE_LABEL
    };
#endif
    TwCodeObject *co;
    uint32_t *ip;
    TwObject **sp;
    TwObject **localsplus;
    TwObject *const *consts;
    TwObject *const *names;
    uint32_t word;
    int oparg;
    TwObject *retval = NULL;

    char here;
    if (&here < c_stack_limit()) {
        recursion_error();
        if (!f->owned_by_gen)
            tw_frame_release(f);
        return NULL;
    }
    if (frame_push(ts, f) < 0) {
        if (!f->owned_by_gen)
            tw_frame_release(f);
        return NULL;
    }
    f->is_entry = 1;
    f->yielded = 0;
    LOAD_FRAME_STATE();
    if (throwflag)
        goto error;

#if TW_USE_COMPUTED_GOTO
    DISPATCH();
#else
dispatch:
    word = *ip++;
    oparg = (int)TW_INSTR_ARG(word);
    switch (TW_INSTR_OP(word)) {
#endif

    TARGET(NOP) { DISPATCH(); }

    TARGET(POP_TOP) {
        TwObject *v = POP();
        TW_DECREF(v);
        DISPATCH();
    }
    TARGET(ROT_TWO) {
        TwObject *a = TOP();
        SET_TOP(SECOND());
        sp[-2] = a;
        DISPATCH();
    }
    TARGET(ROT_THREE) {
        TwObject *a = TOP();
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = a;
        DISPATCH();
    }
    TARGET(ROT_FOUR) {
        TwObject *a = TOP();
        sp[-1] = sp[-2];
        sp[-2] = sp[-3];
        sp[-3] = sp[-4];
        sp[-4] = a;
        DISPATCH();
    }
    TARGET(DUP_TOP) {
        TwObject *a = TOP();
        tw_incref(a);
        PUSH(a);
        DISPATCH();
    }
    TARGET(DUP_TOP_TWO) {
        TwObject *a = SECOND(), *b = TOP();
        tw_incref(a);
        tw_incref(b);
        PUSH(a);
        PUSH(b);
        DISPATCH();
    }
    TARGET(PUSH_NULL) {
        PUSH(NULL);
        DISPATCH();
    }
    TARGET(LOAD_CONST) {
        TwObject *v = consts[oparg];
        tw_incref_likely_immortal(v);
        PUSH(v);
        DISPATCH();
    }
    TARGET(LOAD_FAST) {
        TwObject *v = localsplus[oparg];
        if (v == NULL) {
            unbound_local(TW_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        tw_incref(v);
        PUSH(v);
        DISPATCH();
    }
    /* A LOAD_FAST that the assembler found followed by LOAD_FAST or
     * LOAD_CONST and then BINARY_OP, INPLACE_OP, COMPARE_OP, BINARY_SUBSCR or
     * STORE_SUBSCR, or by RETURN_VALUE, LOAD_ATTR or STORE_ATTR
     * (fuse_operand_loads, compile.c).  When the operands are bound and the
     * operation has a fast path (int/float arithmetic and comparisons,
     * list[int], dict[key], x.name; any store), it is done
     * here on the local's and the constant's own references: no operand is
     * counted, pushed or dropped, and ip moves past the operation (so an
     * error is reported at it).  `return x` hands the local's reference
     * over.  Otherwise this is exactly LOAD_FAST and the next instructions
     * run as usual; jumps to them are unaffected.  Only this frame's code
     * writes its locals, and none runs before the operation is done (code
     * an attribute lookup or a dict key's __eq__ runs cannot rebind them),
     * so the locals' references outlive the operands' use. */
    /* The result of a fused int or float operation on local l: `n = n - 1`
     * (the next instruction stores it back into l's local, which holds the
     * only reference: see BINOP_REUSE_OPERAND) updates l in place and skips
     * the store; `d * d <= n`, `n % d == 0` (the next instructions compare
     * it with a local or constant of the same type: LOAD_*_RIGHT and
     * COMPARE_OP) compares the C value and makes no object; otherwise a new
     * object is pushed.  CHECK_EXACT: the type test of the other operand. */
#define FLOAT_CHECK_EXACT(op) (TW_TYPE(op) == &TwFloat_Type)
/* Push make(result), a new int or float, and go on (or fail: MemoryError). */
#define PUSH_MADE(make, result)                                                   \
    do {                                                                          \
        TwObject *res_ = make(result);                                            \
        if (res_ == NULL)                                                         \
            goto error;                                                           \
        PUSH(res_);                                                               \
        DISPATCH();                                                               \
    } while (0)
    /* The item v of a list, read by a fused `x[k]` (ip at the LOAD_* of
     * k) and not counted (list_item_peek: v may only be read as a number
     * here, before any code runs), when the next
     * instructions use it at once as a number operand:
     *   `x[k] OP y`      LOAD_FAST_RIGHT/LOAD_CONST_RIGHT y, BINARY_OP;
     *   `x[k] OP z[m]`   LOAD_FAST_FUSED z, LOAD_* m, BINARY_SUBSCR
     *                    (z a list too, or a dict: tw_dict_peek), BINARY_OP;
     *   `x[k] OP (z OP2 m)` LOAD_FAST_FUSED z, LOAD_* m, BINARY_OP, BINARY_OP;
     *   `x[k] OP (z OP2 y[m])` LOAD_* z, LOAD_FAST_FUSED y, LOAD_* m,
     *                    BINARY_SUBSCR, BINARY_OP, BINARY_OP (y a list);
     *   `a OP x[k]`      BINARY_OP (or INPLACE_OP) with a on the stack.
     * With ints alone or floats alone and a fast path, the operation is done
     * here: the items are never counted or pushed.  The result goes as
     * FUSED_RESULT's and RIGHT_RESULT's do (in place into the number of
     * the local a following STORE_FAST sets, when only it refers to it),
     * and for `x[k] OP= ...` (TW_SUBSCR_STORE_BACK) into the item itself
     * when only x holds it, the store skipped.  Otherwise nothing was done
     * and the subscript runs as usual. */
#define SUBSCR_RESULT(item, VALUE, result, make, reusable, CHECK_EXACT, skip, CTYPE,       \
                      BINOP_FAST, REUSABLE)                                       \
    do {                                                                          \
        if ((arg2 & TW_SUBSCR_STORE_BACK) && (reusable)                           \
            && tw_refcnt_is_unshared(item, 1)) {                                  \
            /* `x[k] OP= ...`: only x holds the item (so x is private, or     \
             * the item would be published): in place, the store skipped */     \
            VALUE(item) = (result);                                               \
            ip += (skip) + 3;                                                     \
            DISPATCH();                                                           \
        }                                                                         \
        uint32_t wn_ = ip[(skip)];                                                \
        if ((reusable) && TW_INSTR_OP(wn_) == TW_OP_STORE_FAST) {                 \
            TwObject *t_ = localsplus[TW_INSTR_ARG(wn_)];                         \
            if (t_ != NULL && CHECK_EXACT(t_) && tw_refcnt_is_unshared(t_, 1)) {  \
                VALUE(t_) = (result);                                             \
                ip += (skip) + 1;                                                 \
                DISPATCH();                                                       \
            }                                                                     \
        }                                                                         \
        if (TW_INSTR_OP(wn_) == TW_OP_INPLACE_OP || TW_INSTR_OP(wn_) == TW_OP_BINARY_OP) { \
            /* `s += x[k] OP y`: as FUSED_CHAIN, no object for x[k] OP y */     \
            TwObject *a_ = TOP();                                                 \
            CTYPE e_;                                                             \
            if (CHECK_EXACT(a_) && BINOP_FAST((int)TW_INSTR_ARG(wn_), VALUE(a_), (result), &e_)) { \
                ip += (skip);                                                     \
                STACK_RESULT(a_, VALUE, e_, make, REUSABLE(e_), CHECK_EXACT);     \
            }                                                                     \
        }                                                                         \
        ip += (skip);                                                             \
        PUSH_MADE(make, result);                                                  \
    } while (0)
/* v OP (z OP2 m), all floats or all ints, the instructions OP2 and OP in
 * wo2 and wo: done by SUBSCR_RESULT (skip: the instructions after the
 * subscript that it covers), or nothing is done. */
#define SUBSCR_CHAIN(v, z, m, wo2, wo, skip)                                      \
    do {                                                                          \
        int o2_ = (int)TW_INSTR_ARG(wo2), o_ = (int)TW_INSTR_ARG(wo);             \
        if (TW_TYPE(v) == &TwFloat_Type && TW_TYPE(z) == &TwFloat_Type            \
            && TW_TYPE(m) == &TwFloat_Type) {                                     \
            double w_, d_;                                                        \
            if (float_binop_fast(o2_, TW_FLOAT_VALUE(z), TW_FLOAT_VALUE(m), &w_)  \
                && float_binop_fast(o_, TW_FLOAT_VALUE(v), w_, &d_))              \
                SUBSCR_RESULT(v, TW_FLOAT_VALUE, d_, tw_float_from_double, true,  \
                              FLOAT_CHECK_EXACT, skip, double, float_binop_fast,  \
                              FLOAT_REUSABLE);                                    \
        } else if (TW_INT_CHECK_EXACT(v) && TW_INT_CHECK_EXACT(z) && TW_INT_CHECK_EXACT(m)) { \
            int64_t w_, c_;                                                       \
            if (int_binop_fast(o2_, TW_INT_VALUE(z), TW_INT_VALUE(m), &w_)        \
                && int_binop_fast(o_, TW_INT_VALUE(v), w_, &c_))                  \
                SUBSCR_RESULT(v, TW_INT_VALUE, c_, tw_int_from_i64,               \
                              c_ < TW_SMALL_INT_MIN || c_ > TW_SMALL_INT_MAX,     \
                              TW_INT_CHECK_EXACT, skip, int64_t, int_binop_fast,  \
                              INT_REUSABLE);                                      \
        }                                                                         \
    } while (0)
#define SUBSCR_OPERAND(v)                                                         \
    do {                                                                          \
        uint32_t w3_ = ip[2], op3_ = TW_INSTR_OP(w3_);                            \
        TwObject *y_ = NULL;                                                      \
        uint32_t wop_ = 0;                                                        \
        int skip_ = 0;                                                            \
        if (op3_ == TW_OP_LOAD_FAST_RIGHT || op3_ == TW_OP_LOAD_CONST_RIGHT) {    \
            y_ = op3_ == TW_OP_LOAD_FAST_RIGHT ? localsplus[TW_INSTR_ARG(w3_)]    \
                                               : consts[TW_INSTR_ARG(w3_)];       \
            wop_ = ip[3];                                                         \
            skip_ = 4;                                                            \
        } else if (op3_ == TW_OP_LOAD_FAST_FUSED || op3_ == TW_OP_LOAD_FAST_ITEM) { \
            uint32_t w4_ = ip[3], op4_ = TW_INSTR_OP(w4_);                        \
            TwObject *z_ = localsplus[TW_INSTR_ARG(w3_)];                         \
            TwObject *m_;                                                         \
            if ((op4_ != TW_OP_LOAD_FAST && op4_ != TW_OP_LOAD_CONST) || z_ == NULL \
                || (m_ = op4_ == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w4_)]   \
                                                 : consts[TW_INSTR_ARG(w4_)]) == NULL) \
                ;                                                                 \
            else if (TW_INSTR_OP(ip[4]) == TW_OP_BINARY_SUBSCR) {                 \
                y_ = TW_TYPE(z_) == &TwList_Type && TW_INT_CHECK_EXACT(m_)        \
                         ? list_item_peek(z_, TW_INT_VALUE(m_))                   \
                         : subscr_peek_other(z_, m_);                             \
                wop_ = ip[5];                                                     \
                skip_ = 6;                                                        \
            } else if (TW_INSTR_OP(ip[4]) == TW_OP_BINARY_OP                      \
                       && (TW_INSTR_OP(ip[5]) == TW_OP_BINARY_OP                  \
                           || TW_INSTR_OP(ip[5]) == TW_OP_INPLACE_OP)) {          \
                /* `x[k] OP (z OP2 m)`, z and m locals or constants */          \
                SUBSCR_CHAIN(v, z_, m_, ip[4], ip[5], 6);                         \
            }                                                                     \
        } else if ((op3_ == TW_OP_LOAD_FAST || op3_ == TW_OP_LOAD_CONST)          \
                   && (TW_INSTR_OP(ip[3]) == TW_OP_LOAD_FAST_FUSED                \
                       || TW_INSTR_OP(ip[3]) == TW_OP_LOAD_FAST_ITEM)             \
                   && TW_INSTR_OP(ip[5]) == TW_OP_BINARY_SUBSCR                   \
                   && TW_INSTR_OP(ip[6]) == TW_OP_BINARY_OP                       \
                   && (TW_INSTR_OP(ip[7]) == TW_OP_BINARY_OP                      \
                       || TW_INSTR_OP(ip[7]) == TW_OP_INPLACE_OP)) {              \
            /* `x[k] OP (z OP2 y[m])` (`b[0] += dt * b[3]`): y a list, m an  \
             * int, z and m locals or constants; y[m] is peeked like x[k] */    \
            uint32_t w4_ = ip[4];                                                 \
            TwObject *z_ = op3_ == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w3_)]  \
                                                  : consts[TW_INSTR_ARG(w3_)];    \
            TwObject *l_ = localsplus[TW_INSTR_ARG(ip[3])];                       \
            TwObject *m_ = TW_INSTR_OP(w4_) == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w4_)] \
                                                              : consts[TW_INSTR_ARG(w4_)]; \
            TwObject *e_;                                                         \
            if (z_ != NULL && l_ != NULL && m_ != NULL && TW_TYPE(l_) == &TwList_Type \
                && TW_INT_CHECK_EXACT(m_)                                         \
                && (e_ = list_item_peek(l_, TW_INT_VALUE(m_))) != NULL)           \
                SUBSCR_CHAIN(v, z_, e_, ip[6], ip[7], 8);                         \
        } else if (op3_ == TW_OP_BINARY_OP || op3_ == TW_OP_INPLACE_OP) {         \
            TwObject *a_ = TOP();                                                 \
            int o_ = (int)TW_INSTR_ARG(w3_);                                      \
            if (TW_TYPE(a_) == &TwFloat_Type && TW_TYPE(v) == &TwFloat_Type) {    \
                double d_;                                                        \
                if (float_binop_fast(o_, TW_FLOAT_VALUE(a_), TW_FLOAT_VALUE(v), &d_)) { \
                    ip += 2;                                                      \
                    STACK_RESULT(a_, TW_FLOAT_VALUE, d_, tw_float_from_double, true, \
                                 FLOAT_CHECK_EXACT);                              \
                }                                                                 \
            } else if (TW_INT_CHECK_EXACT(a_) && TW_INT_CHECK_EXACT(v)) {         \
                int64_t c_;                                                       \
                if (int_binop_fast(o_, TW_INT_VALUE(a_), TW_INT_VALUE(v), &c_)) { \
                    ip += 2;                                                      \
                    STACK_RESULT(a_, TW_INT_VALUE, c_, tw_int_from_i64,           \
                                 c_ < TW_SMALL_INT_MIN || c_ > TW_SMALL_INT_MAX,  \
                                 TW_INT_CHECK_EXACT);                             \
                }                                                                 \
            }                                                                     \
        }                                                                         \
        if (y_ != NULL                                                            \
            && (TW_INSTR_OP(wop_) == TW_OP_BINARY_OP || TW_INSTR_OP(wop_) == TW_OP_INPLACE_OP)) { \
            int o_ = (int)TW_INSTR_ARG(wop_);                                     \
            if (TW_TYPE(v) == &TwFloat_Type && TW_TYPE(y_) == &TwFloat_Type) {    \
                double d_;                                                        \
                if (float_binop_fast(o_, TW_FLOAT_VALUE(v), TW_FLOAT_VALUE(y_), &d_)) \
                    SUBSCR_RESULT(v, TW_FLOAT_VALUE, d_, tw_float_from_double, true, \
                                  FLOAT_CHECK_EXACT, skip_, double, float_binop_fast, \
                                  FLOAT_REUSABLE);                                \
            } else if (TW_INT_CHECK_EXACT(v) && TW_INT_CHECK_EXACT(y_)) {         \
                int64_t c_;                                                       \
                if (int_binop_fast(o_, TW_INT_VALUE(v), TW_INT_VALUE(y_), &c_))   \
                    SUBSCR_RESULT(v, TW_INT_VALUE, c_, tw_int_from_i64,           \
                                  c_ < TW_SMALL_INT_MIN || c_ > TW_SMALL_INT_MAX, \
                                  TW_INT_CHECK_EXACT, skip_, int64_t, int_binop_fast, \
                                  INT_REUSABLE);                                  \
            }                                                                     \
        }                                                                         \
    } while (0)
    /* The result of a_ OP (item) with a_ on the stack, ip at the operation:
     * as RIGHT_RESULT. */
#define STACK_RESULT(a, VALUE, result, make, reusable, CHECK_EXACT)               \
    do {                                                                          \
        ip++;                                                                     \
        if ((reusable) && tw_refcnt_is_unshared(a, 1)) {                          \
            VALUE(a) = (result);                                                  \
            DISPATCH();                                                           \
        }                                                                         \
        if ((reusable) && TW_INSTR_OP(*ip) == TW_OP_STORE_FAST) {                 \
            TwObject *t_ = localsplus[TW_INSTR_ARG(*ip)];                         \
            if (t_ == (a) && tw_refcnt_is_unshared(a, 2)) {                       \
                /* `t += ...`: a is t's number, held by t and the stack */        \
                VALUE(a) = (result);                                              \
                ip++;                                                             \
                sp--;                                                             \
                tw_decref(a);                                                     \
                DISPATCH();                                                       \
            }                                                                     \
            if (t_ != NULL && CHECK_EXACT(t_) && tw_refcnt_is_unshared(t_, 1)) {  \
                VALUE(t_) = (result);                                             \
                ip++;                                                             \
                sp--;                                                             \
                TW_DECREF(a);                                                     \
                DISPATCH();                                                       \
            }                                                                     \
        }                                                                         \
        TwObject *res_ = make(result);                                            \
        TW_DECREF(a);                                                             \
        if (res_ == NULL) {                                                       \
            sp--;                                                                 \
            goto error;                                                           \
        }                                                                         \
        SET_TOP(res_);                                                            \
        DISPATCH();                                                               \
    } while (0)
#define FUSED_RESULT(VALUE, result, make, reusable, CHECK_EXACT, CTYPE, BINOP_FAST, REUSABLE) \
    do {                                                                          \
        uint32_t w3_ = ip[2];                                                     \
        if ((reusable) && TW_INSTR_OP(w3_) == TW_OP_STORE_FAST) {                 \
            /* `x = x OP y` in place in x's number, `t = x OP y` in t's,     \
             * when only the local refers to it */                                \
            if (TW_INSTR_ARG(w3_) == (uint32_t)oparg) {                           \
                if (tw_refcnt_is_unshared(l, 1)) {                                \
                    VALUE(l) = (result);                                          \
                    ip += 3;                                                      \
                    DISPATCH();                                                   \
                }                                                                 \
            } else {                                                              \
                TwObject *t_ = localsplus[TW_INSTR_ARG(w3_)];                     \
                if (t_ != NULL && CHECK_EXACT(t_) && tw_refcnt_is_unshared(t_, 1)) { \
                    VALUE(t_) = (result);                                         \
                    ip += 3;                                                      \
                    DISPATCH();                                                   \
                }                                                                 \
            }                                                                     \
        }                                                                         \
        if (TW_INSTR_OP(w3_) == TW_OP_LOAD_FAST_RIGHT                             \
            || TW_INSTR_OP(w3_) == TW_OP_LOAD_CONST_RIGHT) {                      \
            /* a *_RIGHT load is followed by its operation */                     \
            uint32_t w4_ = ip[3];                                                 \
            TwObject *y_ = TW_INSTR_OP(w3_) == TW_OP_LOAD_FAST_RIGHT              \
                               ? localsplus[TW_INSTR_ARG(w3_)]                    \
                               : consts[TW_INSTR_ARG(w3_)];                       \
            if (TW_INSTR_OP(w4_) == TW_OP_COMPARE_OP && y_ != NULL && CHECK_EXACT(y_)) { \
                int b_ = COMPARE_VALUES((int)TW_INSTR_ARG(w4_), (result), VALUE(y_)); \
                if (b_ >= 0) {                                                    \
                    ip += 4;                                                      \
                    COMPARE_RESULT(b_);                                           \
                }                                                                 \
            }                                                                     \
        }                                                                         \
        if (TW_INSTR_OP(w3_) == TW_OP_INPLACE_OP || TW_INSTR_OP(w3_) == TW_OP_BINARY_OP) \
            FUSED_CHAIN(VALUE, result, make, CHECK_EXACT, CTYPE, BINOP_FAST, REUSABLE); \
        ip += 2;                                                                  \
        PUSH_MADE(make, result);                                                  \
    } while (0)
    /* `a OP (x OP2 y)`, the fused result going straight into an operation
     * whose left operand a is on the stack (`s += x * y`, `d + y * y`):
     * both are done here and no object is made for x OP2 y.  The result
     * goes as RIGHT_RESULT's, and into a itself for `z[k] OP= x OP2 y`
     * (the next instructions store it back into z[k], a private list that
     * still holds a, and only z and the stack refer to a: nobody else can
     * see a change in place, and the store is skipped). */
#define INT_REUSABLE(c) ((c) < TW_SMALL_INT_MIN || (c) > TW_SMALL_INT_MAX)
#define FLOAT_REUSABLE(d) true
#define FUSED_CHAIN(VALUE, result, make, CHECK_EXACT, CTYPE, BINOP_FAST, REUSABLE) \
    do {                                                                          \
        TwObject *a_ = TOP();                                                     \
        CTYPE e_;                                                                 \
        if (!CHECK_EXACT(a_) || !BINOP_FAST((int)TW_INSTR_ARG(w3_), VALUE(a_), (result), &e_)) \
            break;                                                                \
        uint32_t w4_ = ip[3], w5_;                                                \
        /* (a LOAD_FAST_FUSED is never last, nor is the load it fuses) */        \
        if (REUSABLE(e_) && TW_INSTR_OP(w4_) == TW_OP_LOAD_FAST_FUSED             \
            && ((w5_ = ip[4]), TW_INSTR_OP(w5_) == TW_OP_LOAD_FAST                \
                || TW_INSTR_OP(w5_) == TW_OP_LOAD_CONST)                          \
            && TW_INSTR_OP(ip[5]) == TW_OP_STORE_SUBSCR) {                        \
            TwObject *z_ = localsplus[TW_INSTR_ARG(w4_)];                         \
            TwObject *k_ = TW_INSTR_OP(w5_) == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w5_)] \
                                                               : consts[TW_INSTR_ARG(w5_)]; \
            if (z_ != NULL && k_ != NULL && TW_TYPE(z_) == &TwList_Type           \
                && TW_INT_CHECK_EXACT(k_) && list_item_borrow(z_, TW_INT_VALUE(k_)) == a_ \
                && tw_refcnt_is_unshared(a_, 2)) {                                \
                VALUE(a_) = e_;                                                   \
                sp--;                                                             \
                tw_decref(a_); /* the stack's; z[k] keeps it */                   \
                ip += 6;                                                          \
                DISPATCH();                                                       \
            }                                                                     \
        }                                                                         \
        ip += 2;                                                                  \
        STACK_RESULT(a_, VALUE, e_, make, REUSABLE(e_), CHECK_EXACT);             \
    } while (0)
    /* A LOAD_FAST_FUSED whose `x[k]` (x a list, k an int) the assembler
     * found to be an operand of the next operation: SUBSCR_OPERAND does
     * them together when it can, else this is LOAD_FAST_FUSED. */
    TARGET(LOAD_FAST_ITEM) {
        TwObject *l = localsplus[oparg];
        uint32_t w1 = ip[0];
        TwObject *r = TW_INSTR_OP(w1) == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w1)]
                                                         : consts[TW_INSTR_ARG(w1)];
        uint32_t arg2 = TW_INSTR_ARG(ip[1]);
        if (l != NULL && r != NULL && TW_TYPE(l) == &TwList_Type && TW_INT_CHECK_EXACT(r)) {
            TwObject *v = list_item_peek(l, TW_INT_VALUE(r));
            if (v != NULL)
                SUBSCR_OPERAND(v);
        }
        goto load_fast_fused;
    }
    TARGET(LOAD_FAST_FUSED)
    load_fast_fused: {
        TwObject *l = localsplus[oparg];
        uint32_t w1 = ip[0];
        uint32_t op1 = TW_INSTR_OP(w1);
        if (l == NULL)
            goto fused_plain;
        if (op1 == TW_OP_RETURN_VALUE) {
            /* `return x`: the frame ends here, so the local's reference
             * becomes the return value (no count up and down) */
            localsplus[oparg] = NULL;
            PUSH(l);
            DISPATCH();
        }
        if (op1 == TW_OP_LOAD_ATTR) {
            /* `x.name`: the attribute of the local's object */
            ip++;
            TwObject *v = tw_object_getattr(l, names[TW_INSTR_ARG(w1)]);
            if (v == NULL)
                goto error;
            PUSH(v);
            DISPATCH();
        }
        if (op1 == TW_OP_STORE_ATTR) {
            /* `x.name = v`: v on the stack, the owner in the local */
            TwObject *v = POP();
            ip++;
            int rr = tw_object_setattr(l, names[TW_INSTR_ARG(w1)], v);
            TW_DECREF(v);
            if (rr < 0)
                goto error;
            DISPATCH();
        }
        uint32_t w2 = ip[1];
        TwObject *r = op1 == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w1)] : consts[TW_INSTR_ARG(w1)];
        uint32_t op2 = TW_INSTR_OP(w2), arg2 = TW_INSTR_ARG(w2);
        if (r == NULL)
            goto fused_plain;
        if (op2 == TW_OP_STORE_SUBSCR) {
            /* `x[k] = v`: v on the stack; as STORE_SUBSCR */
            TwObject *v = POP();
            int rr;
            ip += 2;
            if (TW_TYPE(l) == &TwList_Type && TW_INT_CHECK_EXACT(r)) {
                TwObject *old;
                if (tw_list_store_private(l, TW_INT_VALUE(r), v, &old)) {
                    TW_XDECREF(old);
                    DISPATCH();
                }
                rr = tw_list_set(l, (TwSsize)TW_INT_VALUE(r), v);
            } else
                rr = tw_object_setitem(l, r, v);
            TW_DECREF(v);
            if (rr < 0)
                goto error;
            DISPATCH();
        }
        if (op2 == TW_OP_COMPARE_OP) {
            int b = compare_fast(l, r, (int)arg2);
            if (b < 0)
                goto fused_plain;
            ip += 2;
            COMPARE_RESULT(b);
        }
        if (op2 == TW_OP_BINARY_SUBSCR) {
            if (TW_TYPE(l) == &TwDict_Type) {
                /* as BINARY_SUBSCR's dict case (hashing and comparing may
                 * run Python code; the locals keep both operands alive) */
                TwObject *res;
                ip += 2;
                SAVE_FRAME_STATE();
                int found = tw_dict_get_ref(l, r, &res);
                if (found == 0)
                    res = tw_object_getitem(l, r);   /* KeyError */
                if (res == NULL)
                    goto error;
                PUSH(res);
                DISPATCH();
            }
            if (TW_TYPE(l) != &TwList_Type || !TW_INT_CHECK_EXACT(r))
                goto fused_plain;
            int64_t i = TW_INT_VALUE(r);
            TwObject *res = list_item_fast(l, i);
            ip += 2;
            if (res == NULL && (res = tw_list_get(l, (TwSsize)i)) == NULL)
                goto error;
            PUSH(res);
            DISPATCH();
        }
        /* BINARY_OP or INPLACE_OP */
        if (TW_INT_CHECK_EXACT(l) && TW_INT_CHECK_EXACT(r)) {
            int64_t c;
            if (!int_binop_fast((int)arg2, TW_INT_VALUE(l), TW_INT_VALUE(r), &c))
                goto fused_plain;
            /* small results come from the cache, never stored in place */
            FUSED_RESULT(TW_INT_VALUE, c, tw_int_from_i64,
                         c < TW_SMALL_INT_MIN || c > TW_SMALL_INT_MAX, TW_INT_CHECK_EXACT,
                         int64_t, int_binop_fast, INT_REUSABLE);
        }
        if (TW_TYPE(l) == &TwFloat_Type && TW_TYPE(r) == &TwFloat_Type) {
            double d;
            if (!float_binop_fast((int)arg2, TW_FLOAT_VALUE(l), TW_FLOAT_VALUE(r), &d))
                goto fused_plain;
            FUSED_RESULT(TW_FLOAT_VALUE, d, tw_float_from_double, true, FLOAT_CHECK_EXACT,
                         double, float_binop_fast, FLOAT_REUSABLE);
        }
        if (__builtin_expect(TW_STR_CHECK_EXACT(l), 0) && arg2 == TW_BINOP_ADD
            && str_append_to_local(localsplus, ip[2], oparg, l, r, 1)) {
            /* `s += t` / `s = s + t`, s held by its local alone */
            ip += 3;
            DISPATCH();
        }
    fused_plain:
        if (l == NULL) {
            unbound_local(TW_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        tw_incref(l);
        PUSH(l);
        DISPATCH();
    }
    /* A LOAD_CONST or LOAD_FAST that the assembler found followed by
     * COMPARE_OP, BINARY_OP or INPLACE_OP (or, for a constant,
     * BINARY_SUBSCR) whose left operand is already on the stack
     * (fuse_operand_loads): `n % d == 0`, `d * d <= n`, `f(x) + 1`,
     * `row[0]`.  When the operation has a fast path it is done here on the
     * constant's or the local's own reference, which is never counted,
     * pushed or dropped, and ip moves past the operation; otherwise this is
     * the plain load.  The left operand's reference is the stack's: it is
     * dropped (or its int or float updated in place when the stack holds
     * the only reference, see BINOP_REUSE_OPERAND) as the operation
     * would. */
    /* The result of an int or float operation on the stack's l: stored in
     * l when the stack holds its only reference, or in the number of the
     * local a following STORE_FAST sets when only that local (and, if it
     * is l, the stack) refers to it (the STORE_FAST done here), else a new
     * object replaces l on the stack: STACK_RESULT. */
#define RIGHT_RESULT(VALUE, result, make, reusable, CHECK_EXACT)                   \
    STACK_RESULT(l, VALUE, result, make, reusable, CHECK_EXACT)
    {
        TwObject *rr;
    TARGET(LOAD_CONST_RIGHT) {
        rr = consts[oparg];
        goto right_operand;
    }
    TARGET(LOAD_FAST_RIGHT) {
        rr = localsplus[oparg];
        if (rr == NULL) {
            unbound_local(TW_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        goto right_operand;
    }
    right_operand: {
        TwObject *l = TOP();
        uint32_t w1 = *ip;
        uint32_t op1 = TW_INSTR_OP(w1), arg1 = TW_INSTR_ARG(w1);
        if (op1 == TW_OP_COMPARE_OP) {
            int b = compare_fast(l, rr, (int)arg1);
            if (b >= 0) {
                ip++;
                sp--;
                TW_DECREF(l);
                COMPARE_RESULT(b);
            }
        } else if (op1 == TW_OP_BINARY_SUBSCR) {
            if (TW_TYPE(l) == &TwList_Type && TW_INT_CHECK_EXACT(rr)) {
                TwObject *res = list_item_fast(l, TW_INT_VALUE(rr));
                if (res != NULL) {
                    ip++;
                    SET_TOP(res);
                    TW_DECREF(l);
                    DISPATCH();
                }
            }
        } else if (TW_INT_CHECK_EXACT(l) && TW_INT_CHECK_EXACT(rr)) {
            /* BINARY_OP or INPLACE_OP; small results come from the cache */
            int64_t c;
            if (int_binop_fast((int)arg1, TW_INT_VALUE(l), TW_INT_VALUE(rr), &c))
                RIGHT_RESULT(TW_INT_VALUE, c, tw_int_from_i64,
                             c < TW_SMALL_INT_MIN || c > TW_SMALL_INT_MAX, TW_INT_CHECK_EXACT);
        } else if (TW_TYPE(l) == &TwFloat_Type && TW_TYPE(rr) == &TwFloat_Type) {
            double d;
            if (float_binop_fast((int)arg1, TW_FLOAT_VALUE(l), TW_FLOAT_VALUE(rr), &d))
                RIGHT_RESULT(TW_FLOAT_VALUE, d, tw_float_from_double, true, FLOAT_CHECK_EXACT);
        }
        tw_incref(rr);
        PUSH(rr);
        DISPATCH();
    }
    }
    /* `x is None`, `x is not y` (fuse_operand_loads: LOAD_FAST_IS is
     * followed by LOAD_FAST or LOAD_CONST and IS_OP): identity needs no
     * reference, so neither operand is counted or pushed; an unbound
     * local is reported at its load. */
    TARGET(LOAD_FAST_IS) {
        TwObject *l = localsplus[oparg];
        uint32_t w1 = ip[0];
        TwObject *r = TW_INSTR_OP(w1) == TW_OP_LOAD_FAST ? localsplus[TW_INSTR_ARG(w1)]
                                                         : consts[TW_INSTR_ARG(w1)];
        if (l == NULL) {
            unbound_local(TW_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        if (r == NULL) {
            ip++;
            unbound_local(TW_TUPLE_GET(co->varnames, TW_INSTR_ARG(w1)));
            goto error;
        }
        int b = (l == r) ^ (int)TW_INSTR_ARG(ip[1]);
        ip += 2;
        COMPARE_RESULT(b);
    }
    /* `x is _MISSING` (LOAD_FAST_IS_GLOBAL, followed by LOAD_GLOBAL and
     * IS_OP): the global's cached value, uncounted; on a cache miss this
     * is LOAD_FAST and LOAD_GLOBAL runs as usual. */
    TARGET(LOAD_FAST_IS_GLOBAL) {
        TwObject *l = localsplus[oparg];
        TwGlobalCache *gc = tw_atomic_load_ptr(&co->global_cache);
        TwObject *r;
        if (l == NULL) {
            unbound_local(TW_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        if (gc == NULL
            || (r = global_cache_peek(gc + TW_INSTR_ARG(ip[0]), f->globals, f->builtins)) == NULL) {
            tw_incref(l);
            PUSH(l);
            DISPATCH();
        }
        int b = (l == r) ^ (int)TW_INSTR_ARG(ip[1]);
        ip += 2;
        COMPARE_RESULT(b);
    }
    /* `f(x) is None`: a constant (LOAD_CONST_IS, followed by IS_OP)
     * against the stack's top, whose reference is dropped. */
    TARGET(LOAD_CONST_IS) {
        TwObject *l = TOP();
        int b = (l == consts[oparg]) ^ (int)TW_INSTR_ARG(ip[0]);
        ip++;
        sp--;
        TW_DECREF(l);
        COMPARE_RESULT(b);
    }
    TARGET(STORE_FAST) {
        TwObject *v = POP();
        TwObject *old = localsplus[oparg];
        localsplus[oparg] = v;
        TW_XDECREF(old);
        DISPATCH();
    }
    TARGET(DELETE_FAST) {
        TwObject *old = localsplus[oparg];
        if (old == NULL) {
            unbound_local(TW_TUPLE_GET(co->varnames, oparg));
            goto error;
        }
        localsplus[oparg] = NULL;
        TW_DECREF(old);
        DISPATCH();
    }
    TARGET(LOAD_DEREF) {
        TwObject *v = tw_cell_get_ref(localsplus[co->nlocals + oparg]);
        if (v == NULL) {
            unbound_deref(co, oparg);
            goto error;
        }
        PUSH(v);
        DISPATCH();
    }
    TARGET(STORE_DEREF) {
        TwObject *v = POP();
        TwObject *old = tw_cell_exchange(localsplus[co->nlocals + oparg], v);
        TW_XDECREF(old);
        DISPATCH();
    }
    TARGET(DELETE_DEREF) {
        TwObject *old = tw_cell_exchange(localsplus[co->nlocals + oparg], NULL);
        if (old == NULL) {
            unbound_deref(co, oparg);
            goto error;
        }
        TW_DECREF(old);
        DISPATCH();
    }
    TARGET(LOAD_CLOSURE) {
        TwObject *c = localsplus[co->nlocals + oparg];
        tw_incref(c);
        PUSH(c);
        DISPATCH();
    }
    TARGET(LOAD_CLASSDEREF) {
        TwObject *name = deref_name(co, oparg);
        TwObject *v = NULL;
        if (f->locals) {
            v = mapping_get(f->locals, name);
            if (v == NULL && tw_err_occurred())
                goto error;
        }
        if (v == NULL) {
            v = tw_cell_get_ref(localsplus[co->nlocals + oparg]);
            if (v == NULL) {
                unbound_deref(co, oparg);
                goto error;
            }
        }
        PUSH(v);
        DISPATCH();
    }
    TARGET(LOAD_GLOBAL_CALLEE) {
        /* LOAD_GLOBAL of a call's callee: borrowed when the runtime lets
         * frames hold it uncounted (twinpy/vm.h); the tag tells the call */
        if (tw_frames_borrow()) {
            TwGlobalCache *gc = tw_atomic_load_ptr(&co->global_cache);
            TwObject *v;
            if (gc != NULL && (v = global_cache_read(gc + oparg, f->globals, f->builtins, true)) != NULL) {
                PUSH(tw_stack_borrowed(v));
                DISPATCH();
            }
        }
        goto load_global;
    }
    TARGET(LOAD_GLOBAL) {
    load_global:;
        /* load_global's cache hit, inline; other threads may be updating
         * the entry, so it goes through global_cache_read's checks */
        TwGlobalCache *gc = tw_atomic_load_ptr(&co->global_cache);
        if (gc != NULL) {
            TwObject *v = global_cache_read(gc + oparg, f->globals, f->builtins, false);
            if (v != NULL) {
                PUSH(v);
                DISPATCH();
            }
        }
        TwObject *v = load_global(co, f->globals, f->builtins, oparg);
        if (v == NULL)
            goto error;
        PUSH(v);
        DISPATCH();
    }
    TARGET(STORE_GLOBAL) {
        TwObject *v = POP();
        int r = tw_dict_set(f->globals, names[oparg], v);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_GLOBAL) {
        TwObject *old = NULL;
        int r = tw_dict_pop(f->globals, names[oparg], &old);
        TW_XDECREF(old);
        if (r < 0)
            goto error;
        if (r == 0) {
            name_error(names[oparg]);
            goto error;
        }
        DISPATCH();
    }
    TARGET(LOAD_NAME) {
        TwObject *v = load_name(f, names[oparg]);
        if (v == NULL)
            goto error;
        PUSH(v);
        DISPATCH();
    }
    TARGET(STORE_NAME) {
        TwObject *v = POP();
        TwObject *ns = f->locals ? f->locals : f->globals;
        int r = TW_DICT_CHECK(ns) ? tw_dict_set(ns, names[oparg], v)
                                  : tw_object_setitem(ns, names[oparg], v);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_NAME) {
        TwObject *ns = f->locals ? f->locals : f->globals;
        int r;
        if (TW_DICT_CHECK(ns)) {
            TwObject *old = NULL;
            r = tw_dict_pop(ns, names[oparg], &old);
            TW_XDECREF(old);
            if (r == 0) {
                name_error(names[oparg]);
                r = -1;
            }
        } else {
            r = tw_object_delitem(ns, names[oparg]);
        }
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LOAD_ATTR) {
        TwObject *owner = TOP();
        TwObject *v = tw_object_getattr(owner, names[oparg]);
        TW_DECREF(owner);
        SET_TOP(v);
        if (v == NULL) {
            sp--;
            goto error;
        }
        DISPATCH();
    }
    TARGET(STORE_ATTR) {
        TwObject *owner = POP();
        TwObject *v = POP();
        int r = tw_object_setattr(owner, names[oparg], v);
        TW_DECREF(owner);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_ATTR) {
        TwObject *owner = POP();
        int r = tw_object_delattr(owner, names[oparg]);
        TW_DECREF(owner);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LOAD_METHOD) {
        TwObject *owner = TOP();
        TwObject *meth;
        if (tw_frames_borrow()) {
            if (tw_stack_is_borrowed(owner)) {
                /* a borrowed global (LOAD_GLOBAL_CALLEE): a module's
                 * function is borrowed in turn when it may be, with no
                 * count on the module either (`math.sqrt(x)`); anything
                 * else goes on with a counted owner */
                owner = tw_stack_untag(owner);
                TwObject *d;
                if (TW_TYPE(owner) == &TwModule_Type
                    && (d = tw_atomic_load_ptr(&((TwModuleObject *)owner)->dict)) != NULL
                    && tw_type_lookup(&TwModule_Type, names[oparg]) == NULL) {
                    TwObject *v = tw_dict_peek(d, names[oparg]);
                    if (v != NULL && tw_frame_may_borrow(v)) {
                        SET_TOP(NULL);
                        PUSH(tw_stack_borrowed(v));
                        DISPATCH();
                    }
                }
                SET_TOP(tw_newref(owner));
            }
            /* load_method's case, with a method the frame may borrow
             * (twinpy/vm.h): pushed tagged before the instance dict is
             * looked at, which may run code; CALL_METHOD then calls it
             * through do_call_borrowed.  Not in a generator, whose
             * frame the collector does not see while it is suspended. */
            TwTypeObject *tp = TW_TYPE(owner);
            if (tp->tp_getattro == tw_object_generic_getattr && !(co->flags & TW_CO_GENERATOR)) {
                TwObject *descr = tw_type_lookup(tp, names[oparg]);
                if (descr != NULL && (TW_TYPE(descr)->tp_flags & TW_TPFLAGS_METHOD_DESCRIPTOR)
                    && tw_frame_may_borrow(descr)) {
                    SET_TOP(tw_stack_borrowed(descr));
                    PUSH(owner);
                    TwObject *v = NULL;
                    int rc;
                    if (tp->tp_dictoffset > 0
                        && (rc = tw_dict_slot_get_ref((TwObject **)((char *)owner + tp->tp_dictoffset),
                                                      names[oparg], &v)) != 0) {
                        /* an instance attribute shadows the method */
                        sp -= 2;
                        *sp++ = NULL;
                        TW_DECREF(owner);
                        if (rc < 0)
                            goto error;
                        PUSH(v);
                    }
                    DISPATCH();
                }
            }
        }
        int r = load_method(owner, names[oparg], &meth);
        if (r < 0)
            goto error;
        if (r == 1) {
            SET_TOP(meth);
            PUSH(owner);
        } else {
            SET_TOP(NULL);
            PUSH(meth);
            TW_DECREF(owner);
        }
        DISPATCH();
    }

    /* Calls.  `args` points at the first argument on the value stack;
     * `callable` at the object to call; `self` (or NULL) is passed as an
     * extra first argument.  A Python function gets a new frame run by
     * this same loop; anything else is called through tw_call. */
    {
        TwObject **args;
        TwObject **base;        /* lowest stack slot the call consumes */
        TwObject *callable;
        TwObject *kwnames;
        int nargs;
        int has_self;
        TwObject *res;

    TARGET(CALL_FUNCTION) {
        kwnames = NULL;
        nargs = oparg;
        args = sp - nargs;
        base = args - 1;
        callable = args[-1];
        has_self = 0;
        if (tw_stack_is_borrowed(callable))
            goto do_call_borrowed;
        goto do_call;
    }
    TARGET(CALL_FUNCTION_KW) {
        kwnames = sp[-1];
        nargs = oparg - (int)TW_TUPLE_SIZE(kwnames);
        args = sp - 1 - oparg;
        base = args - 1;
        callable = args[-1];
        has_self = 0;
        if (tw_stack_is_borrowed(callable))
            goto do_call_borrowed;
        goto do_call;
    }
    TARGET(CALL_METHOD) {
        kwnames = NULL;
        nargs = oparg;
        args = sp - nargs;
        base = args - 2;
        if (args[-2] != NULL) {
            callable = args[-2];
            has_self = 1;
            if (tw_stack_is_borrowed(callable))
                goto do_call_borrowed;
        } else {
            callable = args[-1];
            has_self = 0;
            if (tw_stack_is_borrowed(callable))
                goto do_call_borrowed;
        }
        goto do_call;
    }
    TARGET(CALL_METHOD_KW) {
        kwnames = sp[-1];
        nargs = oparg - (int)TW_TUPLE_SIZE(kwnames);
        args = sp - 1 - oparg;
        base = args - 2;
        if (args[-2] != NULL) {
            callable = args[-2];
            has_self = 1;
            if (tw_stack_is_borrowed(callable))
                goto do_call_borrowed;
        } else {
            callable = args[-1];
            has_self = 0;
            if (tw_stack_is_borrowed(callable))
                goto do_call_borrowed;
        }
        goto do_call;
    }

    do_call:
        CHECK_EVAL_BREAKER();
        {
            TwObject *self = has_self ? args[-1] : NULL;
            TwObject *pyfunc = NULL;
            if (TW_TYPE(callable) == &TwFunction_Type) {
                pyfunc = callable;
            } else if (TW_TYPE(callable) == &TwMethod_Type && !has_self
                       && TW_TYPE(((TwMethodObject *)callable)->func) == &TwFunction_Type) {
                pyfunc = ((TwMethodObject *)callable)->func;
                self = ((TwMethodObject *)callable)->self;
            }
            if (pyfunc != NULL) {
                TwFunctionObject *fn = (TwFunctionObject *)pyfunc;
                TwCodeObject *pco = (TwCodeObject *)fn->code;
                TwFrame *nf;
                size_t total = (size_t)nargs + (self != NULL);
                if (kwnames == NULL && (pco->flags & (TW_CO_SIMPLE_ARGS | TW_CO_GENERATOR)) == TW_CO_SIMPLE_ARGS
                    && total == (size_t)pco->argcount) {
                    /* the common case: move the arguments into the frame,
                     * and the stack's reference to the function too */
                    bool steal = pyfunc == callable;
                    nf = tw_frame_new_for_function(pco, fn, steal ? TW_FRAME_FUNC_STEAL
                                                                  : TW_FRAME_FUNC_COUNT);
                    if (nf != NULL) {
                        if (steal)
                            *(has_self ? &args[-2] : &args[-1]) = NULL;
                        TwObject **lp = nf->localsplus;
                        if (self != NULL)
                            *lp++ = tw_newref(self);
                        for (int i = 0; i < nargs; i++)
                            lp[i] = args[i];
                        sp = args;
                        if ((pco->ncells || pco->nfrees) && frame_prepare_cells(nf) < 0) {
                            tw_frame_release(nf);
                            nf = NULL;
                        }
                    }
                } else {
                    nf = tw_frame_for_call_prepared(fn, self, args, (size_t)nargs, kwnames,
                                                    TW_FRAME_FUNC_COUNT);
                }
                /* drop the stack's references: the frame took its own */
                TwObject **p = sp;
                while (p > base) {
                    TwObject *v = *--p;
                    TW_XDECREF(v);
                }
                sp = base;
                if (nf == NULL)
                    goto error;
                if (nf->code->flags & TW_CO_GENERATOR) {
                    res = make_generator(nf);
                    if (res == NULL)
                        goto error;
                    PUSH(res);
                    DISPATCH();
                }
                SAVE_FRAME_STATE();
                if (frame_push(ts, nf) < 0) {
                    tw_frame_release(nf);
                    goto error;
                }
                f = nf;
                LOAD_FRAME_STATE();
                DISPATCH();
            }
            SAVE_FRAME_STATE();
            if (has_self)
                res = call_with_self_slot(callable, args - 1, (size_t)nargs + 1, kwnames);
            else
                res = tw_call(callable, args, (size_t)nargs, kwnames);
            TwObject **p = sp;
            while (p > base) {
                TwObject *v = *--p;
                TW_XDECREF(v);
            }
            sp = base;
            if (res == NULL)
                goto error;
            PUSH(res);
            DISPATCH();
        }

    /* A call of a borrowed callee (LOAD_GLOBAL_CALLEE, or what LOAD_METHOD
     * found; twinpy/vm.h), in args[-1 - has_self].  Its slot stays tagged
     * while the callee runs, so the collector counts it; a Python
     * function's frame borrows it in turn, and takes over self and the
     * arguments.  Other callees the plain way: tw_call, or a counted
     * reference for do_call's less common cases. */
    do_call_borrowed:
        CHECK_EVAL_BREAKER();
        callable = tw_stack_untag(callable);
        if (TW_TYPE(callable) == &TwFunction_Type) {
            TwFunctionObject *fn = (TwFunctionObject *)callable;
            TwCodeObject *pco = (TwCodeObject *)fn->code;
            if (kwnames == NULL && (pco->flags & (TW_CO_SIMPLE_ARGS | TW_CO_GENERATOR)) == TW_CO_SIMPLE_ARGS
                && nargs + has_self == pco->argcount) {
                TwFrame *nf = tw_frame_new_for_function(pco, fn, TW_FRAME_FUNC_BORROW);
                if (nf == NULL)
                    goto error;
                args[-1 - has_self] = NULL;
                TwObject **lp = nf->localsplus;
                if (has_self)
                    *lp++ = args[-1];
                for (int i = 0; i < nargs; i++)
                    lp[i] = args[i];
                sp = base;
                if ((pco->ncells || pco->nfrees) && frame_prepare_cells(nf) < 0) {
                    tw_frame_release(nf);
                    goto error;
                }
                SAVE_FRAME_STATE();
                if (frame_push(ts, nf) < 0) {
                    tw_frame_release(nf);
                    goto error;
                }
                f = nf;
                LOAD_FRAME_STATE();
                DISPATCH();
            }
        } else {
            SAVE_FRAME_STATE();
            if (has_self)
                res = call_with_self_slot(callable, args - 1, (size_t)nargs + 1, kwnames);
            else
                res = tw_call(callable, args, (size_t)nargs, kwnames);
            args[-1 - has_self] = NULL;
            TwObject **p = sp;
            while (p > base) {
                TwObject *v = *--p;
                TW_XDECREF(v);
            }
            sp = base;
            if (res == NULL)
                goto error;
            PUSH(res);
            DISPATCH();
        }
        args[-1 - has_self] = tw_newref(callable);
        goto do_call;
    }

    TARGET(CALL_FUNCTION_EX) {
        CHECK_EVAL_BREAKER();
        TwObject *kwargs = (oparg & 1) ? POP() : NULL;
        TwObject *cargs = POP();
        TwObject *fn = TOP();
        SAVE_FRAME_STATE();
        TwObject *res = call_ex(fn, cargs, kwargs);
        TW_XDECREF(kwargs);
        TW_DECREF(cargs);
        TW_DECREF(fn);
        if (res == NULL) {
            sp--;
            goto error;
        }
        SET_TOP(res);
        DISPATCH();
    }
    TARGET(SUPER_ZERO) {
        TwObject *callable = TOP();
        TwObject *res;
        CHECK_EVAL_BREAKER();
        if (callable == (TwObject *)&TwSuper_Type) {
            TwObject *cls = TW_CELL_GET(localsplus[co->nlocals + oparg]);
            TwObject *self = NULL;
            if (co->argcount == 0 && !(co->flags & TW_CO_VARARGS)) {
                tw_err_set_string(TwExc_RuntimeError, "super(): no arguments");
                goto error;
            }
            self = localsplus[0];
            if (self == NULL && co->cell2arg) {
                for (int i = 0; i < co->ncells; i++)
                    if (co->cell2arg[i] == 0)
                        self = TW_CELL_GET(localsplus[co->nlocals + i]);
            }
            if (self == NULL) {
                tw_err_set_string(TwExc_RuntimeError, "super(): arg[0] deleted");
                goto error;
            }
            if (co->flags & TW_CO_VARARGS && co->argcount == 0) {
                if (!TW_TUPLE_CHECK(self) || TW_TUPLE_SIZE(self) == 0) {
                    tw_err_set_string(TwExc_RuntimeError, "super(): no arguments");
                    goto error;
                }
                self = TW_TUPLE_GET(self, 0);
            }
            if (cls == NULL) {
                tw_err_set_string(TwExc_RuntimeError, "super(): empty __class__ cell");
                goto error;
            }
            res = tw_super_new(cls, self);
        } else {
            SAVE_FRAME_STATE();
            res = tw_call0(callable);
        }
        if (res == NULL)
            goto error;
        SET_TOP(res);
        TW_DECREF(callable);
        DISPATCH();
    }
    TARGET(BINARY_SUBSCR) {
        TwObject *key = POP();
        TwObject *container = TOP();
        TwObject *res;
        if (TW_TYPE(container) == &TwList_Type && TW_INT_CHECK_EXACT(key)) {
            int64_t i = TW_INT_VALUE(key);
            res = list_item_fast(container, i);
            if (res == NULL)
                res = tw_list_get(container, (TwSsize)i);
        } else if (TW_TYPE(container) == &TwDict_Type) {
            SAVE_FRAME_STATE();
            int r = tw_dict_get_ref(container, key, &res);
            if (r == 0)
                res = tw_object_getitem(container, key);   /* KeyError */
        } else {
            res = tw_object_getitem(container, key);
        }
        /* a small int or an interned string, mostly */
        tw_decref_likely_immortal(key);
        TW_DECREF(container);
        SET_TOP(res);
        if (res == NULL) {
            sp--;
            goto error;
        }
        DISPATCH();
    }
    TARGET(STORE_SUBSCR) {
        TwObject *key = POP();
        TwObject *container = POP();
        TwObject *v = POP();
        int r;
        if (TW_TYPE(container) == &TwList_Type && TW_INT_CHECK_EXACT(key)) {
            TwObject *old;
            if (tw_list_store_private(container, TW_INT_VALUE(key), v, &old)) {
                tw_decref_likely_immortal(key);
                TW_DECREF(container);
                TW_XDECREF(old);
                DISPATCH();
            }
            /* tw_list_set counts a negative index from the end itself */
            r = tw_list_set(container, (TwSsize)TW_INT_VALUE(key), v);
        } else {
            r = tw_object_setitem(container, key, v);
        }
        TW_DECREF(key);
        TW_DECREF(container);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DELETE_SUBSCR) {
        TwObject *key = POP();
        TwObject *container = POP();
        int r = tw_object_delitem(container, key);
        TW_DECREF(key);
        TW_DECREF(container);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(BUILD_SLICE) {
        TwObject *step = oparg == 3 ? POP() : NULL;
        TwObject *stop = POP();
        TwObject *start = TOP();
        TwObject *s = tw_slice_new(start, stop, step);
        TW_XDECREF(step);
        TW_DECREF(stop);
        TW_DECREF(start);
        SET_TOP(s);
        if (s == NULL) {
            sp--;
            goto error;
        }
        DISPATCH();
    }

    /* Arithmetic: int and float fast paths, then the generic protocol.
     *
     * BINOP_REUSE_OPERAND stores an int or float result into an operand
     * instead of allocating a new object, when nobody else can see the
     * operand: either the value stack holds its only reference (a
     * temporary such as `a * b` in `a * b + c`), or its only other
     * reference is the local that the very next instruction overwrites
     * (`n -= 1`, `total = total + x`; the STORE_FAST is then done here).
     * tw_refcnt_is_unshared(op, 1) (or 2 with the local) proves no other
     * thread holds it or is still reading it (nogil: owned by this thread,
     * no shared references);
     * a lock-free reader that raced to an old container slot re-checks the
     * slot and never looks at the value.  Operands are exact int/float
     * (never the immortal small ints: a small result uses the cache). */
#define BINOP_REUSE_OPERAND(VALUE, result)                                      \
    do {                                                                        \
        if (tw_refcnt_is_unshared(l, 1)) {                                      \
            VALUE(l) = (result);                                                \
            TW_DECREF(r);                                                       \
            sp--;                                                               \
            DISPATCH();                                                         \
        }                                                                       \
        if (tw_refcnt_is_unshared(r, 1)) {                                      \
            VALUE(r) = (result);                                                \
            TW_DECREF(l);                                                       \
            sp--;                                                               \
            SET_TOP(r);                                                         \
            DISPATCH();                                                         \
        }                                                                       \
        uint32_t next_ = *ip;                                                   \
        if (TW_INSTR_OP(next_) == TW_OP_STORE_FAST                              \
            && localsplus[TW_INSTR_ARG(next_)] == l && tw_refcnt_is_unshared(l, 2)) { \
            VALUE(l) = (result);                                                \
            ip++;                                                               \
            TW_DECREF(r);                                                       \
            tw_decref(l); /* the stack's reference; the local keeps it */       \
            sp -= 2;                                                            \
            DISPATCH();                                                         \
        }                                                                       \
        if (TW_INSTR_OP(next_) == TW_OP_STORE_FAST) {                           \
            /* `t = a OP b`: in place in t's number if only t refers to it */   \
            TwObject *t_ = localsplus[TW_INSTR_ARG(next_)];                     \
            if (t_ != NULL && TW_TYPE(t_) == TW_TYPE(l) && tw_refcnt_is_unshared(t_, 1)) { \
                VALUE(t_) = (result);                                           \
                ip++;                                                           \
                TW_DECREF(r);                                                   \
                TW_DECREF(l);                                                   \
                sp -= 2;                                                        \
                DISPATCH();                                                     \
            }                                                                   \
        }                                                                       \
    } while (0)
    {
        TwObject *l, *r, *res;
        int inplace;
    TARGET(BINARY_OP) {
        inplace = 0;
        goto binop;
    }
    TARGET(INPLACE_OP) {
        inplace = 1;
        goto binop;
    }
    binop:
        r = TOP();
        l = SECOND();
        if (TW_INT_CHECK_EXACT(l) && TW_INT_CHECK_EXACT(r)) {
            int64_t c;
            if (!int_binop_fast(oparg, TW_INT_VALUE(l), TW_INT_VALUE(r), &c))
                goto binop_slow;
            if (c >= TW_SMALL_INT_MIN && c <= TW_SMALL_INT_MAX) {
                res = tw_int_from_i64(c);
                goto binop_done;
            }
            BINOP_REUSE_OPERAND(TW_INT_VALUE, c);
            res = tw_int_from_i64(c);
            goto binop_done;
        }
        if (TW_TYPE(l) == &TwFloat_Type && TW_TYPE(r) == &TwFloat_Type) {
            double d;
            if (!float_binop_fast(oparg, TW_FLOAT_VALUE(l), TW_FLOAT_VALUE(r), &d))
                goto binop_slow;
            BINOP_REUSE_OPERAND(TW_FLOAT_VALUE, d);
            res = tw_float_from_double(d);
            goto binop_done;
        }
        if (__builtin_expect(TW_STR_CHECK_EXACT(l), 0) && oparg == TW_BINOP_ADD
            && str_append_to_local(localsplus, *ip, TW_INSTR_ARG(*ip), l, r, 2)) {
            /* `s += f(x)`: the stack's reference to s went to the local */
            TW_DECREF(r);
            sp -= 2;
            ip++;
            DISPATCH();
        }
    binop_slow:
        SAVE_FRAME_STATE();
        res = inplace ? tw_number_inplace(l, r, (TwBinOp)oparg) : tw_number_binop(l, r, (TwBinOp)oparg);
    binop_done:
        TW_DECREF(r);
        TW_DECREF(l);
        sp--;
        SET_TOP(res);
        if (res == NULL) {
            sp--;
            goto error;
        }
        DISPATCH();
    }

    {
        TwObject *(*unary)(TwObject *);
    TARGET(UNARY_NEGATIVE) {
        TwObject *v = TOP();
        if (TW_INT_CHECK_EXACT(v) && TW_INT_VALUE(v) != INT64_MIN) {
            TwObject *res = tw_int_from_i64(-TW_INT_VALUE(v));
            if (res == NULL)
                goto error;
            SET_TOP(res);
            TW_DECREF(v);
            DISPATCH();
        }
        unary = tw_number_negative;
        goto do_unary;
    }
    TARGET(UNARY_POSITIVE) {
        unary = tw_number_positive;
        goto do_unary;
    }
    TARGET(UNARY_INVERT) {
        unary = tw_number_invert;
        goto do_unary;
    }
    do_unary: {
        TwObject *v = TOP();
        SAVE_FRAME_STATE();
        TwObject *res = unary(v);
        if (res == NULL)
            goto error;
        SET_TOP(res);
        TW_DECREF(v);
        DISPATCH();
    }
    }
    TARGET(UNARY_NOT) {
        TwObject *v = TOP();
        int t;
        if (v == Tw_True)
            t = 1;
        else if (v == Tw_False || v == Tw_None)
            t = 0;
        else {
            SAVE_FRAME_STATE();
            t = tw_object_is_true(v);
            if (t < 0)
                goto error;
        }
        SET_TOP(tw_newref(t ? Tw_False : Tw_True));
        TW_DECREF(v);
        DISPATCH();
    }
    TARGET(COMPARE_OP) {
        TwObject *r = TOP(), *l = SECOND();
        int b = compare_fast(l, r, oparg);
        if (b >= 0) {
            TW_DECREF(r);
            TW_DECREF(l);
            sp -= 2;
            COMPARE_RESULT(b);
        }
        SAVE_FRAME_STATE();
        TwObject *res = tw_object_richcompare(l, r, oparg);
        TW_DECREF(r);
        TW_DECREF(l);
        sp--;
        SET_TOP(res);
        if (res == NULL) {
            sp--;
            goto error;
        }
        DISPATCH();
    }
    /* Both, like COMPARE_OP, jump at once when a conditional jump comes
     * next (`if x in d:`, `while y is not None:`): no bool is pushed and
     * popped again. */
    TARGET(IS_OP) {
        TwObject *r = POP(), *l = POP();
        int b = (l == r) ^ oparg;
        TW_DECREF(r);
        TW_DECREF(l);
        COMPARE_RESULT(b);
    }
    TARGET(CONTAINS_OP) {
        TwObject *container = POP(), *item = POP();
        SAVE_FRAME_STATE();
        int b = tw_object_contains(container, item);
        TW_DECREF(container);
        TW_DECREF(item);
        if (b < 0)
            goto error;
        COMPARE_RESULT(b ^ oparg);
    }
    TARGET(JUMP_FORWARD) {
        JUMPTO(oparg);
        DISPATCH();
    }
    TARGET(JUMP_BACKWARD) {
        JUMPTO(oparg);
        CHECK_EVAL_BREAKER();
        DISPATCH();
    }
    TARGET(POP_JUMP_IF_FALSE) {
        TwObject *v = POP();
        if (v == Tw_False || v == Tw_None) {
            JUMPTO(oparg);
        } else if (v != Tw_True) {
            SAVE_FRAME_STATE();
            int t = tw_object_is_true(v);
            if (t < 0) {
                TW_DECREF(v);
                goto error;
            }
            if (!t)
                JUMPTO(oparg);
        }
        TW_DECREF(v);
        DISPATCH();
    }
    TARGET(POP_JUMP_IF_TRUE) {
        TwObject *v = POP();
        if (v == Tw_True) {
            JUMPTO(oparg);
        } else if (v != Tw_False && v != Tw_None) {
            SAVE_FRAME_STATE();
            int t = tw_object_is_true(v);
            if (t < 0) {
                TW_DECREF(v);
                goto error;
            }
            if (t)
                JUMPTO(oparg);
        }
        TW_DECREF(v);
        DISPATCH();
    }
    TARGET(JUMP_IF_FALSE_OR_POP) {
        TwObject *v = TOP();
        int t = v == Tw_True ? 1 : (v == Tw_False || v == Tw_None) ? 0 : tw_object_is_true(v);
        if (t < 0)
            goto error;
        if (!t) {
            JUMPTO(oparg);
        } else {
            sp--;
            TW_DECREF(v);
        }
        DISPATCH();
    }
    TARGET(JUMP_IF_TRUE_OR_POP) {
        TwObject *v = TOP();
        int t = v == Tw_True ? 1 : (v == Tw_False || v == Tw_None) ? 0 : tw_object_is_true(v);
        if (t < 0)
            goto error;
        if (t) {
            JUMPTO(oparg);
        } else {
            sp--;
            TW_DECREF(v);
        }
        DISPATCH();
    }
    TARGET(GET_ITER) {
        TwObject *v = TOP();
        SAVE_FRAME_STATE();
        TwObject *it = tw_object_iter(v);
        if (it == NULL)
            goto error;
        SET_TOP(it);
        TW_DECREF(v);
        DISPATCH();
    }
    TARGET(FOR_ITER) {
        TwObject *it = TOP();
        if (TW_TYPE(it) == &TwRangeIter_Type && TW_INSTR_OP(*ip) == TW_OP_STORE_FAST) {
            /* the value goes to the loop's local without the stack (and
             * without a new int when the local's is unshared) */
            int r = tw_rangeiter_next_into(it, &localsplus[TW_INSTR_ARG(*ip)]);
            if (r > 0) {
                ip++;
                DISPATCH();
            }
            if (r < 0) {
                SAVE_FRAME_STATE();
                goto error;
            }
            sp--;
            TW_DECREF(it);
            JUMPTO(oparg);
            DISPATCH();
        }
        TwUnaryFn next = TW_TYPE(it)->tp_iternext;
        SAVE_FRAME_STATE();
        TwObject *v = next ? next(it) : tw_iter_next(it);
        if (v != NULL) {
            uint32_t w = *ip;
            if (TW_INSTR_OP(w) == TW_OP_STORE_FAST) {
                /* `for x in ...`: the value goes to the local (the
                 * STORE_FAST done here) */
                TwObject *old = localsplus[TW_INSTR_ARG(w)];
                localsplus[TW_INSTR_ARG(w)] = v;
                ip++;
                TW_XDECREF(old);
                DISPATCH();
            }
            PUSH(v);
            DISPATCH();
        }
        if (tw_err_occurred()) {
            if (!tw_err_matches(TwExc_StopIteration))
                goto error;
            tw_err_clear();
        }
        sp--;
        TW_DECREF(it);
        JUMPTO(oparg);
        DISPATCH();
    }
    TARGET(RETURN_VALUE) {
        retval = POP();
        if (f->is_entry)
            goto exit_frame;
        TwFrame *caller = f->back;
        f->sp = sp;
        frame_pop(ts, f);
        tw_frame_release_inline(f);
        f = caller;
        LOAD_FRAME_STATE();
        PUSH(retval);
        DISPATCH();
    }
    TARGET(YIELD_VALUE) {
        retval = POP();
        SAVE_FRAME_STATE();
        f->yielded = 1;
        goto exit_yield;
    }
    TARGET(GET_YIELD_FROM_ITER) {
        TwObject *v = TOP();
        if (TW_TYPE(v) != &TwGen_Type) {
            TwObject *it = tw_object_iter(v);
            if (it == NULL)
                goto error;
            SET_TOP(it);
            TW_DECREF(v);
        }
        DISPATCH();
    }
    TARGET(YIELD_FROM) {
        TwObject *v = POP();
        TwObject *it = TOP();
        TwObject *res;
        TwObject *rv = NULL;
        SAVE_FRAME_STATE();
        if (TW_TYPE(it) == &TwGen_Type) {
            res = tw_gen_send_ex(it, v, &rv);
        } else if (v == Tw_None) {
            TwUnaryFn next = TW_TYPE(it)->tp_iternext;
            res = next ? next(it) : tw_iter_next(it);
        } else {
            res = tw_call_method(it, "send", &v, 1);
        }
        TW_DECREF(v);
        if (res != NULL) {
            /* yield it out; resume at this YIELD_FROM with the sent value */
            ip--;
            retval = res;
            SAVE_FRAME_STATE();
            f->yielded = 1;
            goto exit_yield;
        }
        if (rv == NULL) {
            if (tw_err_occurred()) {
                if (!tw_err_matches(TwExc_StopIteration))
                    goto error;
                TwObject *e = tw_err_fetch();
                TwObject *val = ((TwBaseExceptionObject *)e)->value;
                if (val == NULL) {
                    TwObject *a = ((TwBaseExceptionObject *)e)->args;
                    val = (a && TW_TUPLE_SIZE(a) > 0) ? TW_TUPLE_GET(a, 0) : Tw_None;
                }
                rv = tw_newref(val);
                TW_DECREF(e);
            } else {
                rv = tw_newref(Tw_None);
            }
        }
        SET_TOP(rv);
        TW_DECREF(it);
        DISPATCH();
    }
    TARGET(BUILD_TUPLE) {
        TwObject *t = tw_tuple_new(oparg);
        if (t == NULL)
            goto error;
        for (int i = oparg - 1; i >= 0; i--)
            TW_TUPLE_SET(t, i, POP());
        PUSH(t);
        DISPATCH();
    }
    TARGET(BUILD_LIST) {
        TwObject *l = tw_list_from_array(sp - oparg, oparg);
        if (l == NULL)
            goto error;
        sp -= oparg;
        PUSH(l);
        DISPATCH();
    }
    TARGET(BUILD_SET) {
        TwObject *s = tw_set_new(NULL);
        if (s == NULL)
            goto error;
        int r = 0;
        for (int i = oparg; i > 0; i--)
            if (r == 0)
                r = tw_set_add(s, PEEK(i));
        for (int i = 0; i < oparg; i++) {
            TwObject *v = POP();
            TW_DECREF(v);
        }
        if (r < 0) {
            TW_DECREF(s);
            goto error;
        }
        PUSH(s);
        DISPATCH();
    }
    TARGET(BUILD_MAP) {
        TwObject *d = tw_dict_new();
        if (d == NULL)
            goto error;
        int r = 0;
        for (int i = oparg; i > 0; i--)
            if (r == 0)
                r = tw_dict_set(d, PEEK(2 * i), PEEK(2 * i - 1));
        for (int i = 0; i < 2 * oparg; i++) {
            TwObject *v = POP();
            TW_DECREF(v);
        }
        if (r < 0) {
            TW_DECREF(d);
            goto error;
        }
        PUSH(d);
        DISPATCH();
    }
    TARGET(BUILD_STRING) {
        TwStrBuilder sb;
        tw_sb_init(&sb);
        int r = 0;
        for (int i = oparg; i > 0; i--) {
            TwObject *s = PEEK(i);
            if (r == 0)
                r = tw_sb_append(&sb, TW_STR_DATA(s), (size_t)TW_STR_SIZE(s));
        }
        for (int i = 0; i < oparg; i++) {
            TwObject *v = POP();
            TW_DECREF(v);
        }
        if (r < 0) {
            tw_sb_discard(&sb);
            goto error;
        }
        TwObject *s = tw_sb_finish(&sb);
        if (s == NULL)
            goto error;
        PUSH(s);
        DISPATCH();
    }
    TARGET(LIST_APPEND) {
        TwObject *v = POP();
        int r = tw_list_append(PEEK(oparg), v);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(SET_ADD) {
        TwObject *v = POP();
        int r = tw_set_add(PEEK(oparg), v);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(MAP_ADD) {
        TwObject *v = POP();
        TwObject *k = POP();
        int r = tw_dict_set(PEEK(oparg), k, v);
        TW_DECREF(v);
        TW_DECREF(k);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LIST_EXTEND) {
        TwObject *v = POP();
        int r = tw_list_extend(PEEK(oparg), v);
        if (r < 0 && tw_err_matches(TwExc_TypeError) && TW_TYPE(v)->tp_iter == NULL
            && TW_TYPE(v)->tp_getitem == NULL) {
            tw_err_clear();
            tw_err_format(TwExc_TypeError, "Value after * must be an iterable, not %s",
                          tw_type_name(TW_TYPE(v)));
        }
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(SET_UPDATE) {
        TwObject *v = POP();
        TwObject *set = PEEK(oparg);
        TwObject *it = tw_object_iter(v);
        TW_DECREF(v);
        if (it == NULL)
            goto error;
        TwObject *item;
        int r = 0;
        while (r == 0 && (item = tw_iter_next(it)) != NULL) {
            r = tw_set_add(set, item);
            TW_DECREF(item);
        }
        TW_DECREF(it);
        if (r < 0 || tw_err_occurred())
            goto error;
        DISPATCH();
    }
    TARGET(DICT_UPDATE) {
        TwObject *v = POP();
        int r = tw_dict_update(PEEK(oparg), v);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(DICT_MERGE) {
        TwObject *v = POP();
        int r = tw_dict_merge(PEEK(oparg), v, false);
        TW_DECREF(v);
        if (r < 0)
            goto error;
        DISPATCH();
    }
    TARGET(LIST_TO_TUPLE) {
        TwObject *l = TOP();
        TwObject *t = tw_list_as_tuple(l);
        if (t == NULL)
            goto error;
        SET_TOP(t);
        TW_DECREF(l);
        DISPATCH();
    }
    TARGET(UNPACK_SEQUENCE) {
        TwObject *seq = POP();
        if (TW_TYPE(seq) == &TwTuple_Type && TW_TUPLE_SIZE(seq) == oparg) {
            for (int i = oparg - 1; i >= 0; i--)
                PUSH(tw_newref(TW_TUPLE_GET(seq, i)));
        } else if (TW_TYPE(seq) == &TwList_Type && TW_LIST_SIZE(seq) == oparg) {
            TwObject *items[64];
            TwObject *copy = NULL;
            if (oparg > 64) {
                copy = tw_list_as_tuple(seq);
                if (copy == NULL) {
                    TW_DECREF(seq);
                    goto error;
                }
                for (int i = oparg - 1; i >= 0; i--)
                    PUSH(tw_newref(TW_TUPLE_GET(copy, i)));
                TW_DECREF(copy);
            } else {
                int i;
                for (i = 0; i < oparg; i++) {
                    items[i] = tw_list_get(seq, i);
                    if (items[i] == NULL)
                        break;
                }
                if (i < oparg) {
                    while (i > 0)
                        TW_DECREF(items[--i]);
                    TW_DECREF(seq);
                    goto error;
                }
                for (i = oparg - 1; i >= 0; i--)
                    PUSH(items[i]);
            }
        } else {
            SAVE_FRAME_STATE();
            if (unpack_iterable(seq, oparg, -1, sp) < 0) {
                TW_DECREF(seq);
                goto error;
            }
            sp += oparg;
        }
        TW_DECREF(seq);
        DISPATCH();
    }
    TARGET(UNPACK_EX) {
        int before = oparg & 0xff, after = oparg >> 8;
        TwObject *seq = POP();
        SAVE_FRAME_STATE();
        if (unpack_iterable(seq, before, after, sp) < 0) {
            TW_DECREF(seq);
            goto error;
        }
        sp += before + after + 1;
        TW_DECREF(seq);
        DISPATCH();
    }
    TARGET(FORMAT_VALUE) {
        TwObject *spec = (oparg & TW_FVS_HAVE_SPEC) ? POP() : NULL;
        TwObject *v = TOP();
        SAVE_FRAME_STATE();
        TwObject *res = format_value(v, oparg, spec);
        TW_XDECREF(spec);
        if (res == NULL)
            goto error;
        SET_TOP(res);
        TW_DECREF(v);
        DISPATCH();
    }
    TARGET(MAKE_FUNCTION) {
        TwObject *fn = make_function(sp, oparg, f->globals);
        if (fn == NULL)
            goto error;
        int n = 2 + ((oparg & TW_MF_DEFAULTS) != 0) + ((oparg & TW_MF_KWDEFAULTS) != 0)
                + ((oparg & TW_MF_CLOSURE) != 0);
        for (int i = 0; i < n; i++) {
            TwObject *v = POP();
            TW_DECREF(v);
        }
        PUSH(fn);
        DISPATCH();
    }
    TARGET(BUILD_CLASS) {
        TwObject **base = sp - oparg - 2;
        SAVE_FRAME_STATE();
        TwObject *cls = build_class(base[0], base[1], base + 2, oparg);
        while (sp > base) {
            TwObject *v = POP();
            TW_DECREF(v);
        }
        if (cls == NULL)
            goto error;
        PUSH(cls);
        DISPATCH();
    }
    TARGET(SETUP_FINALLY) {
        TwTryBlock *b = &f->blocks[f->nblocks++];
        b->type = TW_BLOCK_FINALLY;
        b->handler = oparg;
        b->level = (int)(sp - f->stack);
        DISPATCH();
    }
    TARGET(SETUP_WITH) {
        /* Special method lookup on the type, as CPython does.  __exit__
         * waits on the stack unbound, with mgr above it (call_exit binds
         * it when called); __enter__ is called with mgr as its first
         * argument.  No bound method is made for either. */
        TwObject *mgr = TOP();
        SAVE_FRAME_STATE();
        TwTypeObject *mtp = TW_TYPE(mgr);
        TwObject *enter_name = ID("__enter__");
        TwObject *exit_name = ID("__exit__");
        if (enter_name == NULL || exit_name == NULL)
            goto error;
        if (tw_type_lookup(mtp, enter_name) == NULL) {
            tw_err_format(TwExc_TypeError, "'%s' object does not support the context manager protocol",
                          tw_type_name(mtp));
            goto error;
        }
        TwObject *exitf = tw_type_lookup_ref(mtp, exit_name);
        if (exitf == NULL) {
            tw_err_format(TwExc_TypeError,
                          "'%s' object does not support the context manager protocol (missed __exit__ method)",
                          tw_type_name(mtp));
            goto error;
        }
        int found;
        TwObject *res = tw_call_special(mgr, enter_name, NULL, 0, &found);
        if (res == NULL && !found)
            tw_err_format(TwExc_TypeError, "'%s' object does not support the context manager protocol",
                          tw_type_name(mtp));
        if (res == NULL) {
            TW_DECREF(exitf);
            goto error;
        }
        SET_TOP(exitf);
        PUSH(mgr);                       /* the stack's reference moves up */
        TwTryBlock *b = &f->blocks[f->nblocks++];
        b->type = TW_BLOCK_FINALLY;
        b->handler = oparg;
        b->level = (int)(sp - f->stack);
        PUSH(res);
        DISPATCH();
    }
    TARGET(POP_BLOCK) {
        f->nblocks--;
        DISPATCH();
    }
    TARGET(POP_EXCEPT) {
        f->nblocks--;
        TwObject *prev = POP();
        TwObject *old = ts->handled_exc;
        ts->handled_exc = prev == Tw_None ? NULL : prev;
        if (prev == Tw_None)
            TW_DECREF(prev);
        TW_XDECREF(old);
        DISPATCH();
    }
    TARGET(RERAISE) {
        TwObject *exc = POP();
        tw_err_restore(exc);
        goto exception_unwind;
    }
    TARGET(WITH_EXCEPT_START) {
        TwObject *exc = TOP();
        TwObject *argv[3] = {(TwObject *)TW_TYPE(exc), exc, Tw_None};
        SAVE_FRAME_STATE();
        TwObject *res = call_exit(sp[-4], sp[-3], argv);
        if (res == NULL)
            goto error;
        PUSH(res);
        DISPATCH();
    }
    TARGET(WITH_EXIT) {
        TwObject *mgr = POP();
        TwObject *exitf = POP();
        TwObject *argv[3] = {Tw_None, Tw_None, Tw_None};
        SAVE_FRAME_STATE();
        TwObject *res = call_exit(exitf, mgr, argv);
        TW_DECREF(mgr);
        TW_DECREF(exitf);
        if (res == NULL)
            goto error;
        TW_DECREF(res);
        DISPATCH();
    }
    TARGET(JUMP_IF_NOT_EXC_MATCH) {
        TwObject *type = POP();
        TwObject *exc = POP();
        if (check_except_type(type) < 0) {
            TW_DECREF(type);
            TW_DECREF(exc);
            goto error;
        }
        bool m = tw_err_given_matches(exc, type);
        TW_DECREF(type);
        TW_DECREF(exc);
        if (!m)
            JUMPTO(oparg);
        DISPATCH();
    }
    TARGET(RAISE_VARARGS) {
        TwObject *cause = oparg == 2 ? POP() : NULL;
        TwObject *exc = oparg >= 1 ? POP() : NULL;
        if (exc == NULL) {
            if (ts->handled_exc == NULL) {
                tw_err_set_string(TwExc_RuntimeError, "No active exception to reraise");
                goto error;
            }
            tw_err_restore(tw_newref(ts->handled_exc));
            goto exception_unwind;
        }
        SAVE_FRAME_STATE();
        do_raise(exc, cause);
        TW_DECREF(exc);
        TW_XDECREF(cause);
        goto error;
    }
    TARGET(LOAD_ASSERTION_ERROR) {
        PUSH(tw_newref(TwExc_AssertionError));
        DISPATCH();
    }
    TARGET(IMPORT_NAME) {
        SAVE_FRAME_STATE();
        TwObject *m = tw_import_module(names[oparg]);
        if (m == NULL)
            goto error;
        PUSH(m);
        DISPATCH();
    }
    TARGET(IMPORT_FROM) {
        TwObject *v = import_from(TOP(), names[oparg]);
        if (v == NULL)
            goto error;
        PUSH(v);
        DISPATCH();
    }
    TARGET(IMPORT_STAR) {
        TwObject *m = POP();
        int r = import_star(f, m);
        TW_DECREF(m);
        if (r < 0)
            goto error;
        DISPATCH();
    }

#if !TW_USE_COMPUTED_GOTO
    default:
        tw_err_format(TwExc_SystemError, "unknown opcode %d", (int)TW_INSTR_OP(word));
        goto error;
    }
#endif

error:
    /* A new exception: record where it passed through this frame. */
    {
        TwObject *exc = ts->exc;
        if (exc == NULL) {
            tw_err_set_string(TwExc_SystemError, "error return without exception set");
            exc = ts->exc;
        }
        TwSsize i = ip - co->code - 1;
        if (i < 0)
            i = 0;
        TwCodePosition *pos = &co->positions[i < co->ncode ? i : co->ncode - 1];
        if (exc != NULL && TW_HAS_TPFLAG(exc, TW_TPFLAGS_EXC_SUBCLASS)) {
            TwObject *saved = tw_err_fetch();
            if (tw_traceback_add(saved, co->filename, co->name, pos->lineno, pos->end_lineno,
                                 pos->col, pos->end_col) < 0)
                tw_err_clear();
            tw_err_restore(saved);
        }
    }
exception_unwind:
    while (f->nblocks > 0) {
        TwTryBlock *b = &f->blocks[--f->nblocks];
        TwObject **level = f->stack + b->level;
        if (b->type == TW_BLOCK_EXCEPT_HANDLER) {
            while (sp > level + 1)
                tw_stack_drop(--sp);
            TwObject *prev = POP();
            TwObject *old = ts->handled_exc;
            ts->handled_exc = prev == Tw_None ? NULL : prev;
            if (prev == Tw_None)
                TW_DECREF(prev);
            TW_XDECREF(old);
            continue;
        }
        while (sp > level)
            tw_stack_drop(--sp);
        TwObject *exc = tw_err_fetch();
        int handler = b->handler;
        TwTryBlock *h = &f->blocks[f->nblocks++];
        h->type = TW_BLOCK_EXCEPT_HANDLER;
        h->handler = -1;
        h->level = (int)(sp - f->stack);
        PUSH(ts->handled_exc ? ts->handled_exc : tw_newref(Tw_None));
        ts->handled_exc = tw_newref(exc);
        PUSH(exc);
        JUMPTO(handler);
        DISPATCH();
    }
    /* No handler here: the exception leaves the frame. */
    while (sp > f->stack)
        tw_stack_drop(--sp);
    /* StopIteration may not escape a generator (PEP 479). */
    if (f->owned_by_gen && tw_err_matches(TwExc_StopIteration)) {
        TwObject *e = tw_err_fetch();
        tw_err_set_string(TwExc_RuntimeError, "generator raised StopIteration");
        TwObject *n = tw_err_fetch();
        TwBaseExceptionObject *ne = (TwBaseExceptionObject *)n;
        TW_SETREF(ne->cause, tw_newref(e));
        TW_SETREF(ne->context, e);
        tw_err_restore(n);
    }
    if (!f->is_entry) {
        TwFrame *caller = f->back;
        f->sp = sp;
        frame_pop(ts, f);
        tw_frame_release_inline(f);
        f = caller;
        LOAD_FRAME_STATE();
        goto error;
    }
    retval = NULL;

exit_frame:
    frame_pop(ts, f);
    f->sp = sp;
    if (f->owned_by_gen)
        tw_frame_clear(f);
    else
        tw_frame_release_inline(f);
    return retval;

exit_yield:
    frame_pop(ts, f);
    return retval;
}

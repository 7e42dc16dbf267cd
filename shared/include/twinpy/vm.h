/*
 * vm.h — the virtual machine's objects: code objects, functions, cells,
 * frames and generators, and the entry points of the interpreter loop.
 *
 * Bytecode is an array of 32-bit words: the low 8 bits are the opcode (see
 * shared/vm/opcodes.h), the high 24 bits its argument.  Jump arguments are
 * absolute instruction indices.  There is no EXTENDED_ARG: 24 bits cover
 * every index a program can need.
 *
 * A frame is not an object.  Frames of ordinary calls live on a per-thread
 * stack of frames (pushed and popped LIFO); a generator's frame is a
 * separate block owned by the generator.  A call from Python code to a
 * Python function pushes a frame and continues in the same C loop, so
 * Python recursion does not recurse in C; calls that enter from C (tw_call
 * on a function) start a new loop, guarded against C stack overflow.
 *
 * Implemented in shared/vm/{code,function,cell,frame,generator,eval,
 * compile,disasm}.c.
 */
#ifndef TWINPY_VM_H
#define TWINPY_VM_H

#include <stdio.h>

#include "twinpy/interp.h"
#include "twinpy/types.h"

/* ---------------- code objects ---------------------------------------- */

/* co_flags */
enum {
    TW_CO_OPTIMIZED = 1 << 0,    /* locals are fast slots (functions)        */
    TW_CO_NEWLOCALS = 1 << 1,
    TW_CO_VARARGS = 1 << 2,      /* has *args                                */
    TW_CO_VARKEYWORDS = 1 << 3,  /* has **kwargs                             */
    TW_CO_NESTED = 1 << 4,
    TW_CO_GENERATOR = 1 << 5,    /* calling it makes a generator             */
    TW_CO_DOCSTRING = 1 << 9,    /* co_consts[0] is the docstring            */
    TW_CO_SIMPLE_ARGS = 1 << 8,  /* positional parameters only, no cells made
                                    from parameters: calls may move arguments
                                    straight into the frame                 */
};

/* Where one instruction came from (for tracebacks). */
typedef struct {
    int32_t lineno, end_lineno;
    int32_t col, end_col;        /* 0-based byte columns, -1 if unknown       */
} TwCodePosition;

/* One cache entry per name of a code object, for LOAD_GLOBAL: valid while
 * the globals and builtins dicts keep the versions recorded here. */
typedef struct {
    TwObject *globals;           /* identity of the dict the entry is for    */
    uint64_t globals_version;
    uint64_t builtins_version;
    TwObject *value;             /* borrowed from one of the two dicts       */
} TwGlobalCache;

typedef struct {
    TwObject ob_base;
    uint32_t *code;              /* instructions                             */
    TwSsize ncode;
    TwCodePosition *positions;   /* one per instruction                      */
    TwObject *consts;            /* tuple                                    */
    TwObject *names;             /* tuple of str: globals, attributes        */
    TwObject *varnames;          /* tuple of str: parameters, then locals     */
    TwObject *cellvars;          /* tuple of str: locals captured by closures */
    TwObject *freevars;          /* tuple of str: captured from outside       */
    TwObject *name, *qualname, *filename;
    int argcount;                /* positional parameters (incl. pos-only)   */
    int posonlyargcount;
    int kwonlyargcount;
    int flags;                   /* TW_CO_*                                  */
    int nlocals, ncells, nfrees;
    int stacksize;               /* deepest value stack                      */
    int maxblocks;               /* deepest nesting of try/with blocks       */
    int firstlineno;
    int *cell2arg;               /* ncells entries: parameter index or -1;
                                    NULL if no cell is a parameter          */
    TwGlobalCache *global_cache; /* one per name, NULL until first used     */
} TwCodeObject;

extern TwTypeObject TwCode_Type;
#define TW_CODE_CHECK(op) (TW_TYPE(op) == &TwCode_Type)

/* ---------------- functions ------------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwObject *code;              /* TwCodeObject                             */
    TwObject *globals;           /* dict                                     */
    TwObject *builtins;          /* dict                                     */
    TwObject *name, *qualname;   /* str                                      */
    TwObject *defaults;          /* tuple or NULL                            */
    TwObject *kwdefaults;        /* dict or NULL                             */
    TwObject *closure;           /* tuple of cells or NULL                   */
    TwObject *doc;               /* None unless set                          */
    TwObject *module;            /* globals["__name__"] at creation          */
    TwObject *dict;              /* __dict__ (function attributes)           */
} TwFunctionObject;

extern TwTypeObject TwFunction_Type;
#define TW_FUNCTION_CHECK(op) (TW_TYPE(op) == &TwFunction_Type)
/* A function for code in globals; qualname may be NULL (then the code's). */
TwObject *tw_function_new(TwObject *code, TwObject *globals, TwObject *qualname);

/* ---------------- cells ----------------------------------------------- */

typedef struct {
    TwObject ob_base;
    TwObject *ref;               /* NULL while empty                         */
} TwCellObject;

extern TwTypeObject TwCell_Type;
TwObject *tw_cell_new(TwObject *value);           /* value may be NULL; borrows */
/* Borrowed, may be NULL: only for a cell no other thread can change (one
 * being made) or for a test of emptiness; use tw_cell_get_ref otherwise. */
#define TW_CELL_GET(op) (((TwCellObject *)(op))->ref)
void tw_cell_set(TwObject *cell, TwObject *value);      /* borrows; NULL empties */

/* Closures shared between threads (nonlocal counters, a callback's state)
 * read and rebind the same cell from several threads.  Rules, as for list
 * items (shared/objects/list.c): while the cell is its owner's alone
 * (tw_object_is_private; always under the GIL) the owner reads and swaps
 * its value with plain loads and stores; any other thread unbiases it
 * first (tw_bias_check_read, which publishes the value).  Once shared, a
 * new value is published and swapped in inside the cell's critical
 * section (so exactly one swapper gets, and drops, each old value), and a
 * reader takes its reference with tw_try_incref_item, which refuses a
 * value that has died since it was loaded, and loads again. */
TwObject *tw_cell_get_ref_shared(TwObject *cell);
TwObject *tw_cell_exchange_shared(TwObject *cell, TwObject *value);

/* The cell's value as a new reference, or NULL if it is empty. */
static inline TwObject *tw_cell_get_ref(TwObject *cell)
{
    if (tw_object_is_private(cell)) {
        TwObject *v = ((TwCellObject *)cell)->ref;
        if (v != NULL)
            tw_incref(v);
        return v;
    }
    return tw_cell_get_ref_shared(cell);
}

/* Stores value (a reference the cell takes; NULL empties it) and returns
 * the old value (a reference the caller drops), or NULL if it was empty. */
static inline TwObject *tw_cell_exchange(TwObject *cell, TwObject *value)
{
    if (tw_object_is_private(cell)) {
        TwObject *old = ((TwCellObject *)cell)->ref;
        ((TwCellObject *)cell)->ref = value;
        return old;
    }
    return tw_cell_exchange_shared(cell, value);
}

/* ---------------- frames ---------------------------------------------- */

/* A block of the block stack: a try, a with, or an active handler. */
typedef struct {
    int type;                    /* TW_BLOCK_*                               */
    int handler;                 /* instruction index of the handler         */
    int level;                   /* value-stack depth when the block began   */
} TwTryBlock;

enum {
    TW_BLOCK_FINALLY = 1,        /* SETUP_FINALLY / SETUP_WITH               */
    TW_BLOCK_EXCEPT_HANDLER = 2, /* inside an except/finally handler         */
};

typedef struct TwFrame {
    struct TwFrame *back;        /* caller (borrowed)                        */
    TwCodeObject *code;          /* borrowed from func, else strong          */
    TwObject *func;              /* strong, NULL for module/exec code        */
    TwObject *globals;           /* borrowed from func, else strong          */
    TwObject *builtins;          /* borrowed from func, else strong          */
    TwObject *locals;            /* strong, dict for LOAD_NAME; NULL in functions */
    uint32_t *ip;                /* next instruction                          */
    TwObject **sp;               /* next free value-stack slot               */
    TwObject **stack;            /* bottom of the value stack                */
    TwTryBlock *blocks;
    int nblocks;
    uint8_t is_entry;            /* return from the C loop when it returns   */
    uint8_t owned_by_gen;        /* memory belongs to a generator            */
    uint8_t on_stack;            /* memory is on the thread's frame stack    */
    uint8_t yielded;             /* the loop left it at a yield              */
    uint8_t owns_env;            /* holds its own code/globals/builtins refs */
    uint8_t func_borrowed;       /* func is borrowed, not counted (below)    */
    struct TwGenObject *gen;     /* the generator running it (borrowed)      */
    size_t alloc_size;
    /* localsplus: nlocals fast locals, ncells cells, nfrees free cells,
     * then the value stack, then maxblocks TwTryBlocks. */
    TwObject *localsplus[];
} TwFrame;

/* Borrowed callees.  Where the runtime allows it (tw_frames_borrow: the
 * nogil build, for its deferred and immortal objects, tw_frame_may_borrow),
 * code that is not a generator's pushes a call's callee without a
 * reference, its stack slot tagged with TW_BORROWED_TAG: a global
 * (LOAD_GLOBAL_CALLEE), a method LOAD_METHOD finds on the type, and a
 * module's function (`math.sqrt`: LOAD_GLOBAL_CALLEE pushes the module
 * tagged, LOAD_METHOD replaces it with the function, tagged).  A function
 * called that way gets a frame that does not count it either
 * (func_borrowed).  The call clears the tagged slot once the callee is
 * done with; an exception leaving the slot's frame clears it without a
 * decref.  So a tagged word in a frame's value stack is always a live
 * borrow.  The collector, with the world stopped, counts
 * what every thread's frames borrow as references: it calls
 * tw_frames_visit_borrowed for each thread's innermost frame, which walks
 * the chain and reports each borrowed function and every tagged word of
 * each value stack (all of it: a frame's saved stack pointer may be older
 * than its stack), so the visitor must check a reported pointer is a live
 * deferred object before it looks at it (a word there may be left from
 * what the memory held before the frame). */
#define TW_BORROWED_TAG ((uintptr_t)1)
void tw_frames_visit_borrowed(TwFrame *innermost, void (*visit)(void *maybe_obj, void *arg),
                              void *arg);

/* Line number of the instruction a frame is executing (or last executed). */
int tw_frame_lineno(TwFrame *f);

/* ---------------- generators ------------------------------------------ */

typedef struct TwGenObject {
    TwObject ob_base;
    TwFrame *frame;              /* NULL once finished                       */
    TwObject *name, *qualname;
    TwObject *exc_state;         /* exception being handled inside it while
                                    suspended (NULL: none of its own)       */
    uint8_t running;
} TwGenObject;

extern TwTypeObject TwGen_Type;
/* Resume gen with value (None to start); returns the yielded value, or
 * NULL: finished (if no exception set, *retval holds the return value as
 * a new reference) or failed. */
TwObject *tw_gen_send_ex(TwObject *gen, TwObject *value, TwObject **retval);
/* Started, not finished, not running: stopped at a yield (gen: a
 * generator). */
bool tw_gen_is_suspended(TwObject *gen);

/* ---------------- the interpreter -------------------------------------- */

/* Run frame f (already set up) until it returns; consumes the frame. */
TwObject *tw_eval_frame(TwThreadState *ts, TwFrame *f);
/* Call a Python function with the usual vector convention. */
TwObject *tw_function_call(TwObject *func, TwObject *const *args, size_t nargs, TwObject *kwnames);
/* A Python function func called with self (or NULL) before args.
 * borrowed: func was found without a reference (a special method on a
 * type, tw_type_lookup) and tw_frame_may_borrow(func) holds, so its
 * frame borrows it (borrowed callees, above): the caller must not let
 * the thread reach an eval-breaker check or block between the lookup
 * and this call. */
TwObject *tw_function_call_self(TwObject *func, TwObject *self, TwObject *const *args,
                                size_t nargs, TwObject *kwnames, bool borrowed);

/* Python call depth limit (sys.getrecursionlimit / setrecursionlimit). */
int tw_get_recursion_limit(void);
void tw_set_recursion_limit(int limit);

/* Ready the VM's types (code, function, cell, generator and the internal
 * iterator types).  Call once at start-up after tw_objects_init. */
int tw_vm_types_init(void);

/* ---------------- tracebacks ------------------------------------------
 * TwBaseExceptionObject.traceback is a list of tuples
 *     (filename, name, lineno, end_lineno, col, end_col)
 * appended as the exception unwinds, innermost frame FIRST.  Printing
 * "most recent call last" walks it backwards; these helpers do that. */

/* Number of traceback entries of an exception instance. */
TwSsize tw_traceback_count(TwObject *exc);
/* Entry i in printing order (0 = outermost frame): borrowed filename and
 * function name, line and column information.  Returns 0, or -1 if i is
 * out of range.  Any of the out pointers may be NULL. */
int tw_traceback_entry(TwObject *exc, TwSsize i, TwObject **filename, TwObject **name,
                       int *lineno, int *end_lineno, int *col, int *end_col);
/* Append one entry (used by the VM as an exception leaves a frame). */
int tw_traceback_add(TwObject *exc, TwObject *filename, TwObject *name,
                     int lineno, int end_lineno, int col, int end_col);

/* ---------------- disassembler ----------------------------------------- */

/* `twinpy --dis`: print the code object and every nested one, CPython's
 * dis-like layout: line, offset, opcode name, argument and its meaning. */
void tw_code_disassemble(TwObject *code, FILE *out);

/* ---------------- step limit ------------------------------------------
 * A budget of eval-breaker checks (backward jumps and calls) for the calling
 * thread, for fuzzers and `TWINPY_MAX_STEPS`: once it is spent, every later
 * check raises KeyboardInterrupt("step limit exceeded"), so even
 * `while True: pass` ends.  steps <= 0 removes the limit.  While a limit is
 * set the thread keeps TW_EB_STEP_LIMIT in its eval_breaker (the runtimes
 * ignore bits they do not know), so an unlimited run pays nothing. */
enum { TW_EB_STEP_LIMIT = 1u << 16 };
void tw_set_step_limit(long long steps);

#endif /* TWINPY_VM_H */

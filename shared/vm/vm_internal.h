/*
 * vm_internal.h — what the files of shared/vm/ share with each other and
 * nobody else: frame allocation, the generator entry into the loop.
 */
#ifndef TWINPY_VM_INTERNAL_H
#define TWINPY_VM_INTERNAL_H

#include "twinpy/vm.h"

/* A fresh frame for co (locals empty, value stack empty).  heap: the frame
 * is owned by a generator (tw_mem_alloc) instead of the thread's frame
 * stack.  Takes new references to func/globals/builtins/locals (any but
 * globals may be NULL).  NULL with MemoryError. */
TwFrame *tw_frame_new(TwCodeObject *co, TwObject *func, TwObject *globals,
                      TwObject *builtins, TwObject *locals, bool heap);
/* Drop every reference the frame holds and free its memory. */
void tw_frame_release(TwFrame *f);
/* Drop the references in locals and the value stack only. */
void tw_frame_clear(TwFrame *f);
/* Visit every reference of a (suspended generator's) frame. */
int tw_frame_traverse(TwFrame *f, TwVisitFn visit, void *arg);

/* Run f; throwflag: the current exception is raised at the point where f
 * is suspended (generator.throw). */
TwObject *tw_eval_frame_ex(TwThreadState *ts, TwFrame *f, int throwflag);

/* A generator object owning frame f (steals the frame). */
TwObject *tw_gen_new(TwFrame *f, TwObject *name, TwObject *qualname);

/* Bind call arguments into a new frame for fn (CPython's rules and
 * messages); self, if not NULL, is the first positional argument.
 * Borrows everything; the frame holds fn as `hold` says
 * (TW_FRAME_FUNC_COUNT or TW_FRAME_FUNC_BORROW, frame_inline.h; a
 * generator's frame always counts it).  NULL with an exception set. */
TwFrame *tw_frame_for_call(TwFunctionObject *fn, TwObject *self, TwObject *const *args,
                           size_t nargs, TwObject *kwnames, int hold);

/* The compiler's second half: a parsed tree to a code object (compile.c).
 * src is the text the tree came from, for SyntaxError source lines. */
struct TwModule;
TwObject *tw_compile_ast(const struct TwModule *mod, const char *src, size_t len,
                         const char *filename, TwCompileMode mode);

#endif /* TWINPY_VM_INTERNAL_H */

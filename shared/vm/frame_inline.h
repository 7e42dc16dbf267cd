/*
 * frame_inline.h — the hot half of frame.c: making and dropping the frame
 * of a plain Python-to-Python call, inline in the interpreter loop.
 *
 * Frames of calls (not generators) live on a per-thread stack of chunks
 * (frame.c).  A call pushes a frame at the chunk's top and its return
 * pops it, so both are a pointer bump when the chunk has room; anything
 * else (a new chunk, freeing an emptied one) goes to frame.c.
 */
#ifndef TWINPY_FRAME_INLINE_H
#define TWINPY_FRAME_INLINE_H

#include <string.h>

#include "vm/vm_internal.h"

typedef struct TwFrameChunk {
    struct TwFrameChunk *prev;
    size_t size;
    char *top;
    _Alignas(16) char data[];
} TwFrameChunk;

/* The chunk frames are pushed on (frame.c owns it). */
extern TW_TLS TwFrameChunk *tw_frame_tls_chunk;

/* Bytes of a frame for co (rounded as the frame stack rounds them). */
static inline size_t tw_frame_size(const TwCodeObject *co)
{
    size_t nslots = (size_t)(co->nlocals + co->ncells + co->nfrees);
    size_t size = sizeof(TwFrame) + (nslots + (size_t)co->stacksize) * sizeof(TwObject *)
                  + (size_t)co->maxblocks * sizeof(TwTryBlock);
    return (size + 15) & ~(size_t)15;
}

/* Borrowed callees (twinpy/vm.h): a value stack word tagged as borrowed,
 * tagging, and the untagged object.  The test is a constant false where
 * the runtime never borrows (the GIL build). */
static inline bool tw_stack_is_borrowed(const TwObject *v)
{
    return tw_frames_borrow() && ((uintptr_t)v & TW_BORROWED_TAG);
}
static inline TwObject *tw_stack_borrowed(TwObject *v)
{
    return (TwObject *)((uintptr_t)v | TW_BORROWED_TAG);
}
static inline TwObject *tw_stack_untag(TwObject *v)
{
    return (TwObject *)((uintptr_t)v & ~TW_BORROWED_TAG);
}

/* Drop the value in a stack slot being popped: a borrowed one is
 * forgotten and its slot cleared (no tagged word outlives its borrow),
 * anything else decref'd. */
static inline void tw_stack_drop(TwObject **slot)
{
    TwObject *v = *slot;
    if (tw_stack_is_borrowed(v))
        *slot = NULL;
    else
        TW_XDECREF(v);
}

/* How a new frame holds its function (tw_frame_new_for_function). */
enum {
    TW_FRAME_FUNC_COUNT,     /* takes a reference of its own              */
    TW_FRAME_FUNC_STEAL,     /* takes over the caller's (on success only) */
    TW_FRAME_FUNC_BORROW,    /* counts none: the caller's was borrowed    */
};

/* tw_frame_new(co, fn, fn's globals, fn's builtins, NULL, false) for a
 * function fn whose code is co, holding fn as `hold` says.  A borrowing
 * frame (twinpy/vm.h, borrowed callees) must be pushed on the thread's
 * chain before the thread next checks its eval breaker. */
static inline __attribute__((always_inline)) TwFrame *tw_frame_new_for_function(TwCodeObject *co, TwFunctionObject *fn,
                                                 int hold)
{
    size_t size = tw_frame_size(co);
    TwFrameChunk *c = tw_frame_tls_chunk;
    if (c == NULL || (size_t)(c->data + c->size - c->top) < size) {
        TwFrame *nf = tw_frame_new(co, (TwObject *)fn, fn->globals, fn->builtins, NULL, false);
        if (nf != NULL && hold == TW_FRAME_FUNC_STEAL)
            tw_decref((TwObject *)fn);    /* the frame holds its own */
        return nf;
    }
    TwFrame *f = (TwFrame *)c->top;
    c->top += size;
    size_t nslots = (size_t)(co->nlocals + co->ncells + co->nfrees);
    f->back = NULL;
    f->code = co;
    f->func = (TwObject *)fn;
    if (hold == TW_FRAME_FUNC_COUNT)
        tw_incref((TwObject *)fn);
    if (tw_frames_borrow())     /* else never read */
        f->func_borrowed = hold == TW_FRAME_FUNC_BORROW;
    f->globals = fn->globals;
    f->builtins = fn->builtins;
    f->locals = NULL;
    f->ip = co->code;
    f->stack = f->localsplus + nslots;
    f->sp = f->stack;
    f->blocks = (TwTryBlock *)(f->stack + co->stacksize);
    f->nblocks = 0;
    f->is_entry = 0;
    f->owned_by_gen = 0;
    f->on_stack = 1;
    f->yielded = 0;
    f->owns_env = 0;
    f->gen = NULL;
    f->alloc_size = size;
    /* most functions have a few locals: stores, not a call to memset */
    TwObject **ls = f->localsplus;
    switch (nslots) {
    case 4: ls[3] = NULL; /* fall through */
    case 3: ls[2] = NULL; /* fall through */
    case 2: ls[1] = NULL; /* fall through */
    case 1: ls[0] = NULL; /* fall through */
    case 0: break;
    default: memset(ls, 0, nslots * sizeof(TwObject *)); break;
    }
    return f;
}

/* tw_frame_release, with the common case (a function's frame on the
 * frame stack, not the chunk's first) done here. */
static inline __attribute__((always_inline)) void tw_frame_release_inline(TwFrame *f)
{
    TwFrameChunk *c = tw_frame_tls_chunk;
    if (!f->on_stack || f->owns_env || f->locals != NULL || (char *)f == c->data) {
        tw_frame_release(f);
        return;
    }
    TwCodeObject *co = f->code;
    int nslots = co->nlocals + co->ncells + co->nfrees;
    for (int i = 0; i < nslots; i++) {
        TwObject *v = f->localsplus[i];
        if (v != NULL)
            TW_DECREF(v);
    }
    while (f->sp > f->stack)
        tw_stack_drop(--f->sp);
    TwObject *fn = f->func;
    bool counted = !tw_frames_borrow() || !f->func_borrowed;
    /* the frame's memory goes back before the function can die: a
     * destructor run by the last decref may push frames of its own */
    c->top = (char *)f;
    if (counted)
        tw_decref_likely_deferred(fn);
}

#endif /* TWINPY_FRAME_INLINE_H */

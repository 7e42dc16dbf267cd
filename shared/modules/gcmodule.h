/*
 * gcmodule.h — what a runtime's cycle collector asks the gc module when it
 * counts what it found.
 *
 * gc.collect() returns "the number of unreachable objects found", and
 * CPython 3.11 never finds some objects that twinpy's object model does
 * track: dicts holding only atomic keys and values (CPython leaves them
 * untracked) and the attribute dict of a plain class instance (CPython
 * keeps the attributes inline in the instance until something asks for
 * the __dict__).  A collector frees such objects like any other but does
 * not report them, so the counts a program sees are CPython's.  Both
 * runtimes' collectors use the same two questions so they report alike,
 * and tell the module about the collections they start by themselves.
 */
#ifndef TWINPY_GCMODULE_H
#define TWINPY_GCMODULE_H

#include <stdbool.h>

#include "twinpy/types.h"

/* Would CPython 3.11 track dict d (an exact dict)?  Only if some key or
 * value may be tracked: a GC object, except a tuple that is untracked. */
bool tw_gc_cpython_tracks_dict(TwObject *d);

/* CPython's untrack_tuples test: every item of tuple t is there (not a
 * tuple still being filled) and can never be part of a cycle (not a GC
 * object, or an untracked tuple), so t, which never changes, cannot be
 * either and a collector may untrack it. */
bool tw_gc_tuple_is_atomic(TwObject *t);

/* The attribute dict of instance op that CPython 3.11 would keep as inline
 * values (borrowed), or NULL: op's class added the dict slot (its static
 * base has none), the dict is an exact dict referenced by op alone, and it
 * holds at most 30 attributes (CPython's shared-keys limit). */
TwObject *tw_gc_inline_dict(TwObject *op);

/* A collection the runtime started by itself (thresholds), for
 * gc.get_stats(); `reported` is what gc.collect() would have returned.
 * Collections through gc.collect() are counted by the module. */
void tw_gc_note_automatic_collection(int generation, TwSsize reported);

#endif /* TWINPY_GCMODULE_H */

/*
 * sketch_type.h
 *		The stored quantile_sketch value and how glue code reads and
 *		builds it.
 *
 * A quantile_sketch is a varlena holding the binary form of
 * src/core/ddsketch_codec.c (version byte first); reading one decodes and
 * validates it into a DDSketch in the current memory context.
 */
#ifndef CA_SKETCH_TYPE_H
#define CA_SKETCH_TYPE_H

#include "postgres.h"

#include "fmgr.h"

#include "ddsketch.h"

/* DDAllocFn on PostgreSQL memory contexts; ctx is the MemoryContext. */
extern void *sketch_alloc(void *ctx, void *ptr, size_t size);

/* Detoasts, decodes and checks a stored sketch. */
extern DDSketch *sketch_from_datum(Datum d);

/* The stored form of a sketch; ERROR when its sum is out of range. */
extern bytea *sketch_make(const DDSketch *s);

/* ERROR unless two sketches have the same relative accuracy. */
extern void sketch_check_alpha(const DDSketch *a, const DDSketch *b,
							   const char *what);

/*
 * The relative accuracy argument (2) of a quantile_sketch_agg transition
 * call, checked; the default when the call has none.
 */
extern double sketch_agg_alpha(FunctionCallInfo fcinfo);

#define PG_GETARG_SKETCH(n)		sketch_from_datum(PG_GETARG_DATUM(n))

#endif							/* CA_SKETCH_TYPE_H */

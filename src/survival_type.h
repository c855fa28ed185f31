/*
 * survival_type.h
 *		The stored survival value and the glue shared by its functions.
 */
#ifndef CA_SURVIVAL_TYPE_H
#define CA_SURVIVAL_TYPE_H

#include "postgres.h"

#include "fmgr.h"

#include "survival.h"

/*
 * Stored form: a header with the format version and the number of
 * distinct times, then the sorted points, 8-byte aligned.
 */
typedef struct Survival
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		flags;			/* reserved, always zero in version 1 */
	uint16		reserved;		/* always zero in version 1 */
	uint32		ntimes;
	uint32		padding;		/* always zero; aligns the points */
	SurvPoint	points[FLEXIBLE_ARRAY_MEMBER];
} Survival;

#define SURVIVAL_HEADER offsetof(Survival, points)
#define SURVIVAL_SIZE(n) (SURVIVAL_HEADER + (Size) (n) * sizeof(SurvPoint))

/* Detoasts a stored survival value and checks every field of it. */
extern Survival *survival_from_datum(Datum d);
extern Survival *survival_make(const SurvPoint *pts, size_t n);

/* An allocator for src/core that takes memory from cxt. */
extern void survival_allocator(SurvAlloc *mem, MemoryContext cxt);

/*
 * The transition state of an aggregate built on a SurvBuilder (argument
 * 0), created in the aggregate context on the first row; raises an ERROR
 * naming fname outside an aggregate.  The survival aggregates' combine,
 * serialize and deserialize functions work on it.
 */
extern SurvBuilder *survival_agg_state(FunctionCallInfo fcinfo, const char *fname);

/*
 * One row (arguments 1 and 2) of survival_agg and of prediction_score_agg
 * added to a builder, checked as those aggregates document.
 */
extern void survival_agg_add_row(SurvBuilder *b, FunctionCallInfo fcinfo);
extern void prediction_score_add_row(SurvBuilder *b, FunctionCallInfo fcinfo);

/* The prediction_score record of a run of (predicted, churned) points. */
extern Datum prediction_score_result(FunctionCallInfo fcinfo,
									 const SurvPoint *run, size_t nrun);

/* Turns a failed core update into an ERROR that names what was updated. */
extern void survival_report(CaStatus st, const char *what);

#define PG_GETARG_SURVIVAL(n)	survival_from_datum(PG_GETARG_DATUM(n))
#define PG_RETURN_SURVIVAL(s)	PG_RETURN_POINTER(s)

#endif							/* CA_SURVIVAL_TYPE_H */

/*
 * cohort_unshifted.c
 *		For bench/cohort.sh only: cohort_agg's transition as it was before
 *		the moments were kept about a shift (Welford's update about the
 *		running mean, straight into a CohortStats), so that both can be
 *		timed side by side in one run.  Built with the algorithms of
 *		src/core it uses (bench/cohort.sh).
 */
#include "postgres.h"

#include "fmgr.h"

#include "cohort_type.h"

PG_MODULE_MAGIC;

/* its own, empty: a lookup would otherwise find the extension's _PG_init */
void		_PG_init(void);

void
_PG_init(void)
{
}

PG_FUNCTION_INFO_V1(bench_unshifted_trans);
Datum
bench_unshifted_trans(PG_FUNCTION_ARGS)
{
	CohortStats *s;
	CohortUnit	u;
	CaStatus	st;

	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcontext;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			elog(ERROR, "bench_unshifted_trans called in non-aggregate context");
		s = MemoryContextAlloc(aggcontext, sizeof(CohortStats));
		cohort_stats_init(s);
	}
	else
		s = (CohortStats *) PG_GETARG_POINTER(0);
	u.completed = PG_ARGISNULL(1) ? CA_FLAG_NULL : PG_GETARG_BOOL(1) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
	u.churned = PG_ARGISNULL(2) ? CA_FLAG_NULL : PG_GETARG_BOOL(2) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
	u.has_value = !PG_ARGISNULL(3);
	u.value = u.has_value ? PG_GETARG_FLOAT8(3) : 0.0;
	u.has_covariate = false;
	u.covariate = 0.0;
	st = cohort_stats_add(s, &u);
	if (unlikely(st != CA_OK))
		elog(ERROR, "cohort_agg_unshifted: value out of range");
	PG_RETURN_POINTER(s);
}

/* a stored cohort (format version 1) */
static Cohort *
make(const CohortStats *st)
{
	Cohort	   *c = palloc0(COHORT_SIZE);

	SET_VARSIZE(c, COHORT_SIZE);
	c->version = COHORT_FORMAT_VERSION;
	c->stats = *st;
	return c;
}

PG_FUNCTION_INFO_V1(bench_unshifted_final);
Datum
bench_unshifted_final(PG_FUNCTION_ARGS)
{
	CohortStats empty;

	if (PG_ARGISNULL(0))
	{
		cohort_stats_init(&empty);
		PG_RETURN_POINTER(make(&empty));
	}
	PG_RETURN_POINTER(make((CohortStats *) PG_GETARG_POINTER(0)));
}

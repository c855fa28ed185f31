/*
 * cohort_unshifted.c
 *		For bench/cohort.sh only: cohort_agg's transition as it was before
 *		the moments were kept about a shift (Welford's update about the
 *		running mean, straight into a CohortStats), so that both can be
 *		timed side by side in one run.  Loaded after cohort_analyzer, whose
 *		symbols it uses.
 */
#include "postgres.h"

#include "fmgr.h"

#include "ca_util.h"
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
		s = MemoryContextAlloc(ca_agg_context(fcinfo, "bench_unshifted_trans"), sizeof(CohortStats));
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
		ca_report_status(st, "value");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(bench_unshifted_final);
Datum
bench_unshifted_final(PG_FUNCTION_ARGS)
{
	CohortStats empty;

	if (PG_ARGISNULL(0))
	{
		cohort_stats_init(&empty);
		PG_RETURN_POINTER(cohort_make(&empty));
	}
	PG_RETURN_POINTER(cohort_make((CohortStats *) PG_GETARG_POINTER(0)));
}

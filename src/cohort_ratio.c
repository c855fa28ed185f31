/*
 * cohort_ratio.c
 *		ratio(cohort): the ratio metric of a summary.
 */
#include "postgres.h"

#include "fmgr.h"

#include "ca_util.h"
#include "cohort_type.h"
#include "stat_tests.h"

PG_FUNCTION_INFO_V1(cohort_ratio);
Datum
cohort_ratio(PG_FUNCTION_ARGS)
{
	Cohort	   *c = PG_GETARG_COHORT(0);

	CA_RETURN_FLOAT8_OR_NULL(stat_ratio(&c->stats));
}

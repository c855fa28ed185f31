/*
 * churn_risk.c
 *		churn_probability (conditional churn risk from a survival value) and
 *		retention_hazard (per-period churn hazards of a retention value).
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/float.h"

#include "churn.h"
#include "retention.h"
#include "stats_args.h"
#include "survival_type.h"

/* Raises an ERROR naming argname unless v is finite and non-negative. */
static double
duration_arg(double v, const char *argname)
{
	if (!(v >= 0.0 && v < INFINITY))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("churn_probability %s must be a finite non-negative number, got %s",
						argname, float8out_internal(v)),
				 errhint("Use the same unit of time as the durations of the survival value.")));
	return v;
}

PG_FUNCTION_INFO_V1(churn_probability);
Datum
churn_probability(PG_FUNCTION_ARGS)
{
	Survival   *s = PG_GETARG_SURVIVAL(0);
	double		tenure = duration_arg(PG_GETARG_FLOAT8(1), "tenure");
	double		horizon = duration_arg(PG_GETARG_FLOAT8(2), "horizon");
	double		level = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "churn_probability level");
	TupleDesc	desc = stats_result_tupdesc(fcinfo, "churn_probability");
	Datum		values[3];
	bool		nulls[3];
	ChurnRisk	r;

	if (!isfinite(tenure + horizon))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("churn_probability tenure + horizon is out of range")));
	churn_conditional(s->points, s->ntimes, tenure, horizon, level, &r);
	values[0] = stats_float8_or_null(r.probability, &nulls[0]);
	values[1] = stats_float8_or_null(r.low, &nulls[1]);
	values[2] = stats_float8_or_null(r.high, &nulls[2]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(churn_retention_hazard_sql);
Datum
churn_retention_hazard_sql(PG_FUNCTION_ARGS)
{
	RetentionCounts *r = retention_from_datum(PG_GETARG_DATUM(0));
	double	   *h = palloc(sizeof(double) * r->periods);
	Datum	   *elems = palloc(sizeof(Datum) * r->periods);
	bool	   *nulls = palloc(sizeof(bool) * r->periods);
	int			dims[1] = {r->periods};
	int			lbs[1] = {1};
	int32		k;

	churn_retention_hazard(r, h);
	for (k = 0; k < r->periods; k++)
		elems[k] = stats_float8_or_null(h[k], &nulls[k]);
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, FLOAT8OID,
											 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * stats_segments.c
 *		heterogeneity_test: does an effect differ between segments?
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"

#include "segments.h"
#include "stats_args.h"

PG_FUNCTION_INFO_V1(stats_heterogeneity_test);
Datum
stats_heterogeneity_test(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc = stats_result_tupdesc(fcinfo, "heterogeneity");
	Datum	   *ed,
			   *sd;
	bool	   *en,
			   *sn;
	int			k = stats_array_elements(PG_GETARG_ARRAYTYPE_P(0), FLOAT8OID, "estimates", true, &ed, &en);
	int			k2 = stats_array_elements(PG_GETARG_ARRAYTYPE_P(1), FLOAT8OID, "std_errors", true, &sd, &sn);
	double	   *est,
			   *se;
	int			used = 0,
				i;
	StatHeterogeneity h;
	Datum		values[6];
	bool		nulls[6] = {false};

	if (k != k2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("estimates and std_errors must have the same length, got %d and %d", k, k2)));
	est = palloc(Max(k, 1) * sizeof(double));
	se = palloc(Max(k, 1) * sizeof(double));
	/* a segment whose estimate or standard error is NULL does not count */
	for (i = 0; i < k; i++)
	{
		double		e,
					s;

		if (en[i] || sn[i])
			continue;
		e = DatumGetFloat8(ed[i]);
		s = DatumGetFloat8(sd[i]);
		if (!isfinite(e))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("estimates must be finite, got %g at position %d", e, i + 1)));
		if (!(s > 0.0) || isinf(s))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("std_errors must be positive and finite, got %g at position %d", s, i + 1),
					 errhint("A segment without a standard error can be left out, or passed as NULL.")));
		est[used] = e;
		se[used] = s;
		used++;
	}
	if (used < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("heterogeneity_test needs at least two segments with an estimate and a standard error, got %d",
						used)));
	stat_heterogeneity(est, se, used, &h);
	values[0] = Float8GetDatum(h.q);
	values[1] = Int32GetDatum(used - 1);
	values[2] = stats_float8_or_null(h.p_value, &nulls[2]);
	values[3] = stats_float8_or_null(h.i_squared, &nulls[3]);
	values[4] = stats_float8_or_null(h.pooled, &nulls[4]);
	values[5] = stats_float8_or_null(h.pooled_std_error, &nulls[5]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

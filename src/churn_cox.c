/*
 * churn_cox.c
 *		hazard_ratio: a Cox model of treatment against control fitted on two
 *		survival values.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"

#include "ca_util.h"
#include "cox.h"
#include "distributions.h"
#include "stats_args.h"
#include "survival_type.h"

#define HAZARD_RATIO_COLUMNS 9

static const char *const ties_names[] = {"efron", "breslow", NULL};

PG_FUNCTION_INFO_V1(churn_hazard_ratio);
Datum
churn_hazard_ratio(PG_FUNCTION_ARGS)
{
	Survival   *ctl = PG_GETARG_SURVIVAL(0);
	Survival   *trt = PG_GETARG_SURVIVAL(1);
	CoxTies		ties = (CoxTies) ca_lookup_name(PG_GETARG_TEXT_PP(2), ties_names, "ties");
	double		level = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "hazard_ratio level");
	TupleDesc	desc = stats_result_tupdesc(fcinfo, "hazard_ratio");
	double		zq = dist_normal_quantile(1.0 - (1.0 - level) / 2.0, false);
	double		out[HAZARD_RATIO_COLUMNS];
	Datum		values[HAZARD_RATIO_COLUMNS];
	bool		nulls[HAZARD_RATIO_COLUMNS];
	CoxFit		fit;
	int			i;

	cox_fit(ctl->points, ctl->ntimes, trt->points, trt->ntimes, ties, &fit);
	out[0] = exp(fit.coef);
	out[1] = exp(fit.coef - zq * fit.std_err);
	out[2] = exp(fit.coef + zq * fit.std_err);
	out[3] = fit.z;
	out[4] = fit.p_value;
	out[5] = fit.score_p;
	out[6] = fit.coef;
	out[7] = fit.std_err;
	out[8] = fit.score_chisq;
	for (i = 0; i < HAZARD_RATIO_COLUMNS; i++)
		values[i] = stats_float8_or_null(out[i], &nulls[i]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

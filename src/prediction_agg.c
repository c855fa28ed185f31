/*
 * prediction_agg.c
 *		prediction_score_agg: how good churn predictions were, from one row
 *		per unit with its predicted probability and whether it churned.
 *
 * The state is the survival aggregates' SurvBuilder with the prediction as
 * the time and churned / not churned as events / censored, so rows with
 * the same prediction share one entry, and the survival aggregates'
 * combine, serialize and deserialize functions serve for parallel query.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"

#include "ca_util.h"
#include "scoring.h"
#include "stats_args.h"
#include "survival_type.h"

#define SCORE_COLUMNS 4

void
prediction_score_add_row(SurvBuilder *b, FunctionCallInfo fcinfo)
{
	float8		p;
	bool		churned;

	/* rows with an unknown prediction or outcome are skipped */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return;
	p = PG_GETARG_FLOAT8(1);
	churned = PG_GETARG_BOOL(2);
	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prediction_score_agg predicted must be a probability between 0 and 1, got %s",
						float8out_internal(p)),
				 errhint("Skip units without a prediction by passing NULL.")));
	/* -0 counts as 0, so equal predictions share an entry */
	survival_report(surv_builder_add(b, p == 0.0 ? 0.0 : p, churned ? 1 : 0, churned ? 0 : 1),
					"prediction_score_agg");
}

PG_FUNCTION_INFO_V1(prediction_score_trans);
Datum
prediction_score_trans(PG_FUNCTION_ARGS)
{
	SurvBuilder *b = survival_agg_state(fcinfo, "prediction_score_trans");

	prediction_score_add_row(b, fcinfo);
	PG_RETURN_POINTER(b);
}

static char *
calibration_json(const ScoreSummary *s)
{
	StringInfoData buf;
	int			k;
	bool		first = true;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '[');
	for (k = 0; k < SCORE_BINS; k++)
	{
		const ScoreBin *bin = &s->bins[k];

		if (bin->n == 0)
			continue;
		appendStringInfoString(&buf, first ? "{\"from\": " : ", {\"from\": ");
		first = false;
		ca_append_double(&buf, bin->from);
		appendStringInfoString(&buf, ", \"to\": ");
		ca_append_double(&buf, bin->to);
		appendStringInfo(&buf, ", \"n\": " INT64_FORMAT ", \"predicted\": ", bin->n);
		ca_append_json_double(&buf, bin->predicted);
		appendStringInfoString(&buf, ", \"observed\": ");
		ca_append_json_double(&buf, bin->observed);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoChar(&buf, ']');
	return buf.data;
}

Datum
prediction_score_result(FunctionCallInfo fcinfo, const SurvPoint *run, size_t nrun)
{
	TupleDesc	desc;
	ScoreSummary s;
	Datum		values[SCORE_COLUMNS];
	bool		nulls[SCORE_COLUMNS] = {false};

	desc = stats_result_tupdesc(fcinfo, "prediction_score");
	score_summarize(run, nrun, &s);
	values[0] = Int64GetDatum(s.n);
	values[1] = stats_float8_or_null(s.auc, &nulls[1]);
	values[2] = stats_float8_or_null(s.brier, &nulls[2]);
	values[3] = DirectFunctionCall1(jsonb_in, CStringGetDatum(calibration_json(&s)));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(prediction_score_final);
Datum
prediction_score_final(PG_FUNCTION_ARGS)
{
	SurvBuilder *b;

	ca_agg_context(fcinfo, "prediction_score_final");
	if (PG_ARGISNULL(0))
		return prediction_score_result(fcinfo, NULL, 0);
	b = (SurvBuilder *) PG_GETARG_POINTER(0);
	/* flushing changes how the state is laid out, not what it holds */
	survival_report(surv_builder_flush(b), "prediction_score_agg");
	return prediction_score_result(fcinfo, b->run, b->nrun);
}

/*
 * survival_state.c
 *		survival_agg, rollup(survival) and prediction_score_agg with a
 *		survival value as their state (an expanded object while it grows,
 *		agg_state.h), so that Citus can compute them on its workers.
 *
 * The state is a SurvBuilder in the object's memory context; its flat
 * form is the stored survival value of its points (prediction_score_agg
 * keeps (predicted, churned) as (time, event) points), which holds all
 * the builder does: partial states merge exactly.
 */
#include "postgres.h"

#include "fmgr.h"

#include "agg_state.h"
#include "ca_util.h"
#include "survival_type.h"

static struct varlena *
survival_flatten(void *payload)
{
	SurvBuilder *b = (SurvBuilder *) payload;

	/* flushing changes how the state is laid out, not what it holds */
	survival_report(surv_builder_flush(b), "survival state");
	return (struct varlena *) survival_make(b->run, b->nrun);
}

static const CaStateKind survival_kind = {"survival state", survival_flatten};

/* A new state holding the points of d (a survival value), or none. */
static CaState *
state_new(FunctionCallInfo fcinfo, Datum d, bool empty)
{
	CaState    *st = ca_state_new(fcinfo, &survival_kind);
	MemoryContext ctx = ca_state_context(st);
	SurvBuilder *b = MemoryContextAlloc(ctx, sizeof(SurvBuilder));
	SurvAlloc	mem;

	survival_allocator(&mem, ctx);
	surv_builder_init(b, &mem);
	st->payload = b;
	if (!empty)
	{
		SurvBuilder *src = ca_state_payload(d, &survival_kind);

		if (src != NULL)
		{
			survival_report(surv_builder_flush(src), "survival state");
			survival_report(surv_builder_add_run(b, src->run, src->nrun), "survival state");
		}
		else
		{
			Survival   *s = survival_from_datum(d);

			survival_report(surv_builder_add_run(b, s->points, s->ntimes), "survival state");
		}
	}
	return st;
}

/* The state of argument 0: itself when the executor owns it, else a copy. */
static pg_attribute_always_inline CaState *
state_arg(FunctionCallInfo fcinfo)
{
	CaState    *st = ca_state_owned(fcinfo, &survival_kind);

	if (likely(st != NULL))
		return st;
	return state_new(fcinfo, PG_GETARG_DATUM(0), PG_ARGISNULL(0));
}

#define BUILDER(st) ((SurvBuilder *) (st)->payload)

PG_FUNCTION_INFO_V1(survival_state_trans);
Datum
survival_state_trans(PG_FUNCTION_ARGS)
{
	CaState    *st = state_arg(fcinfo);

	survival_agg_add_row(BUILDER(st), fcinfo);
	CA_RETURN_STATE(st);
}

PG_FUNCTION_INFO_V1(prediction_score_state_trans);
Datum
prediction_score_state_trans(PG_FUNCTION_ARGS)
{
	CaState    *st = state_arg(fcinfo);

	prediction_score_add_row(BUILDER(st), fcinfo);
	CA_RETURN_STATE(st);
}

/* Merges argument 1 (a stored value or a state) into the state. */
static Datum
state_merge(FunctionCallInfo fcinfo, const char *what)
{
	CaState    *st;
	SurvBuilder *in;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		CA_RETURN_STATE(state_arg(fcinfo));
	}
	st = state_arg(fcinfo);
	in = ca_state_payload(PG_GETARG_DATUM(1), &survival_kind);
	if (in != NULL)
	{
		survival_report(surv_builder_flush(in), what);
		survival_report(surv_builder_add_run(BUILDER(st), in->run, in->nrun), what);
	}
	else
	{
		Survival   *s = PG_GETARG_SURVIVAL(1);

		survival_report(surv_builder_add_run(BUILDER(st), s->points, s->ntimes), what);
	}
	CA_RETURN_STATE(st);
}

PG_FUNCTION_INFO_V1(survival_state_rollup);
Datum
survival_state_rollup(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, "rolled-up survival");
}

PG_FUNCTION_INFO_V1(survival_state_combine);
Datum
survival_state_combine(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, "combined survival");
}

/* The points of a state argument (0), flushed, or none for NULL. */
static void
state_points(FunctionCallInfo fcinfo, const SurvPoint **pts, size_t *n)
{
	SurvBuilder *b;

	*pts = NULL;
	*n = 0;
	if (PG_ARGISNULL(0))
		return;
	b = ca_state_payload(PG_GETARG_DATUM(0), &survival_kind);
	if (b != NULL)
	{
		survival_report(surv_builder_flush(b), "survival state");
		*pts = b->run;
		*n = b->nrun;
	}
	else
	{
		Survival   *s = PG_GETARG_SURVIVAL(0);

		*pts = s->points;
		*n = s->ntimes;
	}
}

/* The stored survival value; an empty one for no rows. */
PG_FUNCTION_INFO_V1(survival_state_final);
Datum
survival_state_final(PG_FUNCTION_ARGS)
{
	const SurvPoint *pts;
	size_t		n;

	state_points(fcinfo, &pts, &n);
	PG_RETURN_SURVIVAL(survival_make(pts, n));
}

PG_FUNCTION_INFO_V1(prediction_score_state_final);
Datum
prediction_score_state_final(PG_FUNCTION_ARGS)
{
	const SurvPoint *pts;
	size_t		n;

	state_points(fcinfo, &pts, &n);
	return prediction_score_result(fcinfo, pts, n);
}

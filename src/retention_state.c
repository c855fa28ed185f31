/*
 * retention_state.c
 *		retention_agg and rollup(retention) with a retention value as their
 *		state (an expanded object, agg_state.h), so that Citus can compute
 *		them on its workers.  The state is the RetentionCounts of
 *		src/core/activity.h, whose flat form is the stored retention value
 *		(it holds every counter: partial states merge exactly).
 */
#include "postgres.h"

#include "fmgr.h"

#include "agg_state.h"
#include "ca_util.h"
#include "retention.h"

static struct varlena *
retention_flatten(void *payload)
{
	return (struct varlena *) DatumGetPointer(retention_make((RetentionCounts *) payload));
}

static const CaStateKind retention_kind = {"retention state", retention_flatten};

#define COUNTS(st) ((RetentionCounts *) (st)->payload)

/* The counters of a retention value or state, read without copying a state. */
static const RetentionCounts *
counts_of(Datum d)
{
	RetentionCounts *r = ca_state_payload(d, &retention_kind);

	return r != NULL ? r : retention_from_datum(d);
}

/* A new state: zero counters of the shape, plus src when given. */
static CaState *
state_new(FunctionCallInfo fcinfo, uint8 unit, int32 periods,
		  const RetentionCounts *src)
{
	CaState    *st = ca_state_new(fcinfo, &retention_kind);

	st->payload = retention_alloc(ca_state_context(st), unit, periods);
	if (src != NULL)
		ca_report_status(retention_merge(COUNTS(st), src), "retention state");
	return st;
}

/*
 * The state to update for a value of the given shape: argument 0 itself
 * when the executor owns it, else a copy of it, or new counters for NULL.
 */
static CaState *
state_arg(FunctionCallInfo fcinfo, uint8 unit, int32 periods)
{
	CaState    *st = ca_state_owned(fcinfo, &retention_kind);

	if (st == NULL)
	{
		const RetentionCounts *src = PG_ARGISNULL(0) ? NULL : counts_of(PG_GETARG_DATUM(0));

		if (src != NULL)
		{
			unit = src->unit;
			periods = src->periods;
		}
		st = state_new(fcinfo, unit, periods, src);
	}
	return st;
}

/* The state unchanged (for a NULL input): itself, a copy, or NULL. */
#define RETURN_STATE_AS_IS() \
	do { \
		if (PG_ARGISNULL(0)) \
			PG_RETURN_NULL(); \
		CA_RETURN_STATE(state_arg(fcinfo, 0, 0)); \
	} while (0)

PG_FUNCTION_INFO_V1(retention_state_trans);
Datum
retention_state_trans(PG_FUNCTION_ARGS)
{
	ActivityView a;
	CaState    *st;
	int32		eligible;

	if (PG_ARGISNULL(1))
		RETURN_STATE_AS_IS();
	activity_from_datum(PG_GETARG_DATUM(1), &a);
	st = state_arg(fcinfo, a.unit, a.periods);
	retention_check_shape(COUNTS(st), a.unit, a.periods, "retention_agg");
	eligible = retention_agg_eligible(fcinfo, &a);
	ca_report_status(retention_add(COUNTS(st), a.bits, eligible), "retention_agg units");
	CA_RETURN_STATE(st);
}

/* Merges argument 1 (a stored value or a state) into the state. */
static Datum
state_merge(FunctionCallInfo fcinfo, const char *fname, const char *what)
{
	const RetentionCounts *in;
	CaState    *st;

	if (PG_ARGISNULL(1))
		RETURN_STATE_AS_IS();
	in = counts_of(PG_GETARG_DATUM(1));
	st = state_arg(fcinfo, in->unit, in->periods);
	retention_check_shape(COUNTS(st), in->unit, in->periods, fname);
	ca_report_status(retention_merge(COUNTS(st), in), what);
	CA_RETURN_STATE(st);
}

PG_FUNCTION_INFO_V1(retention_state_rollup);
Datum
retention_state_rollup(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, "rollup", "rolled-up retention");
}

PG_FUNCTION_INFO_V1(retention_state_combine);
Datum
retention_state_combine(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, "retention_agg", "combined retention");
}

/* The stored retention value; NULL for no activities. */
PG_FUNCTION_INFO_V1(retention_state_final);
Datum
retention_state_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(retention_make(counts_of(PG_GETARG_DATUM(0))));
}

/*
 * sketch_state.c
 *		The quantile sketch aggregates with a quantile_sketch as their
 *		state, so that Citus can compute them on its workers and combine
 *		the partial states on the coordinator.
 *
 * The state is an expanded object: a DDSketch whose bucket arrays grow in
 * place in the object's own memory context, a child of the aggregate
 * context, so that rows do not allocate.  Its flat form is the stored
 * quantile_sketch (the encoding of src/core/ddsketch_codec.c), which
 * carries everything the sketch holds: a partial state that travels as text
 * or binary merges exactly as the sketch it came from.
 *
 * The object is only updated in place when the executor owns it: a
 * read-write pointer passed as the transition value of an aggregate
 * (AggCheckCallContext).  Anything else (a stored or flattened value, a
 * read-only pointer, a direct call) is copied into a new object first.
 */
#include "postgres.h"

#include "fmgr.h"

#include "agg_state.h"
#include "ca_util.h"
#include "sketch_type.h"

static struct varlena *
sketch_flatten(void *payload)
{
	return (struct varlena *) sketch_make((DDSketch *) payload);
}

static const CaStateKind sketch_kind = {"quantile_sketch state", sketch_flatten};

/* A new state: a copy of src, or empty with relative accuracy alpha. */
static CaState *
state_new(FunctionCallInfo fcinfo, const DDSketch *src, double alpha)
{
	CaState    *st = ca_state_new(fcinfo, &sketch_kind);
	DDSketch   *s = MemoryContextAlloc(ca_state_context(st), sizeof(DDSketch));

	if (src != NULL)
		ddsketch_copy(s, src, sketch_alloc, ca_state_context(st));
	else
		ddsketch_init(s, alpha, sketch_alloc, ca_state_context(st));
	st->payload = s;
	return st;
}

/* The sketch argument n holds, read without copying a state. */
static const DDSketch *
sketch_arg(FunctionCallInfo fcinfo, int n)
{
	DDSketch   *s = ca_state_payload(PG_GETARG_DATUM(n), &sketch_kind);

	return s != NULL ? s : sketch_from_datum(PG_GETARG_DATUM(n));
}

/* The state to update (argument 0, not NULL): itself when owned, else a copy. */
static pg_attribute_always_inline CaState *
state_arg(FunctionCallInfo fcinfo)
{
	CaState    *st = ca_state_owned(fcinfo, &sketch_kind);

	return likely(st != NULL) ? st : state_new(fcinfo, sketch_arg(fcinfo, 0), 0);
}

#define SK(st) ((DDSketch *) (st)->payload)

PG_FUNCTION_INFO_V1(quantile_sketch_state_trans);
Datum
quantile_sketch_state_trans(PG_FUNCTION_ARGS)
{
	double		alpha = sketch_agg_alpha(fcinfo);
	CaState    *e;

	if (PG_ARGISNULL(0))
	{
		if (PG_ARGISNULL(1))
			PG_RETURN_NULL();
		e = state_new(fcinfo, NULL, alpha);
	}
	else
	{
		e = state_arg(fcinfo);
		if (SK(e)->alpha != alpha)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("relative_accuracy of quantile_sketch_agg must be the same for all rows of a group")));
	}
	if (!PG_ARGISNULL(1))
		ca_report_status(ddsketch_add(SK(e), PG_GETARG_FLOAT8(1)),
						 "value of quantile_sketch_agg");
	CA_RETURN_STATE(e);
}

/*
 * Merges argument 1 (a stored sketch or a state) into the state.  A first
 * input is copied (combine) or merged into an empty sketch of its accuracy
 * (rollup), as the aggregates with an internal state did.
 */
static Datum
state_merge(FunctionCallInfo fcinfo, bool copy_first, const char *verb,
			const char *what)
{
	const DDSketch *in;
	CaState    *e;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		e = state_arg(fcinfo);
		CA_RETURN_STATE(e);
	}
	in = sketch_arg(fcinfo, 1);
	if (PG_ARGISNULL(0))
	{
		e = state_new(fcinfo, copy_first ? in : NULL, in->alpha);
		if (copy_first)
			CA_RETURN_STATE(e);
	}
	else
		e = state_arg(fcinfo);
	sketch_check_alpha(SK(e), in, verb);
	ca_report_status(ddsketch_merge(SK(e), in), what);
	CA_RETURN_STATE(e);
}

PG_FUNCTION_INFO_V1(quantile_sketch_state_rollup);
Datum
quantile_sketch_state_rollup(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, false, "roll up", "rolled-up quantile_sketch count");
}

PG_FUNCTION_INFO_V1(quantile_sketch_state_combine);
Datum
quantile_sketch_state_combine(PG_FUNCTION_ARGS)
{
	return state_merge(fcinfo, true, "combine", "combined quantile_sketch count");
}

/* The stored sketch; like percentile_disc, no values give NULL. */
PG_FUNCTION_INFO_V1(quantile_sketch_state_final);
Datum
quantile_sketch_state_final(PG_FUNCTION_ARGS)
{
	const DDSketch *s;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = sketch_arg(fcinfo, 0);
	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_BYTEA_P(sketch_make(s));
}

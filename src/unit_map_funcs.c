/*
 * unit_map_funcs.c
 *		SQL-callable glue of the per-unit maps of incremental checkpoints
 *		(src/core/unit_map.h): the aggregate that builds one from rows, and
 *		the functions that merge, count, meet and summarize stored maps.
 *
 * A map is stored as bytea; every function checks the bytes it is given.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "agg_state.h"
#include "ca_util.h"
#include "cohort_accum.h"
#include "cohort_type.h"
#include "unit_map.h"

static void *
unit_alloc(void *ctx, void *ptr, size_t size)
{
	if (size == 0)
	{
		pfree(ptr);
		return NULL;
	}
	if (ptr == NULL)
		return MemoryContextAllocHuge((MemoryContext) ctx, size);
	return repalloc_huge(ptr, size);
}

/* Refuses the bytea of argument n unless it is a valid map. */
static void
check_map(const bytea *b, int n)
{
	const char *problem = unit_map_problem((const uint8 *) VARDATA_ANY(b),
										   VARSIZE_ANY_EXHDR(b));

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid unit map in argument %d", n + 1),
				 errdetail("%s.", problem)));
}

/* A checked map from a bytea argument (its length in *len when asked). */
static const uint8 *
arg_map_len(FunctionCallInfo fcinfo, int n, size_t *len)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(n);

	check_map(b, n);
	if (len != NULL)
		*len = VARSIZE_ANY_EXHDR(b);
	return (const uint8 *) VARDATA_ANY(b);
}

#define arg_map(fcinfo, n)	arg_map_len(fcinfo, n, NULL)

/* A bytea argument returned as it is, once checked (detoasted once). */
static Datum
checked_map_datum(FunctionCallInfo fcinfo, int n)
{
	bytea	   *b = PG_GETARG_BYTEA_P(n);

	check_map(b, n);
	PG_RETURN_BYTEA_P(b);
}

static bytea *
alloc_map_bytea(size_t size)
{
	bytea	   *out;

	if (size > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the units of a rollout arm take more than 1 GB"),
				 errhint("Use \"measurement\": \"full\" in the plan for this many units.")));
	out = palloc(VARHDRSZ + size);
	SET_VARSIZE(out, VARHDRSZ + size);
	return out;
}

static bytea *
builder_bytea(UnitMapBuilder *b)
{
	bytea	   *out = alloc_map_bytea(unit_builder_encoded_size(b));

	unit_builder_encode(b, (uint8 *) VARDATA(out));
	return out;
}

static struct varlena *
unit_flatten(void *payload)
{
	return (struct varlena *) builder_bytea((UnitMapBuilder *) payload);
}

static const CaStateKind unit_map_kind = {"unit map state", unit_flatten};

#define UB(st) ((UnitMapBuilder *) (st)->payload)

static void
report_unit_status(CaStatus st)
{
	if (st == CA_TOO_MANY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("unit_id is longer than %d bytes", UNIT_MAP_MAX_KEY)));
	ca_report_status(st, "revenue of a unit");
}

/* Adds argument n (a stored map or a state, not NULL) to a builder. */
static void
add_arg(FunctionCallInfo fcinfo, int n, UnitMapBuilder *b)
{
	UnitMapBuilder *src = ca_state_payload(PG_GETARG_DATUM(n), &unit_map_kind);
	CaStatus	st;

	st = src != NULL ? unit_builder_add_builder(b, src) :
		unit_builder_add_map(b, arg_map(fcinfo, n));
	if (st != CA_OK)
		report_unit_status(st);
}

/* A new state, with the units of argument n unless n < 0. */
static CaState *
state_new(FunctionCallInfo fcinfo, int n)
{
	CaState    *st = ca_state_new(fcinfo, &unit_map_kind);
	UnitMapBuilder *b = MemoryContextAlloc(ca_state_context(st), sizeof(UnitMapBuilder));

	unit_builder_init(b, unit_alloc, ca_state_context(st));
	st->payload = b;
	if (n >= 0)
		add_arg(fcinfo, n, b);
	return st;
}

/* The state to update (argument 0, not NULL): itself when owned, else a copy. */
static pg_attribute_always_inline CaState *
state_arg(FunctionCallInfo fcinfo)
{
	CaState    *st = ca_state_owned(fcinfo, &unit_map_kind);

	return likely(st != NULL) ? st : state_new(fcinfo, 0);
}

static CaFlag
arg_flag(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return CA_FLAG_NULL;
	return PG_GETARG_BOOL(n) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
}

/*
 * rollout_unit_map_agg(unit text, completed boolean, churned boolean,
 * revenue double precision): the state is the map itself (bytea), built
 * in place as an expanded object; rows with a NULL unit are skipped.
 */
PG_FUNCTION_INFO_V1(rollout_unit_map_state_trans);
Datum
rollout_unit_map_state_trans(PG_FUNCTION_ARGS)
{
	CaState    *st = PG_ARGISNULL(0) ? state_new(fcinfo, -1) : state_arg(fcinfo);
	text	   *key;
	CaStatus	status;

	if (!PG_ARGISNULL(1))
	{
		key = PG_GETARG_TEXT_PP(1);
		status = unit_builder_add(UB(st), VARDATA_ANY(key), VARSIZE_ANY_EXHDR(key),
								  arg_flag(fcinfo, 2), arg_flag(fcinfo, 3),
								  !PG_ARGISNULL(4),
								  PG_ARGISNULL(4) ? 0.0 : PG_GETARG_FLOAT8(4));
		if (status != CA_OK)
			report_unit_status(status);
	}
	CA_RETURN_STATE(st);
}

/* rollout_unit_map_union(map bytea), and the combine function of both. */
PG_FUNCTION_INFO_V1(rollout_unit_map_state_union);
Datum
rollout_unit_map_state_union(PG_FUNCTION_ARGS)
{
	CaState    *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		if (ca_state_payload(PG_GETARG_DATUM(0), &unit_map_kind) == NULL)
			return checked_map_datum(fcinfo, 0);
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		/*
		 * A stored map starts the state as it is: it is unpacked only when
		 * a second one comes, so that the union of one map per group costs
		 * a copy, not a rebuild.
		 */
		if (ca_state_payload(PG_GETARG_DATUM(1), &unit_map_kind) == NULL)
			return checked_map_datum(fcinfo, 1);
		st = state_new(fcinfo, 1);
		CA_RETURN_STATE(st);
	}
	st = state_arg(fcinfo);
	add_arg(fcinfo, 1, UB(st));
	CA_RETURN_STATE(st);
}

/* The stored map: flat, checked. */
PG_FUNCTION_INFO_V1(rollout_unit_map_state_final);
Datum
rollout_unit_map_state_final(PG_FUNCTION_ARGS)
{
	UnitMapBuilder *b;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	b = ca_state_payload(PG_GETARG_DATUM(0), &unit_map_kind);
	if (b != NULL)
		PG_RETURN_BYTEA_P(builder_bytea(b));
	return checked_map_datum(fcinfo, 0);
}

/* rollout_unit_map_merge(a bytea, b bytea): NULL stands for no units. */
PG_FUNCTION_INFO_V1(rollout_unit_map_merge);
Datum
rollout_unit_map_merge(PG_FUNCTION_ARGS)
{
	const uint8 *a,
			   *b;
	bytea	   *out;
	size_t		alen,
				blen,
				len;
	CaStatus	st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
	{
		int			n = PG_ARGISNULL(0) ? 1 : 0;

		if (PG_ARGISNULL(n))
			PG_RETURN_NULL();
		return checked_map_datum(fcinfo, n);
	}
	a = arg_map_len(fcinfo, 0, &alen);
	b = arg_map_len(fcinfo, 1, &blen);
	out = alloc_map_bytea(alen + blen);
	st = unit_map_merge(a, b, (uint8 *) VARDATA(out), &len);
	if (st != CA_OK)
		report_unit_status(st);
	SET_VARSIZE(out, VARHDRSZ + len);
	PG_RETURN_BYTEA_P(out);
}

PG_FUNCTION_INFO_V1(rollout_unit_map_units);
Datum
rollout_unit_map_units(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_INT64(0);
	PG_RETURN_INT64((int64) unit_map_count(arg_map(fcinfo, 0)));
}

PG_FUNCTION_INFO_V1(rollout_unit_map_overlap);
Datum
rollout_unit_map_overlap(PG_FUNCTION_ARGS)
{
	const uint8 *a,
			   *b;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_INT64(0);
	a = arg_map(fcinfo, 0);
	b = arg_map(fcinfo, 1);
	PG_RETURN_INT64((int64) unit_map_overlap(a, b));
}

/*
 * rollout_unit_map_cohort(map bytea): the cohort of the units, as
 * cohort_agg over one row per unit (its or-ed outcomes and summed revenue);
 * NULL, like no rows, gives the empty cohort.
 */
PG_FUNCTION_INFO_V1(rollout_unit_map_cohort);
Datum
rollout_unit_map_cohort(PG_FUNCTION_ARGS)
{
	UnitMapReader r;
	UnitRecord	u;
	CohortAccum acc;
	CohortStats stats;

	cohort_accum_init(&acc);
	if (PG_ARGISNULL(0))
	{
		cohort_accum_finish(&acc, &stats);
		PG_RETURN_COHORT(cohort_make(&stats));
	}
	unit_map_read_start(&r, arg_map(fcinfo, 0));
	while (unit_map_read_next(&r, &u))
	{
		CohortUnit	cu;
		CaStatus	st;

		unit_record_cohort_unit(&u, &cu);
		st = cohort_accum_add(&acc, &cu);
		if (st != CA_OK)
			ca_report_status(st, "cohort_agg value or covariate");
	}
	cohort_accum_finish(&acc, &stats);
	PG_RETURN_COHORT(cohort_make(&stats));
}

/*
 * aa_type.c
 *		The aa summary (many random splits of the same units into two
 *		pseudo-arms), its aggregate, I/O, aa_report and aa_splits.
 *
 * Stored layout: a varlena header, the format version, the number of
 * splits, then 2 * splits cohort summaries (split s: arms 2 s and 2 s + 1).
 * The aggregate's internal state is that same structure, allocated once per
 * group in the aggregate context.  The binary and text forms are
 * version (1 byte), splits (int32), then every summary in the cohort
 * type's binary field order; the text form is that in hexadecimal.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

#include "aa.h"
#include "ca_util.h"
#include "cohort_type.h"
#include "stats_args.h"

#define AA_FORMAT_VERSION 1

typedef struct Aa
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		flags;			/* reserved, zero in version 1 */
	uint16		reserved;		/* zero in version 1 */
	int32		splits;
	int32		reserved2;		/* zero in version 1; aligns the summaries */
	CohortStats arms[FLEXIBLE_ARRAY_MEMBER];
} Aa;

#define AA_SIZE(splits) (offsetof(Aa, arms) + 2 * (Size) (splits) * sizeof(CohortStats))
#define AA_SEND_SIZE(splits) (1 + 4 + 2 * (Size) (splits) * COHORT_STATS_SEND_SIZE)

static Aa *
aa_alloc(MemoryContext cxt, int splits)
{
	Aa		   *a = MemoryContextAllocZero(cxt, AA_SIZE(splits));
	int			i;

	SET_VARSIZE(a, AA_SIZE(splits));
	a->version = AA_FORMAT_VERSION;
	a->splits = splits;
	for (i = 0; i < 2 * splits; i++)
		cohort_stats_init(&a->arms[i]);
	return a;
}

/* Detoasts a stored aa and checks its version and size. */
static Aa *
aa_from_datum(Datum d)
{
	Aa		   *a = (Aa *) PG_DETOAST_DATUM(d);

	if (VARSIZE(a) < offsetof(Aa, arms) || a->version != AA_FORMAT_VERSION ||
		a->splits < AA_MIN_SPLITS || a->splits > AA_MAX_SPLITS ||
		VARSIZE(a) != AA_SIZE(a->splits))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored aa value is corrupt or of an unsupported format version")));
	return a;
}

/* ------------------------------------------------------------------------
 * I/O
 * ------------------------------------------------------------------------
 */

static bytea *
aa_to_bytes(const Aa *a)
{
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, a->version);
	pq_sendint32(&buf, a->splits);
	for (i = 0; i < 2 * a->splits; i++)
		cohort_stats_send(&buf, &a->arms[i]);
	return pq_endtypsend(&buf);
}

/*
 * Reads the binary form; what names the input in errors, errcode is 22P03
 * for binary input and 22P02 for the text form.
 */
static Aa *
aa_from_bytes(StringInfo buf, const char *what, int errcode_bad)
{
	int			remaining = buf->len - buf->cursor;
	int			version,
				splits,
				i;
	Aa		   *a;
	const char *problem;

	if (remaining < 5)
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid %s: %d bytes, too short for a header", what, remaining)));
	version = pq_getmsgbyte(buf);
	if (version != AA_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid %s: unsupported format version %d", what, version),
				 errdetail("This build reads aa format version %d.", AA_FORMAT_VERSION)));
	splits = (int32) pq_getmsgint(buf, 4);
	if (splits < AA_MIN_SPLITS || splits > AA_MAX_SPLITS)
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid %s: %d splits, expected %d to %d", what, splits,
						AA_MIN_SPLITS, AA_MAX_SPLITS)));
	if ((Size) remaining != AA_SEND_SIZE(splits))
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid %s: %d bytes where %zu are expected", what, remaining,
						(size_t) AA_SEND_SIZE(splits))));
	a = aa_alloc(CurrentMemoryContext, splits);
	for (i = 0; i < 2 * splits; i++)
		cohort_stats_recv(buf, &a->arms[i]);
	if ((problem = aa_problem(a->arms, splits)) != NULL)
		ereport(ERROR,
				(errcode(errcode_bad),
				 errmsg("invalid %s: %s", what, problem)));
	return a;
}

PG_FUNCTION_INFO_V1(aa_in);
Datum
aa_in(PG_FUNCTION_ARGS)
{
	char	   *s = PG_GETARG_CSTRING(0);
	size_t		len = strlen(s);
	StringInfoData buf;

	if (len % 2 != 0 || strspn(s, "0123456789abcdefABCDEF") != len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type aa"),
				 errdetail("The text form of an aa value is its binary form in hexadecimal.")));
	initStringInfo(&buf);
	enlargeStringInfo(&buf, len / 2);
	buf.len = hex_decode(s, len, buf.data);
	PG_RETURN_POINTER(aa_from_bytes(&buf, "aa value", ERRCODE_INVALID_TEXT_REPRESENTATION));
}

PG_FUNCTION_INFO_V1(aa_out);
Datum
aa_out(PG_FUNCTION_ARGS)
{
	bytea	   *b = aa_to_bytes(aa_from_datum(PG_GETARG_DATUM(0)));
	size_t		n = VARSIZE(b) - VARHDRSZ;
	char	   *out = palloc(2 * n + 1);

	out[hex_encode(VARDATA(b), n, out)] = '\0';
	PG_RETURN_CSTRING(out);
}

PG_FUNCTION_INFO_V1(aa_send);
Datum
aa_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(aa_to_bytes(aa_from_datum(PG_GETARG_DATUM(0))));
}

PG_FUNCTION_INFO_V1(aa_recv);
Datum
aa_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(aa_from_bytes((StringInfo) PG_GETARG_POINTER(0), "binary aa value",
								   ERRCODE_INVALID_BINARY_REPRESENTATION));
}

/* ------------------------------------------------------------------------
 * aa_agg
 * ------------------------------------------------------------------------
 */

static CaFlag
arg_flag(FunctionCallInfo fcinfo, int n)
{
	if (PG_ARGISNULL(n))
		return CA_FLAG_NULL;
	return PG_GETARG_BOOL(n) ? CA_FLAG_TRUE : CA_FLAG_FALSE;
}

/*
 * aa_agg(unit_id, completed, churned, value [, splits]): rows without a unit
 * id are skipped, as an aggregate skips NULLs; every row of a group must ask
 * for the same number of splits.
 */
/* The splits a transition call asks for (argument 5, 200 without it). */
static int
aa_arg_splits(FunctionCallInfo fcinfo)
{
	int			splits;

	if (PG_NARGS() <= 5)
		return 200;
	if (PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("aa_agg splits must not be NULL")));
	splits = PG_GETARG_INT32(5);
	if (splits < AA_MIN_SPLITS || splits > AA_MAX_SPLITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("aa_agg splits must lie between %d and %d, got %d",
						AA_MIN_SPLITS, AA_MAX_SPLITS, splits)));
	return splits;
}

static void
aa_check_splits(const Aa *a, int splits)
{
	if (a->splits != splits)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("aa_agg splits must be the same on every row, got %d and %d",
						a->splits, splits)));
}

/* Adds the unit of a transition call's arguments 1 .. 4 to a. */
static void
aa_step(FunctionCallInfo fcinfo, Aa *a)
{
	text	   *id;
	CohortUnit	u;
	CaStatus	st;

	if (PG_ARGISNULL(1))
		return;
	id = PG_GETARG_TEXT_PP(1);
	u.completed = arg_flag(fcinfo, 2);
	u.churned = arg_flag(fcinfo, 3);
	u.has_value = !PG_ARGISNULL(4);
	u.value = u.has_value ? PG_GETARG_FLOAT8(4) : 0.0;
	u.has_covariate = false;
	u.covariate = 0.0;
	st = aa_add(a->arms, a->splits, aa_hash_id(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id)), &u);
	if (st != CA_OK)
		ca_report_status(st, "aa_agg value");
}

PG_FUNCTION_INFO_V1(aa_agg_trans);
Datum
aa_agg_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "aa_agg_trans");
	Aa		   *a = PG_ARGISNULL(0) ? NULL : (Aa *) PG_GETARG_POINTER(0);
	int			splits = aa_arg_splits(fcinfo);

	if (a == NULL)
		a = aa_alloc(aggcontext, splits);
	else
		aa_check_splits(a, splits);
	aa_step(fcinfo, a);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(aa_agg_combine);
Datum
aa_agg_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = ca_agg_context(fcinfo, "aa_agg_combine");
	Aa		   *dst,
			   *src;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	src = (Aa *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		dst = MemoryContextAlloc(aggcontext, VARSIZE(src));
		memcpy(dst, src, VARSIZE(src));
		PG_RETURN_POINTER(dst);
	}
	dst = (Aa *) PG_GETARG_POINTER(0);
	aa_check_splits(dst, src->splits);
	ca_report_status(aa_merge(dst->arms, src->arms, dst->splits), "aa_agg merged state");
	PG_RETURN_POINTER(dst);
}

PG_FUNCTION_INFO_V1(aa_agg_serialize);
Datum
aa_agg_serialize(PG_FUNCTION_ARGS)
{
	Aa		   *a;
	bytea	   *b;

	ca_agg_context(fcinfo, "aa_agg_serialize");
	a = (Aa *) PG_GETARG_POINTER(0);
	b = palloc(VARSIZE(a));
	memcpy(b, a, VARSIZE(a));
	PG_RETURN_BYTEA_P(b);
}

PG_FUNCTION_INFO_V1(aa_agg_deserialize);
Datum
aa_agg_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	Aa		   *a;
	const char *problem;

	ca_agg_context(fcinfo, "aa_agg_deserialize");
	b = PG_GETARG_BYTEA_P(0);
	a = (Aa *) b;
	/* checked like any other binary input before it is merged */
	if (VARSIZE(b) < offsetof(Aa, arms) || a->version != AA_FORMAT_VERSION ||
		a->splits < AA_MIN_SPLITS || a->splits > AA_MAX_SPLITS ||
		VARSIZE(b) != AA_SIZE(a->splits))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized aa state of %zu bytes", (size_t) VARSIZE(b))));
	if ((problem = aa_problem(a->arms, a->splits)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized aa state: %s", problem)));
	a = palloc(VARSIZE(b));
	memcpy(a, b, VARSIZE(b));
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(aa_agg_final);
Datum
aa_agg_final(PG_FUNCTION_ARGS)
{
	Aa		   *a,
			   *r;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	a = (Aa *) PG_GETARG_POINTER(0);
	r = palloc(VARSIZE(a));
	memcpy(r, a, VARSIZE(a));
	PG_RETURN_POINTER(r);
}

/*
 * aa_agg with an aa value as its state, so that Citus can compute it on its
 * workers: the state is updated in place when it is the transition value
 * the executor owns (called as part of an aggregate, not toasted, of this
 * version); otherwise the functions work on a copy.
 */
static pg_attribute_always_inline Aa *
aa_state_arg(FunctionCallInfo fcinfo, int n, int splits)
{
	Aa		   *a;

	if (PG_ARGISNULL(n))
		return aa_alloc(CurrentMemoryContext, splits);
	a = (Aa *) PG_GETARG_POINTER(n);
	if (likely(n == 0 && !VARATT_IS_EXTENDED(a) && VARSIZE(a) >= offsetof(Aa, arms) &&
			   a->version == AA_FORMAT_VERSION && VARSIZE(a) == AA_SIZE(a->splits) &&
			   AggCheckCallContext(fcinfo, NULL) != 0))
		return a;
	a = aa_from_datum(PG_GETARG_DATUM(n));
	if (a == (Aa *) DatumGetPointer(PG_GETARG_DATUM(n)))
	{
		Aa		   *copy = palloc(VARSIZE(a));

		memcpy(copy, a, VARSIZE(a));
		a = copy;
	}
	return a;
}

PG_FUNCTION_INFO_V1(aa_state_trans);
Datum
aa_state_trans(PG_FUNCTION_ARGS)
{
	int			splits = aa_arg_splits(fcinfo);
	Aa		   *a = aa_state_arg(fcinfo, 0, splits);

	aa_check_splits(a, splits);
	aa_step(fcinfo, a);
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(aa_state_combine);
Datum
aa_state_combine(PG_FUNCTION_ARGS)
{
	Aa		   *dst,
			   *src;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(aa_state_arg(fcinfo, 0, 0));
	}
	src = aa_from_datum(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(aa_state_arg(fcinfo, 1, 0));
	dst = aa_state_arg(fcinfo, 0, 0);
	aa_check_splits(dst, src->splits);
	ca_report_status(aa_merge(dst->arms, src->arms, dst->splits), "aa_agg merged state");
	PG_RETURN_POINTER(dst);
}

PG_FUNCTION_INFO_V1(aa_state_final);
Datum
aa_state_final(PG_FUNCTION_ARGS)
{
	Aa		   *a,
			   *r;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	a = aa_from_datum(PG_GETARG_DATUM(0));
	r = palloc(VARSIZE(a));
	memcpy(r, a, VARSIZE(a));
	PG_RETURN_POINTER(r);
}

/* ------------------------------------------------------------------------
 * Reading an aa
 * ------------------------------------------------------------------------
 */

PG_FUNCTION_INFO_V1(aa_report_fn);
Datum
aa_report_fn(PG_FUNCTION_ARGS)
{
	Aa		   *a = aa_from_datum(PG_GETARG_DATUM(0));
	StatMetric	metric = stats_metric_arg(PG_GETARG_TEXT_PP(1));
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(2), "alpha");
	TupleDesc	tupdesc = stats_result_tupdesc(fcinfo, "aa_report");
	double	   *p = palloc(a->splits * sizeof(double));
	AaReport	r;
	Datum		values[7];
	bool		nulls[7] = {false};

	stats_check_status(aa_report(a->arms, a->splits, metric, alpha, p, &r), "A/A report");
	values[0] = CStringGetTextDatum(stats_metric_name(metric));
	values[1] = Int32GetDatum(r.splits);
	values[2] = Int32GetDatum(r.rejections);
	values[3] = stats_float8_or_null(r.false_positive_rate, &nulls[3]);
	values[4] = stats_float8_or_null(r.fpr_low, &nulls[4]);
	values[5] = stats_float8_or_null(r.fpr_high, &nulls[5]);
	values[6] = stats_float8_or_null(r.uniformity_p_value, &nulls[6]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

PG_FUNCTION_INFO_V1(aa_splits_fn);
Datum
aa_splits_fn(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Aa		   *a = aa_from_datum(PG_GETARG_DATUM(0));
	int			s;

	InitMaterializedSRF(fcinfo, 0);
	for (s = 0; s < a->splits; s++)
	{
		Datum		values[3];
		bool		nulls[3] = {false};

		values[0] = Int32GetDatum(s + 1);
		values[1] = PointerGetDatum(cohort_make(&a->arms[2 * s]));
		values[2] = PointerGetDatum(cohort_make(&a->arms[2 * s + 1]));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(aa_unit_arm);
Datum
aa_unit_arm(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	int32		split = PG_GETARG_INT32(1);

	if (split < 1 || split > AA_MAX_SPLITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("split must lie between 1 and %d, got %d", AA_MAX_SPLITS, split)));
	PG_RETURN_INT32(aa_arm_of(aa_hash_id(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id)), split - 1));
}

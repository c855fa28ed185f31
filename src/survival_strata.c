/*
 * survival_strata.c
 *		The stratified log-rank test: logrank_test_strata over arrays of strata and
 *		the stratified_logrank_test aggregate over one row per stratum.
 *
 * The aggregate's state is the per-stratum terms (observed minus expected,
 * variance, expected events); the final function sums them in sorted
 * order, so the result does not depend on the order of the rows or of
 * parallel merges.
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/expandeddatum.h"
#include "utils/lsyscache.h"

#include "ca_util.h"
#include "stats_args.h"
#include "survival_type.h"

#define STRATA_STATE_VERSION 1
#define LOGRANK_COLUMNS 3

typedef struct StrataState
{
	SurvLogrankTerms *terms;
	int64		n;
	int64		cap;
} StrataState;

static Datum
logrank_result(FunctionCallInfo fcinfo, SurvLogrankTerms *terms, int64 n)
{
	TupleDesc	desc = stats_result_tupdesc(fcinfo, "logrank_result");
	SurvLogrankTerms total;
	SurvLogrank r;
	Datum		values[LOGRANK_COLUMNS];
	bool		nulls[LOGRANK_COLUMNS] = {false};

	surv_logrank_sum_terms(terms, (size_t) n, &total);
	surv_logrank_from_terms(&total, &r);
	values[0] = stats_float8_or_null(r.chisq, &nulls[0]);
	values[1] = Int32GetDatum(r.df);
	values[2] = stats_float8_or_null(r.p_value, &nulls[2]);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/* The elements of a one-dimensional survival[] argument, none NULL. */
static Datum *
strata_elems(ArrayType *arr, const char *argname, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("logrank_test_strata %s must be a one-dimensional array", argname)));
	get_typlenbyvalalign(ARR_ELEMTYPE(arr), &typlen, &typbyval, &typalign);
	deconstruct_array(arr, ARR_ELEMTYPE(arr), typlen, typbyval, typalign,
					  &elems, &nulls, n);
	for (i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("logrank_test_strata %s must not contain NULL, element %d is NULL",
							argname, i + 1),
					 errhint("A stratum without units in a group is the empty survival value.")));
	return elems;
}

PG_FUNCTION_INFO_V1(survival_logrank_strata);
Datum
survival_logrank_strata(PG_FUNCTION_ARGS)
{
	int			na,
				nb,
				i;
	Datum	   *a = strata_elems(PG_GETARG_ARRAYTYPE_P(0), "a", &na);
	Datum	   *b = strata_elems(PG_GETARG_ARRAYTYPE_P(1), "b", &nb);
	SurvLogrankTerms *terms;

	if (na != nb)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("logrank_test_strata a and b must have one element per stratum, got %d and %d",
						na, nb)));
	terms = palloc(sizeof(SurvLogrankTerms) * Max(na, 1));
	for (i = 0; i < na; i++)
	{
		Survival   *sa = survival_from_datum(a[i]);
		Survival   *sb = survival_from_datum(b[i]);

		surv_logrank_terms(sa->points, sa->ntimes, sb->points, sb->ntimes, &terms[i]);
	}
	PG_RETURN_DATUM(logrank_result(fcinfo, terms, na));
}

static StrataState *
strata_state(MemoryContext cxt, int64 cap)
{
	StrataState *st = MemoryContextAlloc(cxt, sizeof(StrataState));

	st->n = 0;
	st->cap = Max(cap, 8);
	st->terms = MemoryContextAllocHuge(cxt, sizeof(SurvLogrankTerms) * st->cap);
	return st;
}

static void
strata_push(StrataState *st, const SurvLogrankTerms *t)
{
	if (st->n == st->cap)
	{
		if ((Size) st->cap * 2 * sizeof(SurvLogrankTerms) > MaxAllocHugeSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("stratified_logrank_test has too many strata")));
		st->cap *= 2;
		st->terms = repalloc_huge(st->terms, sizeof(SurvLogrankTerms) * st->cap);
	}
	st->terms[st->n++] = *t;
}

PG_FUNCTION_INFO_V1(survival_strata_trans);
Datum
survival_strata_trans(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = ca_agg_context(fcinfo, "survival_strata_trans");
	StrataState *st = PG_ARGISNULL(0) ? strata_state(cxt, 8) : (StrataState *) PG_GETARG_POINTER(0);
	Survival   *a,
			   *b;
	SurvLogrankTerms t;

	/* a stratum with an unknown group is skipped, as NULL rows are */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(st);
	a = PG_GETARG_SURVIVAL(1);
	b = PG_GETARG_SURVIVAL(2);
	surv_logrank_terms(a->points, a->ntimes, b->points, b->ntimes, &t);
	strata_push(st, &t);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(survival_strata_combine);
Datum
survival_strata_combine(PG_FUNCTION_ARGS)
{
	MemoryContext cxt = ca_agg_context(fcinfo, "survival_strata_combine");
	StrataState *a = PG_ARGISNULL(0) ? NULL : (StrataState *) PG_GETARG_POINTER(0);
	StrataState *b = PG_ARGISNULL(1) ? NULL : (StrataState *) PG_GETARG_POINTER(1);
	int64		i;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		a = strata_state(cxt, b->n);
	for (i = 0; i < b->n; i++)
		strata_push(a, &b->terms[i]);
	PG_RETURN_POINTER(a);
}

/* version byte, number of strata (int64), then four float8 per stratum */
PG_FUNCTION_INFO_V1(survival_strata_serialize);
Datum
survival_strata_serialize(PG_FUNCTION_ARGS)
{
	StrataState *st;
	StringInfoData buf;
	int64		i;

	ca_agg_context(fcinfo, "survival_strata_serialize");
	st = (StrataState *) PG_GETARG_POINTER(0);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STRATA_STATE_VERSION);
	pq_sendint64(&buf, st->n);
	for (i = 0; i < st->n; i++)
	{
		pq_sendfloat8(&buf, st->terms[i].o_minus_e);
		pq_sendfloat8(&buf, st->terms[i].variance);
		pq_sendfloat8(&buf, st->terms[i].expected[0]);
		pq_sendfloat8(&buf, st->terms[i].expected[1]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
strata_state_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid serialized stratified log-rank state: %s", what)));
}

PG_FUNCTION_INFO_V1(survival_strata_deserialize);
Datum
survival_strata_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *raw;
	StringInfoData buf;
	StrataState *st;
	int64		n,
				i;

	ca_agg_context(fcinfo, "survival_strata_deserialize");
	raw = PG_GETARG_BYTEA_PP(0);
	buf.data = VARDATA_ANY(raw);
	buf.len = VARSIZE_ANY_EXHDR(raw);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < 9)
		strata_state_error("too short");
	if (pq_getmsgbyte(&buf) != STRATA_STATE_VERSION)
		strata_state_error("unknown version");
	n = pq_getmsgint64(&buf);
	if (n < 0 || n > (buf.len - 9) / 32 || (int64) buf.len != 9 + n * 32)
		strata_state_error("the length does not match the number of strata");
	st = strata_state(CurrentMemoryContext, n);
	for (i = 0; i < n; i++)
	{
		SurvLogrankTerms t;

		t.o_minus_e = pq_getmsgfloat8(&buf);
		t.variance = pq_getmsgfloat8(&buf);
		t.expected[0] = pq_getmsgfloat8(&buf);
		t.expected[1] = pq_getmsgfloat8(&buf);
		if (!surv_logrank_terms_valid(&t))
			strata_state_error("a stratum's terms are negative or not finite");
		strata_push(st, &t);
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(survival_strata_final);
Datum
survival_strata_final(PG_FUNCTION_ARGS)
{
	StrataState *st;

	ca_agg_context(fcinfo, "survival_strata_final");
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(logrank_result(fcinfo, NULL, 0));
	st = (StrataState *) PG_GETARG_POINTER(0);
	PG_RETURN_DATUM(logrank_result(fcinfo, st->terms, st->n));
}

/*
 * stratified_logrank_test with a double precision[] state, so that Citus
 * can compute it on its workers: four elements per stratum (observed minus
 * expected, variance, the two expected counts).  The state grows as an
 * expanded array in the aggregate context, appended to in place when the
 * executor owns it; any other array is checked and copied first.
 */
#define STRATA_TERM_FIELDS 4

static void
strata_array_error(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid stratified log-rank state: %s", what),
			 errdetail("The state holds four finite numbers per stratum: observed minus expected (any sign), variance and the two expected counts (non-negative).")));
}

/* The strata terms of a state array, checked. */
static SurvLogrankTerms *
strata_array_terms(Datum d, int64 *n)
{
	ArrayType  *arr = DatumGetArrayTypeP(d);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems,
				i;
	SurvLogrankTerms *terms;

	if (ARR_ELEMTYPE(arr) != FLOAT8OID || ARR_NDIM(arr) > 1)
		strata_array_error("not a one-dimensional double precision array");
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &nelems);
	if (nelems % STRATA_TERM_FIELDS != 0)
		strata_array_error("the number of elements is not a multiple of four");
	*n = nelems / STRATA_TERM_FIELDS;
	terms = palloc(sizeof(SurvLogrankTerms) * Max(*n, 1));
	for (i = 0; i < nelems; i++)
		if (nulls[i])
			strata_array_error("an element is NULL");
	for (i = 0; i < *n; i++)
	{
		terms[i].o_minus_e = DatumGetFloat8(elems[i * 4]);
		terms[i].variance = DatumGetFloat8(elems[i * 4 + 1]);
		terms[i].expected[0] = DatumGetFloat8(elems[i * 4 + 2]);
		terms[i].expected[1] = DatumGetFloat8(elems[i * 4 + 3]);
		if (!surv_logrank_terms_valid(&terms[i]))
			strata_array_error("a stratum's terms are negative or not finite");
	}
	return terms;
}

/*
 * The state to append to: argument 0 itself when it is the executor's
 * read-write expanded array, else a checked copy (empty for NULL) expanded
 * in the aggregate context.
 */
static Datum
strata_array_arg(FunctionCallInfo fcinfo)
{
	MemoryContext cxt;
	Datum		d = PG_GETARG_DATUM(0);

	if (!AggCheckCallContext(fcinfo, &cxt))
		cxt = CurrentMemoryContext;
	else if (!PG_ARGISNULL(0) && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d)))
		return d;
	if (PG_ARGISNULL(0))
		d = PointerGetDatum(construct_empty_array(FLOAT8OID));
	else
	{
		int64		n;

		strata_array_terms(d, &n);
	}
	return expand_array(d, cxt, NULL);
}

static Datum
strata_array_push(Datum state, const SurvLogrankTerms *t)
{
	ExpandedArrayHeader *eah = (ExpandedArrayHeader *) DatumGetEOHP(state);
	double		v[STRATA_TERM_FIELDS] = {t->o_minus_e, t->variance, t->expected[0], t->expected[1]};
	int			i;

	for (i = 0; i < STRATA_TERM_FIELDS; i++)
	{
		int			index = (eah->ndims == 0 ? 0 : eah->dims[0]) + 1;

		state = array_set_element(state, 1, &index, Float8GetDatum(v[i]), false,
								  -1, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	}
	return state;
}

PG_FUNCTION_INFO_V1(survival_strata_state_trans);
Datum
survival_strata_state_trans(PG_FUNCTION_ARGS)
{
	Datum		state = strata_array_arg(fcinfo);
	Survival   *a,
			   *b;
	SurvLogrankTerms t;

	/* a stratum with an unknown group is skipped, as NULL rows are */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_DATUM(state);
	a = PG_GETARG_SURVIVAL(1);
	b = PG_GETARG_SURVIVAL(2);
	surv_logrank_terms(a->points, a->ntimes, b->points, b->ntimes, &t);
	PG_RETURN_DATUM(strata_array_push(state, &t));
}

PG_FUNCTION_INFO_V1(survival_strata_state_combine);
Datum
survival_strata_state_combine(PG_FUNCTION_ARGS)
{
	Datum		state;
	SurvLogrankTerms *terms;
	int64		n,
				i;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(strata_array_arg(fcinfo));
	}
	state = strata_array_arg(fcinfo);
	terms = strata_array_terms(PG_GETARG_DATUM(1), &n);
	for (i = 0; i < n; i++)
		state = strata_array_push(state, &terms[i]);
	PG_RETURN_DATUM(state);
}

PG_FUNCTION_INFO_V1(survival_strata_state_final);
Datum
survival_strata_state_final(PG_FUNCTION_ARGS)
{
	SurvLogrankTerms *terms;
	int64		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(logrank_result(fcinfo, NULL, 0));
	terms = strata_array_terms(PG_GETARG_DATUM(0), &n);
	PG_RETURN_DATUM(logrank_result(fcinfo, terms, n));
}

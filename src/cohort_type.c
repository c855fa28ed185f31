/*
 * cohort_type.c
 *		Input, output, binary I/O, jsonb cast, accessors and operators of
 *		the cohort type.
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "ca_util.h"
#include "cohort_type.h"
#include "field_list.h"
#include "field_text.h"

/*
 * Binary format: version byte, five counts, value moments (n, mean, m2),
 * paired moments (n, five doubles).
 */
#define COHORT_SEND_SIZE (1 + COHORT_STATS_SEND_SIZE)

/* The size of a stored value of the given version, 0 for an unknown one. */
static size_t
cohort_version_size(int version)
{
	if (version == COHORT_FORMAT_VERSION)
		return COHORT_SIZE;
	if (version == COHORT_STATE_FORMAT_VERSION)
		return COHORT_STATE_SIZE;
	return 0;
}

/* Detoasts a stored cohort and checks its version and size. */
static Cohort *
cohort_detoast(Datum d)
{
	Cohort	   *c = (Cohort *) PG_DETOAST_DATUM(d);

	if (VARSIZE(c) < offsetof(Cohort, stats) ||
		VARSIZE(c) != cohort_version_size(c->version))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored cohort value has unsupported format version %d or size %zu",
						VARSIZE(c) < offsetof(Cohort, stats) ? -1 : (int) c->version,
						(size_t) VARSIZE(c)),
				 errdetail("This build reads cohort format version %d of %zu bytes and version %d of %zu bytes.",
						   COHORT_FORMAT_VERSION, (size_t) COHORT_SIZE,
						   COHORT_STATE_FORMAT_VERSION, (size_t) COHORT_STATE_SIZE)));
	return c;
}

void
cohort_accum_from_datum(Datum d, CohortAccum *out)
{
	Cohort	   *c = cohort_detoast(d);

	if (c->version == COHORT_STATE_FORMAT_VERSION)
		*out = ((CohortState *) c)->accum;
	else
		cohort_accum_from_stats(out, &c->stats);
}

Cohort *
cohort_from_datum(Datum d)
{
	Cohort	   *c = cohort_detoast(d);
	CohortStats s;

	if (c->version == COHORT_FORMAT_VERSION)
		return c;
	/* a running state: the summary it stands for */
	cohort_accum_finish(&((CohortState *) c)->accum, &s);
	return cohort_make(&s);
}

Cohort *
cohort_make(const CohortStats *s)
{
	Cohort	   *c = palloc0(COHORT_SIZE);

	SET_VARSIZE(c, COHORT_SIZE);
	c->version = COHORT_FORMAT_VERSION;
	c->stats = *s;
	return c;
}

/* Text form fields, in output order. */
typedef enum CohortField
{
	F_VERSION,
	F_UNITS,
	F_COMPLETED,
	F_CHURNED,
	F_VALUE_N,
	F_VALUE_MEAN,
	F_VALUE_M2,
	F_PAIRED_N,
	F_PAIRED_VALUE_MEAN,
	F_PAIRED_COVARIATE_MEAN,
	F_PAIRED_VALUE_M2,
	F_PAIRED_COVARIATE_M2,
	F_PAIRED_COMOMENT,
	F_VALUE_SHIFT,				/* version 2 only */
	F_COVARIATE_SHIFT,
	F_NFIELDS
} CohortField;

#define F_NFIELDS_V1 F_VALUE_SHIFT

static const char *const field_names[F_NFIELDS] = {
	"version", "units", "completed", "churned",
	"value_n", "value_mean", "value_m2",
	"paired_n", "paired_value_mean", "paired_covariate_mean",
	"paired_value_m2", "paired_covariate_m2", "paired_comoment",
	"value_shift", "covariate_shift"
};

/* Addresses of the double fields, indexed by CohortField. */
static double *
double_field(CohortAccum *a, CohortField f)
{
	CohortStats *s = &a->s;

	switch (f)
	{
		case F_VALUE_MEAN:
			return &s->value.mean;
		case F_VALUE_M2:
			return &s->value.m2;
		case F_PAIRED_VALUE_MEAN:
			return &s->paired.mean_y;
		case F_PAIRED_COVARIATE_MEAN:
			return &s->paired.mean_x;
		case F_PAIRED_VALUE_M2:
			return &s->paired.m2_y;
		case F_PAIRED_COVARIATE_M2:
			return &s->paired.m2_x;
		case F_PAIRED_COMOMENT:
			return &s->paired.c_xy;
		case F_VALUE_SHIFT:
			return &a->shift_y;
		case F_COVARIATE_SHIFT:
			return &a->shift_x;
		default:
			return NULL;
	}
}

static int64 *
int_field(CohortStats *s, CohortField f)
{
	switch (f)
	{
		case F_UNITS:
			return &s->units;
		case F_VALUE_N:
			return &s->value.n;
		case F_PAIRED_N:
			return &s->paired.n;
		default:
			return NULL;
	}
}

static Outcome *
outcome_field(CohortStats *s, CohortField f)
{
	if (f == F_COMPLETED)
		return &s->completed;
	if (f == F_CHURNED)
		return &s->churned;
	return NULL;
}

PG_FUNCTION_INFO_V1(cohort_out);
Datum
cohort_out(PG_FUNCTION_ARGS)
{
	Cohort	   *c = cohort_detoast(PG_GETARG_DATUM(0));
	int			nfields = c->version == COHORT_FORMAT_VERSION ? F_NFIELDS_V1 : F_NFIELDS;
	CohortAccum a;
	StringInfoData buf;
	int			f;

	cohort_accum_from_datum(PointerGetDatum(c), &a);
	initStringInfo(&buf);
	appendStringInfo(&buf, "(version=%d", (int) c->version);
	for (f = F_UNITS; f < nfields; f++)
	{
		Outcome    *o = outcome_field(&a.s, f);
		int64	   *i = int_field(&a.s, f);

		appendStringInfo(&buf, ", %s=", field_names[f]);
		if (o)
			appendStringInfo(&buf, INT64_FORMAT "/" INT64_FORMAT, o->yes, o->known);
		else if (i)
			appendStringInfo(&buf, INT64_FORMAT, *i);
		else
			ca_append_double(&buf, *double_field(&a, f));
	}
	appendStringInfoChar(&buf, ')');
	PG_RETURN_CSTRING(buf.data);
}

/* Parses one field's value, which must be the whole of str, into a. */
static bool
parse_field_value(const char *str, CohortAccum *a, CohortField f)
{
	Outcome    *o = outcome_field(&a->s, f);
	int64	   *i = int_field(&a->s, f);
	const char *p = str;
	bool		ok;

	if (o)
	{
		ok = ca_parse_int64(&p, &o->yes) && *p++ == '/' &&
			ca_parse_int64(&p, &o->known);
	}
	else if (i)
		ok = ca_parse_int64(&p, i);
	else
		ok = ca_parse_double(&p, double_field(a, f));
	return ok && *p == '\0';
}

/*
 * The version a text form declares, read before its other fields (which
 * depend on it); -1 when the text does not start with a version, left for
 * ca_parse_fields to report.
 */
static int64
text_version(const char *input)
{
	CaFieldReader r;
	int			f;
	const char *value;
	size_t		len;
	char	   *v;
	const char *p;
	int64		version;

	ca_fields_begin(&r, input, field_names, F_NFIELDS);
	if (ca_fields_next(&r, &f, &value, &len) != CA_OK || f != F_VERSION)
		return -1;
	v = pnstrdup(value, len);
	p = v;
	if (!ca_parse_int64(&p, &version) || *p != '\0')
		ca_field_error(input, "cohort", "version", "must be an integer");
	pfree(v);
	return version;
}

/* Builds a stored value of the given version from a running state. */
static Cohort *
cohort_make_version(int version, const CohortAccum *a)
{
	CohortState *c;

	if (version == COHORT_FORMAT_VERSION)
		return cohort_make(&a->s);
	c = palloc0(COHORT_STATE_SIZE);
	SET_VARSIZE(c, COHORT_STATE_SIZE);
	c->version = COHORT_STATE_FORMAT_VERSION;
	c->accum = *a;
	return (Cohort *) c;
}

PG_FUNCTION_INFO_V1(cohort_in);
Datum
cohort_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	char	   *values[F_NFIELDS];
	int64		version = text_version(input);
	int			nfields;
	CohortAccum a;
	const char *problem;
	int			f;

	if (version != -1 && version != COHORT_FORMAT_VERSION &&
		version != COHORT_STATE_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unsupported cohort format version " INT64_FORMAT, version),
				 errdetail("This build reads cohort format versions %d and %d.",
						   COHORT_FORMAT_VERSION, COHORT_STATE_FORMAT_VERSION)));
	nfields = version == COHORT_STATE_FORMAT_VERSION ? F_NFIELDS : F_NFIELDS_V1;
	ca_parse_fields(input, "cohort", field_names, nfields, values);
	cohort_accum_init(&a);
	for (f = F_UNITS; f < nfields; f++)
		if (!parse_field_value(values[f], &a, f))
			ca_field_error(input, "cohort", field_names[f],
						   "has an invalid value; counts are integers, "
						   "outcomes are true/known, moments are finite numbers");
	if ((problem = cohort_accum_problem(&a)) != NULL)
		ca_value_error(input, "cohort", problem);
	PG_RETURN_COHORT(cohort_make_version((int) version, &a));
}

/*
 * The fields of a summary in the binary format, in network byte order
 * (shared with the aa type, which holds many summaries).
 */
void
cohort_stats_send(StringInfo buf, const CohortStats *s)
{
	pq_sendint64(buf, s->units);
	pq_sendint64(buf, s->completed.known);
	pq_sendint64(buf, s->completed.yes);
	pq_sendint64(buf, s->churned.known);
	pq_sendint64(buf, s->churned.yes);
	pq_sendint64(buf, s->value.n);
	pq_sendfloat8(buf, s->value.mean);
	pq_sendfloat8(buf, s->value.m2);
	pq_sendint64(buf, s->paired.n);
	pq_sendfloat8(buf, s->paired.mean_y);
	pq_sendfloat8(buf, s->paired.mean_x);
	pq_sendfloat8(buf, s->paired.m2_y);
	pq_sendfloat8(buf, s->paired.m2_x);
	pq_sendfloat8(buf, s->paired.c_xy);
}

/* Reads what cohort_stats_send wrote; the caller checks the length first. */
void
cohort_stats_recv(StringInfo buf, CohortStats *s)
{
	s->units = pq_getmsgint64(buf);
	s->completed.known = pq_getmsgint64(buf);
	s->completed.yes = pq_getmsgint64(buf);
	s->churned.known = pq_getmsgint64(buf);
	s->churned.yes = pq_getmsgint64(buf);
	s->value.n = pq_getmsgint64(buf);
	s->value.mean = pq_getmsgfloat8(buf);
	s->value.m2 = pq_getmsgfloat8(buf);
	s->paired.n = pq_getmsgint64(buf);
	s->paired.mean_y = pq_getmsgfloat8(buf);
	s->paired.mean_x = pq_getmsgfloat8(buf);
	s->paired.m2_y = pq_getmsgfloat8(buf);
	s->paired.m2_x = pq_getmsgfloat8(buf);
	s->paired.c_xy = pq_getmsgfloat8(buf);
}

PG_FUNCTION_INFO_V1(cohort_send);
Datum
cohort_send(PG_FUNCTION_ARGS)
{
	Cohort	   *c = cohort_detoast(PG_GETARG_DATUM(0));
	CohortAccum a;
	StringInfoData buf;

	cohort_accum_from_datum(PointerGetDatum(c), &a);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, c->version);
	cohort_stats_send(&buf, &a.s);
	if (c->version == COHORT_STATE_FORMAT_VERSION)
	{
		pq_sendfloat8(&buf, a.shift_y);
		pq_sendfloat8(&buf, a.shift_x);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(cohort_recv);
Datum
cohort_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	CohortAccum a;
	int			version;
	int			expected;
	int			remaining = buf->len - buf->cursor;
	const char *problem;

	/* check the length first: the pq_getmsg functions raise protocol errors */
	if (remaining < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary cohort value: no data")));
	version = pq_getmsgbyte(buf);
	if (version != COHORT_FORMAT_VERSION && version != COHORT_STATE_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary cohort value: unsupported format version %d",
						version),
				 errdetail("This build reads cohort format versions %d and %d.",
						   COHORT_FORMAT_VERSION, COHORT_STATE_FORMAT_VERSION)));
	expected = COHORT_SEND_SIZE + (version == COHORT_STATE_FORMAT_VERSION ? 16 : 0);
	if (remaining != expected)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary cohort value: %d bytes where %d are expected",
						remaining, expected)));
	cohort_accum_init(&a);
	cohort_stats_recv(buf, &a.s);
	if (version == COHORT_STATE_FORMAT_VERSION)
	{
		a.shift_y = pq_getmsgfloat8(buf);
		a.shift_x = pq_getmsgfloat8(buf);
	}
	if ((problem = cohort_accum_problem(&a)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary cohort value: %s", problem)));
	PG_RETURN_COHORT(cohort_make_version(version, &a));
}

PG_FUNCTION_INFO_V1(cohort_to_jsonb);
Datum
cohort_to_jsonb(PG_FUNCTION_ARGS)
{
	Cohort	   *c = PG_GETARG_COHORT(0);
	const CohortStats *s = &c->stats;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"units\": " INT64_FORMAT,
					 (int) c->version, s->units);
	appendStringInfo(&buf, ", \"completions\": " INT64_FORMAT
					 ", \"completion_known\": " INT64_FORMAT ", \"completion_rate\": ",
					 s->completed.yes, s->completed.known);
	ca_append_json_double(&buf, outcome_rate(&s->completed));
	appendStringInfo(&buf, ", \"churns\": " INT64_FORMAT
					 ", \"churn_known\": " INT64_FORMAT ", \"churn_rate\": ",
					 s->churned.yes, s->churned.known);
	ca_append_json_double(&buf, outcome_rate(&s->churned));
	appendStringInfo(&buf, ", \"value\": {\"count\": " INT64_FORMAT ", \"mean\": ",
					 s->value.n);
	ca_append_json_double(&buf, s->value.n > 0 ? s->value.mean : NAN);
	appendStringInfoString(&buf, ", \"variance\": ");
	ca_append_json_double(&buf, moments_variance(&s->value));
	appendStringInfoString(&buf, ", \"m2\": ");
	ca_append_double(&buf, s->value.m2);
	appendStringInfo(&buf, "}, \"paired\": {\"count\": " INT64_FORMAT
					 ", \"value_mean\": ", s->paired.n);
	ca_append_double(&buf, s->paired.mean_y);
	appendStringInfoString(&buf, ", \"covariate_mean\": ");
	ca_append_double(&buf, s->paired.mean_x);
	appendStringInfoString(&buf, ", \"value_m2\": ");
	ca_append_double(&buf, s->paired.m2_y);
	appendStringInfoString(&buf, ", \"covariate_m2\": ");
	ca_append_double(&buf, s->paired.m2_x);
	appendStringInfoString(&buf, ", \"comoment\": ");
	ca_append_double(&buf, s->paired.c_xy);
	appendStringInfoString(&buf, "}}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

PG_FUNCTION_INFO_V1(cohort_from_counts);
Datum
cohort_from_counts(PG_FUNCTION_ARGS)
{
	CohortStats s;
	int64		units,
				completions,
				churns;
	bool		has_sum = !PG_ARGISNULL(3),
				has_sum_sq = !PG_ARGISNULL(4);
	CaStatus	st;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	units = PG_GETARG_INT64(0);
	completions = PG_GETARG_INT64(1);
	churns = PG_GETARG_INT64(2);
	ca_check_count(units, "units", 0, NULL);
	ca_check_count(completions, "completions", units, "units");
	ca_check_count(churns, "churns", units, "units");
	if (has_sum != has_sum_sq)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value_sum and value_sum_sq must be given together"),
				 errhint("The variance needs both the sum and the sum of squares.")));
	st = cohort_stats_from_counts(&s, units, completions, churns, has_sum,
								  has_sum ? PG_GETARG_FLOAT8(3) : 0.0,
								  has_sum_sq ? PG_GETARG_FLOAT8(4) : 0.0);
	if (st == CA_INCONSISTENT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("value_sum_sq is smaller than value_sum^2 / units"),
				 errdetail("No set of " INT64_FORMAT " real values has these sums.", units)));
	ca_report_status(st, "value_sum or value_sum_sq");
	PG_RETURN_COHORT(cohort_make(&s));
}

PG_FUNCTION_INFO_V1(cohort_plus);
Datum
cohort_plus(PG_FUNCTION_ARGS)
{
	Cohort	   *a = PG_GETARG_COHORT(0);
	Cohort	   *b = PG_GETARG_COHORT(1);
	CohortStats s = a->stats;

	ca_report_status(cohort_stats_merge(&s, &b->stats), "merged cohort");
	PG_RETURN_COHORT(cohort_make(&s));
}

PG_FUNCTION_INFO_V1(cohort_eq);
Datum
cohort_eq(PG_FUNCTION_ARGS)
{
	Cohort	   *a = PG_GETARG_COHORT(0);
	Cohort	   *b = PG_GETARG_COHORT(1);

	PG_RETURN_BOOL(memcmp(a, b, COHORT_SIZE) == 0);
}

/* Accessors: NULL where the quantity is undefined, never NaN. */

PG_FUNCTION_INFO_V1(cohort_units);
Datum
cohort_units(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.units);
}

PG_FUNCTION_INFO_V1(cohort_completions);
Datum
cohort_completions(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.completed.yes);
}

PG_FUNCTION_INFO_V1(cohort_completion_known);
Datum
cohort_completion_known(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.completed.known);
}

PG_FUNCTION_INFO_V1(cohort_completion_rate);
Datum
cohort_completion_rate(PG_FUNCTION_ARGS)
{
	CA_RETURN_FLOAT8_OR_NULL(outcome_rate(&PG_GETARG_COHORT(0)->stats.completed));
}

PG_FUNCTION_INFO_V1(cohort_churns);
Datum
cohort_churns(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.churned.yes);
}

PG_FUNCTION_INFO_V1(cohort_churn_known);
Datum
cohort_churn_known(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.churned.known);
}

PG_FUNCTION_INFO_V1(cohort_churn_rate);
Datum
cohort_churn_rate(PG_FUNCTION_ARGS)
{
	CA_RETURN_FLOAT8_OR_NULL(outcome_rate(&PG_GETARG_COHORT(0)->stats.churned));
}

PG_FUNCTION_INFO_V1(cohort_value_count);
Datum
cohort_value_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.value.n);
}

PG_FUNCTION_INFO_V1(cohort_value_sum);
Datum
cohort_value_sum(PG_FUNCTION_ARGS)
{
	const Moments *m = &PG_GETARG_COHORT(0)->stats.value;
	double		sum;

	if (m->n == 0)
		PG_RETURN_NULL();
	sum = m->mean * (double) m->n;
	/* as sum(float8) does, rather than returning infinity */
	if (!isfinite(sum))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value_sum of the cohort is out of range for type double precision")));
	PG_RETURN_FLOAT8(sum);
}

PG_FUNCTION_INFO_V1(cohort_value_mean);
Datum
cohort_value_mean(PG_FUNCTION_ARGS)
{
	const Moments *m = &PG_GETARG_COHORT(0)->stats.value;

	if (m->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m->mean);
}

PG_FUNCTION_INFO_V1(cohort_value_variance);
Datum
cohort_value_variance(PG_FUNCTION_ARGS)
{
	CA_RETURN_FLOAT8_OR_NULL(moments_variance(&PG_GETARG_COHORT(0)->stats.value));
}

PG_FUNCTION_INFO_V1(cohort_value_stddev);
Datum
cohort_value_stddev(PG_FUNCTION_ARGS)
{
	CA_RETURN_FLOAT8_OR_NULL(sqrt(moments_variance(&PG_GETARG_COHORT(0)->stats.value)));
}

PG_FUNCTION_INFO_V1(cohort_covariate_count);
Datum
cohort_covariate_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_COHORT(0)->stats.paired.n);
}

PG_FUNCTION_INFO_V1(cohort_covariate_mean);
Datum
cohort_covariate_mean(PG_FUNCTION_ARGS)
{
	const CoMoments *m = &PG_GETARG_COHORT(0)->stats.paired;

	if (m->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m->mean_x);
}

PG_FUNCTION_INFO_V1(cohort_value_covariate_corr);
Datum
cohort_value_covariate_corr(PG_FUNCTION_ARGS)
{
	const CoMoments *m = &PG_GETARG_COHORT(0)->stats.paired;

	if (m->n < 2 || m->m2_x <= 0.0 || m->m2_y <= 0.0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(m->c_xy / (sqrt(m->m2_x) * sqrt(m->m2_y)));
}

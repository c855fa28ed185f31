/*
 * sketch_type.c
 *		Input, output, binary I/O, jsonb cast and operators of the
 *		quantile_sketch type.
 */
#include "postgres.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "ca_util.h"
#include "field_list.h"
#include "sketch_type.h"

void *
sketch_alloc(void *ctx, void *ptr, size_t size)
{
	if (size == 0)
	{
		pfree(ptr);
		return NULL;
	}
	if (ptr == NULL)
		return MemoryContextAlloc((MemoryContext) ctx, size);
	return repalloc(ptr, size);
}

DDSketch *
sketch_from_datum(Datum d)
{
	bytea	   *b = PG_DETOAST_DATUM_PACKED(d);
	DDSketch   *s = palloc(sizeof(DDSketch));
	const char *problem;

	problem = ddsketch_decode(s, (const uint8 *) VARDATA_ANY(b),
							  VARSIZE_ANY_EXHDR(b), sketch_alloc,
							  CurrentMemoryContext);
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored quantile_sketch value is invalid: %s", problem),
				 errdetail("This build reads quantile_sketch format version %d.",
						   DDSKETCH_FORMAT_VERSION)));
	return s;
}

bytea *
sketch_make(const DDSketch *s)
{
	bytea	   *result;
	size_t		len;

	if (!isfinite(xsum_round(&s->sum)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("sum of the sketch's values is out of range for type double precision")));
	result = palloc(VARHDRSZ + ddsketch_encoded_bound(s));
	len = ddsketch_encode(s, (uint8 *) VARDATA(result));
	SET_VARSIZE(result, VARHDRSZ + len);
	return result;
}

void
sketch_check_alpha(const DDSketch *a, const DDSketch *b, const char *what)
{
	if (a->alpha != b->alpha)
	{
		StringInfoData x,
					y;

		initStringInfo(&x);
		initStringInfo(&y);
		ca_append_double(&x, a->alpha);
		ca_append_double(&y, b->alpha);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot %s quantile sketches with different relative accuracy (%s and %s)",
						what, x.data, y.data),
				 errhint("Build both sketches with the same relative_accuracy.")));
	}
}

/* Text form fields, in output order. */
typedef enum SketchField
{
	F_VERSION,
	F_ALPHA,
	F_COUNT,
	F_ZERO_COUNT,
	F_MIN,
	F_MAX,
	F_SUM,
	F_COLLAPSED,
	F_POSITIVE,
	F_NEGATIVE,
	F_NFIELDS
} SketchField;

static const char *const field_names[F_NFIELDS] = {
	"version", "relative_accuracy", "count", "zero_count", "min", "max",
	"sum", "collapsed", "positive", "negative"
};

static const char *const collapsed_names[] = {
	"none", "positive", "negative", "both", NULL
};

/* {index:count,...}: the non-empty buckets, in index order */
static void
append_store(StringInfo buf, const DDStore *st)
{
	bool		first = true;
	int32		i;

	appendStringInfoChar(buf, '{');
	for (i = st->lo; st->total > 0 && i <= st->hi; i++)
	{
		int64		c = st->counts[i - st->offset];

		if (c == 0)
			continue;
		appendStringInfo(buf, "%s%d:" INT64_FORMAT, first ? "" : ",", i, c);
		first = false;
	}
	appendStringInfoChar(buf, '}');
}

PG_FUNCTION_INFO_V1(quantile_sketch_out);
Datum
quantile_sketch_out(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);
	StringInfoData buf;
	double		terms[XSUM_MAX_TERMS];
	int			n,
				i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "(version=%d, relative_accuracy=", DDSKETCH_FORMAT_VERSION);
	ca_append_double(&buf, s->alpha);
	appendStringInfo(&buf, ", count=" INT64_FORMAT ", zero_count=" INT64_FORMAT ", min=",
					 s->count, s->zero_count);
	ca_append_double(&buf, s->min);
	appendStringInfoString(&buf, ", max=");
	ca_append_double(&buf, s->max);
	appendStringInfoString(&buf, ", sum=");
	/* the exact sum, as doubles adding up to it: the first is the sum */
	n = xsum_expansion(&s->sum, terms);
	if (n <= 0)
		appendStringInfoChar(&buf, '0');
	for (i = 0; i < n; i++)
	{
		if (i > 0 && terms[i] > 0)
			appendStringInfoChar(&buf, '+');
		ca_append_double(&buf, terms[i]);
	}
	appendStringInfo(&buf, ", collapsed=%s, positive=",
					 collapsed_names[(s->pos.collapsed ? 1 : 0) + (s->neg.collapsed ? 2 : 0)]);
	append_store(&buf, &s->pos);
	appendStringInfoString(&buf, ", negative=");
	append_store(&buf, &s->neg);
	appendStringInfoChar(&buf, ')');
	PG_RETURN_CSTRING(buf.data);
}

/* A store as read from text, before the sketch is assembled. */
typedef struct TextStore
{
	int64		lo;
	int			n;
	int64	   *counts;
} TextStore;

static void
skip_space(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

/*
 * {index:count,...} with increasing indexes and positive counts, spanning at
 * most DDSKETCH_MAX_BUCKETS buckets; read into a dense array.
 */
static bool
parse_store(const char *p, TextStore *st)
{
	int64		index,
				count,
				last = 0;

	st->n = 0;
	if (*p++ != '{')
		return false;
	skip_space(&p);
	if (*p == '}')
		return p[1] == '\0';
	st->counts = palloc0(DDSKETCH_MAX_BUCKETS * sizeof(int64));
	for (;;)
	{
		skip_space(&p);
		if (!ca_parse_int64(&p, &index) ||
			index < PG_INT32_MIN || index > PG_INT32_MAX)
			return false;
		skip_space(&p);
		if (*p++ != ':')
			return false;
		skip_space(&p);
		if (!ca_parse_int64(&p, &count) || count <= 0)
			return false;
		if (st->n == 0)
			st->lo = index;
		else if (index <= last)
			return false;
		if (index - st->lo >= DDSKETCH_MAX_BUCKETS)
			return false;
		st->counts[index - st->lo] = count;
		st->n = (int) (index - st->lo) + 1;
		last = index;
		skip_space(&p);
		if (*p == '}')
			return p[1] == '\0';
		if (*p++ != ',')
			return false;
	}
}

/* The exact sum: doubles joined by signs, e.g. 4521.125+2.7e-17. */
static bool
parse_sum(const char *p, ExactSum *sum)
{
	double		term;

	xsum_init(sum);
	do
	{
		if (!ca_parse_double(&p, &term))
			return false;
		xsum_add(sum, term);
	} while (*p == '+' || *p == '-');
	return *p == '\0';
}

static bool
parse_whole_double(const char *p, double *v)
{
	return ca_parse_double(&p, v) && *p == '\0';
}

static bool
parse_whole_int64(const char *p, int64 *v)
{
	return ca_parse_int64(&p, v) && *p == '\0';
}

static bool
parse_collapsed(const char *p, int *flags)
{
	for (*flags = 0; collapsed_names[*flags] != NULL; (*flags)++)
		if (strcmp(p, collapsed_names[*flags]) == 0)
			return true;
	return false;
}

PG_FUNCTION_INFO_V1(quantile_sketch_in);
Datum
quantile_sketch_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	char	   *v[F_NFIELDS];
	int64		version = 0;
	double		alpha = 0.0,
				min = 0.0,
				max = 0.0;
	int			collapsed = 0;
	TextStore	pos = {0},
				neg = {0};
	DDSketch	s;
	const char *problem;
	bool		ok;
	int			f;

	ca_parse_fields(input, "quantile_sketch", field_names, F_NFIELDS, v);
	if (!parse_whole_int64(v[F_VERSION], &version))
		ca_field_error(input, "quantile_sketch", "version", "must be an integer");
	if (version != DDSKETCH_FORMAT_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unsupported quantile_sketch format version " INT64_FORMAT, version),
				 errdetail("This build reads quantile_sketch format version %d.",
						   DDSKETCH_FORMAT_VERSION)));
	if (!parse_whole_double(v[F_ALPHA], &alpha))
		ca_field_error(input, "quantile_sketch", "relative_accuracy", "has an invalid value");
	if (!ddsketch_valid_alpha(alpha))
		ca_value_error(input, "quantile_sketch", "relative_accuracy must lie in [0.000001, 1)");
	ddsketch_init(&s, alpha, sketch_alloc, CurrentMemoryContext);
	for (f = F_COUNT; f < F_NFIELDS; f++)
	{
		switch ((SketchField) f)
		{
			case F_COUNT:
				ok = parse_whole_int64(v[f], &s.count);
				break;
			case F_ZERO_COUNT:
				ok = parse_whole_int64(v[f], &s.zero_count);
				break;
			case F_MIN:
				ok = parse_whole_double(v[f], &min);
				s.min = min + 0.0;	/* -0 reads as 0 */
				break;
			case F_MAX:
				ok = parse_whole_double(v[f], &max);
				s.max = max + 0.0;
				break;
			case F_SUM:
				ok = parse_sum(v[f], &s.sum);
				break;
			case F_COLLAPSED:
				ok = parse_collapsed(v[f], &collapsed);
				break;
			case F_POSITIVE:
				ok = parse_store(v[f], &pos);
				break;
			case F_NEGATIVE:
				ok = parse_store(v[f], &neg);
				break;
			default:
				ok = false;
				break;
		}
		if (!ok)
			ca_field_error(input, "quantile_sketch", field_names[f], "has an invalid value");
	}
	if ((problem = ddsketch_load_store(&s, &s.pos, (int32) pos.lo, pos.counts,
									   pos.n, (collapsed & 1) != 0)) != NULL ||
		(problem = ddsketch_load_store(&s, &s.neg, (int32) neg.lo, neg.counts,
									   neg.n, (collapsed & 2) != 0)) != NULL ||
		(problem = ddsketch_problem(&s)) != NULL)
		ca_value_error(input, "quantile_sketch", problem);
	PG_RETURN_BYTEA_P(sketch_make(&s));
}

PG_FUNCTION_INFO_V1(quantile_sketch_send);
Datum
quantile_sketch_send(PG_FUNCTION_ARGS)
{
	bytea	   *b;
	StringInfoData buf;

	/* decoding validates what is sent */
	b = sketch_make(PG_GETARG_SKETCH(0));
	pq_begintypsend(&buf);
	pq_sendbytes(&buf, VARDATA(b), VARSIZE(b) - VARHDRSZ);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(quantile_sketch_recv);
Datum
quantile_sketch_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	DDSketch	s;
	const char *problem;

	problem = ddsketch_decode(&s, (const uint8 *) buf->data + buf->cursor,
							  buf->len - buf->cursor, sketch_alloc,
							  CurrentMemoryContext);
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary quantile_sketch value: %s", problem),
				 errdetail("This build reads quantile_sketch format version %d.",
						   DDSKETCH_FORMAT_VERSION)));
	buf->cursor = buf->len;
	PG_RETURN_BYTEA_P(sketch_make(&s));
}

/* [[index, count], ...] over the non-empty buckets */
static void
append_json_store(StringInfo buf, const DDStore *st)
{
	bool		first = true;
	int32		i;

	appendStringInfoChar(buf, '[');
	for (i = st->lo; st->total > 0 && i <= st->hi; i++)
	{
		int64		c = st->counts[i - st->offset];

		if (c == 0)
			continue;
		appendStringInfo(buf, "%s[%d, " INT64_FORMAT "]", first ? "" : ", ", i, c);
		first = false;
	}
	appendStringInfoChar(buf, ']');
}

PG_FUNCTION_INFO_V1(quantile_sketch_to_jsonb);
Datum
quantile_sketch_to_jsonb(PG_FUNCTION_ARGS)
{
	DDSketch   *s = PG_GETARG_SKETCH(0);
	bool		empty = s->count == 0;
	static const double qs[] = {0.5, 0.9, 0.95, 0.99, 0.999};
	static const char *const qnames[] = {"p50", "p90", "p95", "p99", "p999"};
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"relative_accuracy\": ",
					 DDSKETCH_FORMAT_VERSION);
	ca_append_double(&buf, s->alpha);
	appendStringInfo(&buf, ", \"count\": " INT64_FORMAT ", \"zero_count\": " INT64_FORMAT,
					 s->count, s->zero_count);
	appendStringInfoString(&buf, ", \"min\": ");
	ca_append_json_double(&buf, empty ? NAN : s->min);
	appendStringInfoString(&buf, ", \"max\": ");
	ca_append_json_double(&buf, empty ? NAN : s->max);
	appendStringInfoString(&buf, ", \"sum\": ");
	ca_append_double(&buf, xsum_round(&s->sum));
	appendStringInfoString(&buf, ", \"mean\": ");
	ca_append_json_double(&buf, empty ? NAN : xsum_round(&s->sum) / (double) s->count);
	for (i = 0; i < (int) lengthof(qs); i++)
	{
		appendStringInfo(&buf, ", \"%s\": ", qnames[i]);
		ca_append_json_double(&buf, ddsketch_quantile(s, qs[i]));
	}
	appendStringInfo(&buf, ", \"buckets\": %d, \"collapsed\": %s, \"positive\": ",
					 ddsketch_bucket_count(s),
					 s->pos.collapsed || s->neg.collapsed ? "true" : "false");
	append_json_store(&buf, &s->pos);
	appendStringInfoString(&buf, ", \"negative\": ");
	append_json_store(&buf, &s->neg);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

PG_FUNCTION_INFO_V1(quantile_sketch_plus);
Datum
quantile_sketch_plus(PG_FUNCTION_ARGS)
{
	DDSketch   *a = PG_GETARG_SKETCH(0);
	DDSketch   *b = PG_GETARG_SKETCH(1);

	sketch_check_alpha(a, b, "merge");
	ca_report_status(ddsketch_merge(a, b), "merged quantile_sketch count");
	PG_RETURN_BYTEA_P(sketch_make(a));
}

PG_FUNCTION_INFO_V1(quantile_sketch_eq);
Datum
quantile_sketch_eq(PG_FUNCTION_ARGS)
{
	bytea	   *a = PG_GETARG_BYTEA_PP(0);
	bytea	   *b = PG_GETARG_BYTEA_PP(1);

	/* the stored form is canonical: equal sketches have equal bytes */
	PG_RETURN_BOOL(VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
				   memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0);
}

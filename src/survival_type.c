/*
 * survival_type.c
 *		Input, output, binary I/O, jsonb cast and operators of the survival
 *		type, and the helpers its other glue shares.
 */
#include "postgres.h"

#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "ca_util.h"
#include "survival_type.h"

/* Longest input quoted back in an error message. */
#define QUOTE_MAX 60

static void *
pg_alloc(void *ctx, size_t size)
{
	return MemoryContextAllocHuge((MemoryContext) ctx, size);
}

static void
pg_release(void *ctx, void *ptr)
{
	(void) ctx;
	pfree(ptr);
}

void
survival_allocator(SurvAlloc *mem, MemoryContext cxt)
{
	mem->alloc = pg_alloc;
	mem->release = pg_release;
	mem->ctx = cxt;
}

void
survival_report(CaStatus st, const char *what)
{
	switch (st)
	{
		case CA_OK:
			return;
		case CA_BAD_TIME:
		case CA_BAD_COUNT:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s has an invalid time or count", what),
					 errdetail("Times are finite non-negative numbers in increasing order; counts are non-negative.")));
			break;
		case CA_OVERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s is out of range", what),
					 errdetail("The number of observations exceeds the 64-bit range.")));
			break;
		case CA_TOO_MANY:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("%s has too many distinct times", what),
					 errdetail("A survival value holds at most %d distinct times.",
							   SURV_MAX_POINTS),
					 errhint("Round the durations, e.g. to whole days.")));
			break;
		case CA_NO_MEMORY:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory building %s", what)));
			break;
		default:
			ca_report_unexpected(st, what);
	}
}

Survival *
survival_from_datum(Datum d)
{
	Survival   *s = (Survival *) PG_DETOAST_DATUM(d);
	SurvProblem why;

	if (VARSIZE(s) < SURVIVAL_HEADER || s->version != SURV_FORMAT_VERSION ||
		s->ntimes > SURV_MAX_POINTS || VARSIZE(s) != SURVIVAL_SIZE(s->ntimes))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored survival value has unsupported format version %d or size %zu",
						(int) s->version, (size_t) VARSIZE(s)),
				 errdetail("This build reads survival format version %d.",
						   SURV_FORMAT_VERSION)));
	if (!surv_run_valid(s->points, s->ntimes, &why))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored survival value is corrupt: %s", why.msg)));
	return s;
}

/* A value with room for n points, which the caller fills. */
static Survival *
survival_alloc(size_t n)
{
	Survival   *s;

	if (n > SURV_MAX_POINTS)
		survival_report(CA_TOO_MANY, "survival value");
	s = palloc0(SURVIVAL_SIZE(n));
	SET_VARSIZE(s, SURVIVAL_SIZE(n));
	s->version = SURV_FORMAT_VERSION;
	s->ntimes = (uint32) n;
	return s;
}

Survival *
survival_make(const SurvPoint *pts, size_t n)
{
	Survival   *s = survival_alloc(n);

	if (n > 0)
		memcpy(s->points, pts, n * sizeof(SurvPoint));
	return s;
}

PG_FUNCTION_INFO_V1(survival_out);
Datum
survival_out(PG_FUNCTION_ARGS)
{
	Survival   *s = PG_GETARG_SURVIVAL(0);
	StringInfoData buf;
	uint32		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "(version=%d, observations=" INT64_FORMAT
					 ", events=" INT64_FORMAT ", points=[",
					 (int) s->version, surv_observations(s->points, s->ntimes),
					 surv_events(s->points, s->ntimes));
	for (i = 0; i < s->ntimes; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		ca_append_double(&buf, s->points[i].time);
		appendStringInfo(&buf, ":" INT64_FORMAT "/" INT64_FORMAT,
						 s->points[i].events, s->points[i].censored);
	}
	appendStringInfoString(&buf, "])");
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(survival_in);
Datum
survival_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	SurvAlloc	mem;
	SurvPoint  *pts;
	size_t		n;
	SurvProblem why;

	survival_allocator(&mem, CurrentMemoryContext);
	if (!surv_text_parse(input, &mem, &pts, &n, &why))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type survival: \"%.*s%s\"",
						QUOTE_MAX, input, strlen(input) > QUOTE_MAX ? "..." : ""),
				 errdetail("%c%s.", pg_toupper((unsigned char) why.msg[0]), why.msg + 1)));
	PG_RETURN_SURVIVAL(survival_make(pts, n));
}

PG_FUNCTION_INFO_V1(survival_send);
Datum
survival_send(PG_FUNCTION_ARGS)
{
	Survival   *s = PG_GETARG_SURVIVAL(0);
	Size		len = surv_binary_size(s->ntimes);
	bytea	   *result = palloc(VARHDRSZ + len);

	SET_VARSIZE(result, VARHDRSZ + len);
	surv_binary_encode(s->points, s->ntimes, (unsigned char *) VARDATA(result));
	PG_RETURN_BYTEA_P(result);
}

PG_FUNCTION_INFO_V1(survival_recv);
Datum
survival_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const unsigned char *data = (const unsigned char *) buf->data + buf->cursor;
	size_t		len = buf->len - buf->cursor;
	size_t		n;
	Survival   *s;
	SurvProblem why;

	if (!surv_binary_count(data, len, &n, &why))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary survival value: %s", why.msg)));
	s = survival_alloc(n);
	if (!surv_binary_decode(data, len, s->points, &why))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary survival value: %s", why.msg)));
	buf->cursor = buf->len;
	PG_RETURN_SURVIVAL(s);
}

PG_FUNCTION_INFO_V1(survival_to_jsonb);
Datum
survival_to_jsonb(PG_FUNCTION_ARGS)
{
	Survival   *s = PG_GETARG_SURVIVAL(0);
	int64		observations = surv_observations(s->points, s->ntimes);
	int64		events = surv_events(s->points, s->ntimes);
	StringInfoData buf;
	uint32		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"observations\": " INT64_FORMAT
					 ", \"events\": " INT64_FORMAT ", \"censored\": " INT64_FORMAT
					 ", \"times\": %u, \"points\": [",
					 (int) s->version, observations, events,
					 observations - events, s->ntimes);
	for (i = 0; i < s->ntimes; i++)
	{
		appendStringInfo(&buf, "%s{\"time\": ", i > 0 ? ", " : "");
		ca_append_double(&buf, s->points[i].time);
		appendStringInfo(&buf, ", \"events\": " INT64_FORMAT
						 ", \"censored\": " INT64_FORMAT "}",
						 s->points[i].events, s->points[i].censored);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

PG_FUNCTION_INFO_V1(survival_plus);
Datum
survival_plus(PG_FUNCTION_ARGS)
{
	Survival   *a = PG_GETARG_SURVIVAL(0);
	Survival   *b = PG_GETARG_SURVIVAL(1);
	SurvAlloc	mem;
	SurvBuilder builder;

	survival_allocator(&mem, CurrentMemoryContext);
	surv_builder_init(&builder, &mem);
	survival_report(surv_builder_add_run(&builder, a->points, a->ntimes),
					"merged survival");
	survival_report(surv_builder_add_run(&builder, b->points, b->ntimes),
					"merged survival");
	survival_report(surv_builder_flush(&builder), "merged survival");
	PG_RETURN_SURVIVAL(survival_make(builder.run, builder.nrun));
}

PG_FUNCTION_INFO_V1(survival_eq);
Datum
survival_eq(PG_FUNCTION_ARGS)
{
	Survival   *a = PG_GETARG_SURVIVAL(0);
	Survival   *b = PG_GETARG_SURVIVAL(1);

	PG_RETURN_BOOL(VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0);
}

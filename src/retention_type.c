/*
 * retention_type.c
 *		Input, output, binary I/O, jsonb cast and accessors of the
 *		retention type: cohort size and, per period, the units active in
 *		it, active in it or later, and eligible for it.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type_d.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "ca_util.h"
#include "field_list.h"
#include "retention.h"

RetentionCounts *
retention_alloc(MemoryContext cxt, uint8 unit, int32 periods)
{
	RetentionCounts *r = MemoryContextAlloc(cxt, sizeof(RetentionCounts));
	int64	   *arrays = MemoryContextAlloc(cxt, 3 * sizeof(int64) * periods);

	retention_init(r, unit, periods, arrays);
	return r;
}

/* Decodes bytes of the binary format into counters allocated in cxt. */
static RetentionCounts *
retention_decode_alloc(const uint8 *data, size_t len, MemoryContext cxt,
					   int sqlstate, const char *what)
{
	uint8		unit;
	int32		periods;
	const char *problem;
	RetentionCounts *r;

	problem = retention_decode_header(data, len, &unit, &periods);
	if (problem == NULL)
	{
		r = retention_alloc(cxt, unit, periods);
		problem = retention_decode(data, len, r);
	}
	if (problem != NULL)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid %s: %s", what, problem),
				 errdetail("This build reads retention format version %d.",
						   CA_RETENTION_VERSION)));
	return r;
}

RetentionCounts *
retention_from_datum(Datum d)
{
	bytea	   *b = (bytea *) PG_DETOAST_DATUM_PACKED(d);

	return retention_decode_alloc((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b),
								  CurrentMemoryContext, ERRCODE_DATA_CORRUPTED,
								  "stored retention value");
}

Datum
retention_make(const RetentionCounts *r)
{
	size_t		len = retention_encoded_size(r->periods);
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	retention_encode(r, (uint8 *) VARDATA(b));
	return PointerGetDatum(b);
}

void
retention_check_shape(const RetentionCounts *a, uint8 unit, int32 periods,
					  const char *fname)
{
	if (a->unit != unit || a->periods != periods)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot merge retention by %s over %d periods with retention by %s over %d periods",
						fname, ca_period_unit_names[a->unit], a->periods,
						ca_period_unit_names[unit], periods),
				 errhint("Build every activity with the same unit and number of periods.")));
}

/* Retention_rates' and retention_counts' modes. */
enum
{
	MODE_ON, MODE_ON_OR_AFTER, MODE_ELIGIBLE
};
static const char *const count_modes[] = {"on", "on_or_after", "eligible", NULL};
static const char *const rate_modes[] = {"on", "on_or_after", NULL};

static const int64 *
mode_counts(const RetentionCounts *r, int mode)
{
	return mode == MODE_ON ? r->on :
		mode == MODE_ON_OR_AFTER ? r->on_or_after : r->eligible;
}

static void
append_list(StringInfo buf, const char *name, const int64 *v, int32 n)
{
	int32		k;

	appendStringInfo(buf, ", %s={", name);
	for (k = 0; k < n; k++)
		appendStringInfo(buf, k ? "," INT64_FORMAT : INT64_FORMAT, v[k]);
	appendStringInfoChar(buf, '}');
}

enum
{
	RF_VERSION, RF_UNIT, RF_PERIODS, RF_UNITS, RF_ON, RF_ON_OR_AFTER, RF_ELIGIBLE,
	RF_NFIELDS
};

static const char *const retention_fields[RF_NFIELDS] = {
	"version", "unit", "periods", "units", "on", "on_or_after", "eligible"
};

PG_FUNCTION_INFO_V1(ca_retention_out);
Datum
ca_retention_out(PG_FUNCTION_ARGS)
{
	RetentionCounts *r = retention_from_datum(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "(version=%d, unit=%s, periods=%d, units=" INT64_FORMAT,
					 CA_RETENTION_VERSION, ca_period_unit_names[r->unit],
					 r->periods, r->units);
	append_list(&buf, "on", r->on, r->periods);
	append_list(&buf, "on_or_after", r->on_or_after, r->periods);
	append_list(&buf, "eligible", r->eligible, r->periods);
	appendStringInfoChar(&buf, ')');
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(ca_retention_in);
Datum
ca_retention_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	char	   *v[RF_NFIELDS];
	const char *p;
	const char *problem;
	int64		version,
				periods,
				units;
	int			unit,
				f;
	RetentionCounts *r;

	ca_parse_fields(input, "retention", retention_fields, RF_NFIELDS, v);
	p = v[RF_VERSION];
	if (!ca_parse_int64(&p, &version) || *p != '\0')
		ca_field_error(input, "retention", "version", "is not an integer");
	if (version != CA_RETENTION_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unsupported retention format version " INT64_FORMAT, version),
				 errdetail("This build reads retention format version %d.",
						   CA_RETENTION_VERSION)));
	for (unit = 0; ca_period_unit_names[unit] != NULL; unit++)
		if (strcmp(v[RF_UNIT], ca_period_unit_names[unit]) == 0)
			break;
	if (ca_period_unit_names[unit] == NULL)
		ca_field_error(input, "retention", "unit", "is not day, week, month, quarter or year");
	p = v[RF_PERIODS];
	if (!ca_parse_int64(&p, &periods) || *p != '\0' ||
		periods < 1 || periods > CA_MAX_PERIODS)
		ca_field_error(input, "retention", "periods",
					   psprintf("is not an integer from 1 to %d", CA_MAX_PERIODS));
	p = v[RF_UNITS];
	if (!ca_parse_int64(&p, &units) || *p != '\0')
		ca_field_error(input, "retention", "units", "is not an integer");
	r = retention_alloc(CurrentMemoryContext, (uint8) unit, (int32) periods);
	r->units = units;
	for (f = RF_ON; f <= RF_ELIGIBLE; f++)
	{
		int64	   *dst = (int64 *) mode_counts(r, f - RF_ON);

		if (ca_parse_int64_list(v[f], dst, r->periods) != r->periods)
			ca_field_error(input, "retention", retention_fields[f],
						   psprintf("is not a list of %d counts", r->periods));
	}
	if ((problem = retention_problem(r)) != NULL)
		ca_value_error(input, "retention", problem);
	PG_RETURN_DATUM(retention_make(r));
}

PG_FUNCTION_INFO_V1(ca_retention_send);
Datum
ca_retention_send(PG_FUNCTION_ARGS)
{
	/* the stored bytes are the binary format; check them before sending */
	bytea	   *b = PG_GETARG_BYTEA_P(0);

	retention_from_datum(PointerGetDatum(b));
	PG_RETURN_BYTEA_P(b);
}

PG_FUNCTION_INFO_V1(ca_retention_recv);
Datum
ca_retention_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RetentionCounts *r;

	r = retention_decode_alloc((const uint8 *) buf->data + buf->cursor,
							   buf->len - buf->cursor, CurrentMemoryContext,
							   ERRCODE_INVALID_BINARY_REPRESENTATION,
							   "binary retention value");
	buf->cursor = buf->len;
	PG_RETURN_DATUM(retention_make(r));
}

PG_FUNCTION_INFO_V1(ca_retention_to_jsonb);
Datum
ca_retention_to_jsonb(PG_FUNCTION_ARGS)
{
	RetentionCounts *r = retention_from_datum(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int			m;
	int32		k;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"version\": %d, \"unit\": \"%s\", \"periods\": %d, \"units\": " INT64_FORMAT,
					 CA_RETENTION_VERSION, ca_period_unit_names[r->unit],
					 r->periods, r->units);
	for (m = MODE_ON; m <= MODE_ELIGIBLE; m++)
	{
		const int64 *v = mode_counts(r, m);

		appendStringInfo(&buf, ", \"%s\": [", count_modes[m]);
		for (k = 0; k < r->periods; k++)
			appendStringInfo(&buf, k ? ", " INT64_FORMAT : INT64_FORMAT, v[k]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, ", \"rate\": [");
	for (k = 0; k < r->periods; k++)
	{
		if (k)
			appendStringInfoString(&buf, ", ");
		ca_append_json_double(&buf, r->eligible[k] > 0 ?
							  (double) r->on[k] / (double) r->eligible[k] : NAN);
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

PG_FUNCTION_INFO_V1(ca_retention_units);
Datum
ca_retention_units(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(retention_from_datum(PG_GETARG_DATUM(0))->units);
}

PG_FUNCTION_INFO_V1(ca_retention_counts);
Datum
ca_retention_counts(PG_FUNCTION_ARGS)
{
	RetentionCounts *r = retention_from_datum(PG_GETARG_DATUM(0));
	int			mode = ca_lookup_name(PG_GETARG_TEXT_PP(1), count_modes, "mode");
	const int64 *v = mode_counts(r, mode);
	Datum	   *elems = palloc(sizeof(Datum) * r->periods);
	int32		k;

	for (k = 0; k < r->periods; k++)
		elems[k] = Int64GetDatum(v[k]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, r->periods, INT8OID, 8,
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(ca_retention_rates);
Datum
ca_retention_rates(PG_FUNCTION_ARGS)
{
	RetentionCounts *r = retention_from_datum(PG_GETARG_DATUM(0));
	int			mode = ca_lookup_name(PG_GETARG_TEXT_PP(1), rate_modes, "mode");
	const int64 *v = mode_counts(r, mode);
	Datum	   *elems = palloc(sizeof(Datum) * r->periods);
	bool	   *nulls = palloc(sizeof(bool) * r->periods);
	int			dims[1] = {r->periods};
	int			lbs[1] = {1};
	int32		k;

	/* a rate over no eligible unit is undefined: NULL */
	for (k = 0; k < r->periods; k++)
	{
		nulls[k] = r->eligible[k] == 0;
		elems[k] = Float8GetDatum(nulls[k] ? 0.0 :
								  (double) v[k] / (double) r->eligible[k]);
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, FLOAT8OID,
											 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(ca_retention_churn_rate);
Datum
ca_retention_churn_rate(PG_FUNCTION_ARGS)
{
	RetentionCounts *r = retention_from_datum(PG_GETARG_DATUM(0));
	int32		k = PG_GETARG_INT32(1);

	if (k < 0 || k >= r->periods)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("churn_rate period must lie between 0 and %d, got %d",
						r->periods - 1, k)));
	if (r->eligible[k] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(1.0 - (double) r->on_or_after[k] / (double) r->eligible[k]);
}

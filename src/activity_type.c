/*
 * activity_type.c
 *		Input, output, binary I/O and accessors of the activity type: the
 *		periods after its origin in which one unit was active.
 */
#include "postgres.h"

#include "catalog/pg_type_d.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

#include "ca_util.h"
#include "field_list.h"
#include "periods.h"
#include "retention.h"

void
activity_from_datum(Datum d, ActivityView *a)
{
	/* the byte format needs no alignment: a packed datum is read in place */
	bytea	   *b = (bytea *) PG_DETOAST_DATUM_PACKED(d);
	const char *problem;

	problem = activity_decode((const uint8 *) VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b), a);
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("stored activity value is invalid: %s", problem),
				 errdetail("This build reads activity format version %d.",
						   CA_ACTIVITY_VERSION)));
}

Datum
activity_make(const ActivityView *a)
{
	size_t		len = activity_encoded_size(a);
	bytea	   *b = palloc(VARHDRSZ + len);

	SET_VARSIZE(b, VARHDRSZ + len);
	activity_encode(a, (uint8 *) VARDATA(b));
	return PointerGetDatum(b);
}

char *
activity_locale(const ActivityView *a)
{
	return a->locale_len == 0 ? NULL : pnstrdup(a->locale, a->locale_len);
}

char *
activity_tz(const ActivityView *a)
{
	return pnstrdup(a->tz, a->tz_len);
}

/*
 * Checks what the format alone cannot: a finite origin, a time zone that
 * PostgreSQL knows and a locale that ICU knows.  The locale and time zone
 * are replaced by their canonical spellings, so equal values store equal
 * bytes.
 */
static void
activity_normalize(ActivityView *a, FmgrInfo *flinfo, int sqlstate)
{
	char	   *locale = activity_locale(a);
	const char *tzname;
	CaCalendar *cal;
	int64_t		n;

	if (!IS_VALID_TIMESTAMP(a->origin))
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid activity value: origin is not a finite timestamp")));
	tzname = pg_get_timezone_name(ca_zone_named(activity_tz(a)));
	if (strlen(tzname) > CA_MAX_NAME)
		ereport(ERROR,
				(errcode(sqlstate),
				 errmsg("invalid activity value: time zone name is too long")));
	a->tz = tzname;
	a->tz_len = (uint8) strlen(tzname);
	cal = ca_calendar_for(flinfo, locale);
	/* quarters are undefined in some calendars */
	ca_report_calendar(ca_calendar_periods_between(cal, a->unit, 0, 0, &n),
					   cal, locale);
	if (locale != NULL)
	{
		a->locale = pstrdup(cal->locale);
		a->locale_len = (uint8) strlen(cal->locale);
	}
}

/* "2026-11-02 09:00:00+00": the origin in UTC, with microseconds if any. */
static void
append_origin(StringInfo buf, TimestampTz origin)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		tmp[MAXDATELEN + 1];

	if (timestamp2tm(origin, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	tm.tm_isdst = 0;			/* print the +00 offset */
	EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, tmp);
	appendStringInfoString(buf, tmp);
}

enum
{
	AF_VERSION, AF_UNIT, AF_PERIODS, AF_ORIGIN, AF_LOCALE, AF_TZ, AF_ACTIVE, AF_NFIELDS
};

static const char *const activity_fields[AF_NFIELDS] = {
	"version", "unit", "periods", "origin", "locale", "tz", "active"
};

PG_FUNCTION_INFO_V1(ca_activity_out);
Datum
ca_activity_out(PG_FUNCTION_ARGS)
{
	ActivityView a;
	StringInfoData buf;
	int32		k;
	bool		first = true;

	activity_from_datum(PG_GETARG_DATUM(0), &a);
	initStringInfo(&buf);
	appendStringInfo(&buf, "(version=%d, unit=%s, periods=%d, origin=",
					 CA_ACTIVITY_VERSION, ca_period_unit_names[a.unit], a.periods);
	append_origin(&buf, a.origin);
	appendStringInfo(&buf, ", locale=%.*s, tz=%.*s, active={",
					 (int) a.locale_len, a.locale, (int) a.tz_len, a.tz);
	for (k = 0; k < a.periods; k++)
		if (activity_bit(a.bits, k))
		{
			appendStringInfo(&buf, first ? "%d" : ",%d", k);
			first = false;
		}
	appendStringInfoString(&buf, "})");
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(ca_activity_in);
Datum
ca_activity_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	char	   *v[AF_NFIELDS];
	const char *p;
	const char *problem;
	int64		version,
				periods;
	int64	   *active;
	int			nactive,
				i;
	uint8	   *bits;
	ActivityView a;

	ca_parse_fields(input, "activity", activity_fields, AF_NFIELDS, v);
	p = v[AF_VERSION];
	if (!ca_parse_int64(&p, &version) || *p != '\0')
		ca_field_error(input, "activity", "version", "is not an integer");
	if (version != CA_ACTIVITY_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("unsupported activity format version " INT64_FORMAT, version),
				 errdetail("This build reads activity format version %d.",
						   CA_ACTIVITY_VERSION)));
	memset(&a, 0, sizeof(a));
	for (i = 0; ca_period_unit_names[i] != NULL; i++)
		if (strcmp(v[AF_UNIT], ca_period_unit_names[i]) == 0)
			break;
	if (ca_period_unit_names[i] == NULL)
		ca_field_error(input, "activity", "unit", "is not day, week, month, quarter or year");
	a.unit = (uint8) i;
	p = v[AF_PERIODS];
	if (!ca_parse_int64(&p, &periods) || *p != '\0' ||
		periods < 1 || periods > CA_MAX_PERIODS)
		ca_field_error(input, "activity", "periods",
						psprintf("is not an integer from 1 to %d", CA_MAX_PERIODS));
	a.periods = (int32) periods;
	a.origin = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in,
													   CStringGetDatum(v[AF_ORIGIN]),
													   ObjectIdGetDatum(InvalidOid),
													   Int32GetDatum(-1)));
	if (strlen(v[AF_LOCALE]) > CA_MAX_NAME || strlen(v[AF_TZ]) > CA_MAX_NAME)
		ca_field_error(input, "activity", "locale or tz", "is too long");
	a.locale = v[AF_LOCALE];
	a.locale_len = (uint8) strlen(v[AF_LOCALE]);
	a.tz = v[AF_TZ];
	a.tz_len = (uint8) strlen(v[AF_TZ]);

	/* active periods: ascending, each below periods */
	active = palloc(sizeof(int64) * a.periods);
	bits = palloc0(activity_bitmap_size(a.periods));
	nactive = ca_parse_int64_list(v[AF_ACTIVE], active, a.periods);
	if (nactive < 0)
		ca_field_error(input, "activity", "active",
					   "is not a list of periods such as {0,1,5}");
	for (i = 0; i < nactive; i++)
	{
		if (active[i] < 0 || active[i] >= a.periods ||
			(i > 0 && active[i] <= active[i - 1]))
			ca_field_error(input, "activity", "active",
						   "must list distinct periods from 0 to periods - 1 in ascending order");
		activity_set_bit(bits, (int32) active[i]);
	}
	a.bits = bits;
	if ((problem = activity_problem(&a)) != NULL)
		ca_value_error(input, "activity", problem);
	activity_normalize(&a, fcinfo->flinfo, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_DATUM(activity_make(&a));
}

PG_FUNCTION_INFO_V1(ca_activity_send);
Datum
ca_activity_send(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_P(0);
	ActivityView a;

	/* the stored bytes are the binary format; check them before sending */
	activity_from_datum(PointerGetDatum(b), &a);
	PG_RETURN_BYTEA_P(b);
}

PG_FUNCTION_INFO_V1(ca_activity_recv);
Datum
ca_activity_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			len = buf->len - buf->cursor;
	const uint8 *data = (const uint8 *) buf->data + buf->cursor;
	ActivityView a;
	const char *problem;

	if ((problem = activity_decode(data, len, &a)) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary activity value: %s", problem)));
	activity_normalize(&a, fcinfo->flinfo, ERRCODE_INVALID_BINARY_REPRESENTATION);
	buf->cursor = buf->len;
	PG_RETURN_DATUM(activity_make(&a));
}

PG_FUNCTION_INFO_V1(ca_activity_active_periods);
Datum
ca_activity_active_periods(PG_FUNCTION_ARGS)
{
	ActivityView a;
	Datum	   *elems;
	int			n = 0;
	int32		k;

	activity_from_datum(PG_GETARG_DATUM(0), &a);
	elems = palloc(sizeof(Datum) * a.periods);
	for (k = 0; k < a.periods; k++)
		if (activity_bit(a.bits, k))
			elems[n++] = Int32GetDatum(k);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, n, INT4OID, 4, true, TYPALIGN_INT));
}

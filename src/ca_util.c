/*
 * ca_util.c
 *		Helpers shared by the SQL-callable glue of cohort_analyzer.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "utils/builtins.h"

#include "ca_util.h"

void
ca_report_status(CaStatus st, const char *what)
{
	switch (st)
	{
		case CA_OK:
			return;
		case CA_OVERFLOW:
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s is out of range", what),
					 errdetail("A count exceeded the 64-bit range or a moment is no longer a finite double.")));
			break;
		case CA_NOT_FINITE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be finite", what),
					 errdetail("NaN and infinite values cannot be summarized."),
					 errhint("Filter them out, or map them to NULL with NULLIF.")));
			break;
		case CA_INCONSISTENT:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("%s is inconsistent", what),
					 errdetail("The counts and moments cannot all come from the same data.")));
			break;
		default:
			ca_report_unexpected(st, what);
	}
}

void
ca_report_unexpected(CaStatus st, const char *what)
{
	elog(ERROR, "unexpected status computing %s: %s", what, ca_status_text(st));
	pg_unreachable();
}

MemoryContext
ca_agg_context(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fname)));
	return aggcontext;
}

void
ca_append_double(StringInfo buf, double v)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN];

	double_to_shortest_decimal_buf(v, tmp);
	appendStringInfoString(buf, tmp);
}

void
ca_append_json_double(StringInfo buf, double v)
{
	if (isnan(v))
		appendStringInfoString(buf, "null");
	else
		ca_append_double(buf, v);
}

bool
ca_parse_double(const char **p, double *result)
{
	char	   *end;
	double		v;

	errno = 0;
	v = strtod(*p, &end);
	if (end == *p || !isfinite(v))
		return false;
	/* like float8in: subnormals are fine, underflow to zero is not */
	if (errno == ERANGE && v == 0.0)
		return false;
	*p = end;
	*result = v;
	return true;
}

bool
ca_parse_int64(const char **p, int64 *result)
{
	char	   *end;
	long long	v;

	if (!(**p == '-' || (**p >= '0' && **p <= '9')))
		return false;
	errno = 0;
	v = strtoll(*p, &end, 10);
	if (end == *p || errno == ERANGE)
		return false;
	*p = end;
	*result = (int64) v;
	return true;
}

void
ca_check_count(int64 value, const char *name, int64 max, const char *maxname)
{
	if (maxname == NULL && value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative, got " INT64_FORMAT, name, value)));
	if (maxname != NULL && (value < 0 || value > max))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must lie between 0 and %s (" INT64_FORMAT "), got " INT64_FORMAT,
						name, maxname, max, value)));
}

int
ca_lookup_name(text *value, const char *const *names, const char *argname)
{
	char	   *s = text_to_cstring(value);
	StringInfoData accepted;
	int			i;

	for (i = 0; names[i] != NULL; i++)
		if (pg_strcasecmp(s, names[i]) == 0)
			return i;

	initStringInfo(&accepted);
	for (i = 0; names[i] != NULL; i++)
		appendStringInfo(&accepted, "%s'%s'", i > 0 ? ", " : "", names[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s: \"%s\"", argname, s),
			 errhint("Accepted values are %s.", accepted.data)));
	return -1;					/* keep compiler quiet */
}

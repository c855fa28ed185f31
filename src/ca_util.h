/*
 * ca_util.h
 *		Helpers shared by the SQL-callable glue of cohort_analyzer.
 */
#ifndef CA_UTIL_H
#define CA_UTIL_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "moments.h"

/* Returns a double from a V1 function, or NULL when it is NaN (undefined). */
#define CA_RETURN_FLOAT8_OR_NULL(x) \
	do { \
		double		v_ = (x); \
		if (isnan(v_)) \
			PG_RETURN_NULL(); \
		PG_RETURN_FLOAT8(v_); \
	} while (0)

/*
 * Turns a failed core update into an ERROR that names what was updated
 * (the statuses of the summaries' arithmetic; survival values and calendars
 * have their own reporters, survival_report and ca_report_calendar).
 */
extern void ca_report_status(CaStatus st, const char *what);

/* The ERROR for a status that the function reporting it cannot return. */
extern void ca_report_unexpected(CaStatus st, const char *what) pg_attribute_noreturn();

/*
 * Returns the aggregate's memory context, or raises an ERROR naming fname
 * when the function is not called as part of an aggregate.
 */
extern MemoryContext ca_agg_context(FunctionCallInfo fcinfo, const char *fname);

/* Appends a double in its shortest form that reads back to the same bits. */
extern void ca_append_double(StringInfo buf, double v);

/* Appends a double, or JSON null when it is NaN. */
extern void ca_append_json_double(StringInfo buf, double v);

/*
 * Parses a finite double at *p, advancing *p past it; false when there is
 * no number there or it is not finite.
 */
extern bool ca_parse_double(const char **p, double *result);

/* Parses a decimal int64 at *p, advancing *p past it. */
extern bool ca_parse_int64(const char **p, int64 *result);

/*
 * Raises a 22023 ERROR naming the argument unless 0 <= value, and, when
 * maxname is given, value <= max (the argument called maxname).
 */
extern void ca_check_count(int64 value, const char *name, int64 max,
						   const char *maxname);

/*
 * Finds a text argument among names (NULL-terminated), case-insensitively.
 * An unknown name raises an ERROR that names the argument and lists the
 * accepted values.
 */
extern int	ca_lookup_name(text *value, const char *const *names,
						   const char *argname);

#endif							/* CA_UTIL_H */

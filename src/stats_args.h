/*
 * stats_args.h
 *		Argument checks and result building shared by the statistics glue.
 */
#ifndef CA_STATS_ARGS_H
#define CA_STATS_ARGS_H

#include "postgres.h"

#include "access/tupdesc.h"
#include "fmgr.h"
#include "utils/array.h"

#include "stat_tests.h"

/* Raises an ERROR naming argname unless 0 < v < 1. */
extern double stats_open_unit_arg(double v, const char *argname);

/* The metric argument: completion, churn, value or value_cuped. */
extern StatMetric stats_metric_arg(text *metric);

/* The canonical name of a metric, as results report it. */
extern const char *stats_metric_name(StatMetric m);

/* Raises an ERROR that names what failed for a failed core status. */
extern void stats_check_status(CaStatus st, const char *what);

/*
 * The blessed tuple descriptor of the composite the function returns;
 * typname names it in the error raised when the caller cannot accept it.
 */
extern TupleDesc stats_result_tupdesc(FunctionCallInfo fcinfo, const char *typname);

/* Float8 datum, or NULL (via *isnull) for NaN. */
extern Datum stats_float8_or_null(double v, bool *isnull);

/*
 * Elements of a one-dimensional array without NULLs (unless allow_nulls,
 * which reports them in *nulls); errors name the argument.
 */
extern int	stats_array_elements(ArrayType *arr, Oid elemtype, const char *argname,
								 bool allow_nulls, Datum **values, bool **nulls);

#endif							/* CA_STATS_ARGS_H */

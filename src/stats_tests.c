/*
 * stats_tests.c
 *		srm_test, p_adjust and sample_size_proportions.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "ca_util.h"
#include "stats_args.h"

/* p-value of the chi-square goodness-of-fit test; NULL for no units */
static Datum
srm_result(int64 *observed, double *share, int k, FunctionCallInfo fcinfo)
{
	double		stat,
				p;

	stats_check_status(stat_chisq_gof(observed, share, k, &stat, &p), "sample ratio test");
	if (isnan(p))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(p);
}

/* rejects negative counts and shares outside (0, 1] that do not sum to 1 */
static void
check_srm_args(const int64 *observed, const double *share, int k)
{
	double		sum = 0.0;
	int			i;

	for (i = 0; i < k; i++)
	{
		if (observed[i] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("observed counts must not be negative, got " INT64_FORMAT " at position %d",
							observed[i], i + 1)));
		if (!(share[i] > 0.0 && share[i] <= 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("expected_share must lie in (0, 1], got %g at position %d",
							share[i], i + 1)));
		sum += share[i];
	}
	/* the tolerance of R's chisq.test */
	if (fabs(sum - 1.0) > 1.4901161193847656e-08)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("expected_share must sum to 1, got %.17g", sum)));
}

PG_FUNCTION_INFO_V1(stats_srm_test);
Datum
stats_srm_test(PG_FUNCTION_ARGS)
{
	Datum	   *od,
			   *sd;
	bool	   *on,
			   *sn;
	int			k = stats_array_elements(PG_GETARG_ARRAYTYPE_P(0), INT8OID, "observed", false, &od, &on);
	int			k2 = stats_array_elements(PG_GETARG_ARRAYTYPE_P(1), FLOAT8OID, "expected_share", false, &sd, &sn);
	int64	   *observed;
	double	   *share;
	int			i;

	if (k != k2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("observed and expected_share must have the same length, got %d and %d", k, k2)));
	if (k < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("observed must have at least two groups, got %d", k)));
	observed = palloc(k * sizeof(int64));
	share = palloc(k * sizeof(double));
	for (i = 0; i < k; i++)
	{
		observed[i] = DatumGetInt64(od[i]);
		share[i] = DatumGetFloat8(sd[i]);
	}
	check_srm_args(observed, share, k);
	return srm_result(observed, share, k, fcinfo);
}

PG_FUNCTION_INFO_V1(stats_srm_test_pair);
Datum
stats_srm_test_pair(PG_FUNCTION_ARGS)
{
	int64		observed[2] = {PG_GETARG_INT64(0), PG_GETARG_INT64(1)};
	double		share = PG_GETARG_FLOAT8(2);
	double		shares[2];

	if (observed[0] < 0 || observed[1] < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("control_units and treatment_units must not be negative")));
	stats_open_unit_arg(share, "treatment_share");
	shares[0] = 1.0 - share;
	shares[1] = share;
	return srm_result(observed, shares, 2, fcinfo);
}

/* in the order of StatPAdjust, then R's alias "fdr" of "BH" */
static const char *const padjust_names[] = {
	"holm", "hochberg", "bonferroni", "BH", "BY", "hommel", "none", "fdr", NULL
};
#define PADJUST_FDR 7

PG_FUNCTION_INFO_V1(stats_p_adjust);
Datum
stats_p_adjust(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	int			m = ca_lookup_name(PG_GETARG_TEXT_PP(1), padjust_names, "method");
	Datum	   *values;
	bool	   *nulls;
	int			n = stats_array_elements(arr, FLOAT8OID, "p", true, &values, &nulls);
	int			k = 0,
				i;
	double	   *p = palloc(Max(n, 1) * sizeof(double));
	double	   *adj = palloc(Max(n, 1) * sizeof(double));
	int		   *order = palloc(Max(n, 1) * sizeof(int));
	double	   *work = palloc(2 * Max(n, 1) * sizeof(double));
	int			dims[1] = {n},
				lbs[1] = {1};

	if (m == PADJUST_FDR)
		m = STAT_PADJ_BH;
	/* NULLs stay NULL and do not count, as R's p.adjust treats NA */
	for (i = 0; i < n; i++)
	{
		double		v;

		if (nulls[i])
			continue;
		v = DatumGetFloat8(values[i]);
		if (!(v >= 0.0 && v <= 1.0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("p-values must lie in [0, 1], got %g at position %d", v, i + 1)));
		p[k++] = v;
	}
	stat_p_adjust(p, k, (StatPAdjust) m, order, work, adj);
	for (i = 0, k = 0; i < n; i++)
		if (!nulls[i])
			values[i] = Float8GetDatum(adj[k++]);
	if (n == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(FLOAT8OID));
	PG_RETURN_ARRAYTYPE_P(construct_md_array(values, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(stats_sample_size_proportions);
Datum
stats_sample_size_proportions(PG_FUNCTION_ARGS)
{
	double		p1 = stats_open_unit_arg(PG_GETARG_FLOAT8(0), "p1");
	double		p2 = stats_open_unit_arg(PG_GETARG_FLOAT8(1), "p2");
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(2), "alpha");
	double		power = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "power");
	double		n;

	if (p1 == p2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p1 and p2 must differ, both are %g", p1),
				 errdetail("No sample size detects a difference of zero.")));
	n = stat_sample_size_proportions(p1, p2, alpha, power);
	if (isnan(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("power %g is below what any sample size gives at alpha %g", power, alpha)));
	PG_RETURN_FLOAT8(n);
}

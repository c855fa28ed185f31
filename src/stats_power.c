/*
 * stats_power.c
 *		power_proportions, sample_size_means and the minimum detectable
 *		effects.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "power.h"
#include "stats_args.h"

/* Raises an ERROR naming argname unless v is positive and finite. */
static double
positive_arg(double v, const char *argname)
{
	if (!(v > 0.0) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a positive finite number, got %g", argname, v)));
	return v;
}

/* The result, or an ERROR when no sample size reaches the power. */
static double
reachable(double v, double alpha, double power)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("power %g cannot be reached at alpha %g", power, alpha),
				 errhint("A power below alpha / 2 needs no units; a power near 1 may need more than the arguments allow.")));
	return v;
}

PG_FUNCTION_INFO_V1(stats_power_proportions);
Datum
stats_power_proportions(PG_FUNCTION_ARGS)
{
	double		n = positive_arg(PG_GETARG_FLOAT8(0), "n");
	double		p1 = stats_open_unit_arg(PG_GETARG_FLOAT8(1), "p1");
	double		p2 = stats_open_unit_arg(PG_GETARG_FLOAT8(2), "p2");
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "alpha");

	PG_RETURN_FLOAT8(power_proportions(n, p1, p2, alpha));
}

PG_FUNCTION_INFO_V1(stats_mde_proportions);
Datum
stats_mde_proportions(PG_FUNCTION_ARGS)
{
	double		n = positive_arg(PG_GETARG_FLOAT8(0), "n");
	double		p1 = stats_open_unit_arg(PG_GETARG_FLOAT8(1), "p1");
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(2), "alpha");
	double		power = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "power");
	double		p2 = power_p2_proportions(n, p1, alpha, power);

	if (isnan(p2))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no rate above p1 = %g reaches power %g with n = %g", p1, power, n),
				 errhint("Raise n or lower the power.")));
	PG_RETURN_FLOAT8(p2 - p1);
}

PG_FUNCTION_INFO_V1(stats_sample_size_means);
Datum
stats_sample_size_means(PG_FUNCTION_ARGS)
{
	double		sd = positive_arg(PG_GETARG_FLOAT8(0), "sd");
	double		mde = PG_GETARG_FLOAT8(1);
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(2), "alpha");
	double		power = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "power");
	double		ratio = positive_arg(PG_GETARG_FLOAT8(4), "ratio");

	if (mde == 0.0 || !isfinite(mde))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mde must be a finite nonzero difference, got %g", mde),
				 errdetail("No sample size detects a difference of zero.")));
	PG_RETURN_FLOAT8(reachable(power_sample_size_means(sd, fabs(mde), alpha, power, ratio),
							   alpha, power));
}

PG_FUNCTION_INFO_V1(stats_mde_means);
Datum
stats_mde_means(PG_FUNCTION_ARGS)
{
	double		n = positive_arg(PG_GETARG_FLOAT8(0), "n");
	double		sd = positive_arg(PG_GETARG_FLOAT8(1), "sd");
	double		alpha = stats_open_unit_arg(PG_GETARG_FLOAT8(2), "alpha");
	double		power = stats_open_unit_arg(PG_GETARG_FLOAT8(3), "power");
	double		ratio = positive_arg(PG_GETARG_FLOAT8(4), "ratio");

	PG_RETURN_FLOAT8(reachable(power_mde_means(n, sd, alpha, power, ratio), alpha, power));
}

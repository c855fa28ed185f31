/*
 * Unit tests of the conditional churn risk and the retention hazards:
 * hand-computed values, the edges (nobody at risk, everybody churning,
 * empty runs, zero horizons) and agreement with the Kaplan-Meier curve.
 */
#include <string.h>

#include "churn.h"
#include "unit.h"

static void
test_conditional(void)
{
	static const SurvPoint run[] = {{1, 1, 0}, {2, 1, 1}, {3, 1, 0}, {4, 1, 0}};
	static const SurvPoint gone[] = {{1, 0, 1}, {2, 2, 0}};
	ChurnRisk	r;
	SurvCurveIter it;
	SurvCurveRow row;

	/* 4 at risk after 1, then 1 of 4 and 1 of 2 churn by 3 */
	churn_conditional(run, 4, 1, 2, 0.95, &r);
	CHECK_CLOSE(r.probability, 0.625, 1e-15);
	CHECK(r.low < r.probability && r.probability < r.high);
	CHECK(r.low >= 0.0 && r.high <= 1.0);

	/* from tenure 0 the curve itself, interval included */
	surv_curve_start(&it, run, 4, 0.9);
	while (surv_curve_next(&it, &row))
	{
		churn_conditional(run, 4, 0, row.time, 0.9, &r);
		CHECK_CLOSE(r.probability, 1.0 - row.survival, 1e-15);
		if (row.survival > 0.0)
		{
			CHECK_CLOSE(r.low, 1.0 - row.ci_high, 1e-15);
			CHECK_CLOSE(r.high, 1.0 - row.ci_low, 1e-15);
		}
		else
			CHECK(isnan(r.low) && isnan(r.high));
	}

	/* a zero horizon: nothing can happen */
	churn_conditional(run, 4, 2, 0, 0.95, &r);
	CHECK(r.probability == 0.0 && r.low == 0.0 && r.high == 0.0);

	/* everybody at risk churns: probability 1 without an interval */
	churn_conditional(gone, 2, 1, 5, 0.95, &r);
	CHECK(r.probability == 1.0 && isnan(r.low) && isnan(r.high));

	/* nobody observed past tenure, or nothing at all: undefined */
	churn_conditional(gone, 2, 2, 5, 0.95, &r);
	CHECK(isnan(r.probability) && isnan(r.low));
	churn_conditional(NULL, 0, 0, 5, 0.95, &r);
	CHECK(isnan(r.probability));
}

static void
test_hazard(void)
{
	int64_t		buf[9] = {5, 2, 1, 5, 3, 1, 5, 5, 4};
	int64_t		big[6];
	RetentionCounts r;
	double		h[3];

	r.unit = 0;
	r.periods = 3;
	r.units = 5;
	r.on = buf;
	r.on_or_after = buf + 3;
	r.eligible = buf + 6;
	churn_retention_hazard(&r, h);
	CHECK_CLOSE(h[0], 0.4, 1e-15);
	CHECK_CLOSE(h[1], 1.0 - (1.0 / 4.0) / (3.0 / 5.0), 1e-15);
	CHECK(isnan(h[2]));

	/* nobody left, or nobody eligible next period */
	buf[3] = buf[4] = 0;
	churn_retention_hazard(&r, h);
	CHECK(isnan(h[0]));
	buf[3] = 5;
	buf[7] = 0;
	churn_retention_hazard(&r, h);
	CHECK(isnan(h[0]) && isnan(h[1]));

	/* counts near the int64 limit: the numerator stays exact */
	big[0] = big[1] = INT64_MAX;
	big[2] = INT64_MAX;
	big[3] = INT64_MAX - 1;
	big[4] = big[5] = INT64_MAX;
	r.periods = 2;
	r.units = INT64_MAX;
	r.on = big;
	r.on_or_after = big + 2;
	r.eligible = big + 4;
	churn_retention_hazard(&r, h);
	CHECK_CLOSE(h[0], 1.0 / 9.223372036854775807e18, 1e-12);
	CHECK(h[0] > 0.0);
}

int
main(void)
{
	test_conditional();
	test_hazard();
	return unit_done("churn");
}

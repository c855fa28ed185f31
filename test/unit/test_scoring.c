/*
 * Unit tests of the prediction scores: AUC, Brier score and calibration
 * against R (the "small" case of test/ref/churn/make_reference.R:
 * wilcox.test gives AUC 5/6, the Brier score is 0.97/6) and against a
 * brute-force count over all pairs, and the bin edges.
 */
#include <stdlib.h>

#include "scoring.h"
#include "unit.h"

static void
test_small(void)
{
	/* predicted 0.8 0.2 0.6 0.4 0.6 0.1, churned T F F T T F */
	static const SurvPoint run[] = {
		{0.1, 0, 1}, {0.2, 0, 1}, {0.4, 1, 0}, {0.6, 1, 1}, {0.8, 1, 0}
	};
	ScoreSummary s;

	score_summarize(run, 5, &s);
	CHECK(s.n == 6 && s.churned == 3);
	CHECK_CLOSE(s.auc, 0.83333333333333337, 1e-15);
	CHECK_CLOSE(s.brier, 0.16166666666666665, 1e-15);
	CHECK(s.bins[6].n == 2 && s.bins[6].observed == 0.5);
	CHECK_CLOSE(s.bins[6].predicted, 0.6, 1e-15);
	CHECK(s.bins[0].n == 0 && isnan(s.bins[0].predicted));
}

static void
test_brute_force(void)
{
	SurvPoint	run[60];
	ScoreSummary s;
	double		right = 0.0,
				pairs = 0.0;
	int			i,
				j;
	unsigned	seed = 11;

	for (i = 0; i < 60; i++)
	{
		seed = seed * 1103515245u + 12345u;
		run[i].time = i / 59.0;
		run[i].events = (seed >> 10) % 4;
		run[i].censored = (seed >> 14) % 4;
		if (run[i].events + run[i].censored == 0)
			run[i].events = 1;
	}
	for (i = 0; i < 60; i++)
		for (j = 0; j < 60; j++)
		{
			double		w = (double) run[i].events * run[j].censored;

			pairs += w;
			if (run[i].time > run[j].time)
				right += w;
			else if (i == j)
				right += w / 2.0;
		}
	score_summarize(run, 60, &s);
	CHECK_CLOSE(s.auc, right / pairs, 1e-15);
}

static void
test_bins(void)
{
	int			k;

	CHECK(score_bin(0.0) == 0);
	CHECK(score_bin(1.0) == 9);
	CHECK(score_bin(0.9) == 9);
	CHECK(score_bin(0.99999) == 9);
	for (k = 1; k < 10; k++)
	{
		double		edge = (double) k / 10;

		CHECK(score_bin(edge) == k);
		CHECK(score_bin(nextafter(edge, 0.0)) == k - 1);
	}
	/* nothing, or nobody churned: no AUC, an all-zero Brier score */
	{
		static const SurvPoint stay[] = {{0.0, 0, 3}};
		ScoreSummary s;

		score_summarize(NULL, 0, &s);
		CHECK(s.n == 0 && isnan(s.auc) && isnan(s.brier));
		score_summarize(stay, 1, &s);
		CHECK(isnan(s.auc) && s.brier == 0.0);
	}
}

int
main(void)
{
	test_small();
	test_brute_force();
	test_bins();
	return unit_done("scoring");
}

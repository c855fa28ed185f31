/*
 * scoring.c
 *		AUC, Brier score and calibration of churn predictions.
 *
 * In a run sorted by prediction, the Mann-Whitney count of (churner,
 * stayer) pairs ordered the right way is, per distinct prediction, its
 * churners times the stayers below it plus half of those tied with it;
 * AUC is that count over all pairs.  Every sum runs in the order of the
 * run, so the result depends only on the multiset of rows.
 */
#include "scoring.h"

#include <math.h>
#include <string.h>

int
score_bin(double p)
{
	int			k = (int) (p * SCORE_BINS);

	if (k > SCORE_BINS - 1)
		k = SCORE_BINS - 1;
	if (k < 0)
		k = 0;
	/* k/10 as the nearest double, the bounds written in the result */
	while (k < SCORE_BINS - 1 && p >= (double) (k + 1) / SCORE_BINS)
		k++;
	while (k > 0 && p < (double) k / SCORE_BINS)
		k--;
	return k;
}

void
score_summarize(const SurvPoint *pts, size_t n, ScoreSummary *s)
{
	double		pairs_right = 0.0,
				stayers_below = 0.0,
				squares = 0.0,
				pred_sum[SCORE_BINS] = {0},
				churn_sum[SCORE_BINS] = {0};
	size_t		i;
	int			k;

	memset(s, 0, sizeof(*s));
	for (k = 0; k < SCORE_BINS; k++)
	{
		s->bins[k].from = (double) k / SCORE_BINS;
		s->bins[k].to = (double) (k + 1) / SCORE_BINS;
	}
	for (i = 0; i < n; i++)
	{
		double		p = pts[i].time,
					yes = (double) pts[i].events,
					no = (double) pts[i].censored;

		k = score_bin(p);
		pairs_right += yes * (stayers_below + no / 2.0);
		stayers_below += no;
		squares += yes * (1.0 - p) * (1.0 - p) + no * p * p;
		s->n += pts[i].events + pts[i].censored;
		s->churned += pts[i].events;
		s->bins[k].n += pts[i].events + pts[i].censored;
		pred_sum[k] += (yes + no) * p;
		churn_sum[k] += yes;
	}
	s->auc = s->churned > 0 && s->churned < s->n ?
		pairs_right / ((double) s->churned * stayers_below) : NAN;
	s->brier = s->n > 0 ? squares / (double) s->n : NAN;
	for (k = 0; k < SCORE_BINS; k++)
	{
		s->bins[k].predicted = s->bins[k].n > 0 ? pred_sum[k] / (double) s->bins[k].n : NAN;
		s->bins[k].observed = s->bins[k].n > 0 ? churn_sum[k] / (double) s->bins[k].n : NAN;
	}
}

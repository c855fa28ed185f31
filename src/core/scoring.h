/*
 * scoring.h
 *		How good churn predictions were: AUC, Brier score and calibration
 *		from a run of distinct predicted probabilities with the units that
 *		churned (events) and did not (censored) at each.
 *
 * The run is a survival run (survival.h) whose times are the predicted
 * probabilities, so the aggregate that builds it merges exactly and in any
 * order.  Plain C, no PostgreSQL headers.
 */
#ifndef CA_SCORING_H
#define CA_SCORING_H

#include "survival.h"

#define SCORE_BINS 10

/* One calibration bin: predictions in [from, to) ([0.9, 1] for the last). */
typedef struct ScoreBin
{
	double		from;
	double		to;
	int64_t		n;
	double		predicted;		/* mean prediction */
	double		observed;		/* share that churned */
} ScoreBin;

/* NaN where a value is undefined. */
typedef struct ScoreSummary
{
	int64_t		n;
	int64_t		churned;
	double		auc;			/* P(score of a churner > a stayer), ties 1/2 */
	double		brier;			/* mean squared error of the predictions */
	ScoreBin	bins[SCORE_BINS];
} ScoreSummary;

/* The bin of a probability p in [0, 1]: [k/10, (k+1)/10), 1 in the last. */
extern int	score_bin(double p);

/* Summarizes a valid run whose times lie in [0, 1]. */
extern void score_summarize(const SurvPoint *pts, size_t n, ScoreSummary *s);

#endif							/* CA_SCORING_H */

/*
 * cox.h
 *		Cox proportional-hazards model with one binary covariate, fitted on
 *		two survival runs (control and treatment).
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_COX_H
#define CA_COX_H

#include "survival.h"

typedef enum CoxTies
{
	COX_EFRON = 0,
	COX_BRESLOW = 1
} CoxTies;

/*
 * A fit; NaN where a value is undefined.  coef is the log hazard ratio of
 * the treatment against the control.  The Wald quantities are undefined
 * when the maximum of the partial likelihood is at infinity (no event in
 * one group while the other is at risk, or no events at all); the score
 * test at coef = 0 is undefined when its variance is zero.
 */
typedef struct CoxFit
{
	double		coef;
	double		std_err;
	double		z;
	double		p_value;		/* two-sided Wald test */
	double		score_chisq;	/* score test of coef = 0, 1 df */
	double		score_p;
	int			iterations;
	bool		finite;			/* the maximum is finite */
} CoxFit;

/*
 * Fits the model by safeguarded Newton-Raphson from coef = 0 until the
 * step is below a few ulps.  Efron's ties sum over every tied event; from
 * COX_EFRON_CLOSED_FORM tied events at one time on, that sum is taken in
 * closed form with digamma and trigamma functions.
 */
#define COX_EFRON_CLOSED_FORM 1024

extern void cox_fit(const SurvPoint *ctl, size_t nc,
					const SurvPoint *trt, size_t nt,
					CoxTies ties, CoxFit *fit);

/*
 * Score and information at coef for the tied events at one time: d0 and d1
 * events among n0 and n1 at risk.  Exposed for the unit tests.
 */
extern void cox_time_terms(double n0, double n1, double d0, double d1,
						   double coef, CoxTies ties, bool closed_form,
						   double *score, double *info);

#endif							/* CA_COX_H */

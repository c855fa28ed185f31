/*
 * segments.h
 *		Whether an effect differs between segments: Cochran's Q.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_SEGMENTS_H
#define CA_SEGMENTS_H

typedef struct StatHeterogeneity
{
	double		q;				/* Cochran's Q */
	double		df;				/* segments - 1 */
	double		p_value;		/* P(chi-square(df) > Q) */
	double		i_squared;		/* max(0, (Q - df) / Q); NaN when Q = 0 */
	double		pooled;			/* inverse-variance weighted estimate */
	double		pooled_std_error;
} StatHeterogeneity;

/*
 * Cochran's Q over k >= 2 estimates with positive finite standard errors
 * (the caller checks them): Q = sum w_i (e_i - e_w)^2 with w_i = 1 / se_i^2
 * and e_w the weighted mean.  Weights are scaled by the largest one so that
 * tiny or huge standard errors do not overflow.
 */
extern void stat_heterogeneity(const double *estimate, const double *std_error, int k,
							   StatHeterogeneity *out);

#endif							/* CA_SEGMENTS_H */

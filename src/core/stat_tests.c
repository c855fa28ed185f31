/*
 * stat_tests.c
 *		Two-sample comparisons from cohort summaries and related tests.
 *
 * Every test works on per-arm "sample moments" (count, mean, variance of
 * one unit's outcome), so proportions, values and CUPED-adjusted values
 * share the interval and p-value code.  Formulas and the references they
 * reproduce are in doc/statistics.md.
 */
#include "stat_tests.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "distributions.h"

/* Count, mean and variance of one arm's per-unit outcome. */
typedef struct Arm
{
	double		n;
	double		mean;			/* NaN when n = 0 */
	double		var;			/* NaN when undefined */
} Arm;

static Arm
proportion_arm(const Outcome *o)
{
	Arm			a;

	a.n = (double) o->known;
	a.mean = outcome_rate(o);
	/* the Bernoulli variance p(1 - p), as prop.test's Wald interval uses */
	a.var = a.mean * (1.0 - a.mean);
	return a;
}

static Arm
value_arm(const Moments *m)
{
	Arm			a;

	a.n = (double) m->n;
	a.mean = m->n > 0 ? m->mean : NAN;
	a.var = moments_variance(m);
	return a;
}

/*
 * CUPED: y - theta (x - mean x) with theta = Cov(y, x) / Var(x) over both
 * arms pooled.  A covariate without variance carries no information and
 * leaves theta = 0, as a regression drops a constant regressor.
 */
static CaStatus
cuped_arms(const CohortStats *c, const CohortStats *t, Arm *ac, Arm *at)
{
	CoMoments	pooled = c->paired;
	CaStatus	st;
	double		theta;
	const CoMoments *arms[2] = {&c->paired, &t->paired};
	Arm		   *out[2] = {ac, at};
	int			i;

	if ((st = comoments_merge(&pooled, &t->paired)) != CA_OK)
		return st;
	theta = pooled.m2_x > 0.0 ? pooled.c_xy / pooled.m2_x : 0.0;
	for (i = 0; i < 2; i++)
	{
		const CoMoments *m = arms[i];
		double		m2;

		out[i]->n = (double) m->n;
		if (m->n == 0)
		{
			out[i]->mean = out[i]->var = NAN;
			continue;
		}
		out[i]->mean = m->mean_y - theta * (m->mean_x - pooled.mean_x);
		m2 = m->m2_y - 2.0 * theta * m->c_xy + theta * theta * m->m2_x;
		out[i]->var = m->n > 1 ? fmax(m2, 0.0) / (double) (m->n - 1) : NAN;
	}
	if (!isfinite(theta))
		return CA_OVERFLOW;
	return CA_OK;
}

double
stat_ratio(const CohortStats *s)
{
	const CoMoments *m = &s->paired;

	if (m->n == 0 || m->mean_x == 0.0)
		return NAN;
	return m->mean_y / m->mean_x;
}

/*
 * A ratio of per-unit sums, the delta-method way (GrowthBook, Eppo): the
 * ratio R = mean y / mean x behaves like the mean of the linearised unit
 * value (y - R x) / mean x, whose sample variance is
 *   (s2_y - 2 R s_xy + R^2 s2_x) / mean_x^2
 * (= s2_y / mx^2 - 2 s_xy my / mx^3 + s2_x my^2 / mx^4), written with R so
 * that no power of the means overflows.
 */
static Arm
ratio_arm(const CohortStats *s)
{
	const CoMoments *m = &s->paired;
	Arm			a;
	double		r = stat_ratio(s);

	a.n = (double) m->n;
	a.mean = r;
	a.var = NAN;
	if (!isnan(r) && m->n > 1)
	{
		double		mx = m->mean_x,
					m2 = m->m2_y - 2.0 * r * m->c_xy + r * r * m->m2_x;

		a.var = fmax(m2, 0.0) / (double) (m->n - 1) / mx / mx;
	}
	return a;
}

static CaStatus
make_arms(const CohortStats *c, const CohortStats *t, StatMetric metric,
		  Arm *ac, Arm *at)
{
	switch (metric)
	{
		case STAT_COMPLETION:
			*ac = proportion_arm(&c->completed);
			*at = proportion_arm(&t->completed);
			return CA_OK;
		case STAT_CHURN:
			*ac = proportion_arm(&c->churned);
			*at = proportion_arm(&t->churned);
			return CA_OK;
		case STAT_VALUE:
			*ac = value_arm(&c->value);
			*at = value_arm(&t->value);
			return CA_OK;
		case STAT_VALUE_CUPED:
			return cuped_arms(c, t, ac, at);
		case STAT_RATIO:
			*ac = ratio_arm(c);
			*at = ratio_arm(t);
			return CA_OK;
	}
	return CA_INCONSISTENT;
}

static bool
is_proportion(StatMetric metric)
{
	return metric == STAT_COMPLETION || metric == STAT_CHURN;
}

/* NaN unless positive and finite: a zero standard error gives no interval */
static double
usable_se(double se)
{
	return (se > 0.0 && isfinite(se)) ? se : NAN;
}

/*
 * Estimates, difference, relative lift and the standard errors of the
 * difference (unpooled) and of the relative lift (delta method:
 * Var = s2_T / (n_T m_C^2) + s2_C m_T^2 / (n_C m_C^4)).
 */
static void
estimates(const Arm *c, const Arm *t, StatComparison *out, double *se_diff,
		  double *se_rel)
{
	double		mc = c->mean,
				mt = t->mean;

	out->control_estimate = mc;
	out->treatment_estimate = mt;
	out->difference = mt - mc;
	out->relative_lift = (mc != 0.0) ? out->difference / fabs(mc) : NAN;
	*se_diff = usable_se(sqrt(t->var / t->n + c->var / c->n));
	out->std_error = *se_diff;
	if (mc != 0.0)
	{
		/* the same, with mt / mc formed first: powers of mc overflow */
		double		r = mt / mc;

		*se_rel = usable_se(sqrt(t->var / t->n + c->var / c->n * r * r) / fabs(mc));
	}
	else
		*se_rel = NAN;
}

static void
init_result(StatComparison *out, const char *method)
{
	out->method = method;
	out->control_estimate = out->treatment_estimate = NAN;
	out->difference = out->difference_low = out->difference_high = NAN;
	out->relative_lift = out->relative_lift_low = out->relative_lift_high = NAN;
	out->statistic = out->df = out->p_value = out->std_error = NAN;
}

/*
 * est -+ half on the tested sides; the open side of a one-sided interval
 * is the bound of the parameter's range (lo_bound, hi_bound).
 */
static void
interval(double est, double half, StatAlternative alt, double lo_bound,
		 double hi_bound, double *lo, double *hi)
{
	if (isnan(est) || isnan(half))
	{
		*lo = *hi = NAN;
		return;
	}
	*lo = (alt == STAT_LESS) ? lo_bound : fmax(est - half, lo_bound);
	*hi = (alt == STAT_GREATER) ? hi_bound : fmin(est + half, hi_bound);
}

/* P-value of a statistic with a normal (df infinite) or t reference */
static double
p_value_of(double stat, double df, StatAlternative alt)
{
	if (isnan(stat) || isnan(df))
		return NAN;
	switch (alt)
	{
		case STAT_TWO_SIDED:
			return fmin(1.0, 2.0 * dist_t_cdf(fabs(stat), df, true));
		case STAT_GREATER:
			return dist_t_cdf(stat, df, true);
		case STAT_LESS:
			return dist_t_cdf(stat, df, false);
	}
	return NAN;
}

CaStatus
stat_compare(const CohortStats *control, const CohortStats *treatment,
			 StatMetric metric, double alpha, StatAlternative alt,
			 StatComparison *out)
{
	Arm			c,
				t;
	CaStatus	st;
	double		se_diff,
				se_rel,
				df,
				crit,
				tail = (alt == STAT_TWO_SIDED) ? alpha / 2.0 : alpha;
	bool		prop = is_proportion(metric);

	init_result(out, prop ? "two-proportion z-test" :
				metric == STAT_VALUE ? "Welch t-test" :
				metric == STAT_RATIO ? "delta-method Welch t-test" : "CUPED Welch t-test");
	if ((st = make_arms(control, treatment, metric, &c, &t)) != CA_OK)
		return st;
	estimates(&c, &t, out, &se_diff, &se_rel);
	if (prop)
	{
		/* the test uses the pooled standard error, the interval the unpooled */
		double		n = c.n + t.n;
		double		pooled = (c.mean * c.n + t.mean * t.n) / n;
		double		se0 = usable_se(sqrt(pooled * (1.0 - pooled) * (1.0 / c.n + 1.0 / t.n)));

		df = INFINITY;
		out->statistic = out->difference / se0;
	}
	else
	{
		/*
		 * Welch-Satterthwaite degrees of freedom, from the shares of the two
		 * variances of the means: their squares would overflow or underflow
		 * for values far from 1.
		 */
		double		vc = c.var / c.n,
					vt = t.var / t.n,
					wc = vc / (vc + vt),
					wt = vt / (vc + vt);

		df = 1.0 / (wc * wc / (c.n - 1.0) + wt * wt / (t.n - 1.0));
		if (isnan(se_diff))
			df = NAN;
		out->df = df;
		out->statistic = out->difference / se_diff;
	}
	out->p_value = p_value_of(out->statistic, df, alt);
	crit = isnan(df) ? NAN : dist_t_quantile(tail, df, true);
	interval(out->difference, crit * se_diff, alt,
			 prop ? -1.0 : -INFINITY, prop ? 1.0 : INFINITY,
			 &out->difference_low, &out->difference_high);
	interval(out->relative_lift, crit * se_rel, alt, -INFINITY, INFINITY,
			 &out->relative_lift_low, &out->relative_lift_high);
	return CA_OK;
}

CaStatus
stat_compare_sequential(const CohortStats *control, const CohortStats *treatment,
						StatMetric metric, double alpha, double tuning,
						StatAlternative alt, StatComparison *out)
{
	Arm			c,
				t;
	CaStatus	st;
	double		se_diff,
				se_rel,
				n,
				l,
				rho2,
				nr1,
				width,
				z,
				tail_z,
				log_p;
	bool		two_sided = (alt == STAT_TWO_SIDED);

	init_result(out, two_sided ? "asymptotic confidence sequence"
				: "one-sided asymptotic confidence sequence");
	if ((st = make_arms(control, treatment, metric, &c, &t)) != CA_OK)
		return st;
	estimates(&c, &t, out, &se_diff, &se_rel);

	/*
	 * Waudby-Smith et al., as GrowthBook computes it: rho^2 = (-2 ln a +
	 * ln(-2 ln a + 1)) / tuning with a = alpha (two-sided) or 2 alpha
	 * (one-sided).  With N units and S = sqrt(N rho^2 + 1) the half-width
	 * is se sqrt(N) sqrt(2 (N rho^2 + 1) / (N^2 rho^2) L), where L = ln(S /
	 * alpha) for the two-sided sequence and ln(1 + S / (2 alpha)) for a
	 * one-sided bound.
	 */
	n = c.n + t.n;
	l = -2.0 * log(two_sided ? alpha : 2.0 * alpha);
	rho2 = (l + log(l + 1.0)) / tuning;
	nr1 = n * rho2 + 1.0;
	width = sqrt(n) * sqrt(2.0 * nr1 / (n * n * rho2) *
						   (two_sided ? 0.5 * log(nr1) - log(alpha)
							: log1p(sqrt(nr1) / (2.0 * alpha))));
	interval(out->difference, width * se_diff, alt, -INFINITY, INFINITY,
			 &out->difference_low, &out->difference_high);
	interval(out->relative_lift, width * se_rel, alt, -INFINITY, INFINITY,
			 &out->relative_lift_low, &out->relative_lift_high);

	/*
	 * The always-valid p-value is the alpha at which the sequence starts
	 * to exclude zero.  With E = rho^2 N z^2 / (2 (N rho^2 + 1)) that is
	 * min(1, S exp(-E)) two-sided and min(1, S / (2 (exp(E) - 1))) for a
	 * one-sided bound (1 when the estimate points the other way), in logs
	 * so that it does not underflow early.
	 */
	z = out->difference / se_diff;
	out->statistic = z;
	tail_z = (alt == STAT_LESS) ? -z : z;
	log_p = rho2 * n * z * z / (2.0 * nr1);	/* E */
	if (two_sided)
		log_p = 0.5 * log(nr1) - log_p;
	else if (!(tail_z > 0.0))
		log_p = isnan(tail_z) ? NAN : 0.0;
	else
		log_p = 0.5 * log(nr1) - log(2.0) - log_p - log(-expm1(-log_p));
	out->p_value = isnan(log_p) ? NAN : exp(fmin(log_p, 0.0));
	return CA_OK;
}

/* ------------------------------------------------------------------------
 * Chance to beat
 * ------------------------------------------------------------------------
 */

/*
 * P(X_B > X_A) for X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB) with integer aB
 * (Evan Miller's closed form):
 *   sum_{i < aB} B(aA + i, bA + bB) / ((bB + i) B(1 + i, bB) B(aA, bA)).
 * Successive terms differ by the factor (aA + i)(bB + i) / ((aA + bA + bB
 * + i)(1 + i)), which falls through 1 once, so the terms rise and then
 * fall; the sum stops when the rest is below the last bit.  Terms are kept
 * relative to the first one, rescaled to stay in range.
 */
static double
beta_beats(double aA, double bA, double aB, double bB)
{
	double		log_scale = dist_lbeta(aA, bA + bB) - dist_lbeta(aA, bA);
	double		cur = 1.0,
				sum = 0.0,
				i;

	for (i = 0.0; i < aB; i += 1.0)
	{
		double		ratio = (aA + i) * (bB + i) / ((aA + bA + bB + i) * (1.0 + i));

		sum += cur;
		cur *= ratio;
		if (cur > 1e280)
		{
			cur *= 1e-280;
			sum *= 1e-280;
			log_scale += log(1e280);
		}
		if (ratio < 1.0 && cur / (1.0 - ratio) < sum * DBL_EPSILON / 4.0)
			break;
	}
	return exp(log(sum) + log_scale);
}

/*
 * P(X_B > X_A), summing over the fewest terms among the four equivalent
 * forms; a form "1 - sum" is used only when its result is not small, so
 * that small probabilities keep their relative accuracy.
 */
static CaStatus
beta_probability(double aA, double bA, double aB, double bB, double *out)
{
	double		direct = fmin(aB, bA),
				complement = fmin(aA, bB);

	if (complement < direct)
	{
		double		p = (aA <= bB) ? 1.0 - beta_beats(aB, bB, aA, bA)
			: 1.0 - beta_beats(bA, aA, bB, aB);

		if (p > 1e-3 || direct > STAT_BETA_MAX_TERMS)
		{
			if (complement > STAT_BETA_MAX_TERMS)
				return CA_OVERFLOW;
			*out = fmax(p, 0.0);
			return CA_OK;
		}
	}
	if (direct > STAT_BETA_MAX_TERMS)
		return CA_OVERFLOW;
	*out = (aB <= bA) ? beta_beats(aA, bA, aB, bB) : beta_beats(bB, aB, bA, aA);
	if (*out > 1.0)
		*out = 1.0;
	return CA_OK;
}

CaStatus
stat_difference(const CohortStats *control, const CohortStats *treatment,
				StatMetric metric, double *difference, double *std_error)
{
	Arm			c,
				t;
	CaStatus	st;
	StatComparison r;
	double		se_rel;

	if ((st = make_arms(control, treatment, metric, &c, &t)) != CA_OK)
		return st;
	estimates(&c, &t, &r, std_error, &se_rel);
	*difference = r.difference;
	return CA_OK;
}

CaStatus
stat_beta_greater(double aA, double bA, double aB, double bB, double *out)
{
	return beta_probability(aA, bA, aB, bB, out);
}

CaStatus
stat_chance_to_beat(const CohortStats *control, const CohortStats *treatment,
					StatMetric metric, double *out)
{
	if (is_proportion(metric))
	{
		const Outcome *oc = metric == STAT_COMPLETION ? &control->completed : &control->churned;
		const Outcome *ot = metric == STAT_COMPLETION ? &treatment->completed : &treatment->churned;
		double		ac = 1.0 + (double) oc->yes,
					bc = 1.0 + (double) (oc->known - oc->yes),
					at = 1.0 + (double) ot->yes,
					bt = 1.0 + (double) (ot->known - ot->yes);

		/* for churn, lower is better: P(control rate > treatment rate) */
		if (metric == STAT_CHURN)
			return beta_probability(at, bt, ac, bc, out);
		return beta_probability(ac, bc, at, bt, out);
	}
	else
	{
		Arm			c,
					t;
		CaStatus	st;
		double		se;

		if ((st = make_arms(control, treatment, metric, &c, &t)) != CA_OK)
			return st;
		se = usable_se(sqrt(t.var / t.n + c.var / c.n));
		*out = dist_normal_cdf((t.mean - c.mean) / se, false);
		return CA_OK;
	}
}

/* ------------------------------------------------------------------------
 * Rate intervals
 * ------------------------------------------------------------------------
 */

CaStatus
stat_rate_interval(int64_t yes, int64_t n, double level, StatRateMethod method,
				   double *low, double *high)
{
	double		alpha = 1.0 - level;
	double		x = (double) yes,
				nn = (double) n,
				z = dist_normal_quantile(alpha / 2.0, true);

	if (n <= 0)
	{
		*low = *high = NAN;
		return CA_OK;
	}
	switch (method)
	{
		case STAT_RATE_WILSON:
			{
				/* as R's prop.test(correct = FALSE) writes it */
				double		p = x / nn,
							z22n = z * z / (2.0 * nn),
							w = z * sqrt(p * (1.0 - p) / nn + z22n / (2.0 * nn)),
							den = 1.0 + 2.0 * z22n;

				*low = (yes == 0) ? 0.0 : fmax((p + z22n - w) / den, 0.0);
				*high = (yes == n) ? 1.0 : fmin((p + z22n + w) / den, 1.0);
				break;
			}
		case STAT_RATE_CLOPPER_PEARSON:
			*low = (yes == 0) ? 0.0 : dist_beta_quantile(alpha / 2.0, x, nn - x + 1.0, false);
			*high = (yes == n) ? 1.0 : dist_beta_quantile(alpha / 2.0, x + 1.0, nn - x, true);
			break;
		case STAT_RATE_AGRESTI_COULL:
			{
				double		nt = nn + z * z,
							pt = (x + z * z / 2.0) / nt,
							half = z * sqrt(pt * (1.0 - pt) / nt);

				*low = fmax(pt - half, 0.0);
				*high = fmin(pt + half, 1.0);
				break;
			}
		case STAT_RATE_JEFFREYS:
			*low = (yes == 0) ? 0.0 : dist_beta_quantile(alpha / 2.0, x + 0.5, nn - x + 0.5, false);
			*high = (yes == n) ? 1.0 : dist_beta_quantile(alpha / 2.0, x + 0.5, nn - x + 0.5, true);
			break;
	}
	if (isnan(*low) || isnan(*high))
		return CA_NOT_FINITE;
	return CA_OK;
}

/* ------------------------------------------------------------------------
 * Sample ratio, multiple testing, sample size
 * ------------------------------------------------------------------------
 */

CaStatus
stat_chisq_gof(const int64_t *observed, const double *share, int k,
			   double *statistic, double *p_value)
{
	double		total = 0.0,
				share_sum = 0.0,
				x2 = 0.0;
	int			i;

	for (i = 0; i < k; i++)
	{
		total += (double) observed[i];
		share_sum += share[i];
	}
	if (total <= 0.0)
	{
		*statistic = *p_value = NAN;
		return CA_OK;
	}
	for (i = 0; i < k; i++)
	{
		double		e = total * share[i] / share_sum,
					d = (double) observed[i] - e;

		x2 += d * d / e;
	}
	if (!isfinite(x2))
		return CA_OVERFLOW;
	*statistic = x2;
	*p_value = dist_chisq_cdf(x2, (double) (k - 1), true);
	return isnan(*p_value) ? CA_NOT_FINITE : CA_OK;
}

/* qsort has no context argument; the core runs single-threaded */
static const double *sort_keys;

/* ascending p, ties in input order */
static int
cmp_by_p(const void *a, const void *b)
{
	int			i = *(const int *) a,
				j = *(const int *) b;

	if (sort_keys[i] < sort_keys[j])
		return -1;
	if (sort_keys[i] > sort_keys[j])
		return 1;
	return (i > j) - (i < j);
}

/*
 * Hommel's method as R's p.adjust writes it, on the sorted p-values s: for
 * each subset size j from n - 1 down to 2, the adjusted values are at least
 * min(j s_i, min_{k >= 2} j s_(n-j+k) / k), and never below s itself.
 */
static void
p_adjust_hommel(const double *p, int n, const int *order, double *work,
				double *adjusted)
{
	double	   *q = work,
			   *pa = work + n,
				first = INFINITY;
	int			i,
				j,
				k;

	for (i = 0; i < n; i++)
		first = fmin(first, (double) n * p[order[i]] / (i + 1.0));
	for (i = 0; i < n; i++)
		q[i] = pa[i] = first;
	for (j = n - 1; j >= 2; j--)
	{
		double		q1 = INFINITY;

		/* i2 = n - j + 1 .. n - 1 (0-based), divided by 2 .. j */
		for (k = 0; k < j - 1; k++)
			q1 = fmin(q1, (double) j * p[order[n - j + 1 + k]] / (2.0 + k));
		for (i = 0; i <= n - j; i++)
			q[i] = fmin((double) j * p[order[i]], q1);
		for (i = n - j + 1; i < n; i++)
			q[i] = q[n - j];
		for (i = 0; i < n; i++)
			pa[i] = fmax(pa[i], q[i]);
	}
	for (i = 0; i < n; i++)
		adjusted[order[i]] = fmin(1.0, fmax(pa[i], p[order[i]]));
}

void
stat_p_adjust(const double *p, int n, StatPAdjust method, int *order,
			  double *work, double *adjusted)
{
	double		running,
				q = 1.0;
	int			k;

	for (k = 0; k < n; k++)
		order[k] = k;
	sort_keys = p;
	qsort(order, n, sizeof(int), cmp_by_p);
	sort_keys = NULL;

	/* as R: one p-value is its own adjustment, Hommel on two is Hochberg */
	if (n <= 1)
		method = STAT_PADJ_NONE;
	else if (n == 2 && method == STAT_PADJ_HOMMEL)
		method = STAT_PADJ_HOCHBERG;

	switch (method)
	{
		case STAT_PADJ_NONE:
			for (k = 0; k < n; k++)
				adjusted[k] = p[k];
			break;
		case STAT_PADJ_HOMMEL:
			p_adjust_hommel(p, n, order, work, adjusted);
			break;
		case STAT_PADJ_BONFERRONI:
			for (k = 0; k < n; k++)
				adjusted[k] = fmin(1.0, n * p[k]);
			break;
		case STAT_PADJ_HOLM:
			/* step-down: cumulative maximum of (n - i + 1) p_(i) */
			running = 0.0;
			for (k = 0; k < n; k++)
			{
				running = fmax(running, (n - k) * p[order[k]]);
				adjusted[order[k]] = fmin(1.0, running);
			}
			break;
		case STAT_PADJ_HOCHBERG:
		case STAT_PADJ_BH:
		case STAT_PADJ_BY:
			/* step-up: cumulative minimum from the largest p-value down */
			if (method == STAT_PADJ_BY)
			{
				q = 0.0;
				for (k = 1; k <= n; k++)
					q += 1.0 / k;
			}
			running = INFINITY;
			for (k = n - 1; k >= 0; k--)
			{
				double		v = (method == STAT_PADJ_HOCHBERG)
					? (n - k) * p[order[k]]
					: q * n / (k + 1.0) * p[order[k]];

				running = fmin(running, v);
				adjusted[order[k]] = fmin(1.0, running);
			}
			break;
	}
}

double
stat_sample_size_proportions(double p1, double p2, double alpha, double power)
{
	/*
	 * power.prop.test's power: Phi((sqrt(n) |p1 - p2| - z_{alpha/2} sqrt((p1
	 * + p2)(q1 + q2) / 2)) / sqrt(p1 q1 + p2 q2)), solved for n.
	 */
	double		za = dist_normal_quantile(alpha / 2.0, true),
				zb = dist_normal_quantile(power, false),
				q1 = 1.0 - p1,
				q2 = 1.0 - p2,
				num = za * sqrt((p1 + p2) * (q1 + q2) / 2.0) + zb * sqrt(p1 * q1 + p2 * q2),
				d = fabs(p1 - p2);

	if (!(num > 0.0) || !(d > 0.0))
		return NAN;
	return (num / d) * (num / d);
}

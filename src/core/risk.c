/*
 * risk.c
 *		Bayesian expected loss ("risk") of shipping either arm.
 */
#include "risk.h"

#include <math.h>

#include "distributions.h"

/* 1 / sqrt(2 pi) */
#define INV_SQRT_2PI 0.398942280401432677939946059934

double
stat_normal_positive_part(double mu, double sd)
{
	/*
	 * E[max(D, 0)] = sd (phi(z) + z Phi(z)) with z = mu / sd.  For z >= -1
	 * the two terms do not cancel.  Below, with x = -z, phi(x) - x Q(x) =
	 * phi(x) (1 - x R(x)) where R = Q / phi is Mills' ratio, whose
	 * continued fraction R = 1 / (x + T), T = 1 / (x + 2 / (x + 3 / ...)),
	 * gives 1 - x R = T / (x + T) without cancellation.
	 */
	double		z = mu / sd,
				x,
				t = 0.0,
				phi;
	int			k;

	if (isnan(z))
		return NAN;
	if (z >= -1.0)
		return sd * (INV_SQRT_2PI * exp(-0.5 * z * z) + z * dist_normal_cdf(z, false));
	x = -z;
	phi = INV_SQRT_2PI * exp(-0.5 * x * x);
	for (k = 400; k >= 2; k--)
		t = k / (x + t);
	t = 1.0 / (x + t);
	return sd * phi * t / (x + t);
}

/* mean and variance of Beta(a, b) */
static void
beta_moments(double a, double b, double *mean, double *var)
{
	double		s = a + b;

	*mean = a / s;
	*var = *mean * (b / s) / (s + 1.0);
}

/*
 * E[max(X_A - X_B, 0)] for X_A ~ Beta(aA, bA), X_B ~ Beta(aB, bB):
 * E[X_A 1{X_A > X_B}] - E[X_B 1{X_A > X_B}]
 *   = m_A P(Beta(aA + 1, bA) > X_B) - m_B P(X_A > Beta(aB + 1, bB)),
 * since x f(x; a, b) = m f(x; a + 1, b).
 */
static CaStatus
beta_loss(double aA, double bA, double aB, double bB, double *out)
{
	double		mA = aA / (aA + bA),
				mB = aB / (aB + bB),
				p1,
				p2;
	CaStatus	st;

	if ((st = stat_beta_greater(aB, bB, aA + 1.0, bA, &p1)) != CA_OK)
		return st;
	if ((st = stat_beta_greater(aB + 1.0, bB, aA, bA, &p2)) != CA_OK)
		return st;
	*out = fmax(mA * p1 - mB * p2, 0.0);
	return CA_OK;
}

CaStatus
stat_expected_loss(const CohortStats *control, const CohortStats *treatment,
				   StatMetric metric, StatRisk *out)
{
	out->approximate = false;
	if (metric == STAT_COMPLETION || metric == STAT_CHURN)
	{
		const Outcome *oc = metric == STAT_COMPLETION ? &control->completed : &control->churned;
		const Outcome *ot = metric == STAT_COMPLETION ? &treatment->completed : &treatment->churned;
		double		ac = 1.0 + (double) oc->yes,
					bc = 1.0 + (double) (oc->known - oc->yes),
					at = 1.0 + (double) ot->yes,
					bt = 1.0 + (double) (ot->known - ot->yes);
		/*
		 * X_1 is the rate whose rise favours the treatment (the treatment's
		 * completion, the control's churn), X_2 the other one: choosing the
		 * treatment loses E[max(X_2 - X_1, 0)], choosing the control
		 * E[max(X_1 - X_2, 0)].
		 */
		bool		up = (metric == STAT_COMPLETION);
		double		a1 = up ? at : ac,
					b1 = up ? bt : bc,
					a2 = up ? ac : at,
					b2 = up ? bc : bt;
		double		loss_t,
					loss_c;
		CaStatus	st;

		st = beta_loss(a2, b2, a1, b1, &loss_t);
		if (st == CA_OK)
			st = beta_loss(a1, b1, a2, b2, &loss_c);
		if (st == CA_OVERFLOW)
		{
			/* counts beyond the exact sums: normal posteriors */
			double		mc,
						vc,
						mt,
						vt,
						s,
						d;

			beta_moments(ac, bc, &mc, &vc);
			beta_moments(at, bt, &mt, &vt);
			s = sqrt(vc + vt);
			d = up ? mt - mc : mc - mt; /* the treatment's gain */
			loss_t = stat_normal_positive_part(-d, s);
			loss_c = stat_normal_positive_part(d, s);
			out->approximate = true;
		}
		else if (st != CA_OK)
			return st;
		out->choose_treatment = loss_t;
		out->choose_control = loss_c;
		return CA_OK;
	}
	else
	{
		double		d,
					se;
		CaStatus	st;

		if ((st = stat_difference(control, treatment, metric, &d, &se)) != CA_OK)
			return st;
		out->choose_treatment = stat_normal_positive_part(-d, se);
		out->choose_control = stat_normal_positive_part(d, se);
		return CA_OK;
	}
}

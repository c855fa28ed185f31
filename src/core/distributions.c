/*
 * distributions.c
 *		Normal, Student t, beta and chi-square distributions.
 *
 * The normal tail uses W. J. Cody's rational Chebyshev approximations of
 * erfc (Math. Comp. 1969), scaled so that exp(-z^2/2) is formed without
 * the rounding error of z^2.  Beta and gamma functions use the classical
 * continued fractions (modified Lentz) and series; their prefactors
 * x^a y^b / B(a, b) and x^a e^-x / Gamma(a) are computed in the form of
 * DiDonato and Morris (ACM TOMS 708) when the parameters are large, where
 * the naive logarithms would cancel.  Quantiles are refined by safeguarded
 * Newton iterations on the logarithm of the tail, so they inherit the
 * accuracy of the cumulative functions.
 */
#include "distributions.h"

#include <float.h>
#include <math.h>

#define LN_SQRT_2PI	0.918938533204672741780329736406	/* log(sqrt(2 pi)) */
#define INV_SQRT_2PI 0.398942280401432677939946059934	/* 1 / sqrt(2 pi) */
#define INV_SQRT_PI	0.564189583547756286948079451561	/* 1 / sqrt(pi) */
#define SQRT_HALF_PI 1.25331413731550025120788264241	/* sqrt(pi / 2) */
#define SQRT_HALF	0.707106781186547524400844362105	/* 1 / sqrt(2) */

/* Parameters from here on use the asymptotic (Stirling) forms. */
#define LARGE_PARAM	8.0

/* Iteration limits: continued fractions converge in O(sqrt(a + b)) steps. */
#define MAX_CF_ITER	1000000
#define CF_EPS		(DBL_EPSILON / 2.0)
#define TINY		1e-300

/* ------------------------------------------------------------------------
 * Gamma and beta functions
 * ------------------------------------------------------------------------
 */

/*
 * Remainder of Stirling's series, lgamma(x) - ((x - 0.5) log x - x +
 * log sqrt(2 pi)), for x >= 8, with an absolute error below 1e-17.
 */
static double
stirling_remainder(double x)
{
	static const double c[] = {
		1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0,
		1.0 / 1188.0, -691.0 / 360360.0, 1.0 / 156.0, -3617.0 / 122400.0
	};
	double		x2 = 1.0 / (x * x);
	double		s = 0.0;
	int			i;

	for (i = 7; i >= 0; i--)
		s = s * x2 + c[i];
	return s / x;
}

/* stirling_remainder(a) + (b) - (a + b) */
static double
beta_remainder(double a, double b)
{
	return stirling_remainder(a) + stirling_remainder(b) - stirling_remainder(a + b);
}

/*
 * e - log(1 + e) for e > -1, accurate also for small |e| where the
 * difference cancels: with r = e / (2 + e), log(1 + e) = 2 atanh(r).
 */
static double
rlog1(double e)
{
	double		r,
				t,
				term,
				sum;
	int			k;

	if (fabs(e) > 0.5)
		return e - log1p(e);
	r = e / (2.0 + e);
	t = r * r;
	term = 1.0;
	sum = 0.0;
	for (k = 3; k < 80; k += 2)
	{
		double		add = term / k;

		sum += add;
		if (add < sum * 1e-18)
			break;
		term *= t;
	}
	return r * e - 2.0 * r * t * sum;
}

double
dist_lgamma(double x)
{
	double		prod = 1.0;

	if (!(x > 0.0))
		return NAN;
	if (isinf(x))
		return INFINITY;
	/* shift up to where Stirling's series is accurate */
	while (x < LARGE_PARAM)
	{
		prod *= x;
		x += 1.0;
	}
	return (x - 0.5) * log(x) - x + LN_SQRT_2PI + stirling_remainder(x) - log(prod);
}

/* lgamma(b) - lgamma(a + b) for b >= 8, without cancellation */
static double
lgamma_ratio(double a, double b)
{
	return -a * log(b) - (a + b - 0.5) * log1p(a / b) + a +
		stirling_remainder(b) - stirling_remainder(a + b);
}

double
dist_lbeta(double a, double b)
{
	double		lo = fmin(a, b),
				hi = fmax(a, b);

	if (!(lo > 0.0))
		return NAN;
	if (lo >= LARGE_PARAM)
		return LN_SQRT_2PI - 0.5 * log(lo + hi)
			- (lo - 0.5) * log1p(hi / lo) - (hi - 0.5) * log1p(lo / hi)
			+ beta_remainder(lo, hi);
	if (hi >= LARGE_PARAM)
		return dist_lgamma(lo) + lgamma_ratio(lo, hi);
	return dist_lgamma(lo) + dist_lgamma(hi) - dist_lgamma(lo + hi);
}

/*
 * x^a y^b / B(a, b) with y = 1 - x.  For large a and b the exponent is
 * written around the mode, a u(-l/a) + b u(l/b) with l = a - (a + b) x and
 * u(e) = e - log(1 + e), which keeps full relative accuracy (TOMS 708,
 * BRCOMP).
 */
static double
beta_prefactor(double a, double b, double x, double y)
{
	double		lx,
				ly;

	if (fmin(a, b) >= LARGE_PARAM)
	{
		double		l = (a > b) ? (a + b) * y - b : a - (a + b) * x;
		double		e1 = -l / a,
					e2 = l / b;
		double		u1,
					u2,
					z;

		/* far from the mode log(x / x0) itself is accurate */
		u1 = (fabs(e1) > 0.6) ? e1 - log(x * (a + b) / a) : rlog1(e1);
		u2 = (fabs(e2) > 0.6) ? e2 - log(y * (a + b) / b) : rlog1(e2);
		z = a * u1 + b * u2;

		return INV_SQRT_2PI * sqrt(a * b / (a + b)) * exp(-z - beta_remainder(a, b));
	}
	lx = (x <= 0.5) ? log(x) : log1p(-y);
	ly = (y <= 0.5) ? log(y) : log1p(-x);
	return exp(a * lx + b * ly - dist_lbeta(a, b));
}

/*
 * Continued fraction for I_x(a, b) / (x^a y^b / B(a, b)), in the form of
 * DiDonato and Morris (TOMS 708, BFRAC): its terms are written with
 * l = a - (a + b) x, computed from y where x is near 1, instead of 1 - x,
 * which would cancel.  Converges quickly for x < (a + 1) / (a + b + 2).
 * NaN if it does not converge.
 */
static double
beta_cf(double a, double b, double x, double y)
{
	double		l = (x > 0.5) ? (a + b) * y - b : a - (a + b) * x;
	double		c = l + 1.0,
				c0 = b / a,
				c1 = 1.0 / a + 1.0,
				yp1 = y + 1.0;
	double		n = 0.0,
				p = 1.0,
				s = a + 1.0,
				an = 0.0,
				bn = 1.0,
				anp1 = 1.0,
				bnp1 = c / c1,
				r = c1 / c;
	int			iter;

	for (iter = 0; iter < MAX_CF_ITER; iter++)
	{
		double		t,
					w,
					e,
					alpha,
					beta,
					r0;

		n += 1.0;
		t = n / a;
		w = n * (b - n) * x;
		e = a / s;
		alpha = p * (p + c0) * e * e * (w * x);
		e = (t + 1.0) / (c1 + t + t);
		beta = n + w / s + e * (c + n * yp1);
		p = t + 1.0;
		s += 2.0;

		t = alpha * an + beta * anp1;
		an = anp1;
		anp1 = t;
		t = alpha * bn + beta * bnp1;
		bn = bnp1;
		bnp1 = t;

		r0 = r;
		r = anp1 / bnp1;
		if (fabs(r - r0) <= CF_EPS * r)
			return r;
		/* rescale */
		an /= bnp1;
		bn /= bnp1;
		anp1 = r;
		bnp1 = 1.0;
	}
	return NAN;
}

double
dist_beta_cdf(double x, double y, double a, double b, bool upper)
{
	double		v;
	bool		swapped = false;

	if (isnan(x) || isnan(y) || !(a > 0.0) || !(b > 0.0) || isinf(a) || isinf(b))
		return NAN;
	if (x <= 0.0)
		return upper ? 1.0 : 0.0;
	if (y <= 0.0)
		return upper ? 0.0 : 1.0;
	/* evaluate the continued fraction where it converges fast */
	if (x > (a + 1.0) / (a + b + 2.0))
	{
		double		t = x;

		x = y;
		y = t;
		t = a;
		a = b;
		b = t;
		swapped = true;
	}
	v = beta_prefactor(a, b, x, y) * beta_cf(a, b, x, y);
	if (v > 1.0)
		v = 1.0;
	/* v is I_x(a, b) of the possibly swapped problem */
	return (upper != swapped) ? 1.0 - v : v;
}

/* Density of Beta(a, b) at x (with y = 1 - x). */
static double
beta_density(double a, double b, double x, double y)
{
	return beta_prefactor(a, b, x, y) / (x * y);
}

/* ------------------------------------------------------------------------
 * Incomplete gamma
 * ------------------------------------------------------------------------
 */

/* x^a e^-x / Gamma(a), in the form of TOMS 654 (RCOMP) for large a */
static double
gamma_prefactor(double a, double x)
{
	/* near the mode the logarithms below would cancel */
	if (a >= LARGE_PARAM && fabs(x - a) <= 0.6 * a)
		return sqrt(a) * INV_SQRT_2PI *
			exp(-a * rlog1((x - a) / a) - stirling_remainder(a));
	return exp(a * log(x) - x - dist_lgamma(a));
}

double
dist_gamma_cdf(double x, double a, bool upper)
{
	double		pre,
				v;
	int			n;

	if (isnan(x) || !(a > 0.0) || isinf(a))
		return NAN;
	if (x <= 0.0)
		return upper ? 1.0 : 0.0;
	if (isinf(x))
		return upper ? 0.0 : 1.0;
	pre = gamma_prefactor(a, x);
	if (x < a + 1.0)
	{
		/* series for P(a, x) */
		double		ap = a,
					del = 1.0 / a,
					sum = del;

		for (n = 1; n <= MAX_CF_ITER; n++)
		{
			ap += 1.0;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * CF_EPS)
				break;
		}
		if (n > MAX_CF_ITER)
			return NAN;
		v = pre * sum;
		if (v > 1.0)
			v = 1.0;
		return upper ? 1.0 - v : v;
	}
	else
	{
		/* continued fraction for Q(a, x) (modified Lentz) */
		double		b = x + 1.0 - a,
					c = 1.0 / TINY,
					d = 1.0 / b,
					h = d;

		for (n = 1; n <= MAX_CF_ITER; n++)
		{
			double		an = -n * (n - a),
						del;

			b += 2.0;
			d = an * d + b;
			if (fabs(d) < TINY)
				d = TINY;
			c = b + an / c;
			if (fabs(c) < TINY)
				c = TINY;
			d = 1.0 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1.0) <= CF_EPS)
				break;
		}
		if (n > MAX_CF_ITER)
			return NAN;
		v = pre * h;
		if (v > 1.0)
			v = 1.0;
		return upper ? v : 1.0 - v;
	}
}

double
dist_chisq_cdf(double x, double df, bool upper)
{
	if (!(df > 0.0))
		return NAN;
	return dist_gamma_cdf(x / 2.0, df / 2.0, upper);
}

/* ------------------------------------------------------------------------
 * Normal distribution
 * ------------------------------------------------------------------------
 */

/* erf(y) for |y| <= 0.5 (Cody's first interval) */
static double
erf_small(double y)
{
	static const double a[5] = {
		3.16112374387056560e00, 1.13864154151050156e02,
		3.77485237685302021e02, 3.20937758913846947e03,
		1.85777706184603153e-1
	};
	static const double b[4] = {
		2.36012909523441209e01, 2.44024637934444173e02,
		1.28261652607737228e03, 2.84423683343917062e03
	};
	double		ysq = y * y,
				num = a[4] * ysq,
				den = ysq;
	int			i;

	for (i = 0; i < 3; i++)
	{
		num = (num + a[i]) * ysq;
		den = (den + b[i]) * ysq;
	}
	return y * (num + a[3]) / (den + b[3]);
}

/* exp(y^2) erfc(y) for y >= 0.46875 (Cody's second and third intervals) */
static double
erfcx_large(double y)
{
	static const double c[9] = {
		5.64188496988670089e-1, 8.88314979438837594e00,
		6.61191906371416295e01, 2.98635138197400131e02,
		8.81952221241769090e02, 1.71204761263407058e03,
		2.05107837782607147e03, 1.23033935479799725e03,
		2.15311535474403846e-8
	};
	static const double d[8] = {
		1.57449261107098347e01, 1.17693950891312499e02,
		5.37181101862009858e02, 1.62138957456669019e03,
		3.29079923573345963e03, 4.36261909014324716e03,
		3.43936767414372164e03, 1.23033935480374942e03
	};
	static const double p[6] = {
		3.05326634961232344e-1, 3.60344899949804439e-1,
		1.25781726111229246e-1, 1.60837851487422766e-2,
		6.58749161529837803e-4, 1.63153871373020978e-2
	};
	static const double q[5] = {
		2.56852019228982242e00, 1.87295284992346047e00,
		5.27905102951428412e-1, 6.05183413124413191e-2,
		2.33520497626869185e-3
	};
	double		num,
				den;
	int			i;

	if (y <= 4.0)
	{
		num = c[8] * y;
		den = y;
		for (i = 0; i < 7; i++)
		{
			num = (num + c[i]) * y;
			den = (den + d[i]) * y;
		}
		return (num + c[7]) / (den + d[7]);
	}
	else
	{
		double		ysq = 1.0 / (y * y);

		num = p[5] * ysq;
		den = ysq;
		for (i = 0; i < 4; i++)
		{
			num = (num + p[i]) * ysq;
			den = (den + q[i]) * ysq;
		}
		return (INV_SQRT_PI - ysq * (num + p[4]) / (den + q[4])) / y;
	}
}

/*
 * exp(-x^2 / 2) for x >= 0.  x^2 would carry a rounding error of up to
 * x^2 * eps into the exponent; splitting x into a 4-bit-fraction part,
 * whose square is exact, and a remainder avoids it.
 */
static double
exp_half_sq(double x)
{
	double		xs = trunc(x * 16.0) / 16.0;
	double		del = (x - xs) * (x + xs);

	return exp(-0.5 * xs * xs) * exp(-0.5 * del);
}

/* Mills ratio Q(x) / phi(x) for x >= 0.66, where Cody's erfcx applies */
#define MILLS_MIN 0.66291260736238830	/* 0.46875 * sqrt(2) */

/* P(Z > x) for x >= 0 */
static double
normal_upper_nonneg(double x)
{
	if (x < MILLS_MIN)
		return 0.5 - 0.5 * erf_small(x * SQRT_HALF);
	if (x > 40.0)
		return 0.0;				/* below the smallest subnormal */
	return 0.5 * exp_half_sq(x) * erfcx_large(x * SQRT_HALF);
}

double
dist_normal_cdf(double z, bool upper)
{
	double		tail;

	if (isnan(z))
		return NAN;
	if (upper)
		z = -z;
	/* now the lower tail P(Z <= z) is wanted */
	if (z < 0.0)
		return normal_upper_nonneg(-z);
	if (z < MILLS_MIN)
		return 0.5 + 0.5 * erf_small(z * SQRT_HALF);
	tail = normal_upper_nonneg(z);
	return 1.0 - tail;
}

/*
 * log P(Z > x) and the Mills ratio Q(x) / phi(x) for x >= 0, without
 * underflow far in the tail.
 */
static void
normal_log_upper(double x, double *logq, double *mills)
{
	if (x < MILLS_MIN)
	{
		double		q = normal_upper_nonneg(x);

		*logq = log(q);
		*mills = q / (INV_SQRT_2PI * exp(-0.5 * x * x));
		return;
	}
	*mills = SQRT_HALF_PI * erfcx_large(x * SQRT_HALF);
	*logq = log(*mills) - LN_SQRT_2PI - 0.5 * x * x;
}

/* x >= 0 with P(Z > x) = t, for 0 < t <= 0.5 */
static double
normal_upper_quantile(double t)
{
	double		r = sqrt(-2.0 * log(t));
	double		x,
				logt = log(t);
	int			i;

	/* Abramowitz and Stegun 26.2.23, |error| < 4.5e-4 */
	x = r - (2.515517 + r * (0.802853 + r * 0.010328)) /
		(1.0 + r * (1.432788 + r * (0.189269 + r * 0.001308)));
	if (x < 0.0)
		x = 0.0;
	/* Newton on log Q(x) - log t: d/dx log Q = -1 / mills */
	for (i = 0; i < 20; i++)
	{
		double		logq,
					mills,
					step;

		normal_log_upper(x, &logq, &mills);
		step = (logq - logt) * mills;
		x += step;
		if (fabs(step) <= 1e-16 * fmax(1.0, fabs(x)))
			break;
	}
	return x;
}

double
dist_normal_quantile(double p, bool upper)
{
	double		t;
	bool		neg;

	if (isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	/* tail probability t <= 0.5 and the side of the quantile */
	if (p <= 0.5)
	{
		t = p;
		neg = !upper;
	}
	else
	{
		t = 1.0 - p;			/* exact for p >= 0.5 */
		neg = upper;
	}
	if (t == 0.0)
		return neg ? -INFINITY : INFINITY;
	if (t == 0.5)
		return 0.0;
	t = normal_upper_quantile(t);
	return neg ? -t : t;
}

/* ------------------------------------------------------------------------
 * Student t
 * ------------------------------------------------------------------------
 */

/* P(T > t) for t >= 0 */
static double
t_upper_nonneg(double t, double df)
{
	double		r = t / sqrt(df),
				r2;

	if (r > 1e100)
	{
		/*
		 * x = 1 / r^2 would underflow; there I_x(a, 1/2) = x^a / (a B(a,
		 * 1/2)) to double precision.
		 */
		double		a = df / 2.0;

		return 0.5 * exp(-df * log(r) - log(a) - dist_lbeta(a, 0.5));
	}
	r2 = r * r;
	return 0.5 * dist_beta_cdf(1.0 / (1.0 + r2), r2 / (1.0 + r2), df / 2.0, 0.5, false);
}

double
dist_t_cdf(double t, double df, bool upper)
{
	double		tail;

	if (isnan(t) || !(df > 0.0))
		return NAN;
	if (isinf(df))
		return dist_normal_cdf(t, upper);
	if (upper)
		t = -t;
	/* the lower tail P(T <= t) is wanted */
	if (t < 0.0)
		return t_upper_nonneg(-t, df);
	tail = t_upper_nonneg(t, df);
	return 1.0 - tail;
}

/* ------------------------------------------------------------------------
 * Quantiles by safeguarded Newton iteration
 * ------------------------------------------------------------------------
 */

/*
 * Residual of a quantile search in a transformed variable v: g(v) and its
 * derivative, g increasing in v.  Returns false if g cannot be computed.
 */
typedef bool (*residual_fn) (double v, const void *ctx, double *g, double *dg);

/*
 * Root of an increasing g on the whole real line, starting from v.
 * Newton steps that leave the bracket found so far are replaced by
 * bisection (or by doubling steps while one side is still open).
 */
static double
solve_increasing(residual_fn f, const void *ctx, double v)
{
	double		lo = -INFINITY,
				hi = INFINITY;
	int			iter;

	for (iter = 0; iter < 400; iter++)
	{
		double		g,
					dg,
					next;

		if (!f(v, ctx, &g, &dg))
			return NAN;
		if (g == 0.0)
			return v;
		if (g > 0.0)
			hi = v;
		else
			lo = v;
		next = v - g / dg;
		if (!isfinite(next) || !(next > lo && next < hi))
		{
			if (isinf(lo))
				next = v - fmax(1.0, 2.0 * fabs(v));
			else if (isinf(hi))
				next = v + fmax(1.0, 2.0 * fabs(v));
			else
				next = 0.5 * (lo + hi);
		}
		if (fabs(next - v) <= 4.0 * DBL_EPSILON * fmax(1.0, fabs(v)) ||
			(hi - lo) <= 4.0 * DBL_EPSILON * fmax(1.0, fabs(v)))
			return next;
		v = next;
	}
	return NAN;
}

typedef struct TailTarget
{
	double		a;				/* first shape parameter, or df */
	double		b;				/* second shape parameter */
	double		logp;			/* log of the wanted tail probability */
	bool		upper;			/* which tail is matched */
} TailTarget;

/* beta: v = logit(x); g = +-(log tail(x) - log p), increasing in v */
static bool
beta_residual(double v, const void *ctx, double *g, double *dg)
{
	const TailTarget *tt = ctx;
	double		x = 1.0 / (1.0 + exp(-v)),
				y = 1.0 / (1.0 + exp(v));
	double		tail = dist_beta_cdf(x, y, tt->a, tt->b, tt->upper);
	double		dens = beta_density(tt->a, tt->b, x, y);

	if (isnan(tail) || isnan(dens))
		return false;
	if (tail <= 0.0)
	{
		/* underflow far out: push back toward the bulk */
		*g = tt->upper ? 1.0 : -1.0;
		*dg = INFINITY;
		return true;
	}
	/* dx/dv = x y */
	if (tt->upper)
	{
		*g = tt->logp - log(tail);
		*dg = dens * x * y / tail;
	}
	else
	{
		*g = log(tail) - tt->logp;
		*dg = dens * x * y / tail;
	}
	return true;
}

double
dist_beta_quantile(double p, double a, double b, bool upper)
{
	TailTarget	tt;
	double		v,
				mean;

	if (isnan(p) || p < 0.0 || p > 1.0 || !(a > 0.0) || !(b > 0.0) ||
		isinf(a) || isinf(b))
		return NAN;
	/* match the smaller tail: its logarithm is well conditioned */
	if (p > 0.5)
	{
		p = 1.0 - p;
		upper = !upper;
	}
	if (p == 0.0)
		return upper ? 1.0 : 0.0;
	tt.a = a;
	tt.b = b;
	tt.logp = log(p);
	tt.upper = upper;
	mean = a / (a + b);
	v = solve_increasing(beta_residual, &tt, log(mean) - log1p(-mean));
	if (isnan(v))
		return NAN;
	return 1.0 / (1.0 + exp(-v));
}

/* t: v = log t for t > 0, matching the upper tail p < 0.5 */
static bool
t_residual(double v, const void *ctx, double *g, double *dg)
{
	const TailTarget *tt = ctx;
	double		t = exp(v),
				df = tt->a;
	double		tail = t_upper_nonneg(t, df);
	double		logdens;

	if (isnan(tail))
		return false;
	if (tail <= 0.0)
	{
		*g = 1.0;
		*dg = INFINITY;
		return true;
	}
	logdens = -0.5 * log(df) - dist_lbeta(df / 2.0, 0.5) -
		(df + 1.0) / 2.0 * log1p(t / df * t);
	*g = tt->logp - log(tail);
	*dg = exp(logdens) * t / tail;
	return true;
}

double
dist_t_quantile(double p, double df, bool upper)
{
	TailTarget	tt;
	double		t,
				z;
	bool		neg;

	if (isnan(p) || p < 0.0 || p > 1.0 || !(df > 0.0))
		return NAN;
	if (isinf(df))
		return dist_normal_quantile(p, upper);
	if (p <= 0.5)
	{
		t = p;
		neg = !upper;
	}
	else
	{
		t = 1.0 - p;
		neg = upper;
	}
	if (t == 0.0)
		return neg ? -INFINITY : INFINITY;
	if (t == 0.5)
		return 0.0;
	tt.a = df;
	tt.b = 0.5;
	tt.logp = log(t);
	tt.upper = true;
	/* the normal quantile is a close start except for small df */
	z = dist_normal_quantile(t, true);
	t = exp(solve_increasing(t_residual, &tt, log(fmax(z, 1e-3))));
	return neg ? -t : t;
}

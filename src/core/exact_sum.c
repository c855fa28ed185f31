/*
 * exact_sum.c
 *		Exact, order-independent sums of doubles.
 */
#include "exact_sum.h"

#include <math.h>
#include <string.h>

#define DIGIT_MASK INT64_C(0xFFFFFFFF)

/*
 * Every double is a multiple of 2^-1074, the least subnormal, which is bit
 * SUBNORMAL_BIT of digit 0: the bits below it are zero in any sum.
 */
#define SUBNORMAL_BIT (32 * XSUM_BIAS - 1074)

/* digits can absorb 2^31 unnormalized additions; normalize well before */
#define MAX_PENDING (1 << 30)

void
xsum_init(ExactSum *s)
{
	memset(s, 0, sizeof(*s));
}

void
xsum_add(ExactSum *s, double v)
{
	uint64_t	bits,
				mant,
				low,
				high;
	int			exp,
				pos,
				j,
				sh;
	int64_t		d0,
				d1,
				d2;

	memcpy(&bits, &v, sizeof(bits));
	exp = (int) ((bits >> 52) & 0x7FF);
	mant = bits & ((UINT64_C(1) << 52) - 1);
	if (exp == 0)
	{
		if (mant == 0)
			return;
		exp = 1;				/* subnormal */
	}
	else
		mant |= UINT64_C(1) << 52;

	/* |v| = mant * 2^(exp - 1075); pos is the digit-scale bit of mant's LSB */
	pos = exp - 1075 + 32 * XSUM_BIAS;
	j = pos >> 5;
	sh = pos & 31;
	low = (mant & 0xFFFFFFFF) << sh;
	high = (mant >> 32) << sh;
	d0 = (int64_t) (low & 0xFFFFFFFF);
	high += low >> 32;
	d1 = (int64_t) (high & 0xFFFFFFFF);
	d2 = (int64_t) (high >> 32);
	if (bits >> 63)
	{
		s->digit[j] -= d0;
		s->digit[j + 1] -= d1;
		s->digit[j + 2] -= d2;
	}
	else
	{
		s->digit[j] += d0;
		s->digit[j + 1] += d1;
		s->digit[j + 2] += d2;
	}
	if (++s->pending >= MAX_PENDING)
		xsum_normalize(s);
}

void
xsum_normalize(ExactSum *s)
{
	int64_t		carry = 0;
	int			i;

	for (i = 0; i < XSUM_DIGITS - 1; i++)
	{
		int64_t		t = s->digit[i] + carry;
		int64_t		d = t & DIGIT_MASK;

		carry = (t - d) / (INT64_C(1) << 32);
		s->digit[i] = d;
	}
	s->digit[XSUM_DIGITS - 1] += carry;
	s->pending = 0;
}

void
xsum_merge(ExactSum *dst, const ExactSum *src)
{
	ExactSum	b = *src;
	int			i;

	xsum_normalize(dst);
	xsum_normalize(&b);
	for (i = 0; i < XSUM_DIGITS; i++)
		dst->digit[i] += b.digit[i];
	xsum_normalize(dst);
}

bool
xsum_is_zero(const ExactSum *s)
{
	ExactSum	t = *s;
	int			i;

	xsum_normalize(&t);
	for (i = 0; i < XSUM_DIGITS; i++)
		if (t.digit[i] != 0)
			return false;
	return true;
}

/* Normalized magnitude digits of s; returns true when s is negative. */
static bool
magnitude(const ExactSum *s, uint32_t mag[XSUM_DIGITS])
{
	ExactSum	t = *s;
	bool		negative;
	int			i;

	xsum_normalize(&t);
	negative = t.digit[XSUM_DIGITS - 1] < 0;
	if (negative)
	{
		for (i = 0; i < XSUM_DIGITS; i++)
			t.digit[i] = -t.digit[i];
		xsum_normalize(&t);
	}
	for (i = 0; i < XSUM_DIGITS; i++)
		mag[i] = (uint32_t) t.digit[i];
	return negative;
}

double
xsum_round(const ExactSum *s)
{
	uint32_t	mag[XSUM_DIGITS];
	bool		negative = magnitude(s, mag);
	uint64_t	window,
				next,
				sticky = 0;
	int			top,
				lz,
				i;
	double		r;

	for (top = XSUM_DIGITS - 1; top >= 0 && mag[top] == 0; top--)
		;
	if (top < 0)
		return 0.0;

	/*
	 * The top 64 significant bits, with a sticky bit for anything below: a
	 * 64-bit integer converts to the nearest double, and the sticky bit
	 * (below the rounding position) settles exact ties correctly.
	 */
	window = ((uint64_t) mag[top] << 32) | (top >= 1 ? mag[top - 1] : 0);
	next = top >= 2 ? mag[top - 2] : 0;
	lz = __builtin_clzll(window);	/* < 32: mag[top] is not zero */
	if (lz > 0)
	{
		window = (window << lz) | (next >> (32 - lz));
		sticky = (next & ((UINT64_C(1) << (32 - lz)) - 1)) != 0;
	}
	else
		sticky = next != 0;
	for (i = top - 3; i >= 0 && !sticky; i--)
		sticky = mag[i] != 0;

	/*
	 * Values below 2^-1021 have at most 53 significant bits, so the
	 * conversion is exact there and ldexp cannot round a second time.
	 */
	r = ldexp((double) (window | sticky), 32 * (top - 1 - XSUM_BIAS) - lz);
	return negative ? -r : r;
}

int
xsum_expansion(const ExactSum *s, double terms[XSUM_MAX_TERMS])
{
	ExactSum	rest = *s;
	int			n = 0;

	while (n < XSUM_MAX_TERMS)
	{
		double		h = xsum_round(&rest);

		if (h == 0.0)
			return n;
		if (!isfinite(h))
			return -1;
		terms[n++] = h;
		xsum_add(&rest, -h);
	}
	return -1;					/* not reached: each term takes >= 53 bits */
}

int
xsum_export(const ExactSum *s, bool *negative, int *lowest,
			uint32_t mag[XSUM_DIGITS])
{
	uint32_t	all[XSUM_DIGITS];
	int			lo,
				hi;

	*negative = magnitude(s, all);
	for (hi = XSUM_DIGITS - 1; hi >= 0 && all[hi] == 0; hi--)
		;
	if (hi < 0)
	{
		*negative = false;
		*lowest = 0;
		return 0;
	}
	for (lo = 0; all[lo] == 0; lo++)
		;
	memcpy(mag, all + lo, (hi - lo + 1) * sizeof(uint32_t));
	*lowest = lo;
	return hi - lo + 1;
}

bool
xsum_import(ExactSum *s, bool negative, int lowest, int ndigits,
			const uint32_t *mag)
{
	int			i;

	xsum_init(s);
	if (ndigits == 0)
		return !negative && lowest == 0;
	if (ndigits < 0 || lowest < 0 || lowest > XSUM_DIGITS - ndigits ||
		mag[0] == 0 || mag[ndigits - 1] == 0)
		return false;
	/* the top digit holds the sign: magnitudes stay below 2^(32 * 67 + 31) */
	if (lowest + ndigits == XSUM_DIGITS && mag[ndigits - 1] >= UINT32_C(0x80000000))
		return false;
	/* no sum of doubles has bits below 2^-1074 (nor would it round right) */
	if (lowest == 0 && (mag[0] & ((UINT32_C(1) << SUBNORMAL_BIT) - 1)) != 0)
		return false;
	for (i = 0; i < ndigits; i++)
		s->digit[lowest + i] = negative ? -(int64_t) mag[i] : (int64_t) mag[i];
	xsum_normalize(s);
	return true;
}

/*
 * fuzz_exact_sum.c
 *		libFuzzer harness of xsum_import, which reads the stored digits of
 *		an exact sum (the sum field of quantile_sketch).
 *
 * Input: a sign byte, the lowest digit, the number of digits, then the
 * digits (4 bytes each, little-endian).  An accepted sum must export to
 * the same digits, round to the leading term of an expansion that adds up
 * to it exactly, and cancel exactly against its negation.
 */
#include <math.h>

#include "exact_sum.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ExactSum	s,
				neg,
				twice;
	uint32_t	mag[XSUM_DIGITS],
				mag2[XSUM_DIGITS];
	double		terms[XSUM_MAX_TERMS],
				r;
	bool		negative,
				negative2;
	int			lowest,
				lowest2,
				ndigits,
				nterms,
				i;

	negative = fuzz_take(&data, &size, 1) & 1;
	lowest = (int) (int8_t) fuzz_take(&data, &size, 1);
	ndigits = (int) (int8_t) fuzz_take(&data, &size, 1);
	memset(mag, 0, sizeof(mag));
	for (i = 0; i < XSUM_DIGITS && size > 0; i++)
		mag[i] = (uint32_t) fuzz_take(&data, &size, 4);
	if (ndigits > XSUM_DIGITS)
		return 0;				/* the decoder checks this before importing */

	if (!xsum_import(&s, negative, lowest, ndigits, mag))
		return 0;

	FUZZ_CHECK(xsum_export(&s, &negative2, &lowest2, mag2) == ndigits);
	if (ndigits > 0)
	{
		FUZZ_CHECK(negative2 == negative && lowest2 == lowest);
		FUZZ_CHECK(memcmp(mag2, mag, ndigits * sizeof(uint32_t)) == 0);
	}
	FUZZ_CHECK(xsum_is_zero(&s) == (ndigits == 0));

	/* the expansion's leading term is the rounded sum */
	r = xsum_round(&s);
	nterms = xsum_expansion(&s, terms);
	FUZZ_CHECK(nterms >= -1 && nterms <= XSUM_MAX_TERMS);
	if (nterms == -1)
		FUZZ_CHECK(isinf(r));
	else if (nterms == 0)
		FUZZ_CHECK(r == 0.0);
	else
	{
		ExactSum	back;
		uint32_t	mag3[XSUM_DIGITS];
		bool		negative3;
		int			lowest3;

		FUZZ_CHECK(isfinite(r) && terms[0] == r);
		/* the terms add up to the sum exactly */
		xsum_init(&back);
		for (i = 0; i < nterms; i++)
			xsum_add(&back, terms[i]);
		FUZZ_CHECK(xsum_export(&back, &negative3, &lowest3, mag3) == ndigits);
		FUZZ_CHECK(negative3 == negative && lowest3 == lowest &&
				   memcmp(mag3, mag, ndigits * sizeof(uint32_t)) == 0);
	}

	/* s + (-s) = 0, and s + s has the sign of s */
	FUZZ_CHECK(xsum_import(&neg, !negative, lowest, ndigits, mag) || ndigits == 0);
	if (ndigits > 0)
	{
		twice = s;
		xsum_merge(&twice, &neg);
		xsum_normalize(&twice);
		FUZZ_CHECK(xsum_is_zero(&twice));
		twice = s;
		xsum_merge(&twice, &s);
		xsum_normalize(&twice);
		FUZZ_CHECK(!xsum_is_zero(&twice));
		r = xsum_round(&twice);
		FUZZ_CHECK(negative ? r <= 0 : r >= 0);
	}
	return 0;
}

/*
 * exact_sum.h
 *		Exact, order-independent sums of doubles (a fixed-point
 *		superaccumulator).
 *
 * Every finite double is an integer multiple of 2^-1074 below 2^1024, so a
 * fixed-point number with 32-bit digits from 2^-1088 up to 2^1088 holds
 * any sum of up to 2^63 doubles without rounding.  The result therefore
 * does not depend on the order of additions or merges, and rounds once,
 * correctly, when read.
 *
 * Plain C, no PostgreSQL headers.
 */
#ifndef CA_EXACT_SUM_H
#define CA_EXACT_SUM_H

#include <stdbool.h>
#include <stdint.h>

#define XSUM_DIGITS 68
#define XSUM_BIAS 34			/* digit i weighs 2^(32 (i - XSUM_BIAS)) */

/* Enough terms for the expansion of any representable sum. */
#define XSUM_MAX_TERMS 48

typedef struct ExactSum
{
	/*
	 * Digits carry lazily: after xsum_normalize every digit but the last lies
	 * in [0, 2^32) and the last holds the sign.
	 */
	int64_t		digit[XSUM_DIGITS];
	int32_t		pending;		/* additions since the last normalization */
} ExactSum;

extern void xsum_init(ExactSum *s);
extern void xsum_add(ExactSum *s, double v);	/* v must be finite */
extern void xsum_merge(ExactSum *dst, const ExactSum *src);
extern void xsum_normalize(ExactSum *s);
extern bool xsum_is_zero(const ExactSum *s);

/* The sum rounded to the nearest double; +-HUGE_VAL beyond the range. */
extern double xsum_round(const ExactSum *s);

/*
 * Writes the sum as doubles of decreasing magnitude whose exact total is
 * the sum (each the nearest double to what is left); returns their number,
 * 0 for a zero sum, -1 when the sum is beyond the double range.
 */
extern int	xsum_expansion(const ExactSum *s, double terms[XSUM_MAX_TERMS]);

/*
 * Sign and magnitude digits, for storage: returns the number of digits
 * from *lowest on (0 for a zero sum); mag receives them.
 */
extern int	xsum_export(const ExactSum *s, bool *negative, int *lowest,
						uint32_t mag[XSUM_DIGITS]);

/*
 * The inverse of xsum_export; false when the digits are not in the form
 * xsum_export writes (out of range, leading or trailing zero digits) or
 * hold bits below 2^-1074, which no sum of doubles has.
 */
extern bool xsum_import(ExactSum *s, bool negative, int lowest, int ndigits,
						const uint32_t *mag);

#endif							/* CA_EXACT_SUM_H */

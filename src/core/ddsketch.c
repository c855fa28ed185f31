/*
 * ddsketch.c
 *		Logarithmic bucket stores, merging and queries of the quantile
 *		sketch.
 */
#include "ddsketch.h"

#include <float.h>
#include <math.h>
#include <string.h>

#define INITIAL_CAPACITY 64

bool
ddsketch_valid_alpha(double alpha)
{
	return alpha >= DDSKETCH_MIN_ALPHA && alpha < 1.0;
}

void
ddsketch_init(DDSketch *s, double alpha, DDAllocFn alloc, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->alpha = alpha;
	/* log(gamma) with gamma = (1 + alpha) / (1 - alpha), accurately */
	s->log_gamma = log1p(2.0 * alpha / (1.0 - alpha));
	s->multiplier = 1.0 / s->log_gamma;
	s->alloc = alloc;
	s->alloc_ctx = ctx;
}

static void
store_copy(DDSketch *dst, DDStore *to, const DDStore *from)
{
	*to = *from;
	to->counts = NULL;
	if (from->counts != NULL)
	{
		to->counts = dst->alloc(dst->alloc_ctx, NULL,
								from->capacity * sizeof(int64_t));
		memcpy(to->counts, from->counts, from->capacity * sizeof(int64_t));
	}
}

void
ddsketch_copy(DDSketch *dst, const DDSketch *src, DDAllocFn alloc, void *ctx)
{
	*dst = *src;
	dst->alloc = alloc;
	dst->alloc_ctx = ctx;
	store_copy(dst, &dst->pos, &src->pos);
	store_copy(dst, &dst->neg, &src->neg);
}

void
ddsketch_free(DDSketch *s)
{
	if (s->pos.counts != NULL)
		s->alloc(s->alloc_ctx, s->pos.counts, 0);
	if (s->neg.counts != NULL)
		s->alloc(s->alloc_ctx, s->neg.counts, 0);
	s->pos.counts = s->neg.counts = NULL;
}

/* ceil(log(x) / log(gamma)); the cast and compare avoid a call to ceil() */
static inline int32_t
bucket_index(const DDSketch *s, double x)
{
	double		t = log(x) * s->multiplier;
	int32_t		i = (int32_t) t;

	return (double) i < t ? i + 1 : i;
}

int32_t
ddsketch_index(const DDSketch *s, double x)
{
	return bucket_index(s, x);
}

double
ddsketch_value(const DDSketch *s, int32_t index)
{
	/* 2 gamma^i / (gamma + 1), in logs so the top buckets do not overflow */
	return exp((double) index * s->log_gamma + log(1.0 - s->alpha));
}

/*
 * Makes buckets lo..hi addressable (hi - lo + 1 <= DDSKETCH_MAX_BUCKETS),
 * keeping the counts of the non-empty range, which lies within lo..hi.
 * Capacity doubles, so a store is reallocated O(log) times in its life.
 */
static void
store_make_room(DDSketch *s, DDStore *st, int32_t lo, int32_t hi)
{
	int32_t		span = hi - lo + 1;
	int32_t		cap = st->capacity;
	int32_t		off;

	if (st->counts != NULL && lo >= st->offset && hi < st->offset + cap)
		return;
	if (cap == 0)
		cap = INITIAL_CAPACITY;
	/* grow early, so that a slowly widening range does not recenter often */
	while (cap < DDSKETCH_MAX_BUCKETS && span > cap - cap / 4)
		cap *= 2;
	if (cap > DDSKETCH_MAX_BUCKETS)
		cap = DDSKETCH_MAX_BUCKETS;
	off = lo - (cap - span) / 2;
	if (cap != st->capacity || st->counts == NULL)
		st->counts = s->alloc(s->alloc_ctx, st->counts, cap * sizeof(int64_t));
	if (st->total > 0)
	{
		int32_t		n = st->hi - st->lo + 1;
		int32_t		from = st->lo - st->offset;
		int32_t		to = st->lo - off;

		memmove(st->counts + to, st->counts + from, n * sizeof(int64_t));
		memset(st->counts, 0, to * sizeof(int64_t));
		memset(st->counts + to + n, 0, (cap - to - n) * sizeof(int64_t));
	}
	else
		memset(st->counts, 0, cap * sizeof(int64_t));
	st->offset = off;
	st->capacity = cap;
}

/* Adds c to bucket k, which must be addressable. */
static inline void
store_put(DDStore *st, int32_t k, int64_t c)
{
	st->counts[k - st->offset] += c;
	if (st->total == 0)
		st->lo = st->hi = k;
	else if (k < st->lo)
		st->lo = k;
	else if (k > st->hi)
		st->hi = k;
	st->total += c;
}

/*
 * Adds c values to bucket k, outside the array or in an empty store.
 * When the store would span more than
 * DDSKETCH_MAX_BUCKETS buckets, everything below hi - MAX + 1 is folded into
 * that bucket.  The floor only depends on the highest bucket ever seen, so
 * the result does not depend on the order of additions.
 */
static void
store_add_slow(DDSketch *s, DDStore *st, int32_t k, int64_t c)
{
	int32_t		lo,
				hi;
	int64_t		folded = 0;

	lo = st->total > 0 && st->lo < k ? st->lo : k;
	hi = st->total > 0 && st->hi > k ? st->hi : k;
	if ((int64_t) hi - lo + 1 > DDSKETCH_MAX_BUCKETS)
	{
		int32_t		floor = hi - DDSKETCH_MAX_BUCKETS + 1;
		int32_t		i;

		for (i = st->lo; st->total > 0 && i < floor && i <= st->hi; i++)
		{
			folded += st->counts[i - st->offset];
			st->counts[i - st->offset] = 0;
		}
		st->total -= folded;
		if (st->total == 0)
			;					/* everything folded: re-add below */
		else if (st->lo < floor)
			st->lo = floor;		/* may be empty until the fold lands */
		st->collapsed = true;
		lo = floor;
		if (k < floor)
			k = floor;
	}
	store_make_room(s, st, lo, hi);
	if (folded > 0)
		store_put(st, lo, folded);
	store_put(st, k, c);
}

static inline void
store_add(DDSketch *s, DDStore *st, int32_t k, int64_t c)
{
	/* within the array, hi - k < capacity <= MAX: no collapsing needed */
	if (st->total > 0 && k >= st->offset && k < st->offset + st->capacity)
		store_put(st, k, c);
	else
		store_add_slow(s, st, k, c);
}

CaStatus
ddsketch_add(DDSketch *s, double v)
{
	if (!isfinite(v))
		return CA_NOT_FINITE;
	if (s->count == INT64_MAX)
		return CA_OVERFLOW;
	if (v > 0.0)
		store_add(s, &s->pos, bucket_index(s, v), 1);
	else if (v < 0.0)
		store_add(s, &s->neg, bucket_index(s, -v), 1);
	else
	{
		v = 0.0;				/* -0 and 0 alike, so min and max are order-free */
		s->zero_count++;
	}
	if (s->count == 0)
		s->min = s->max = v;
	else if (v < s->min)
		s->min = v;
	else if (v > s->max)
		s->max = v;
	s->count++;
	xsum_add(&s->sum, v);
	return CA_OK;
}

static void
store_merge(DDSketch *s, DDStore *dst, const DDStore *src)
{
	int32_t		i;

	if (src->total == 0)
		return;
	/* from the top, so that the final floor is known first */
	for (i = src->hi; i >= src->lo; i--)
	{
		int64_t		c = src->counts[i - src->offset];

		if (c != 0)
			store_add(s, dst, i, c);
	}
	dst->collapsed |= src->collapsed;
}

CaStatus
ddsketch_merge(DDSketch *dst, const DDSketch *src)
{
	int64_t		count;

	if (dst->alpha != src->alpha)
		return CA_INCONSISTENT;
	if (!ca_add_i64(dst->count, src->count, &count))
		return CA_OVERFLOW;
	if (src->count == 0)
		return CA_OK;
	if (dst->count == 0)
	{
		dst->min = src->min;
		dst->max = src->max;
	}
	else
	{
		if (src->min < dst->min)
			dst->min = src->min;
		if (src->max > dst->max)
			dst->max = src->max;
	}
	dst->count = count;
	dst->zero_count += src->zero_count;
	store_merge(dst, &dst->pos, &src->pos);
	store_merge(dst, &dst->neg, &src->neg);
	xsum_merge(&dst->sum, &src->sum);
	return CA_OK;
}

static int64_t
store_count(const DDStore *st, int32_t i)
{
	if (st->total == 0 || i < st->lo || i > st->hi)
		return 0;
	return st->counts[i - st->offset];
}

/* A representative kept within the observed range: it only gets closer. */
static double
clamp_value(const DDSketch *s, double v)
{
	return v < s->min ? s->min : v > s->max ? s->max : v;
}

double
ddsketch_quantile(const DDSketch *s, double q)
{
	double		r;
	int64_t		rank,
				cum = 0;
	int32_t		i;

	if (s->count == 0)
		return NAN;
	r = ceil(q * (double) s->count);
	rank = r < 1.0 ? 1 : r >= (double) s->count ? s->count : (int64_t) r;
	if (rank == 1)
		return s->min;
	if (rank == s->count)
		return s->max;
	/* negative values from the most negative up, then zeros, then positive */
	for (i = s->neg.hi; s->neg.total > 0 && i >= s->neg.lo; i--)
	{
		cum += store_count(&s->neg, i);
		if (cum >= rank)
			return clamp_value(s, -ddsketch_value(s, i));
	}
	cum += s->zero_count;
	if (cum >= rank)
		return 0.0;
	for (i = s->pos.lo; s->pos.total > 0 && i <= s->pos.hi; i++)
	{
		cum += store_count(&s->pos, i);
		if (cum >= rank)
			return clamp_value(s, ddsketch_value(s, i));
	}
	return s->max;				/* not reached: the counts add up */
}

double
ddsketch_cdf(const DDSketch *s, double x)
{
	int64_t		below = 0;
	int32_t		i;

	if (s->count == 0)
		return NAN;
	if (x < s->min)
		return 0.0;
	if (x >= s->max)
		return 1.0;
	for (i = s->neg.hi; s->neg.total > 0 && i >= s->neg.lo; i--)
		if (clamp_value(s, -ddsketch_value(s, i)) <= x)
			below += store_count(&s->neg, i);
	if (x >= 0.0)
		below += s->zero_count;
	for (i = s->pos.lo; s->pos.total > 0 && i <= s->pos.hi; i++)
		if (clamp_value(s, ddsketch_value(s, i)) <= x)
			below += store_count(&s->pos, i);
	return (double) below / (double) s->count;
}

int
ddsketch_bucket_count(const DDSketch *s)
{
	int			n = 0;
	int32_t		i;

	for (i = s->pos.lo; s->pos.total > 0 && i <= s->pos.hi; i++)
		n += store_count(&s->pos, i) != 0;
	for (i = s->neg.lo; s->neg.total > 0 && i <= s->neg.hi; i++)
		n += store_count(&s->neg, i) != 0;
	return n + (s->zero_count > 0);
}

/*
 * Both sketches' counts for the bins of a common grid.  A collapsed store
 * holds, in its lowest bucket, every magnitude at or below it; the other
 * sketch's buckets below that floor are folded in the same way.
 */
typedef struct BinCursor
{
	const DDStore *a;
	const DDStore *b;
	int32_t		floor;			/* bins below the floor fold into it */
	int32_t		lo;
	int32_t		hi;
} BinCursor;

static void
cursor_init(BinCursor *c, const DDStore *a, const DDStore *b)
{
	c->a = a;
	c->b = b;
	c->lo = INT32_MAX;
	c->hi = INT32_MIN;
	if (a->total > 0)
	{
		c->lo = a->lo;
		c->hi = a->hi;
	}
	if (b->total > 0)
	{
		c->lo = b->lo < c->lo ? b->lo : c->lo;
		c->hi = b->hi > c->hi ? b->hi : c->hi;
	}
	c->floor = c->lo;
	if (a->collapsed && a->lo > c->floor)
		c->floor = a->lo;
	if (b->collapsed && b->lo > c->floor)
		c->floor = b->lo;
}

static int64_t
cursor_count(const BinCursor *c, const DDStore *st, int32_t i)
{
	int64_t		n = 0;
	int32_t		j;

	if (i > c->floor)
		return store_count(st, i);
	for (j = c->lo; j <= c->floor; j++)
		n += store_count(st, j);
	return n;
}

/* Mann-Whitney accumulation over one bin with control count nc, treatment nt. */
typedef struct MWState
{
	double		control_below;
	double		u;				/* treatment-over-control pairs, ties halved */
	double		same_bin;		/* pairs sharing a bin */
	double		ties;			/* sum of t^3 - t over bins */
} MWState;

static void
mw_bin(MWState *m, int64_t nc, int64_t nt)
{
	double		c = (double) nc,
				t = (double) nt,
				tau = c + t;

	m->u += t * (m->control_below + 0.5 * c);
	m->same_bin += c * t;
	m->ties += tau * tau * tau - tau;
	m->control_below += c;
}

CaStatus
ddsketch_compare(const DDSketch *control, const DDSketch *treatment,
				 DDComparison *out)
{
	MWState		m = {0};
	BinCursor	cur;
	double		nc = (double) control->count,
				nt = (double) treatment->count,
				n = nc + nt,
				mean,
				var,
				correction;
	int32_t		i;

	if (control->alpha != treatment->alpha ||
		control->count == 0 || treatment->count == 0)
		return CA_INCONSISTENT;

	cursor_init(&cur, &control->neg, &treatment->neg);
	for (i = cur.hi; cur.lo <= cur.hi && i >= cur.floor; i--)
		mw_bin(&m, cursor_count(&cur, &control->neg, i),
			   cursor_count(&cur, &treatment->neg, i));
	mw_bin(&m, control->zero_count, treatment->zero_count);
	cursor_init(&cur, &control->pos, &treatment->pos);
	for (i = cur.floor; cur.lo <= cur.hi && i <= cur.hi; i++)
		mw_bin(&m, cursor_count(&cur, &control->pos, i),
			   cursor_count(&cur, &treatment->pos, i));

	out->prob_greater = m.u / (nc * nt);
	out->prob_error = 0.5 * m.same_bin / (nc * nt);

	/* normal approximation with tie and continuity corrections, as R does */
	mean = nc * nt / 2.0;
	var = nc * nt / 12.0 * ((n + 1.0) - m.ties / (n * (n - 1.0)));
	if (n < 2.0 || !(var > 0.0))
	{
		out->z = NAN;
		out->p_value = NAN;
	}
	else
	{
		correction = m.u > mean ? 0.5 : m.u < mean ? -0.5 : 0.0;
		out->z = (m.u - mean - correction) / sqrt(var);
		out->p_value = erfc(fabs(out->z) / sqrt(2.0));
		if (out->p_value > 1.0)
			out->p_value = 1.0;
	}

	out->control_median = ddsketch_quantile(control, 0.5);
	out->treatment_median = ddsketch_quantile(treatment, 0.5);
	out->median_shift = out->control_median == 0.0 ? NAN :
		(out->treatment_median - out->control_median) / fabs(out->control_median);
	return CA_OK;
}

const char *
ddsketch_load_store(DDSketch *s, DDStore *st, int32_t lo,
					const int64_t *counts, int n, bool collapsed)
{
	int64_t		total = 0;
	int32_t		min_index = ddsketch_index(s, DBL_TRUE_MIN);
	int32_t		max_index = ddsketch_index(s, DBL_MAX);
	int			i;

	if (n == 0)
		return collapsed ? "an empty store cannot be collapsed" : NULL;
	if (n < 0 || n > DDSKETCH_MAX_BUCKETS)
		return "a store has more buckets than the maximum of 2048";
	if (collapsed && n != DDSKETCH_MAX_BUCKETS)
		return "a collapsed store must span the maximum of 2048 buckets";
	if (lo < min_index || lo > max_index - (n - 1))
		return "a bucket index is out of range for the relative accuracy";
	if (counts[0] <= 0 || counts[n - 1] <= 0)
		return "the first and last bucket of a store must not be empty";
	for (i = 0; i < n; i++)
		if (counts[i] < 0 || !ca_add_i64(total, counts[i], &total))
			return "a bucket count is negative or the counts overflow";
	st->counts = s->alloc(s->alloc_ctx, NULL, n * sizeof(int64_t));
	memcpy(st->counts, counts, n * sizeof(int64_t));
	st->offset = st->lo = lo;
	st->hi = lo + n - 1;
	st->capacity = n;
	st->total = total;
	st->collapsed = collapsed;
	return NULL;
}

/* |index(x) - expected| <= 1: tolerates a last-bit difference of log(). */
static bool
near_index(const DDSketch *s, double x, int32_t expected)
{
	int64_t		d = (int64_t) ddsketch_index(s, x) - expected;

	return d >= -1 && d <= 1;
}

const char *
ddsketch_problem(const DDSketch *s)
{
	int64_t		total;
	double		sum,
				n = (double) s->count;

	if (!ddsketch_valid_alpha(s->alpha))
		return "the relative accuracy must lie in [0.000001, 1)";
	if (s->count < 0 || s->zero_count < 0)
		return "a count is negative";
	if (!ca_add_i64(s->zero_count, s->pos.total, &total) ||
		!ca_add_i64(total, s->neg.total, &total) || total != s->count)
		return "the bucket counts do not add up to the count";
	if (!isfinite(s->min) || !isfinite(s->max))
		return "min and max must be finite";
	if (s->count == 0)
		return s->min == 0.0 && s->max == 0.0 && xsum_is_zero(&s->sum) ? NULL :
			"an empty sketch must have min, max and sum 0";
	if (s->min > s->max)
		return "min is greater than max";
	if ((s->neg.total > 0) != (s->min < 0.0) ||
		(s->pos.total > 0) != (s->max > 0.0))
		return "min and max do not match the signs of the counted values";
	if (s->zero_count > 0 ? !(s->min <= 0.0 && s->max >= 0.0) :
		(s->min == 0.0 || s->max == 0.0))
		return "min and max do not match the count of zeros";
	if (s->pos.total > 0 &&
		(!near_index(s, s->max, s->pos.hi) ||
		 (s->min > 0.0 && !s->pos.collapsed && !near_index(s, s->min, s->pos.lo))))
		return "min or max lies outside the positive buckets";
	if (s->neg.total > 0 &&
		(!near_index(s, -s->min, s->neg.hi) ||
		 (s->max < 0.0 && !s->neg.collapsed && !near_index(s, -s->max, s->neg.lo))))
		return "min or max lies outside the negative buckets";
	sum = xsum_round(&s->sum);
	if (!(sum >= n * s->min - 1e-9 * fabs(n * s->min)) ||
		!(sum <= n * s->max + 1e-9 * fabs(n * s->max)))
		return "the sum does not lie between count * min and count * max";
	return NULL;
}

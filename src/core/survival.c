/*
 * survival.c
 *		Sorted runs of right-censored durations, their formats, and the
 *		Kaplan-Meier, median and log-rank computations on them.
 *
 * The statistics follow R's survival package (survfit with its default
 * log-transformed interval, print.survfit's median, survdiff with rho = 0)
 * so results can be checked against it to 1e-10.
 */
#include "survival.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Smallest pending buffer, and the size below which it is never flushed. */
#define PENDING_START 16
#define PENDING_FLUSH_MIN 256
/* Largest run searched for each new row (96 kB, about an L2 cache). */
#define RUN_SEARCH_MAX 4096

static void problem(SurvProblem *why, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

static void
problem(SurvProblem *why, const char *fmt,...)
{
	va_list		ap;

	if (why == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(why->msg, sizeof(why->msg), fmt, ap);
	va_end(ap);
}

static bool
add_i64(int64_t a, int64_t b, int64_t *r)
{
	return !__builtin_add_overflow(a, b, r);
}

static bool
good_time(double t)
{
	return isfinite(t) && t >= 0.0 && !signbit(t);
}

static SurvPoint *
points_alloc(const SurvAlloc *mem, size_t n)
{
	if (n > SIZE_MAX / sizeof(SurvPoint))
		return NULL;
	return mem->alloc(mem->ctx, n * sizeof(SurvPoint));
}

static void
points_release(const SurvAlloc *mem, SurvPoint *p)
{
	if (p != NULL && mem->release != NULL)
		mem->release(mem->ctx, p);
}

/* Moves *arr (n used entries) into a new array of cap entries. */
static SurvStatus
points_grow(const SurvAlloc *mem, SurvPoint **arr, size_t n, size_t cap)
{
	SurvPoint  *p = points_alloc(mem, cap);

	if (p == NULL)
		return SURV_NO_MEMORY;
	if (n > 0)
		memcpy(p, *arr, n * sizeof(SurvPoint));
	points_release(mem, *arr);
	*arr = p;
	return SURV_OK;
}

static int
cmp_time(const void *a, const void *b)
{
	double		x = ((const SurvPoint *) a)->time;
	double		y = ((const SurvPoint *) b)->time;

	return (x > y) - (x < y);
}

/* Folds equal neighbouring times of a sorted array; returns the new size. */
static size_t
compact(SurvPoint *p, size_t n)
{
	size_t		w = 0,
				i;

	for (i = 1; i < n; i++)
	{
		if (p[i].time == p[w].time)
		{
			p[w].events += p[i].events;
			p[w].censored += p[i].censored;
		}
		else
			p[++w] = p[i];
	}
	return n == 0 ? 0 : w + 1;
}

/* Number of distinct times in the union of two sorted runs. */
static size_t
union_size(const SurvPoint *a, size_t na, const SurvPoint *b, size_t nb)
{
	size_t		i = 0,
				j = 0,
				n = 0;

	while (i < na && j < nb)
	{
		if (a[i].time < b[j].time)
			i++;
		else if (a[i].time > b[j].time)
			j++;
		else
			i++, j++;
		n++;
	}
	return n + (na - i) + (nb - j);
}

/*
 * Merges the sorted run src into the builder's run.  The result size is
 * known beforehand, so the merge runs backwards in place and the run is
 * reallocated only when it grows past its capacity.  The caller has
 * checked that the total number of observations fits.
 */
static SurvStatus
merge_into_run(SurvBuilder *b, const SurvPoint *src, size_t ns)
{
	size_t		total = union_size(b->run, b->nrun, src, ns);
	size_t		i = b->nrun,
				j = ns,
				w = total;
	SurvStatus	st;

	if (total > SURV_MAX_POINTS)
		return SURV_TOO_MANY;
	if (total > b->caprun)
	{
		size_t		cap = b->caprun * 2;

		if (cap < total)
			cap = total;
		if (cap > SURV_MAX_POINTS)
			cap = SURV_MAX_POINTS;
		if ((st = points_grow(&b->mem, &b->run, b->nrun, cap)) != SURV_OK)
			return st;
		b->caprun = cap;
	}
	/* i, j and w count the entries not yet consumed or written */
	while (j > 0)
	{
		if (i > 0 && b->run[i - 1].time > src[j - 1].time)
			b->run[--w] = b->run[--i];
		else if (i > 0 && b->run[i - 1].time == src[j - 1].time)
		{
			SurvPoint	p = b->run[--i];

			p.events += src[j - 1].events;
			p.censored += src[--j].censored;
			b->run[--w] = p;
		}
		else
			b->run[--w] = src[--j];
	}
	b->nrun = total;
	return SURV_OK;
}

void
surv_builder_init(SurvBuilder *b, const SurvAlloc *mem)
{
	memset(b, 0, sizeof(*b));
	b->mem = *mem;
}

SurvStatus
surv_builder_flush(SurvBuilder *b)
{
	SurvStatus	st;

	if (b->npending == 0)
		return SURV_OK;
	qsort(b->pending, b->npending, sizeof(SurvPoint), cmp_time);
	b->npending = compact(b->pending, b->npending);
	if ((st = merge_into_run(b, b->pending, b->npending)) != SURV_OK)
		return st;
	b->npending = 0;
	return SURV_OK;
}

/* Makes room for one more pending entry: grows the buffer or flushes it. */
static SurvStatus
pending_room(SurvBuilder *b)
{
	size_t		limit = b->nrun > PENDING_FLUSH_MIN ? b->nrun : PENDING_FLUSH_MIN;
	size_t		cap;
	SurvStatus	st;

	if (b->npending < b->cappending)
		return SURV_OK;
	if (b->cappending < limit)
	{
		cap = b->cappending < PENDING_START ? PENDING_START : b->cappending * 2;
		if (cap > limit)
			cap = limit;
		if ((st = points_grow(&b->mem, &b->pending, b->npending, cap)) != SURV_OK)
			return st;
		b->cappending = cap;
		return SURV_OK;
	}
	return surv_builder_flush(b);
}

/* The run's entry for time, or NULL. */
static SurvPoint *
run_find(SurvBuilder *b, double time)
{
	size_t		lo = 0,
				hi = b->nrun;

	while (lo < hi)
	{
		size_t		mid = lo + (hi - lo) / 2;

		if (b->run[mid].time < time)
			lo = mid + 1;
		else if (b->run[mid].time > time)
			hi = mid;
		else
			return &b->run[mid];
	}
	return NULL;
}

SurvStatus
surv_builder_add(SurvBuilder *b, double time, int64_t events, int64_t censored)
{
	int64_t		k,
				obs;
	SurvPoint  *hit;
	SurvStatus	st;

	if (!isfinite(time) || time < 0.0)
		return SURV_BAD_TIME;
	if (events < 0 || censored < 0)
		return SURV_BAD_COUNT;
	if (!add_i64(events, censored, &k) || !add_i64(b->observations, k, &obs))
		return SURV_OVERFLOW;
	if (k == 0)
		return SURV_OK;
	/*
	 * A time already in a small run is counted in place.  Large runs come
	 * from mostly distinct times, where the search would rarely hit and
	 * its cache misses cost more than buffering.
	 */
	if (b->nrun <= RUN_SEARCH_MAX && (hit = run_find(b, time)) != NULL)
	{
		hit->events += events;
		hit->censored += censored;
		b->observations = obs;
		return SURV_OK;
	}
	if ((st = pending_room(b)) != SURV_OK)
		return st;
	/* adding +0.0 turns -0.0 into +0.0, so zero has one spelling */
	b->pending[b->npending].time = time + 0.0;
	b->pending[b->npending].events = events;
	b->pending[b->npending].censored = censored;
	b->npending++;
	b->observations = obs;
	return SURV_OK;
}

SurvStatus
surv_builder_add_run(SurvBuilder *b, const SurvPoint *pts, size_t n)
{
	int64_t		obs;
	size_t		i;
	SurvStatus	st;

	if (!surv_run_valid(pts, n, NULL))
		return SURV_BAD_TIME;
	if (!add_i64(b->observations, surv_observations(pts, n), &obs))
		return SURV_OVERFLOW;

	/* a long run is merged directly; a short one waits in the buffer */
	if (n > PENDING_FLUSH_MIN)
	{
		if ((st = surv_builder_flush(b)) != SURV_OK ||
			(st = merge_into_run(b, pts, n)) != SURV_OK)
			return st;
		b->observations = obs;
		return SURV_OK;
	}
	for (i = 0; i < n; i++)
		if ((st = surv_builder_add(b, pts[i].time, pts[i].events,
								   pts[i].censored)) != SURV_OK)
			return st;
	return SURV_OK;
}

int64_t
surv_observations(const SurvPoint *pts, size_t n)
{
	int64_t		s = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		s += pts[i].events + pts[i].censored;
	return s;
}

int64_t
surv_events(const SurvPoint *pts, size_t n)
{
	int64_t		s = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		s += pts[i].events;
	return s;
}

bool
surv_run_valid(const SurvPoint *pts, size_t n, SurvProblem *why)
{
	int64_t		total = 0;
	size_t		i;

	if (n > SURV_MAX_POINTS)
	{
		problem(why, "%zu distinct times exceed the limit of %d", n, SURV_MAX_POINTS);
		return false;
	}
	for (i = 0; i < n; i++)
	{
		const SurvPoint *p = &pts[i];

		if (!good_time(p->time))
		{
			problem(why, "point %zu: time %g is not a finite non-negative number",
					i + 1, p->time);
			return false;
		}
		if (i > 0 && !(p->time > pts[i - 1].time))
		{
			problem(why, "point %zu: time %.17g does not follow %.17g in increasing order",
					i + 1, p->time, pts[i - 1].time);
			return false;
		}
		if (p->events < 0 || p->censored < 0)
		{
			problem(why, "point %zu: negative count of events or censored", i + 1);
			return false;
		}
		if (p->events == 0 && p->censored == 0)
		{
			problem(why, "point %zu: no event and nothing censored at time %.17g",
					i + 1, p->time);
			return false;
		}
		if (!add_i64(total, p->events, &total) ||
			!add_i64(total, p->censored, &total))
		{
			problem(why, "point %zu: the number of observations exceeds the 64-bit range",
					i + 1);
			return false;
		}
	}
	return true;
}

/* ---------------------------------------------------------------------
 * Binary form
 * ---------------------------------------------------------------------
 */

#define BIN_HEADER 5
#define BIN_POINT 24

static void
put_u64(unsigned char *p, uint64_t v)
{
	int			i;

	for (i = 7; i >= 0; i--)
	{
		p[i] = (unsigned char) (v & 0xff);
		v >>= 8;
	}
}

static uint64_t
get_u64(const unsigned char *p)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

size_t
surv_binary_size(size_t n)
{
	return BIN_HEADER + n * BIN_POINT;
}

void
surv_binary_encode(const SurvPoint *pts, size_t n, unsigned char *out)
{
	size_t		i;

	out[0] = SURV_FORMAT_VERSION;
	out[1] = (unsigned char) (n >> 24);
	out[2] = (unsigned char) (n >> 16);
	out[3] = (unsigned char) (n >> 8);
	out[4] = (unsigned char) n;
	out += BIN_HEADER;
	for (i = 0; i < n; i++, out += BIN_POINT)
	{
		uint64_t	bits;

		memcpy(&bits, &pts[i].time, sizeof(bits));
		put_u64(out, bits);
		put_u64(out + 8, (uint64_t) pts[i].events);
		put_u64(out + 16, (uint64_t) pts[i].censored);
	}
}

bool
surv_binary_count(const unsigned char *data, size_t len, size_t *n,
				  SurvProblem *why)
{
	uint32_t	count;

	if (len < 1)
	{
		problem(why, "no data");
		return false;
	}
	if (data[0] != SURV_FORMAT_VERSION)
	{
		problem(why, "unsupported format version %d (this build reads version %d)",
				(int) data[0], SURV_FORMAT_VERSION);
		return false;
	}
	if (len < BIN_HEADER)
	{
		problem(why, "%zu bytes are too short for the header", len);
		return false;
	}
	count = ((uint32_t) data[1] << 24) | ((uint32_t) data[2] << 16) |
		((uint32_t) data[3] << 8) | (uint32_t) data[4];
	if (count > SURV_MAX_POINTS)
	{
		problem(why, "%u distinct times exceed the limit of %d",
				(unsigned) count, SURV_MAX_POINTS);
		return false;
	}
	if (len != surv_binary_size(count))
	{
		problem(why, "%zu bytes where %zu are expected for %u times",
				len, surv_binary_size(count), (unsigned) count);
		return false;
	}
	*n = count;
	return true;
}

bool
surv_binary_decode(const unsigned char *data, size_t len, SurvPoint *out,
				   SurvProblem *why)
{
	size_t		n,
				i;

	if (!surv_binary_count(data, len, &n, why))
		return false;
	data += BIN_HEADER;
	for (i = 0; i < n; i++, data += BIN_POINT)
	{
		uint64_t	bits = get_u64(data);

		memcpy(&out[i].time, &bits, sizeof(bits));
		out[i].events = (int64_t) get_u64(data + 8);
		out[i].censored = (int64_t) get_u64(data + 16);
	}
	return surv_run_valid(out, n, why);
}

/* ---------------------------------------------------------------------
 * Text form
 * ---------------------------------------------------------------------
 */

typedef struct TextParser
{
	const char *p;
	const SurvAlloc *mem;
	SurvPoint  *pts;
	size_t		n;
	size_t		cap;
	SurvProblem *why;
} TextParser;

static void
skip_space(TextParser *tp)
{
	while (*tp->p == ' ' || *tp->p == '\t' || *tp->p == '\n' || *tp->p == '\r')
		tp->p++;
}

/* Consumes c after optional spaces. */
static bool
expect_char(TextParser *tp, char c)
{
	skip_space(tp);
	if (*tp->p != c)
		return false;
	tp->p++;
	return true;
}

static bool
parse_i64(TextParser *tp, int64_t *v)
{
	char	   *end;
	long long	x;

	skip_space(tp);
	if (!(*tp->p == '-' || (*tp->p >= '0' && *tp->p <= '9')))
		return false;
	errno = 0;
	x = strtoll(tp->p, &end, 10);
	if (end == tp->p || errno == ERANGE)
		return false;
	tp->p = end;
	*v = (int64_t) x;
	return true;
}

static bool
parse_time(TextParser *tp, double *v)
{
	char	   *end;

	skip_space(tp);
	/* strtod would also take hexadecimal and "inf"/"nan" spellings */
	if (!(*tp->p == '-' || *tp->p == '+' || *tp->p == '.' ||
		  (*tp->p >= '0' && *tp->p <= '9')))
		return false;
	*v = strtod(tp->p, &end);
	if (end == tp->p || !isfinite(*v))
		return false;
	tp->p = end;
	return true;
}

static bool
parse_points(TextParser *tp)
{
	if (!expect_char(tp, '['))
	{
		problem(tp->why, "field \"points\" must be a list in brackets");
		return false;
	}
	if (expect_char(tp, ']'))
		return true;
	for (;;)
	{
		SurvPoint	pt;

		if (!parse_time(tp, &pt.time) || !expect_char(tp, ':') ||
			!parse_i64(tp, &pt.events) || !expect_char(tp, '/') ||
			!parse_i64(tp, &pt.censored))
		{
			problem(tp->why, "point %zu of field \"points\" is not time:events/censored "
					"with a finite time and integer counts", tp->n + 1);
			return false;
		}
		if (tp->n == tp->cap)
		{
			size_t		cap = tp->cap < 16 ? 16 : tp->cap * 2;

			if (tp->n >= SURV_MAX_POINTS)
			{
				problem(tp->why, "more than %d distinct times", SURV_MAX_POINTS);
				return false;
			}
			if (points_grow(tp->mem, &tp->pts, tp->n, cap) != SURV_OK)
			{
				problem(tp->why, "out of memory");
				return false;
			}
			tp->cap = cap;
		}
		tp->pts[tp->n++] = pt;
		if (expect_char(tp, ']'))
			return true;
		if (!expect_char(tp, ','))
		{
			problem(tp->why, "expected \",\" or \"]\" after point %zu", tp->n);
			return false;
		}
	}
}

enum
{
	TF_VERSION,
	TF_OBSERVATIONS,
	TF_EVENTS,
	TF_POINTS,
	TF_NFIELDS
};

static const char *const text_fields[TF_NFIELDS] = {
	"version", "observations", "events", "points"
};

static int
parse_field_name(TextParser *tp)
{
	const char *key;
	size_t		len;
	int			f;

	skip_space(tp);
	key = tp->p;
	while ((*tp->p >= 'a' && *tp->p <= 'z') || *tp->p == '_')
		tp->p++;
	len = tp->p - key;
	for (f = 0; f < TF_NFIELDS; f++)
		if (strlen(text_fields[f]) == len && strncmp(key, text_fields[f], len) == 0)
			return f;
	problem(tp->why, "unknown field \"%.*s\"", (int) (len > 40 ? 40 : len), key);
	return -1;
}

static bool
parse_text(TextParser *tp)
{
	bool		seen[TF_NFIELDS] = {false};
	int64_t		observations = 0,
				events = 0,
				version;
	int			f;

	if (!expect_char(tp, '('))
	{
		problem(tp->why, "a survival value starts with \"(version=\"");
		return false;
	}
	for (;;)
	{
		if ((f = parse_field_name(tp)) < 0)
			return false;
		if (seen[TF_VERSION] != (f != TF_VERSION))
		{
			problem(tp->why, "the first field, and only the first, is \"version\"");
			return false;
		}
		if (seen[f])
		{
			problem(tp->why, "field \"%s\" appears twice", text_fields[f]);
			return false;
		}
		seen[f] = true;
		if (!expect_char(tp, '='))
		{
			problem(tp->why, "expected \"=\" after field \"%s\"", text_fields[f]);
			return false;
		}
		if (f == TF_POINTS)
		{
			if (!parse_points(tp))
				return false;
		}
		else if (!parse_i64(tp, f == TF_VERSION ? &version :
							f == TF_OBSERVATIONS ? &observations : &events))
		{
			problem(tp->why, "field \"%s\" must be an integer", text_fields[f]);
			return false;
		}
		if (f == TF_VERSION && version != SURV_FORMAT_VERSION)
		{
			problem(tp->why, "unsupported format version %" PRId64
					" (this build reads version %d)", version, SURV_FORMAT_VERSION);
			return false;
		}
		if (expect_char(tp, ')'))
			break;
		if (!expect_char(tp, ','))
		{
			problem(tp->why, "expected \",\" or \")\" after field \"%s\"", text_fields[f]);
			return false;
		}
	}
	skip_space(tp);
	if (*tp->p != '\0')
	{
		problem(tp->why, "unexpected text after \")\"");
		return false;
	}
	for (f = 0; f < TF_NFIELDS; f++)
		if (!seen[f])
		{
			problem(tp->why, "field \"%s\" is missing", text_fields[f]);
			return false;
		}
	if (!surv_run_valid(tp->pts, tp->n, tp->why))
		return false;
	if (observations != surv_observations(tp->pts, tp->n) ||
		events != surv_events(tp->pts, tp->n))
	{
		problem(tp->why, "the totals observations=%" PRId64 " and events=%" PRId64
				" do not match the points (%" PRId64 " and %" PRId64 ")",
				observations, events, surv_observations(tp->pts, tp->n),
				surv_events(tp->pts, tp->n));
		return false;
	}
	return true;
}

bool
surv_text_parse(const char *input, const SurvAlloc *mem, SurvPoint **pts,
				size_t *n, SurvProblem *why)
{
	TextParser	tp = {input, mem, NULL, 0, 0, why};

	if (!parse_text(&tp))
	{
		points_release(mem, tp.pts);
		return false;
	}
	*pts = tp.pts;
	*n = tp.n;
	return true;
}

/* ---------------------------------------------------------------------
 * Statistics
 * ---------------------------------------------------------------------
 */

/*
 * Acklam's rational approximation (relative error 1.15e-9) refined by one
 * Halley step on erfc, which brings it to a few ulps.
 */
double
surv_normal_quantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
	-3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
	-1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
	4.374664141464968e+00, 2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	const double plow = 0.02425;
	double		q,
				r,
				x,
				e,
				u;

	if (!(p > 0.0 && p < 1.0))
		return NAN;
	if (p < plow || p > 1.0 - plow)
	{
		q = sqrt(-2.0 * log(p < plow ? p : 1.0 - p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
		if (p > 1.0 - plow)
			x = -x;
	}
	else
	{
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
	}
	/* Halley refinement; the tail form of the CDF keeps precision for p > 1/2 */
	if (x > 0.0)
		e = (1.0 - p) - 0.5 * erfc(x / sqrt(2.0));
	else
		e = 0.5 * erfc(-x / sqrt(2.0)) - p;
	u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
	return x - u / (1.0 + x * u / 2.0);
}

void
surv_curve_start(SurvCurveIter *it, const SurvPoint *pts, size_t n, double level)
{
	it->pts = pts;
	it->n = n;
	it->next = 0;
	it->at_risk = surv_observations(pts, n);
	it->survival = 1.0;
	it->greenwood = 0.0;
	it->z = surv_normal_quantile(1.0 - (1.0 - level) / 2.0);
}

bool
surv_curve_next(SurvCurveIter *it, SurvCurveRow *row)
{
	const SurvPoint *p;
	double		n,
				d,
				se_log;

	if (it->next >= it->n)
		return false;
	p = &it->pts[it->next++];
	n = (double) it->at_risk;
	d = (double) p->events;
	if (p->events > 0)
	{
		it->survival *= (n - d) / n;
		it->greenwood = n > d ? it->greenwood + d / (n * (n - d)) : INFINITY;
	}
	se_log = sqrt(it->greenwood);
	row->time = p->time;
	row->at_risk = it->at_risk;
	row->events = p->events;
	row->censored = p->censored;
	row->survival = it->survival;
	/* as R's summary.survfit: survival times the standard error of log S */
	row->std_err = it->survival > 0.0 ? it->survival * se_log : NAN;
	if (it->survival > 0.0)
	{
		row->ci_low = exp(log(it->survival) - it->z * se_log);
		row->ci_high = fmin(exp(log(it->survival) + it->z * se_log), 1.0);
	}
	else
		row->ci_low = row->ci_high = NAN;
	it->at_risk -= p->events + p->censored;
	return true;
}

/*
 * The median as print.survfit reports it (survmean's minmin): the first
 * time where the curve is below 1/2 + tol; when the curve sits at 1/2
 * there, the midpoint between that time and the time it next drops.
 */
double
surv_median(const SurvPoint *pts, size_t n)
{
	const double tol = sqrt(2.220446049250313e-16);
	SurvCurveIter it;
	SurvCurveRow row;
	double		x1 = NAN,
				s1 = NAN;

	surv_curve_start(&it, pts, n, 0.95);
	while (surv_curve_next(&it, &row))
	{
		if (isnan(x1))
		{
			if (row.survival < 0.5 + tol)
			{
				x1 = row.time;
				s1 = row.survival;
				if (!(fabs(s1 - 0.5) < tol))
					return x1;
			}
		}
		else if (row.survival < s1)
			return (x1 + row.time) / 2.0;
	}
	return x1;
}

void
surv_logrank(const SurvPoint *a, size_t na, const SurvPoint *b, size_t nb,
			 SurvLogrank *r)
{
	double		risk[2] = {(double) surv_observations(a, na),
	(double) surv_observations(b, nb)};
	size_t		i = 0,
				j = 0;

	memset(r, 0, sizeof(*r));
	while (i < na || j < nb)
	{
		double		t,
					d[2] = {0, 0},
					c[2] = {0, 0},
					deaths,
					nrisk;
		int			k;

		t = (j >= nb || (i < na && a[i].time < b[j].time)) ? a[i].time : b[j].time;
		if (i < na && a[i].time == t)
		{
			d[0] = (double) a[i].events;
			c[0] = (double) a[i++].censored;
		}
		if (j < nb && b[j].time == t)
		{
			d[1] = (double) b[j].events;
			c[1] = (double) b[j++].censored;
		}
		deaths = d[0] + d[1];
		nrisk = risk[0] + risk[1];
		if (deaths > 0.0)
		{
			for (k = 0; k < 2; k++)
				r->expected[k] += deaths * risk[k] / nrisk;
			if (nrisk > 1.0)
				r->variance += deaths * (nrisk - deaths) / (nrisk * (nrisk - 1.0)) *
					risk[1] * (nrisk - risk[1]) / nrisk;
		}
		for (k = 0; k < 2; k++)
		{
			r->observed[k] += d[k];
			risk[k] -= d[k] + c[k];
		}
	}

	/* as survdiff: a group with nothing expected leaves no degree of freedom */
	if (!(r->expected[0] > 0.0 && r->expected[1] > 0.0))
	{
		r->df = 0;
		r->chisq = 0.0;
		r->p_value = NAN;
		return;
	}
	r->df = 1;
	if (!(r->variance > 0.0))
	{
		r->chisq = NAN;
		r->p_value = NAN;
		return;
	}
	/* survdiff drops the first group and uses the second's O - E */
	r->chisq = (r->observed[1] - r->expected[1]) * (r->observed[1] - r->expected[1]) /
		r->variance;
	r->p_value = erfc(sqrt(r->chisq / 2.0));
}

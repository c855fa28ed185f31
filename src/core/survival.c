/*
 * survival.c
 *		Sorted runs of right-censored durations: building them row by row,
 *		merging them, and checking them.
 */
#include "survival.h"
#include "survival_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Smallest pending buffer, the size below which it is never flushed, and
 * the size past which it never grows (24 MB) however long the run.
 */
#define PENDING_START 16
#define PENDING_FLUSH_MIN 256
#define PENDING_MAX (1 << 20)
/* Largest run searched for each new row (96 kB, about an L2 cache). */
#define RUN_SEARCH_MAX 4096

void
surv_problem(SurvProblem *why, const char *fmt,...)
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

void
surv_points_release(const SurvAlloc *mem, SurvPoint *p)
{
	if (p != NULL && mem->release != NULL)
		mem->release(mem->ctx, p);
}

CaStatus
surv_points_grow(const SurvAlloc *mem, SurvPoint **arr, size_t n, size_t cap)
{
	SurvPoint  *p = points_alloc(mem, cap);

	if (p == NULL)
		return CA_NO_MEMORY;
	if (n > 0)
		memcpy(p, *arr, n * sizeof(SurvPoint));
	surv_points_release(mem, *arr);
	*arr = p;
	return CA_OK;
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
static CaStatus
merge_into_run(SurvBuilder *b, const SurvPoint *src, size_t ns)
{
	size_t		total = union_size(b->run, b->nrun, src, ns);
	size_t		i = b->nrun,
				j = ns,
				w = total;
	CaStatus	st;

	if (total > SURV_MAX_POINTS)
		return CA_TOO_MANY;
	if (total > b->caprun)
	{
		size_t		cap = b->caprun * 2;

		if (cap < total)
			cap = total;
		if (cap > SURV_MAX_POINTS)
			cap = SURV_MAX_POINTS;
		if ((st = surv_points_grow(&b->mem, &b->run, b->nrun, cap)) != CA_OK)
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
	return CA_OK;
}

void
surv_builder_init(SurvBuilder *b, const SurvAlloc *mem)
{
	memset(b, 0, sizeof(*b));
	b->mem = *mem;
}

CaStatus
surv_builder_flush(SurvBuilder *b)
{
	CaStatus	st;

	if (b->npending == 0)
		return CA_OK;
	qsort(b->pending, b->npending, sizeof(SurvPoint), cmp_time);
	b->npending = compact(b->pending, b->npending);
	if ((st = merge_into_run(b, b->pending, b->npending)) != CA_OK)
		return st;
	b->npending = 0;
	return CA_OK;
}

/* Makes room for one more pending entry: grows the buffer or flushes it. */
static CaStatus
pending_room(SurvBuilder *b)
{
	size_t		limit = b->nrun > PENDING_FLUSH_MIN ? b->nrun : PENDING_FLUSH_MIN;
	size_t		cap;
	CaStatus	st;

	if (limit > PENDING_MAX)
		limit = PENDING_MAX;
	if (b->npending < b->cappending)
		return CA_OK;
	if (b->cappending < limit)
	{
		cap = b->cappending < PENDING_START ? PENDING_START : b->cappending * 2;
		if (cap > limit)
			cap = limit;
		if ((st = surv_points_grow(&b->mem, &b->pending, b->npending, cap)) != CA_OK)
			return st;
		b->cappending = cap;
		return CA_OK;
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

CaStatus
surv_builder_add(SurvBuilder *b, double time, int64_t events, int64_t censored)
{
	int64_t		k,
				obs;
	SurvPoint  *hit;
	CaStatus	st;

	if (!isfinite(time) || time < 0.0)
		return CA_BAD_TIME;
	if (events < 0 || censored < 0)
		return CA_BAD_COUNT;
	if (!add_i64(events, censored, &k) || !add_i64(b->observations, k, &obs))
		return CA_OVERFLOW;
	if (k == 0)
		return CA_OK;
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
		return CA_OK;
	}
	if ((st = pending_room(b)) != CA_OK)
		return st;
	/* adding +0.0 turns -0.0 into +0.0, so zero has one spelling */
	b->pending[b->npending].time = time + 0.0;
	b->pending[b->npending].events = events;
	b->pending[b->npending].censored = censored;
	b->npending++;
	b->observations = obs;
	return CA_OK;
}

CaStatus
surv_builder_add_run(SurvBuilder *b, const SurvPoint *pts, size_t n)
{
	int64_t		obs;
	size_t		i;
	CaStatus	st;

	if (!surv_run_valid(pts, n, NULL))
		return CA_BAD_TIME;
	if (!add_i64(b->observations, surv_observations(pts, n), &obs))
		return CA_OVERFLOW;

	/* a long run is merged directly; a short one waits in the buffer */
	if (n > PENDING_FLUSH_MIN)
	{
		if ((st = surv_builder_flush(b)) != CA_OK ||
			(st = merge_into_run(b, pts, n)) != CA_OK)
			return st;
		b->observations = obs;
		return CA_OK;
	}
	for (i = 0; i < n; i++)
		if ((st = surv_builder_add(b, pts[i].time, pts[i].events,
								   pts[i].censored)) != CA_OK)
			return st;
	return CA_OK;
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
		surv_problem(why, "%zu distinct times exceed the limit of %d", n, SURV_MAX_POINTS);
		return false;
	}
	for (i = 0; i < n; i++)
	{
		const SurvPoint *p = &pts[i];

		if (!good_time(p->time))
		{
			surv_problem(why, "point %zu: time %g is not a finite non-negative number",
					i + 1, p->time);
			return false;
		}
		if (i > 0 && !(p->time > pts[i - 1].time))
		{
			surv_problem(why, "point %zu: time %.17g does not follow %.17g in increasing order",
					i + 1, p->time, pts[i - 1].time);
			return false;
		}
		if (p->events < 0 || p->censored < 0)
		{
			surv_problem(why, "point %zu: negative count of events or censored", i + 1);
			return false;
		}
		if (p->events == 0 && p->censored == 0)
		{
			surv_problem(why, "point %zu: no event and nothing censored at time %.17g",
					i + 1, p->time);
			return false;
		}
		if (!add_i64(total, p->events, &total) ||
			!add_i64(total, p->censored, &total))
		{
			surv_problem(why, "point %zu: the number of observations exceeds the 64-bit range",
					i + 1);
			return false;
		}
	}
	return true;
}

/*
 * survival.h
 *		Right-censored durations as a sorted run of distinct times with event
 *		and censoring counts: building, merging, the stored formats,
 *		Kaplan-Meier curves, median survival and the log-rank test.
 *
 * Plain C: no PostgreSQL headers, so the code can be unit-tested and fuzzed
 * outside the server.  Memory comes from the caller's allocator.
 */
#ifndef CA_SURVIVAL_H
#define CA_SURVIVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ca_status.h"

/* Version 1 of the stored and binary formats; readers reject the others. */
#define SURV_FORMAT_VERSION 1

/*
 * Most distinct times one value may hold: the stored form (24 bytes a
 * time) must stay below the 1 GB limit of a PostgreSQL datum.
 */
#define SURV_MAX_POINTS 40000000

/* Units at one distinct time that churned (events) or were censored. */
typedef struct SurvPoint
{
	double		time;
	int64_t		events;
	int64_t		censored;
} SurvPoint;

/* The caller's allocator; release may be NULL (memory freed en bloc). */
typedef struct SurvAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void		(*release) (void *ctx, void *ptr);
	void	   *ctx;
} SurvAlloc;

/* A description of the first problem found in some input. */
typedef struct SurvProblem
{
	char		msg[256];
} SurvProblem;

/*
 * Accumulates observations: a time already in a small sorted run is
 * counted in place; other entries go to an unsorted pending buffer that is
 * sorted, compacted and merged into the run when it fills, so adding a row
 * does not allocate and many rows with few distinct times take little
 * memory.  The pending buffer may grow to the size of the run (up to a
 * million entries), which keeps the merges' amortized cost logarithmic per
 * row.
 */
typedef struct SurvBuilder
{
	SurvAlloc	mem;
	SurvPoint  *run;			/* sorted, distinct times */
	size_t		nrun;
	size_t		caprun;
	SurvPoint  *pending;		/* unsorted, possibly repeated times */
	size_t		npending;
	size_t		cappending;
	int64_t		observations;	/* over run and pending */
} SurvBuilder;

extern void surv_builder_init(SurvBuilder *b, const SurvAlloc *mem);
extern CaStatus surv_builder_add(SurvBuilder *b, double time,
								   int64_t events, int64_t censored);
/* Adds a valid run (see surv_run_valid); on failure part may be added. */
extern CaStatus surv_builder_add_run(SurvBuilder *b, const SurvPoint *pts,
									   size_t n);
extern CaStatus surv_builder_flush(SurvBuilder *b);

/* Totals of a valid run. */
extern int64_t surv_observations(const SurvPoint *pts, size_t n);
extern int64_t surv_events(const SurvPoint *pts, size_t n);

/*
 * Checks that pts could have come from real data: finite non-negative
 * times in strictly increasing order, non-negative counts, at least one
 * observation per time, a total within int64.  Returns false and
 * describes the first problem otherwise.
 */
extern bool surv_run_valid(const SurvPoint *pts, size_t n, SurvProblem *why);

/*
 * Binary form: the version byte, the number of times (uint32), then per
 * time the time (float8), events and censored (int64), all big-endian.
 */
extern size_t surv_binary_size(size_t n);
extern void surv_binary_encode(const SurvPoint *pts, size_t n,
							   unsigned char *out);
/* Reads the version and number of times and checks the length. */
extern bool surv_binary_count(const unsigned char *data, size_t len,
							  size_t *n, SurvProblem *why);
/* Decodes into out (room for the count above) and validates the run. */
extern bool surv_binary_decode(const unsigned char *data, size_t len,
							   SurvPoint *out, SurvProblem *why);

/*
 * Text form:
 *   (version=1, observations=N, events=E, points=[t:e/c, t:e/c, ...])
 * Fields after the version may come in any order.  On success *pts is
 * allocated with mem (NULL when there are no points).
 */
extern bool surv_text_parse(const char *input, const SurvAlloc *mem,
							SurvPoint **pts, size_t *n, SurvProblem *why);

/* One row of a Kaplan-Meier curve; NaN where a value is undefined. */
typedef struct SurvCurveRow
{
	double		time;
	int64_t		at_risk;
	int64_t		events;
	int64_t		censored;
	double		survival;
	double		std_err;		/* Greenwood standard error of survival */
	double		ci_low;
	double		ci_high;
} SurvCurveRow;

typedef struct SurvCurveIter
{
	const SurvPoint *pts;
	size_t		n;
	size_t		next;
	int64_t		at_risk;
	double		survival;
	double		greenwood;		/* sum of d / (n (n - d)) */
	double		z;
} SurvCurveIter;

/* level is the confidence level of the interval, 0 < level < 1. */
extern void surv_curve_start(SurvCurveIter *it, const SurvPoint *pts,
							 size_t n, double level);
extern bool surv_curve_next(SurvCurveIter *it, SurvCurveRow *row);

/* Median survival time as R's survfit reports it; NaN when not reached. */
extern double surv_median(const SurvPoint *pts, size_t n);

/*
 * Walks two runs together over the union of their times: at each time the
 * units at risk (not churned or censored before it), the events and the
 * censored units of both groups.
 */
typedef struct SurvPairStep
{
	double		time;
	double		at_risk[2];
	double		events[2];
	double		censored[2];
} SurvPairStep;

typedef struct SurvPairIter
{
	const SurvPoint *run[2];
	size_t		n[2];
	size_t		next[2];
	double		at_risk[2];
} SurvPairIter;

extern void surv_pair_start(SurvPairIter *it, const SurvPoint *a, size_t na,
							const SurvPoint *b, size_t nb);
extern bool surv_pair_next(SurvPairIter *it, SurvPairStep *step);

/*
 * One stratum of a log-rank test: observed minus expected events of the
 * second group, its variance, and the expected events of both groups.
 * Strata add up term by term (R's survdiff with strata).
 */
typedef struct SurvLogrankTerms
{
	double		o_minus_e;
	double		variance;
	double		expected[2];
} SurvLogrankTerms;

extern void surv_logrank_terms(const SurvPoint *a, size_t na,
							   const SurvPoint *b, size_t nb,
							   SurvLogrankTerms *t);

/* Two-group log-rank test (R's survdiff, rho = 0). */
typedef struct SurvLogrank
{
	double		observed[2];
	double		expected[2];
	double		variance;
	double		chisq;			/* NaN when undefined */
	int			df;
	double		p_value;		/* NaN when undefined */
} SurvLogrank;

extern void surv_logrank(const SurvPoint *a, size_t na,
						 const SurvPoint *b, size_t nb, SurvLogrank *r);

/*
 * Sums the terms of n strata into *total, in an order that depends only on
 * their values (sorted), so that the sum does not depend on the order in
 * which the strata came.  Sorts terms in place.
 */
extern void surv_logrank_sum_terms(SurvLogrankTerms *terms, size_t n,
								   SurvLogrankTerms *total);

/* Whether terms could come from a stratum: finite, non-negative parts. */
extern bool surv_logrank_terms_valid(const SurvLogrankTerms *t);

/* The test from terms summed over strata; observed are left zero. */
extern void surv_logrank_from_terms(const SurvLogrankTerms *t, SurvLogrank *r);

#endif							/* CA_SURVIVAL_H */

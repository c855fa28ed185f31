/*
 * unit.h
 *		A minimal harness for the plain-C unit tests of src/core.
 *
 * A test case is a function run by RUN(fn) from main(); it passes when
 * none of its checks fails.  Each check prints a line only when it fails,
 * each case a line when it finishes; unit_done() prints
 * "unit NAME: N passed, M failed (C checks)" counting cases (checks made
 * outside any case count as one more case) and returns the exit status.
 */
#ifndef CA_UNIT_H
#define CA_UNIT_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "../test_alloc.h"

static int	unit_passed;
static int	unit_failed;
static int	unit_cases_passed;
static int	unit_cases_failed;
static int	unit_case_checks;	/* checks made by the cases so far */

#define RUN(fn) \
	do { \
		int before_failed_ = unit_failed, before_ = unit_passed + unit_failed; \
		fn(); \
		unit_case_checks += unit_passed + unit_failed - before_; \
		if (unit_failed == before_failed_ && unit_passed + unit_failed > before_) \
			unit_cases_passed++; \
		else { unit_cases_failed++; \
			fprintf(stderr, "case %s failed\n", #fn); } \
		printf("  %s: %s (%d checks)\n", #fn, \
			   unit_failed == before_failed_ ? "ok" : "FAILED", unit_passed + unit_failed - before_); \
		fflush(stdout); \
	} while (0)

#define CHECK(cond) \
	do { \
		if (cond) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
	} while (0)

/* |got - want| <= tol * max(1, |want|) */
#define CHECK_CLOSE(got, want, tol) \
	do { \
		double g_ = (got), w_ = (want); \
		double s_ = fabs(w_) > 1.0 ? fabs(w_) : 1.0; \
		if (fabs(g_ - w_) <= (tol) * s_) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tol %g)\n", \
					__FILE__, __LINE__, #got, g_, w_, (double) (tol)); } \
	} while (0)

/* relative error check for values that may be tiny (p-values) */
#define CHECK_REL(got, want, tol) \
	do { \
		double g_ = (got), w_ = (want); \
		if (g_ == w_ || fabs(g_ - w_) <= (tol) * fabs(w_)) unit_passed++; \
		else { unit_failed++; \
			fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (rel tol %g)\n", \
					__FILE__, __LINE__, #got, g_, w_, (double) (tol)); } \
	} while (0)

static inline int
unit_done(const char *name)
{
	int			outside = unit_passed + unit_failed - unit_case_checks;

	if (outside > 0)
	{
		/* checks outside RUN: one more case */
		if (unit_failed > 0 && unit_cases_failed == 0)
			unit_cases_failed++;
		else if (unit_failed == 0)
			unit_cases_passed++;
	}
	printf("unit %s: %d passed, %d failed (%d checks)\n", name,
		   unit_cases_passed, unit_cases_failed, unit_passed + unit_failed);
	return unit_failed == 0 && unit_passed > 0 ? 0 : 1;
}

#endif							/* CA_UNIT_H */

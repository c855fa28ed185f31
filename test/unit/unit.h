/*
 * unit.h
 *		A minimal harness for the plain-C unit tests of src/core.
 *
 * Each check prints a line only when it fails; unit_done() prints
 * "unit NAME: N passed, M failed" and returns the exit status.
 */
#ifndef CA_UNIT_H
#define CA_UNIT_H

#include <math.h>
#include <stdio.h>

static int	unit_passed;
static int	unit_failed;

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
	printf("unit %s: %d passed, %d failed\n", name, unit_passed, unit_failed);
	return unit_failed == 0 && unit_passed > 0 ? 0 : 1;
}

#endif							/* CA_UNIT_H */

/*
 * Unit tests of the running moments and cohort summaries.
 */
#include <stdlib.h>
#include <string.h>

#include "cohort_stats.h"
#include "unit.h"

/* two-pass reference, in long double */
static void
reference(const double *v, int n, double *mean, double *var)
{
	long double s = 0,
				ss = 0;
	int			i;

	for (i = 0; i < n; i++)
		s += v[i];
	s /= n;
	for (i = 0; i < n; i++)
		ss += (v[i] - s) * (v[i] - s);
	*mean = (double) s;
	*var = (double) (ss / (n - 1));
}

static void
test_large_offset(void)
{
	/* values 1e9 + x: the naive sum-of-squares formula loses all digits */
	enum {N = 10000};
	static double v[N];
	Moments		m = {0};
	double		mean,
				var;
	int			i;

	int			bad = 0;

	srand(42);
	for (i = 0; i < N; i++)
	{
		v[i] = 1e9 + (double) (rand() % 1000) / 10.0;
		bad += moments_add(&m, v[i]) != CA_OK;
	}
	CHECK(bad == 0);
	reference(v, N, &mean, &var);
	CHECK(m.n == N);
	CHECK_REL(m.mean, mean, 1e-14);
	CHECK_REL(moments_variance(&m), var, 1e-9);
}

static void
test_merge_and_unmerge(void)
{
	Moments		a = {0},
				b = {0},
				all = {0},
				back;
	int			i;

	for (i = 0; i < 1000; i++)
	{
		double		x = 1e6 + i * 0.37 - (i % 7) * 3.1;

		moments_add(i < 300 ? &a : &b, x);
		moments_add(&all, x);
	}
	back = a;
	CHECK(moments_merge(&back, &b) == CA_OK);
	CHECK(back.n == all.n);
	CHECK_REL(back.mean, all.mean, 1e-15);
	CHECK_REL(back.m2, all.m2, 1e-9);
	CHECK(moments_unmerge(&back, &b) == CA_OK);
	CHECK(back.n == a.n);
	CHECK_REL(back.mean, a.mean, 1e-12);
	CHECK_REL(back.m2, a.m2, 1e-6);
	/* unmerging more than there is must fail and leave the target alone */
	back = a;
	CHECK(moments_unmerge(&back, &all) == CA_INCONSISTENT);
	CHECK(memcmp(&back, &a, sizeof(a)) == 0);
}

static void
test_remove(void)
{
	Moments		m = {0},
				ref = {0};
	int			i;

	for (i = 0; i < 10; i++)
		moments_add(&m, i * 1.5);
	for (i = 0; i < 5; i++)
		moments_remove(&m, i * 1.5);
	for (i = 5; i < 10; i++)
		moments_add(&ref, i * 1.5);
	CHECK(m.n == 5);
	CHECK_CLOSE(m.mean, ref.mean, 1e-14);
	CHECK_CLOSE(m.m2, ref.m2, 1e-12);
	for (i = 5; i < 10; i++)
		moments_remove(&m, i * 1.5);
	CHECK(m.n == 0 && m.mean == 0.0 && m.m2 == 0.0);
	CHECK(moments_remove(&m, 1.0) == CA_INCONSISTENT);
}

static void
test_non_finite_and_overflow(void)
{
	Moments		m = {0};

	CHECK(moments_add(&m, NAN) == CA_NOT_FINITE);
	CHECK(moments_add(&m, INFINITY) == CA_NOT_FINITE);
	CHECK(m.n == 0);
	CHECK(moments_add(&m, 1e308) == CA_OK);
	CHECK(moments_add(&m, -1e308) == CA_OVERFLOW);
	CHECK(m.n == 1 && m.mean == 1e308);
	m.n = INT64_MAX;
	CHECK(moments_add(&m, 1.0) == CA_OVERFLOW);
}

static void
test_from_sums(void)
{
	Moments		m;

	CHECK(moments_from_sums(&m, 4, 10.0, 30.0) == CA_OK);
	CHECK_CLOSE(m.mean, 2.5, 1e-15);
	CHECK_CLOSE(moments_variance(&m), 5.0 / 3.0, 1e-15);
	CHECK(moments_from_sums(&m, 4, 10.0, 20.0) == CA_INCONSISTENT);
	CHECK(moments_from_sums(&m, 0, 1.0, 1.0) == CA_INCONSISTENT);
	CHECK(moments_from_sums(&m, 3, NAN, 1.0) == CA_NOT_FINITE);
}

static void
test_comoments(void)
{
	CoMoments	a = {0},
				b = {0},
				all = {0};
	double		sx = 0,
				sy = 0,
				sxy = 0;
	int			i;

	for (i = 0; i < 500; i++)
	{
		double		x = 100 + (i % 13),
					y = 2.0 * x + (i % 5) - 2.0;

		comoments_add(i < 200 ? &a : &b, y, x);
		comoments_add(&all, y, x);
		sx += x;
		sy += y;
		sxy += x * y;
	}
	CHECK(comoments_merge(&a, &b) == CA_OK);
	CHECK(a.n == 500);
	CHECK_REL(a.c_xy, all.c_xy, 1e-10);
	CHECK_REL(a.c_xy, sxy - sx * sy / 500.0, 1e-9);
	CHECK(comoments_unmerge(&a, &b) == CA_OK);
	CHECK(a.n == 200);
	CHECK(comoments_remove(&a, NAN, 1.0) == CA_NOT_FINITE);
}

static void
test_cohort_stats(void)
{
	CohortStats s,
				t;
	CohortUnit	u = {CA_FLAG_TRUE, CA_FLAG_NULL, true, false, 5.0, 0.0};

	cohort_stats_init(&s);
	CHECK(cohort_stats_add(&s, &u) == CA_OK);
	u.completed = CA_FLAG_FALSE;
	u.churned = CA_FLAG_TRUE;
	u.has_value = false;
	CHECK(cohort_stats_add(&s, &u) == CA_OK);
	CHECK(s.units == 2 && s.completed.known == 2 && s.completed.yes == 1);
	CHECK(s.churned.known == 1 && s.churned.yes == 1 && s.value.n == 1);
	CHECK(cohort_stats_problem(&s) == NULL);
	t = s;
	CHECK(cohort_stats_merge(&t, &s) == CA_OK && t.units == 4);
	CHECK(cohort_stats_unmerge(&t, &s) == CA_OK);
	CHECK(memcmp(&t, &s, sizeof(s)) == 0);
	CHECK(cohort_stats_remove(&t, &u) == CA_OK && t.units == 1 && t.churned.known == 0);

	/* validation */
	t = s;
	t.completed.yes = 3;
	CHECK(cohort_stats_problem(&t) != NULL);
	t = s;
	t.value.n = 5;
	CHECK(cohort_stats_problem(&t) != NULL);
	t = s;
	t.value.m2 = -1;
	CHECK(cohort_stats_problem(&t) != NULL);
	t = s;
	t.paired.n = 2;
	CHECK(cohort_stats_problem(&t) != NULL);
	t = s;
	t.value.mean = NAN;
	CHECK(cohort_stats_problem(&t) != NULL);

	CHECK(cohort_stats_from_counts(&t, 10, 4, 1, true, 20.0, 50.0) == CA_OK);
	CHECK(t.units == 10 && t.completed.known == 10 && t.value.n == 10);
	CHECK(cohort_stats_from_counts(&t, 10, 11, 1, false, 0, 0) == CA_INCONSISTENT);
}

int
main(void)
{
	RUN(test_large_offset);
	RUN(test_merge_and_unmerge);
	RUN(test_remove);
	RUN(test_non_finite_and_overflow);
	RUN(test_from_sums);
	RUN(test_comoments);
	RUN(test_cohort_stats);
	return unit_done("moments");
}

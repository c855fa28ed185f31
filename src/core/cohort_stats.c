/*
 * cohort_stats.c
 *		Updates, merges and validation of cohort summaries.
 */
#include "cohort_stats.h"

#include <math.h>
#include <string.h>

void
cohort_stats_init(CohortStats *s)
{
	memset(s, 0, sizeof(*s));
}

CaStatus
cohort_stats_remove(CohortStats *s, const CohortUnit *u)
{
	CohortStats r = *s;
	CaStatus	st;

	if (r.units <= 0)
		return CA_INCONSISTENT;
	r.units--;
	outcome_step(&r.completed, u->completed, -1);
	outcome_step(&r.churned, u->churned, -1);
	if (u->has_value)
	{
		if ((st = moments_remove(&r.value, u->value)) != CA_OK)
			return st;
		if (u->has_covariate &&
			(st = comoments_remove(&r.paired, u->value, u->covariate)) != CA_OK)
			return st;
	}
	if (cohort_stats_problem(&r) != NULL)
		return CA_INCONSISTENT;
	*s = r;
	return CA_OK;
}

static bool
outcome_merge(Outcome *dst, const Outcome *src, int sign)
{
	if (sign > 0)
		return ca_add_i64(dst->known, src->known, &dst->known) &&
			ca_add_i64(dst->yes, src->yes, &dst->yes);
	return ca_sub_i64(dst->known, src->known, &dst->known) &&
		ca_sub_i64(dst->yes, src->yes, &dst->yes);
}

CaStatus
cohort_stats_merge(CohortStats *dst, const CohortStats *src)
{
	CohortStats r = *dst;
	CaStatus	st;

	if (!ca_add_i64(r.units, src->units, &r.units) ||
		!outcome_merge(&r.completed, &src->completed, 1) ||
		!outcome_merge(&r.churned, &src->churned, 1))
		return CA_OVERFLOW;
	if ((st = moments_merge(&r.value, &src->value)) != CA_OK ||
		(st = comoments_merge(&r.paired, &src->paired)) != CA_OK)
		return st;
	*dst = r;
	return CA_OK;
}

CaStatus
cohort_stats_unmerge(CohortStats *dst, const CohortStats *src)
{
	CohortStats r = *dst;
	CaStatus	st;

	if (!ca_sub_i64(r.units, src->units, &r.units) ||
		!outcome_merge(&r.completed, &src->completed, -1) ||
		!outcome_merge(&r.churned, &src->churned, -1))
		return CA_INCONSISTENT;
	if ((st = moments_unmerge(&r.value, &src->value)) != CA_OK ||
		(st = comoments_unmerge(&r.paired, &src->paired)) != CA_OK)
		return st;
	if (cohort_stats_problem(&r) != NULL)
		return CA_INCONSISTENT;
	*dst = r;
	return CA_OK;
}

CaStatus
cohort_stats_from_counts(CohortStats *s, int64_t units, int64_t completions,
						 int64_t churns, bool has_sums, double value_sum,
						 double value_sum_sq)
{
	CohortStats r;
	CaStatus	st;

	cohort_stats_init(&r);
	r.units = units;
	r.completed.known = units;
	r.completed.yes = completions;
	r.churned.known = units;
	r.churned.yes = churns;
	if (has_sums &&
		(st = moments_from_sums(&r.value, units, value_sum, value_sum_sq)) != CA_OK)
		return st;
	if (cohort_stats_problem(&r) != NULL)
		return CA_INCONSISTENT;
	*s = r;
	return CA_OK;
}

static const char *
outcome_problem(const Outcome *o, int64_t units, int which)
{
	static const char *const msgs[2][2] = {
		{"completed: known count outside 0..units",
		 "completed: true count outside 0..known count"},
		{"churned: known count outside 0..units",
		 "churned: true count outside 0..known count"}
	};

	if (o->known < 0 || o->known > units)
		return msgs[which][0];
	if (o->yes < 0 || o->yes > o->known)
		return msgs[which][1];
	return NULL;
}

static bool
finite3(double a, double b, double c)
{
	return isfinite(a) && isfinite(b) && isfinite(c);
}

const char *
cohort_stats_problem(const CohortStats *s)
{
	const char *p;

	if (s->units < 0)
		return "units is negative";
	if ((p = outcome_problem(&s->completed, s->units, 0)) != NULL ||
		(p = outcome_problem(&s->churned, s->units, 1)) != NULL)
		return p;
	if (s->value.n < 0 || s->value.n > s->units)
		return "value count outside 0..units";
	if (!finite3(s->value.mean, s->value.m2, 0.0))
		return "value moments are not finite";
	if (s->value.m2 < 0.0)
		return "value sum of squared deviations is negative";
	if (s->value.n == 0 && (s->value.mean != 0.0 || s->value.m2 != 0.0))
		return "value moments are set but the value count is zero";
	if (s->paired.n < 0 || s->paired.n > s->value.n)
		return "covariate count outside 0..value count";
	if (!finite3(s->paired.mean_y, s->paired.mean_x, s->paired.c_xy) ||
		!finite3(s->paired.m2_y, s->paired.m2_x, 0.0))
		return "covariate moments are not finite";
	if (s->paired.m2_y < 0.0 || s->paired.m2_x < 0.0)
		return "covariate sum of squared deviations is negative";
	if (s->paired.n == 0 &&
		(s->paired.mean_y != 0.0 || s->paired.mean_x != 0.0 ||
		 s->paired.m2_y != 0.0 || s->paired.m2_x != 0.0 || s->paired.c_xy != 0.0))
		return "covariate moments are set but the covariate count is zero";
	return NULL;
}

double
outcome_rate(const Outcome *o)
{
	if (o->known <= 0)
		return NAN;
	return (double) o->yes / (double) o->known;
}

/*
 * survival_internal.h
 *		Helpers shared by the survival sources of src/core.
 */
#ifndef CA_SURVIVAL_INTERNAL_H
#define CA_SURVIVAL_INTERNAL_H

#include "survival.h"

/* Describes a problem in *why, when why is not NULL. */
extern void surv_problem(SurvProblem *why, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Moves *arr (n used entries) into a new array of cap entries. */
extern CaStatus surv_points_grow(const SurvAlloc *mem, SurvPoint **arr,
								   size_t n, size_t cap);
extern void surv_points_release(const SurvAlloc *mem, SurvPoint *p);

#endif							/* CA_SURVIVAL_INTERNAL_H */

/*
 * rollout.h
 *		Rollout evaluation glue and background workers of cohort_analyzer.
 */
#ifndef CA_ROLLOUT_H
#define CA_ROLLOUT_H

#include "postgres.h"

/* GUCs, defined in module.c */
extern int	ca_rollout_naptime;
extern bool ca_rollout_enabled;
extern int	ca_rollout_max_workers;

/* True inside a rollout background worker: decisions are the worker's. */
extern bool ca_rollout_in_worker;

/*
 * True while a rollout's source is being measured with its owner's rights:
 * the owner's code then runs, and may not change any rollout.
 */
extern bool ca_rollout_measuring;

/* Registers the launcher; called from _PG_init during preload. */
extern void ca_rollout_register_launcher(void);

extern PGDLLEXPORT void ca_rollout_launcher_main(Datum main_arg);
extern PGDLLEXPORT void ca_rollout_worker_main(Datum main_arg);

#endif							/* CA_ROLLOUT_H */

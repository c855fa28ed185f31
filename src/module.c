/*
 * module.c
 *		Module entry point of cohort_analyzer: settings, and the rollout
 *		launcher and its shared memory when loaded through
 *		shared_preload_libraries.
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "rollout.h"
#include "rollout_registry.h"

PG_MODULE_MAGIC;

int			ca_rollout_naptime = 1000;
bool		ca_rollout_enabled = true;
int			ca_rollout_max_workers = 2;
static bool ca_purge_decisions = false;

extern PGDLLEXPORT void _PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("cohort_analyzer.naptime",
							"Time between two rounds of rollout checkpoint decisions.",
							"Each database's worker calls rollout_tick(now()) this often.",
							&ca_rollout_naptime,
							1000, 10, 24 * 60 * 60 * 1000,
							PGC_SIGHUP,
							GUC_UNIT_MS,
							NULL, NULL, NULL);
	DefineCustomBoolVariable("cohort_analyzer.enabled",
							 "Runs the background workers that decide rollout checkpoints.",
							 NULL,
							 &ca_rollout_enabled,
							 true,
							 PGC_SIGHUP,
							 0,
							 NULL, NULL, NULL);
	DefineCustomIntVariable("cohort_analyzer.max_workers",
							"Most database workers deciding rollouts at once.",
							"Databases with running rollouts beyond it take turns.",
							&ca_rollout_max_workers,
							2, 1, CA_MAX_WORKERS_LIMIT,
							PGC_SIGHUP,
							0,
							NULL, NULL, NULL);
	/*
	 * Only for databases still on the 1.0 SQL, whose rollout_purge_decisions
	 * sets it (1.1 decides in C, see rollout_api.c); declared so that the
	 * reserved prefix keeps that SET valid.  It grants nothing by itself:
	 * deleting decisions needs a privilege only the extension's owner has.
	 */
	DefineCustomBoolVariable("cohort_analyzer.purge_decisions",
							 "Used by the 1.0 SQL of rollout_purge_decisions; no effect in 1.1.",
							 NULL,
							 &ca_purge_decisions,
							 false,
							 PGC_USERSET,
							 GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);
	/* a misspelt cohort_analyzer.* setting is an error, not a placeholder */
	MarkGUCPrefixReserved("cohort_analyzer");

	/* pg_upgrade must not see decisions made while it copies the catalogs */
	if (process_shared_preload_libraries_in_progress && !IsBinaryUpgrade)
	{
		ca_registry_request();
		ca_rollout_register_launcher();
	}
}

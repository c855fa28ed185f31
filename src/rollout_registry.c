/*
 * rollout_registry.c
 *		Shared memory of the rollout launcher: the registry of databases
 *		that want a worker, how backends signal it, and the SQL functions
 *		that read it (rollout_workers) and signal it (rollout_worker_request).
 *
 * Only a preloaded library has the registry.  Otherwise signals are no-ops
 * and rollout_workers() returns no rows: without the launcher nobody would
 * act on them anyway.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "storage/ipc.h"
#include "storage/shmem.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "rollout_registry.h"

#define CA_REGISTRY_NAME	"cohort_analyzer rollout workers"

CaRegistry *ca_registry = NULL;

static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

#if PG_VERSION_NUM >= 150000
static shmem_request_hook_type prev_shmem_request_hook = NULL;
#endif

PG_FUNCTION_INFO_V1(rollout_workers);
PG_FUNCTION_INFO_V1(rollout_worker_request);

static void
registry_request_space(void)
{
#if PG_VERSION_NUM >= 150000
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
#endif
	RequestAddinShmemSpace(MAXALIGN(sizeof(CaRegistry)));
	RequestNamedLWLockTranche(CA_REGISTRY_NAME, 1);
}

static void
registry_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	ca_registry = ShmemInitStruct(CA_REGISTRY_NAME, sizeof(CaRegistry), &found);
	if (!found)
	{
		memset(ca_registry, 0, sizeof(CaRegistry));
		ca_registry->lock = &(GetNamedLWLockTranche(CA_REGISTRY_NAME))->lock;
	}
	LWLockRelease(AddinShmemInitLock);
}

void
ca_registry_request(void)
{
	/* 15 and later only accept shared memory requests from this hook */
#if PG_VERSION_NUM >= 150000
	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = registry_request_space;
#else
	registry_request_space();
#endif
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = registry_startup;
}

CaDbEntry *
ca_registry_entry(Oid dboid, bool create)
{
	CaDbEntry  *free_entry = NULL;
	int			i;

	for (i = 0; i < CA_REGISTRY_SIZE; i++)
	{
		CaDbEntry  *e = &ca_registry->dbs[i];

		if (e->state == CA_DB_FREE)
		{
			if (free_entry == NULL)
				free_entry = e;
		}
		else if (e->dboid == dboid)
			return e;
	}
	if (!create || free_entry == NULL)
		return NULL;
	memset(free_entry, 0, sizeof(*free_entry));
	free_entry->dboid = dboid;
	free_entry->state = CA_DB_IDLE;
	free_entry->since = GetCurrentTimestamp();
	return free_entry;
}

void
ca_registry_signal(Oid dboid)
{
	CaDbEntry  *e;
	Latch	   *latch;

	if (ca_registry == NULL || !OidIsValid(dboid))
		return;
	LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
	e = ca_registry_entry(dboid, true);
	if (e)
		e->signaled = true;
	else
		ca_registry->overflow = true;
	latch = ca_registry->launcher_latch;
	LWLockRelease(ca_registry->lock);
	if (latch)
		SetLatch(latch);
}

/* Set when this transaction made a rollout run. */
static bool signal_pending = false;

/*
 * The signal goes out once the transaction commits, never before: a worker
 * started earlier could find no running rollout, and leave for good.
 */
static void
registry_xact_callback(XactEvent event, void *arg pg_attribute_unused())
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PREPARE:
			/* a prepared transaction commits later: its worker waits a while */
			if (signal_pending)
				ca_registry_signal(MyDatabaseId);
			signal_pending = false;
			break;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			signal_pending = false;
			break;
		default:
			break;
	}
}

void
ca_registry_signal_at_commit(void)
{
	static bool registered = false;

	if (ca_registry == NULL)
		return;
	if (!registered)
	{
		RegisterXactCallback(registry_xact_callback, NULL);
		registered = true;
	}
	signal_pending = true;
}

const char *
ca_db_state_name(CaDbState state)
{
	switch (state)
	{
		case CA_DB_FREE:
			return "free";
		case CA_DB_IDLE:
			return "signaled";
		case CA_DB_SCANNING:
			return "scanning";
		case CA_DB_WAITING:
			return "waiting";
		case CA_DB_SERVING:
			return "serving";
		case CA_DB_RETRY:
			return "retrying";
	}
	return "unknown";
}

/*
 * rollout_worker_request(): asks, at commit, for a worker for the current
 * database.  True when a launcher will see it (the library is preloaded).
 */
Datum
rollout_worker_request(PG_FUNCTION_ARGS)
{
	ca_registry_signal_at_commit();
	PG_RETURN_BOOL(ca_registry != NULL);
}

/*
 * rollout_workers(): the registry, one row per database tracked.
 */
Datum
rollout_workers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CaDbEntry	copy[CA_REGISTRY_SIZE];
	int			n = 0;
	int			i;

	InitMaterializedSRF(fcinfo, 0);
	if (ca_registry == NULL)
		PG_RETURN_VOID();

	/* copied out first: the lock is not held while names are looked up */
	LWLockAcquire(ca_registry->lock, LW_SHARED);
	for (i = 0; i < CA_REGISTRY_SIZE; i++)
		if (ca_registry->dbs[i].state != CA_DB_FREE)
			copy[n++] = ca_registry->dbs[i];
	LWLockRelease(ca_registry->lock);

	for (i = 0; i < n; i++)
	{
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		char	   *name = get_database_name(copy[i].dboid);
		NameData	dbname;

		values[0] = ObjectIdGetDatum(copy[i].dboid);
		if (name)
		{
			namestrcpy(&dbname, name);
			values[1] = NameGetDatum(&dbname);
		}
		else
			nulls[1] = true;
		values[2] = CStringGetTextDatum(ca_db_state_name(copy[i].state));
		values[3] = Int32GetDatum((int32) copy[i].pid);
		nulls[3] = copy[i].pid == 0;
		values[4] = TimestampTzGetDatum(copy[i].since);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_VOID();
}

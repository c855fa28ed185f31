/*
 * rollout_worker.c
 *		The background workers that decide rollout checkpoints: a launcher,
 *		and a worker for each database while it has running rollouts, which
 *		decides its due checkpoints every cohort_analyzer.naptime.
 *
 * Databases get workers on demand.  A transaction that makes a rollout run
 * (rollout_start, rollout_resume, rollout_advance of a held rollout, the
 * update from 1.0) signals the launcher through the registry in shared
 * memory when it commits (rollout_registry.c).  At server start, on SIGHUP
 * and after a registry overflow the launcher scans the databases instead,
 * one short-lived "scan" worker at a time, each of which only reports
 * whether its database has running rollouts: that is how databases still
 * on the 1.0 SQL, which never signal, are found.  A worker leaves when no
 * running rollout is left for a few rounds, or, after a turn of some
 * rounds, when other databases wait for one of the
 * cohort_analyzer.max_workers slots; the launcher serves waiting databases
 * first come, first served.
 *
 * The launcher restarts database workers itself, not the postmaster: a
 * worker registered with a restart time would be restarted forever for a
 * database that was dropped.  Workers report why they exit in the
 * registry; a worker that ends without a report (SIGTERM, crash) is
 * started again after a while.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/indexing.h"
#include "catalog/pg_database.h"
#include "catalog/pg_extension.h"
#include "commands/dbcommands.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/backend_status.h"

#include "rollout.h"
#include "rollout_registry.h"

#define CA_EXTENSION_NAME	"cohort_analyzer"
#define CA_WORKER_TYPE		"cohort_analyzer worker"
#define CA_SCAN_TYPE		"cohort_analyzer scan"

/* How long a database whose worker ended without a report waits. */
#define CA_RETRY_MS			5000

/* Longest sleep between checks whether someone needs the database alone. */
#define CA_YIELD_CHECK_MS	500

/* Longest sleep of the launcher: retries fall due this often at most. */
#define CA_LAUNCHER_NAP_MS	1000

/* Rounds a worker goes on with no running rollout before it leaves. */
#define CA_IDLE_ROUNDS		3

/* Rounds a worker serves before it gives way to a waiting database. */
#define CA_TURN_ROUNDS		10

/* What the launcher tells a worker it starts (bgw_extra). */
typedef struct WorkerArgs
{
	uint32		token;			/* its entry's token while the entry is its own */
	bool		scan;			/* only report whether rollouts run */
} WorkerArgs;

/* Why a database waits for a worker, for the launcher's log line. */
typedef enum WaitReason
{
	WAIT_SIGNAL,
	WAIT_SCAN,
	WAIT_TURN,
	WAIT_RETRY,
	WAIT_YIELDED,
	WAIT_RESTART
} WaitReason;

static const char *const wait_reason_text[] = {
	[WAIT_SIGNAL] = "asked for at commit (a rollout started, resumed or advanced, or the extension updated)",
	[WAIT_SCAN] = "the scan found running rollouts",
	[WAIT_TURN] = "its turn came",
	[WAIT_RETRY] = "its previous worker ended without a report",
	[WAIT_YIELDED] = "its previous worker left it to another session a while ago",
	[WAIT_RESTART] = "the launcher restarted"
};

/* A database a worker may connect to: no template, connectable, valid. */
typedef struct DbName
{
	Oid			oid;
	NameData	name;
} DbName;

/* The launcher's own view, beside the registry entries of the same index. */
typedef struct Launcher
{
	MemoryContext round_cxt;	/* reset every round */
	MemoryContext cxt;			/* lives as long as the launcher */
	BackgroundWorkerHandle *handles[CA_REGISTRY_SIZE];
	WaitReason	why[CA_REGISTRY_SIZE];
	List	   *to_scan;		/* OIDs of databases to scan, in cxt */
	bool		rescan;			/* scan every database not tracked */
	bool		warned;			/* no free slot was reported */
	DbName	   *dbs;			/* this round's databases, in round_cxt */
	int			ndbs;
} Launcher;

static void
fill_worker(BackgroundWorker *w, const char *function, const char *type)
{
	memset(w, 0, sizeof(*w));
	w->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* on a standby nothing runs until promotion */
	w->bgw_start_time = BgWorkerStart_RecoveryFinished;
	snprintf(w->bgw_library_name, BGW_MAXLEN, "%s", CA_EXTENSION_NAME);
	snprintf(w->bgw_function_name, BGW_MAXLEN, "%s", function);
	snprintf(w->bgw_type, BGW_MAXLEN, "%s", type);
}

void
ca_rollout_register_launcher(void)
{
	BackgroundWorker w;

	fill_worker(&w, "ca_rollout_launcher_main", "cohort_analyzer launcher");
	snprintf(w.bgw_name, BGW_MAXLEN, "cohort_analyzer launcher");
	w.bgw_restart_time = 1;
	RegisterBackgroundWorker(&w);
}

/* Reloads the configuration when SIGHUP arrived; true if it did. */
static bool
reload_config(void)
{
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
		return true;
	}
	return false;
}

/* Sleeps up to ms, waking for signals; exits when the postmaster dies. */
static void
nap(long ms)
{
	(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					 ms, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
}

/* ---------------------------------------------------------------------------
 * Launcher
 * ---------------------------------------------------------------------------
 */

/* Reads this round's databases from pg_database. */
static void
read_databases(Launcher *l)
{
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;
	int			size = 16;

	MemoryContextReset(l->round_cxt);
	l->dbs = MemoryContextAlloc(l->round_cxt, size * sizeof(DbName));
	l->ndbs = 0;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);

		if (!db->datallowconn || db->datistemplate || database_is_invalid_form(db))
			continue;
		if (l->ndbs == size)
		{
			size *= 2;
			l->dbs = repalloc(l->dbs, size * sizeof(DbName));
		}
		l->dbs[l->ndbs].oid = db->oid;
		l->dbs[l->ndbs].name = db->datname;
		l->ndbs++;
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
	MemoryContextSwitchTo(l->cxt);
}

static const char *
db_name(Launcher *l, Oid dboid)
{
	int			i;

	for (i = 0; i < l->ndbs; i++)
		if (l->dbs[i].oid == dboid)
			return NameStr(l->dbs[i].name);
	return NULL;
}

/* Puts a database at the end of the queue of those waiting for a worker. */
static void
enqueue(Launcher *l, CaDbEntry *e, WaitReason why, TimestampTz now)
{
	e->signaled = false;
	if (e->state == CA_DB_WAITING)
		return;
	e->state = CA_DB_WAITING;
	e->queued = ca_registry->next_queued++;
	e->since = now;
	e->pid = 0;
	l->why[e - ca_registry->dbs] = why;
}

static void
free_entry(CaDbEntry *e)
{
	memset(e, 0, sizeof(*e));
}

/* Starts a worker, or a scan, for an entry; false when no slot is free. */
static bool
start_worker(Launcher *l, CaDbEntry *e, bool scan, TimestampTz now)
{
	int			i = e - ca_registry->dbs;
	BackgroundWorker w;
	WorkerArgs	args;
	const char *name = db_name(l, e->dboid);

	fill_worker(&w, "ca_rollout_worker_main", scan ? CA_SCAN_TYPE : CA_WORKER_TYPE);
	snprintf(w.bgw_name, BGW_MAXLEN, "%s of database %u",
			 scan ? "cohort_analyzer scan" : "cohort_analyzer worker", e->dboid);
	w.bgw_restart_time = BGW_NEVER_RESTART;
	w.bgw_notify_pid = MyProcPid;
	w.bgw_main_arg = ObjectIdGetDatum(e->dboid);
	memset(&args, 0, sizeof(args));
	args.token = ++ca_registry->next_token;
	args.scan = scan;
	memcpy(w.bgw_extra, &args, sizeof(args));

	if (!RegisterDynamicBackgroundWorker(&w, &l->handles[i]))
	{
		l->handles[i] = NULL;
		if (!l->warned)
			ereport(WARNING,
					(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
					 errmsg("cohort_analyzer: no free background worker slot for database OID %u",
							e->dboid),
					 errdetail("Its rollouts are decided once a slot is free."),
					 errhint("Raise max_worker_processes.")));
		l->warned = true;
		return false;
	}
	l->warned = false;
	if (!scan)
		ereport(LOG,
				(errmsg("cohort_analyzer launcher: starting a worker for database \"%s\": %s",
						name ? name : "?", wait_reason_text[l->why[i]])));
	e->state = scan ? CA_DB_SCANNING : CA_DB_SERVING;
	e->token = args.token;
	e->exit = CA_EXIT_NONE;
	e->leave = false;
	e->pid = 0;
	e->since = now;
	return true;
}

/* The worker or scan of an entry stopped: what next, by its report. */
static void
worker_ended(Launcher *l, CaDbEntry *e, TimestampTz now)
{
	bool		scan = e->state == CA_DB_SCANNING;
	CaExit		why = e->exit;
	bool		done = false;

	e->pid = 0;
	e->leave = false;
	e->exit = CA_EXIT_NONE;
	switch (why)
	{
		case CA_EXIT_SCAN_RUNNING:
			enqueue(l, e, WAIT_SCAN, now);
			break;
		case CA_EXIT_SCAN_NONE:
		case CA_EXIT_IDLE:
		case CA_EXIT_NO_EXTENSION:
			done = true;
			break;
		case CA_EXIT_TURN:
			enqueue(l, e, WAIT_TURN, now);
			break;
		case CA_EXIT_DISABLED:
			if (scan)
			{
				/* scanned again once enabled */
				l->to_scan = lappend_oid(l->to_scan, e->dboid);
				done = true;
			}
			else
				enqueue(l, e, WAIT_RESTART, now);
			break;
		case CA_EXIT_DB_WANTED:
		case CA_EXIT_NONE:
			if (why == CA_EXIT_NONE)
				ereport(LOG,
						(errmsg("cohort_analyzer launcher: the %s of database \"%s\" ended without a report; starting a worker in %d s",
								scan ? "scan" : "worker", db_name(l, e->dboid) ? db_name(l, e->dboid) : "?",
								CA_RETRY_MS / 1000)));
			e->state = CA_DB_RETRY;
			e->since = now;
			e->retry_at = TimestampTzPlusMilliseconds(now, CA_RETRY_MS);
			l->why[e - ca_registry->dbs] = why == CA_EXIT_NONE ? WAIT_RETRY : WAIT_YIELDED;
			break;
	}
	if (done)
	{
		/* a rollout started since the worker looked last */
		if (e->signaled)
			enqueue(l, e, WAIT_SIGNAL, now);
		else
			free_entry(e);
	}
}

/* Looks at the worker of entry i, if it has one. */
static void
poll_worker(Launcher *l, int i, TimestampTz now)
{
	CaDbEntry  *e = &ca_registry->dbs[i];
	pid_t		pid;

	if (l->handles[i] == NULL)
		return;
	switch (GetBackgroundWorkerPid(l->handles[i], &pid))
	{
		case BGWH_STARTED:
			e->pid = pid;
			break;
		case BGWH_NOT_YET_STARTED:
			break;
		case BGWH_STOPPED:
			pfree(l->handles[i]);
			l->handles[i] = NULL;
			worker_ended(l, e, now);
			break;
		case BGWH_POSTMASTER_DIED:
			proc_exit(1);
	}
}

/* The waiting entry first in the queue, or NULL. */
static CaDbEntry *
first_waiting(void)
{
	CaDbEntry  *first = NULL;
	int			i;

	for (i = 0; i < CA_REGISTRY_SIZE; i++)
	{
		CaDbEntry  *e = &ca_registry->dbs[i];

		if (e->state == CA_DB_WAITING && (first == NULL || e->queued < first->queued))
			first = e;
	}
	return first;
}

/*
 * Workers beyond cohort_analyzer.max_workers (lowered by SIGHUP) are asked
 * to end their turn, the longest serving first.
 */
static void
ask_to_leave(int excess)
{
	while (excess-- > 0)
	{
		CaDbEntry  *oldest = NULL;
		int			i;

		for (i = 0; i < CA_REGISTRY_SIZE; i++)
		{
			CaDbEntry  *e = &ca_registry->dbs[i];

			if (e->state == CA_DB_SERVING && !e->leave &&
				(oldest == NULL || e->since < oldest->since))
				oldest = e;
		}
		if (oldest == NULL)
			return;
		oldest->leave = true;
	}
}

/* Starts the next scan when none runs; true while scans remain. */
static bool
next_scan(Launcher *l, TimestampTz now)
{
	int			i;

	for (i = 0; i < CA_REGISTRY_SIZE; i++)
		if (ca_registry->dbs[i].state == CA_DB_SCANNING)
			return true;
	while (l->to_scan != NIL)
	{
		Oid			dboid = linitial_oid(l->to_scan);
		CaDbEntry  *e;

		if (db_name(l, dboid) == NULL || ca_registry_entry(dboid, false) != NULL)
		{
			/* dropped meanwhile, or already tracked */
			l->to_scan = list_delete_first(l->to_scan);
			continue;
		}
		e = ca_registry_entry(dboid, true);
		if (e == NULL)
			return true;		/* registry full: later */
		if (!start_worker(l, e, true, now))
		{
			free_entry(e);
			return true;
		}
		l->to_scan = list_delete_first(l->to_scan);
		return true;
	}
	return false;
}

static void
launcher_round(Launcher *l)
{
	TimestampTz now;
	int			serving = 0;
	int			leaving = 0;
	int			waiting = 0;
	int			i;
	bool		scanning;
	CaDbEntry  *e;

	read_databases(l);
	now = GetCurrentTimestamp();

	LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
	if (ca_registry->overflow || l->rescan)
	{
		for (i = 0; i < l->ndbs; i++)
			l->to_scan = list_append_unique_oid(l->to_scan, l->dbs[i].oid);
		ca_registry->overflow = false;
		l->rescan = false;
	}

	for (i = 0; i < CA_REGISTRY_SIZE; i++)
	{
		e = &ca_registry->dbs[i];
		if (e->state == CA_DB_FREE)
			continue;
		poll_worker(l, i, now);
		if (l->handles[i] == NULL && db_name(l, e->dboid) == NULL)
		{
			/* dropped, or no longer connectable */
			free_entry(e);
			continue;
		}
		if (e->state == CA_DB_IDLE ||
			(e->state == CA_DB_RETRY && (e->signaled || e->retry_at <= now)))
			enqueue(l, e, e->signaled ? WAIT_SIGNAL : l->why[i], now);
		else if (e->state == CA_DB_WAITING)
			e->signaled = false;
		if (e->state == CA_DB_SERVING)
		{
			serving++;
			leaving += e->leave;
		}
	}

	if (ca_rollout_enabled)
	{
		while (serving < ca_rollout_max_workers && (e = first_waiting()) != NULL)
		{
			if (!start_worker(l, e, false, now))
				break;
			serving++;
		}
		ask_to_leave(serving - leaving - ca_rollout_max_workers);
		scanning = next_scan(l, now);
		if (!scanning)
			ca_registry->scanned = true;
	}

	for (i = 0; i < CA_REGISTRY_SIZE; i++)
		waiting += ca_registry->dbs[i].state == CA_DB_WAITING;
	ca_registry->waiting = waiting;
	LWLockRelease(ca_registry->lock);
}

/*
 * Database workers and scans left by an earlier launcher (one that exited
 * on SIGTERM or an error, restarted by the postmaster) would otherwise run
 * beside the ones this launcher starts: stop them, and wait until they are
 * gone.
 */
static void
stop_orphaned_workers(void)
{
	int			attempt;

	for (attempt = 0; attempt < 300; attempt++)
	{
		int			n;
		int			i;
		int			found = 0;

		pgstat_clear_snapshot();
		n = pgstat_fetch_stat_numbackends();
		for (i = 1; i <= n; i++)
		{
#if PG_VERSION_NUM >= 160000
			LocalPgBackendStatus *local = pgstat_get_local_beentry_by_index(i);
#else
			LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
#endif
			PgBackendStatus *be = local ? &local->backendStatus : NULL;
			const char *type;

			if (be == NULL || be->st_backendType != B_BG_WORKER)
				continue;
			type = GetBackgroundWorkerTypeByPid(be->st_procpid);
			if (type && (strcmp(type, CA_WORKER_TYPE) == 0 || strcmp(type, CA_SCAN_TYPE) == 0))
			{
				if (attempt == 0)
					elog(LOG, "cohort_analyzer launcher: stopping database worker %d of an earlier launcher",
						 (int) be->st_procpid);
				kill(be->st_procpid, SIGTERM);
				found++;
			}
		}
		pgstat_clear_snapshot();
		if (found == 0)
			return;
		nap(100);
	}
}

static void
launcher_detach(int code pg_attribute_unused(), Datum arg pg_attribute_unused())
{
	LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
	if (ca_registry->launcher_pid == MyProcPid)
	{
		ca_registry->launcher_pid = 0;
		ca_registry->launcher_latch = NULL;
	}
	LWLockRelease(ca_registry->lock);
}

/*
 * Takes over the registry of an earlier launcher: its databases keep their
 * place in the queue, and the scan at server start is not repeated unless
 * it was cut short.
 */
static void
launcher_attach(Launcher *l)
{
	int			i;
	TimestampTz now = GetCurrentTimestamp();

	LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
	ca_registry->launcher_pid = MyProcPid;
	ca_registry->launcher_latch = MyLatch;
	for (i = 0; i < CA_REGISTRY_SIZE; i++)
	{
		CaDbEntry  *e = &ca_registry->dbs[i];

		if (e->state == CA_DB_SERVING)
		{
			e->state = CA_DB_WAITING;
			e->pid = 0;
			e->since = now;
			l->why[i] = WAIT_RESTART;
		}
		else if (e->state == CA_DB_SCANNING)
		{
			l->to_scan = lappend_oid(l->to_scan, e->dboid);
			free_entry(e);
		}
		else if (e->state == CA_DB_WAITING)
			l->why[i] = WAIT_RESTART;
	}
	l->rescan = !ca_registry->scanned;
	LWLockRelease(ca_registry->lock);
	before_shmem_exit(launcher_detach, 0);
}

void
ca_rollout_launcher_main(Datum main_arg pg_attribute_unused())
{
	Launcher   *l;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("cohort_analyzer launcher");
	if (ca_registry == NULL)
		elog(ERROR, "cohort_analyzer launcher: shared memory is not set up");
	stop_orphaned_workers();

	l = MemoryContextAllocZero(TopMemoryContext, sizeof(Launcher));
	l->cxt = AllocSetContextCreate(TopMemoryContext, "cohort_analyzer launcher",
								   ALLOCSET_DEFAULT_SIZES);
	l->round_cxt = AllocSetContextCreate(l->cxt, "cohort_analyzer launcher round",
										 ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(l->cxt);
	launcher_attach(l);

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		/* databases that do not signal (1.0 SQL, copies) are found this way */
		if (reload_config())
			l->rescan = true;
		launcher_round(l);
		nap(Min(ca_rollout_naptime, CA_LAUNCHER_NAP_MS));
	}
}

/* ---------------------------------------------------------------------------
 * Database worker
 * ---------------------------------------------------------------------------
 */

/*
 * True when another session waits to have this database alone: DROP
 * DATABASE, ALTER DATABASE RENAME/SET TABLESPACE and CREATE DATABASE ...
 * TEMPLATE lock it in a mode that conflicts with the lock every connecting
 * session takes, then wait a few seconds for the other sessions to leave.
 */
static bool
database_wanted(void)
{
	LOCKTAG		tag;

	SET_LOCKTAG_OBJECT(tag, InvalidOid, DatabaseRelationId, MyDatabaseId, 0);
	if (LockAcquire(&tag, RowExclusiveLock, false, true) == LOCKACQUIRE_NOT_AVAIL)
		return true;
	LockRelease(&tag, RowExclusiveLock, false);
	return false;
}

/*
 * Schema and version of the extension in this database; false when it is
 * not installed.
 */
static bool
extension_info(char **schema, char **version)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(CA_EXTENSION_NAME));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		Form_pg_extension ext = (Form_pg_extension) GETSTRUCT(tup);
		bool		isnull;
		Datum		v = heap_getattr(tup, Anum_pg_extension_extversion,
									 RelationGetDescr(rel), &isnull);

		*schema = get_namespace_name(ext->extnamespace);
		*version = isnull ? pstrdup("") : TextDatumGetCString(v);
		found = *schema != NULL;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* Runs one query of the worker through SPI, in the current transaction. */
static void
run_worker_query(const char *sql, int nargs, Oid *argtypes, Datum *values)
{
	pgstat_report_activity(STATE_RUNNING, sql);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(sql, nargs, argtypes, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "rollout query failed: %s", sql);
}

/* Version of the extension when the current round began. */
static char round_version[NAMEDATALEN];

/* What became of a transaction of the worker. */
typedef enum TxResult
{
	TX_DONE,
	TX_FAILED,					/* logged, retried next round */
	TX_UNINSTALLED				/* failed because the extension was dropped */
} TxResult;

/*
 * Runs fn in a transaction of its own.  An error is logged (once while it
 * repeats) and swallowed, so that a failing round is retried, not turned
 * into an exit and restart loop.
 */
static TxResult
in_transaction(void (*fn) (void *), void *arg, MemoryContext cxt,
			   char **last_error)
{
	volatile TxResult result = TX_DONE;

	PG_TRY();
	{
		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		fn(arg);
		PopActiveSnapshot();
		CommitTransactionCommand();
		pgstat_report_activity(STATE_IDLE, NULL);
		pgstat_report_stat(false);
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		char	   *schema;
		char	   *version;
		bool		installed;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		pgstat_report_activity(STATE_IDLE, NULL);

		/* a DROP EXTENSION that committed under us is no error */
		StartTransactionCommand();
		installed = extension_info(&schema, &version);
		CommitTransactionCommand();
		MemoryContextSwitchTo(cxt);
		result = installed ? TX_FAILED : TX_UNINSTALLED;
		/* ALTER EXTENSION ... UPDATE under a round: retried, no warning */
		if (installed && strcmp(version, round_version) != 0)
			ereport(LOG,
					(errmsg("cohort_analyzer: extension updated from version %s to %s during a round; deciding again",
							round_version, version)));
		else if (installed && (*last_error == NULL || strcmp(*last_error, edata->message) != 0))
		{
			ereport(WARNING,
					(errcode(edata->sqlerrcode),
					 errmsg("cohort_analyzer: rollout evaluation failed: %s",
							edata->message)));
			if (*last_error)
				pfree(*last_error);
			*last_error = MemoryContextStrdup(TopMemoryContext, edata->message);
		}
		FreeErrorData(edata);
	}
	PG_END_TRY();
	return result;
}

typedef struct RoundState
{
	MemoryContext cxt;
	bool		scan;			/* only count the running rollouts */
	CaExit		exit;			/* CA_EXIT_NONE: the worker goes on */
	char	   *schema;			/* in cxt */
	bool		legacy;			/* the database is still on the 1.0 SQL */
	int64		running;		/* running rollouts, -1 when unknown */
	List	   *due;			/* ids of due rollouts, in cxt */
	int64		rollout_id;
} RoundState;

/* Counts the running rollouts, held copies not included. */
static void
count_running(RoundState *st)
{
	bool		isnull;
	Datum		n;

	run_worker_query(psprintf("SELECT pg_catalog.count(*) FROM %s.rollouts"
							  " WHERE state OPERATOR(pg_catalog.=) 'running'::pg_catalog.text",
							  quote_identifier(st->schema)), 0, NULL, NULL);
	n = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	st->running = isnull ? 0 : DatumGetInt64(n);
	SPI_finish();
}

/*
 * Finds the extension, the rollouts due now (none while it is 1.0, which
 * decides in one call) and how many rollouts run.
 */
static void
find_due(void *arg)
{
	RoundState *st = arg;
	char	   *schema;
	char	   *version;
	uint64		i;

	st->due = NIL;
	if (database_wanted())
	{
		st->exit = CA_EXIT_DB_WANTED;
		return;
	}
	if (!extension_info(&schema, &version))
	{
		st->exit = CA_EXIT_NO_EXTENSION;
		return;
	}
	if (RecoveryInProgress())
		return;
	st->schema = MemoryContextStrdup(st->cxt, schema);
	strlcpy(round_version, version, sizeof(round_version));
	st->legacy = strcmp(version, "1.0") == 0;
	if (st->scan)
	{
		count_running(st);
		return;
	}
	if (st->legacy)
	{
		/* 1.0 decides everything in one call (its measurement is read-only) */
		run_worker_query(psprintf("SELECT %s.rollout_tick(pg_catalog.now())",
								  quote_identifier(schema)), 0, NULL, NULL);
		SPI_finish();
		count_running(st);
		return;
	}
	count_running(st);
	/* a checkpoint due, or a bucket of time to summarize */
	run_worker_query(psprintf("SELECT %s.rollout_worklist(pg_catalog.now())",
							  quote_identifier(schema)), 0, NULL, NULL);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		isnull;
		Datum		id = SPI_getbinval(SPI_tuptable->vals[i],
									   SPI_tuptable->tupdesc, 1, &isnull);
		MemoryContext old = MemoryContextSwitchTo(st->cxt);

		st->due = lappend(st->due, palloc(sizeof(int64)));
		*(int64 *) llast(st->due) = DatumGetInt64(id);
		MemoryContextSwitchTo(old);
	}
	SPI_finish();
}

/* Decides the due checkpoints of one rollout. */
static void
decide_one(void *arg)
{
	RoundState *st = arg;
	Oid			argtypes[1] = {INT8OID};
	Datum		values[1] = {Int64GetDatum(st->rollout_id)};

	run_worker_query(psprintf("SELECT %s.rollout_tick_one($1, pg_catalog.now(), 'worker')",
							  quote_identifier(st->schema)), 1, argtypes, values);
	SPI_finish();
}

/*
 * One round: CA_EXIT_NONE while the worker should go on, else why it
 * should exit (extension gone, database wanted, disabled).  *running is
 * the number of running rollouts, -1 when the round could not tell.  Each
 * rollout is decided in a transaction of its own, so that a slow or
 * failing rollout neither holds the others' decisions back nor undoes them.
 */
static CaExit
worker_round(MemoryContext cxt, char **last_error, bool scan, int64 *running)
{
	RoundState	st = {.cxt = cxt,.scan = scan,.exit = CA_EXIT_NONE,.running = -1};
	ListCell   *lc;
	TxResult	res;
	bool		failed;

	MemoryContextReset(cxt);
	res = in_transaction(find_due, &st, cxt, last_error);
	failed = res != TX_DONE;
	foreach(lc, st.due)
	{
		CHECK_FOR_INTERRUPTS();
		reload_config();
		if (res == TX_UNINSTALLED || !ca_rollout_enabled)
			break;
		st.rollout_id = *(int64 *) lfirst(lc);
		res = in_transaction(decide_one, &st, cxt, last_error);
		failed |= res != TX_DONE;
	}
	if (!failed && *last_error)
	{
		pfree(*last_error);
		*last_error = NULL;
	}
	*running = failed ? -1 : st.running;
	if (st.exit != CA_EXIT_NONE)
		return st.exit;
	if (res == TX_UNINSTALLED)
		return CA_EXIT_NO_EXTENSION;
	if (!ca_rollout_enabled)
		return CA_EXIT_DISABLED;
	return CA_EXIT_NONE;
}

/* What the launcher said at start, and the database's name for the log. */
static WorkerArgs worker_args;
static char *worker_dbname;

/* This worker's registry entry: the one with its token.  Lock held. */
static CaDbEntry *
my_entry(void)
{
	CaDbEntry  *e = ca_registry ? ca_registry_entry(MyDatabaseId, false) : NULL;

	return e && e->token == worker_args.token ? e : NULL;
}

/* Reports why the worker exits, logs it and exits. */
static void
worker_exit(CaExit why, const char *detail)
{
	CaDbEntry  *e;

	if (ca_registry)
	{
		LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
		if ((e = my_entry()) != NULL)
			e->exit = why;
		LWLockRelease(ca_registry->lock);
	}
	if (detail)
		ereport(LOG,
				(errmsg("cohort_analyzer %s of database \"%s\": %s",
						worker_args.scan ? "scan" : "worker",
						worker_dbname ? worker_dbname : "?", detail)));
	proc_exit(0);
}

static const char *
exit_text(CaExit why)
{
	switch (why)
	{
		case CA_EXIT_NO_EXTENSION:
			return "exiting: the extension is not installed";
		case CA_EXIT_DISABLED:
			return "exiting: cohort_analyzer.enabled is off";
		case CA_EXIT_DB_WANTED:
			return "exiting: another session needs the database alone";
		default:
			return "exiting";
	}
}

/*
 * Takes the signal of the entry before a round looks at the rollouts: a
 * rollout made running after that signals again.
 */
static void
take_signal(void)
{
	CaDbEntry  *e;

	LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
	if ((e = my_entry()) != NULL)
		e->signaled = false;
	LWLockRelease(ca_registry->lock);
}

/*
 * After a round: leaves when no rollout has run for CA_IDLE_ROUNDS rounds
 * (unless one was started meanwhile), or when it has served its turn and
 * other databases wait for a worker, or when the launcher asks (fewer
 * cohort_analyzer.max_workers).
 */
static void
maybe_leave(int idle_rounds, int served_rounds)
{
	CaDbEntry  *e;
	bool		idle = false;
	bool		turn = false;
	int			waiting = 0;

	LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
	e = my_entry();
	if (e == NULL)
	{
		/* the registry no longer knows this worker: another serves */
		LWLockRelease(ca_registry->lock);
		worker_exit(CA_EXIT_NONE, "exiting: replaced by another worker");
	}
	waiting = ca_registry->waiting;
	if (idle_rounds >= CA_IDLE_ROUNDS && !e->signaled)
		idle = true;
	else if (e->leave || (served_rounds >= CA_TURN_ROUNDS && waiting > 0))
		turn = true;
	LWLockRelease(ca_registry->lock);
	if (idle)
		worker_exit(CA_EXIT_IDLE, "exiting: no running rollouts");
	if (turn)
		worker_exit(CA_EXIT_TURN,
					psprintf("exiting to take turns: %d database(s) wait for one of cohort_analyzer.max_workers = %d",
							 waiting, ca_rollout_max_workers));
}

void
ca_rollout_worker_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	MemoryContext cxt;
	char	   *last_error = NULL;
	int			idle_rounds = 0;
	int			served_rounds = 0;

	memcpy(&worker_args, MyBgworkerEntry->bgw_extra, sizeof(worker_args));
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	pgstat_report_appname(worker_args.scan ? CA_SCAN_TYPE : CA_WORKER_TYPE);
	ca_rollout_in_worker = true;

	StartTransactionCommand();
	worker_dbname = get_database_name(MyDatabaseId);
	if (worker_dbname)
		worker_dbname = MemoryContextStrdup(TopMemoryContext, worker_dbname);
	CommitTransactionCommand();
	if (ca_registry)
	{
		CaDbEntry  *e;

		LWLockAcquire(ca_registry->lock, LW_EXCLUSIVE);
		if ((e = my_entry()) != NULL)
			e->pid = MyProcPid;
		LWLockRelease(ca_registry->lock);
	}

	cxt = AllocSetContextCreate(TopMemoryContext, "cohort_analyzer worker",
								ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		TimestampTz round_end;
		CaExit		why;
		int64		running;

		CHECK_FOR_INTERRUPTS();
		reload_config();
		if (!ca_rollout_enabled)
			worker_exit(CA_EXIT_DISABLED, exit_text(CA_EXIT_DISABLED));
		if (IsBinaryUpgrade)
			proc_exit(0);
		if (ca_registry && !worker_args.scan)
			take_signal();
		why = worker_round(cxt, &last_error, worker_args.scan, &running);
		MemoryContextSwitchTo(cxt);
		if (worker_args.scan)
		{
			if (why == CA_EXIT_NONE && running < 0)
				proc_exit(1);	/* failed, and logged: the launcher retries */
			if (why == CA_EXIT_NONE)
				worker_exit(running > 0 ? CA_EXIT_SCAN_RUNNING : CA_EXIT_SCAN_NONE,
							psprintf("%lld running rollout(s)", (long long) running));
			worker_exit(why == CA_EXIT_NO_EXTENSION ? CA_EXIT_SCAN_NONE : why,
						why == CA_EXIT_NO_EXTENSION ? "the extension is not installed" : exit_text(why));
		}
		if (why != CA_EXIT_NONE)
			worker_exit(why, exit_text(why));
		idle_rounds = running == 0 ? idle_rounds + 1 : 0;
		served_rounds++;
		if (ca_registry)
			maybe_leave(idle_rounds, served_rounds);

		/*
		 * Sleep a naptime, checking often whether the database is wanted; a
		 * naptime changed by SIGHUP applies to the sleep in progress.
		 */
		round_end = GetCurrentTimestamp();
		for (;;)
		{
			TimestampTz next = TimestampTzPlusMilliseconds(round_end,
														   ca_rollout_naptime);
			long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(),
															   next);
			bool		wanted;

			if (left <= 0)
				break;
			nap(Min(left, CA_YIELD_CHECK_MS));
			reload_config();
			if (!ca_rollout_enabled)
				worker_exit(CA_EXIT_DISABLED, exit_text(CA_EXIT_DISABLED));
			StartTransactionCommand();
			wanted = database_wanted();
			CommitTransactionCommand();
			if (wanted)
				worker_exit(CA_EXIT_DB_WANTED, exit_text(CA_EXIT_DB_WANTED));
		}
	}
}

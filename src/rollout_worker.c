/*
 * rollout_worker.c
 *		The background workers that decide rollout checkpoints: a launcher
 *		that keeps one worker per database, and the worker, which calls
 *		rollout_tick(now()) every cohort_analyzer.naptime.
 *
 * The launcher restarts database workers itself, not the postmaster: a
 * worker registered with a restart time would be restarted forever for a
 * database that was dropped.  A worker exits quietly (code 0) when the
 * extension is not installed in its database, when rollouts are disabled,
 * or when DROP DATABASE, ALTER DATABASE or CREATE DATABASE ... TEMPLATE
 * needs the database to itself; the launcher looks again after a while.
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
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/backend_status.h"

#include "rollout.h"

#define CA_EXTENSION_NAME	"cohort_analyzer"

/* How long a database without a worker waits before it is looked at again. */
#define CA_RETRY_MS			5000

/* Longest sleep between checks whether someone needs the database alone. */
#define CA_YIELD_CHECK_MS	500

typedef struct DbWorker
{
	Oid			dboid;			/* hash key */
	BackgroundWorkerHandle *handle;
	TimestampTz stopped_at;		/* when the worker was seen stopped, or 0 */
	bool		present;		/* seen in the current scan */
} DbWorker;

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

/* Reloads the configuration when SIGHUP arrived. */
static void
reload_config(void)
{
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
	}
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

static bool
start_db_worker(DbWorker *entry)
{
	BackgroundWorker w;
	static bool warned = false;

	fill_worker(&w, "ca_rollout_worker_main", "cohort_analyzer worker");
	snprintf(w.bgw_name, BGW_MAXLEN, "cohort_analyzer worker for database %u",
			 entry->dboid);
	w.bgw_restart_time = BGW_NEVER_RESTART;
	w.bgw_notify_pid = MyProcPid;
	w.bgw_main_arg = ObjectIdGetDatum(entry->dboid);

	if (entry->handle)
		pfree(entry->handle);
	entry->handle = NULL;
	if (!RegisterDynamicBackgroundWorker(&w, &entry->handle))
	{
		if (!warned)
			ereport(WARNING,
					(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
					 errmsg("cohort_analyzer: no free background worker slot for database %u",
							entry->dboid),
					 errhint("Raise max_worker_processes.")));
		warned = true;
		return false;
	}
	warned = false;
	entry->stopped_at = 0;
	return true;
}

/* The databases a worker may connect to: no templates, connectable, valid. */
static List *
worker_databases(MemoryContext cxt)
{
	List	   *dbs = NIL;
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tup;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	(void) GetTransactionSnapshot();
	rel = table_open(DatabaseRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (HeapTupleIsValid(tup = heap_getnext(scan, ForwardScanDirection)))
	{
		Form_pg_database db = (Form_pg_database) GETSTRUCT(tup);
		MemoryContext old;

		if (!db->datallowconn || db->datistemplate || database_is_invalid_form(db))
			continue;
		old = MemoryContextSwitchTo(cxt);
		dbs = lappend_oid(dbs, db->oid);
		MemoryContextSwitchTo(old);
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);
	CommitTransactionCommand();
	return dbs;
}

static void
launcher_scan(HTAB *workers, MemoryContext cxt)
{
	List	   *dbs = worker_databases(cxt);
	TimestampTz now = GetCurrentTimestamp();
	HASH_SEQ_STATUS seq;
	DbWorker   *entry;
	ListCell   *lc;

	hash_seq_init(&seq, workers);
	while ((entry = hash_seq_search(&seq)) != NULL)
		entry->present = false;

	foreach(lc, dbs)
	{
		Oid			dboid = lfirst_oid(lc);
		bool		found;
		pid_t		pid;

		entry = hash_search(workers, &dboid, HASH_ENTER, &found);
		if (!found)
		{
			entry->handle = NULL;
			entry->stopped_at = 0;
		}
		entry->present = true;

		if (entry->handle == NULL)
		{
			/* a database never seen, or one whose start failed */
			if (!found || entry->stopped_at == 0 ||
				TimestampDifferenceExceeds(entry->stopped_at, now, CA_RETRY_MS))
				start_db_worker(entry);
			continue;
		}
		switch (GetBackgroundWorkerPid(entry->handle, &pid))
		{
			case BGWH_STARTED:
			case BGWH_NOT_YET_STARTED:
				break;
			case BGWH_STOPPED:
				if (entry->stopped_at == 0)
					entry->stopped_at = now;
				else if (TimestampDifferenceExceeds(entry->stopped_at, now,
													CA_RETRY_MS))
					start_db_worker(entry);
				break;
			case BGWH_POSTMASTER_DIED:
				proc_exit(1);
		}
	}

	/* forget dropped databases */
	hash_seq_init(&seq, workers);
	while ((entry = hash_seq_search(&seq)) != NULL)
	{
		if (!entry->present)
		{
			if (entry->handle)
				pfree(entry->handle);
			hash_search(workers, &entry->dboid, HASH_REMOVE, NULL);
		}
	}
	list_free(dbs);
}

/*
 * Database workers left by an earlier launcher (one that exited on SIGTERM
 * or an error, restarted by the postmaster) would otherwise run beside the
 * ones this launcher starts: stop them, and wait until they are gone.
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
			if (type && strcmp(type, "cohort_analyzer worker") == 0)
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

void
ca_rollout_launcher_main(Datum main_arg pg_attribute_unused())
{
	HASHCTL		ctl;
	HTAB	   *workers;
	MemoryContext cxt;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnection(NULL, NULL, 0);
	pgstat_report_appname("cohort_analyzer launcher");
	stop_orphaned_workers();

	cxt = AllocSetContextCreate(TopMemoryContext, "cohort_analyzer launcher",
								ALLOCSET_DEFAULT_SIZES);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(DbWorker);
	ctl.hcxt = cxt;
	workers = hash_create("cohort_analyzer database workers", 16, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		reload_config();
		if (ca_rollout_enabled)
			launcher_scan(workers, cxt);
		nap(ca_rollout_naptime);
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
	bool		keep;			/* false: the worker should exit */
	char	   *schema;			/* in cxt */
	bool		legacy;			/* the database is still on the 1.0 SQL */
	List	   *due;			/* ids of due rollouts, in cxt */
	int64		rollout_id;
} RoundState;

/* Finds the extension and the rollouts due now (none while it is 1.0). */
static void
find_due(void *arg)
{
	RoundState *st = arg;
	char	   *schema;
	char	   *version;
	uint64		i;

	st->due = NIL;
	if (database_wanted() || !extension_info(&schema, &version))
	{
		st->keep = false;
		return;
	}
	if (RecoveryInProgress())
		return;
	st->schema = MemoryContextStrdup(st->cxt, schema);
	strlcpy(round_version, version, sizeof(round_version));
	st->legacy = strcmp(version, "1.0") == 0;
	if (st->legacy)
	{
		/* 1.0 decides everything in one call (its measurement is read-only) */
		run_worker_query(psprintf("SELECT %s.rollout_tick(pg_catalog.now())",
								  quote_identifier(schema)), 0, NULL, NULL);
		SPI_finish();
		return;
	}
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
 * One round: false when the worker should exit (extension gone, database
 * wanted).  Each rollout is decided in a transaction of its own, so that
 * a slow or failing rollout neither holds the others' decisions back nor
 * undoes them.
 */
static bool
worker_round(MemoryContext cxt, char **last_error)
{
	RoundState	st = {.cxt = cxt,.keep = true};
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
	return st.keep && res != TX_UNINSTALLED && ca_rollout_enabled;
}

void
ca_rollout_worker_main(Datum main_arg)
{
	Oid			dboid = DatumGetObjectId(main_arg);
	MemoryContext cxt;
	char	   *last_error = NULL;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(dboid, InvalidOid, 0);
	pgstat_report_appname("cohort_analyzer worker");
	ca_rollout_in_worker = true;

	cxt = AllocSetContextCreate(TopMemoryContext, "cohort_analyzer worker",
								ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		TimestampTz round_end;

		CHECK_FOR_INTERRUPTS();
		reload_config();
		if (!ca_rollout_enabled || IsBinaryUpgrade)
			proc_exit(0);
		if (!worker_round(cxt, &last_error))
			proc_exit(0);
		MemoryContextSwitchTo(cxt);

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
				proc_exit(0);
			StartTransactionCommand();
			wanted = database_wanted();
			CommitTransactionCommand();
			if (wanted)
				proc_exit(0);
		}
	}
}

/*
 * rollout_registry.h
 *		The launcher's registry of databases in shared memory: which ones
 *		want a rollout worker, have one, or are being scanned.
 *
 * Backends mark their database "signaled" when a transaction that made a
 * rollout run commits; the launcher turns signals into workers, at most
 * cohort_analyzer.max_workers at once, the others waiting their turn.
 * Every field is read and written under the registry's lock.
 */
#ifndef CA_ROLLOUT_REGISTRY_H
#define CA_ROLLOUT_REGISTRY_H

#include "postgres.h"

#include "storage/latch.h"
#include "storage/lwlock.h"
#include "utils/timestamp.h"

/* Upper bound of cohort_analyzer.max_workers. */
#define CA_MAX_WORKERS_LIMIT	64

/* Databases tracked at once (scanning, waiting, served, retried). */
#define CA_REGISTRY_SIZE		128

typedef enum CaDbState
{
	CA_DB_FREE = 0,				/* unused entry */
	CA_DB_IDLE,					/* signaled; the launcher has not looked yet */
	CA_DB_SCANNING,				/* a scan looks for running rollouts */
	CA_DB_WAITING,				/* has running rollouts, waits for a worker */
	CA_DB_SERVING,				/* its worker runs */
	CA_DB_RETRY					/* its worker ended abnormally: again later */
} CaDbState;

/* Why a worker or scan ended, as it reported before exiting. */
typedef enum CaExit
{
	CA_EXIT_NONE = 0,			/* no report: killed, crashed or FATAL */
	CA_EXIT_IDLE,				/* no running rollout left */
	CA_EXIT_TURN,				/* served its turn while others waited */
	CA_EXIT_NO_EXTENSION,		/* the extension is not installed */
	CA_EXIT_DISABLED,			/* cohort_analyzer.enabled is off */
	CA_EXIT_DB_WANTED,			/* DROP/ALTER/CREATE DATABASE needs it alone */
	CA_EXIT_SCAN_RUNNING,		/* scan: running rollouts found */
	CA_EXIT_SCAN_NONE			/* scan: nothing to do */
} CaExit;

typedef struct CaDbEntry
{
	Oid			dboid;
	CaDbState	state;
	bool		signaled;		/* a rollout was made running since last look */
	bool		leave;			/* the launcher asks the worker to end its turn */
	CaExit		exit;			/* reported by the worker of this token */
	uint32		token;			/* identifies the worker or scan started */
	pid_t		pid;			/* worker or scan, 0 before it reports */
	uint64		queued;			/* place in the queue of waiting databases */
	TimestampTz since;			/* when it entered its state */
	TimestampTz retry_at;		/* CA_DB_RETRY: when to start again */
} CaDbEntry;

typedef struct CaRegistry
{
	LWLock	   *lock;
	pid_t		launcher_pid;
	Latch	   *launcher_latch;
	bool		scanned;		/* every database scanned since server start */
	bool		overflow;		/* a signal found no free entry: scan again */
	int			waiting;		/* entries in CA_DB_WAITING */
	uint32		next_token;
	uint64		next_queued;
	CaDbEntry	dbs[CA_REGISTRY_SIZE];
} CaRegistry;

/* NULL unless the library was preloaded. */
extern CaRegistry *ca_registry;

/* Called from _PG_init while preloading. */
extern void ca_registry_request(void);

/* The entry of dboid, created if asked and possible; lock held exclusively. */
extern CaDbEntry *ca_registry_entry(Oid dboid, bool create);

/* Marks dboid signaled and wakes the launcher (no-op without the registry). */
extern void ca_registry_signal(Oid dboid);

/* Asks for a worker for this database when the transaction commits. */
extern void ca_registry_signal_at_commit(void);

extern const char *ca_db_state_name(CaDbState state);

#endif							/* CA_ROLLOUT_REGISTRY_H */

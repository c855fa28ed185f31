-- ---------------------------------------------------------------------------
-- Rollout background workers: the launcher's registry
-- ---------------------------------------------------------------------------
--
-- With shared_preload_libraries, a database has a worker only while it has
-- running rollouts (src/rollout_worker.c); rollout_start, rollout_resume
-- and rollout_advance ask the launcher for one when they commit.

CREATE FUNCTION @extschema@.rollout_workers(
    OUT datid oid, OUT datname name, OUT state text, OUT pid integer, OUT since timestamptz)
RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'rollout_workers' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_workers() IS
    'The databases the rollout launcher tracks, in every database of the cluster: scanning, waiting for a worker, serving (pid of the worker) or retrying, since when; no rows when the library is not in shared_preload_libraries';

CREATE FUNCTION @extschema@.rollout_worker_request() RETURNS boolean
    AS 'MODULE_PATHNAME', 'rollout_worker_request' LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION @extschema@.rollout_worker_request() IS
    'Asks the launcher for a worker for this database when the transaction commits (the worker leaves again if no rollout runs); false when the library is not in shared_preload_libraries';
REVOKE ALL ON FUNCTION @extschema@.rollout_worker_request() FROM PUBLIC;

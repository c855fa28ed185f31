-- Every function of the extension that runs SQL with its own rules pins
-- search_path: SECURITY DEFINER functions (whatever their language) and
-- SQL and PL/pgSQL functions have SET search_path = pg_catalog, pg_temp,
-- unless their body is BEGIN ATOMIC (parsed and bound at creation).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;

CREATE TEMP VIEW extension_functions AS
SELECT p.oid::regprocedure AS fn, l.lanname, p.prosecdef, p.prosqlbody IS NOT NULL AS atomic,
       p.proconfig
FROM pg_depend d
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cohort_analyzer'
JOIN pg_proc p ON p.oid = d.objid
JOIN pg_language l ON l.oid = p.prolang
WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass
  AND d.deptype = 'e';

-- the functions that must pin it are there (the check is not vacuous)
SELECT count(*) FILTER (WHERE lanname = 'sql') > 0 AS has_sql,
       count(*) FILTER (WHERE lanname = 'plpgsql') > 0 AS has_plpgsql,
       count(*) FILTER (WHERE prosecdef) > 0 AS has_security_definer
FROM extension_functions;

CREATE TEMP VIEW unpinned AS
SELECT fn, lanname, prosecdef, proconfig
FROM extension_functions
WHERE (prosecdef OR lanname IN ('sql', 'plpgsql'))
  AND NOT (lanname = 'sql' AND atomic AND NOT prosecdef)
  AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (proconfig), false);

-- none of them leaves search_path to the caller
SELECT * FROM unpinned ORDER BY fn::text;

-- the check finds one that would: a member function with another path,
-- one without, and a SECURITY DEFINER one whose BEGIN ATOMIC body does not
-- excuse it
BEGIN;
CREATE FUNCTION public.unpinned_sql() RETURNS integer LANGUAGE sql AS 'SELECT 1';
CREATE FUNCTION public.unpinned_plpgsql() RETURNS integer LANGUAGE plpgsql
    SET search_path = public, pg_catalog AS 'BEGIN RETURN 1; END';
CREATE FUNCTION public.atomic_sql() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE FUNCTION public.atomic_definer() RETURNS integer LANGUAGE sql SECURITY DEFINER
    BEGIN ATOMIC SELECT 1; END;
ALTER EXTENSION cohort_analyzer ADD FUNCTION public.unpinned_sql();
ALTER EXTENSION cohort_analyzer ADD FUNCTION public.unpinned_plpgsql();
ALTER EXTENSION cohort_analyzer ADD FUNCTION public.atomic_sql();
ALTER EXTENSION cohort_analyzer ADD FUNCTION public.atomic_definer();
SELECT * FROM unpinned ORDER BY fn::text;
ROLLBACK;


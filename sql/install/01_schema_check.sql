-- ---------------------------------------------------------------------------
-- The extension's schema must be one that only trusted roles can write
-- ---------------------------------------------------------------------------
--
-- Functions of this extension call each other schema-qualified; a role that
-- may create objects in that schema could plant a better-matching overload
-- and have it run as whoever calls (the rollout worker is a superuser).
-- Checked at CREATE EXTENSION and at every ALTER EXTENSION UPDATE.

CREATE FUNCTION @extschema@.cohort_analyzer_schema_check(schema_oid oid) RETURNS void
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        schema_name name;
        untrusted text;
    BEGIN
        -- who may create in the schema: grantees of CREATE (the owner's
        -- implicit right included), pg_database_owner standing for the owner
        -- of the database
        SELECT n.nspname,
               pg_catalog.string_agg(DISTINCT CASE WHEN g.grantee = 0 THEN 'PUBLIC'
                                                   ELSE pg_catalog.quote_ident(r.rolname) END, ', ')
                   FILTER (WHERE g.grantee = 0 OR NOT COALESCE(r.rolsuper, false))
          INTO schema_name, untrusted
          FROM pg_catalog.pg_namespace n
          CROSS JOIN LATERAL pg_catalog.aclexplode(
              COALESCE(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) AS a
          CROSS JOIN LATERAL (SELECT CASE WHEN a.grantee = 'pg_database_owner'::pg_catalog.regrole
                                          THEN (SELECT d.datdba FROM pg_catalog.pg_database d
                                                WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())
                                          ELSE a.grantee END AS grantee) AS g
          LEFT JOIN pg_catalog.pg_roles r ON r.oid = g.grantee
         WHERE n.oid = schema_oid AND a.privilege_type = 'CREATE'
         GROUP BY n.nspname;
        IF untrusted IS NOT NULL THEN
            RAISE EXCEPTION 'cohort_analyzer cannot be installed in schema %: % may create objects there',
                            pg_catalog.quote_ident(schema_name), untrusted
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'A role that can create objects in the extension''s schema could make the extension''s own calls run its code.',
                      HINT = 'Install it in a schema where only superusers can create objects, e.g. CREATE SCHEMA cohort_analyzer; CREATE EXTENSION cohort_analyzer SCHEMA cohort_analyzer;';
        END IF;
    END
    $$;
COMMENT ON FUNCTION @extschema@.cohort_analyzer_schema_check(oid) IS
    'Raises an error when roles other than superusers may create objects in the given schema (checked for the extension''s own schema at install and update)';
REVOKE ALL ON FUNCTION @extschema@.cohort_analyzer_schema_check(oid) FROM PUBLIC;

SELECT @extschema@.cohort_analyzer_schema_check(n.oid)
  FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) pg_catalog.current_schema();

-- The schema must not already hold objects with the names of the
-- extension's tables: say which, and where to install instead.
DO $$
DECLARE
    taken text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.format('%s %I.%I',
               CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view'
                              WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                              WHEN 'i' THEN 'index' WHEN 'f' THEN 'foreign table' ELSE 'relation' END,
               n.nspname, c.relname), ', ' ORDER BY c.relname)
      INTO taken
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname OPERATOR(pg_catalog.=) pg_catalog.current_schema()
       AND c.relname OPERATOR(pg_catalog.=) ANY (ARRAY['rollouts', 'rollout_decisions', 'rollouts_id_seq',
                                                       'rollout_decisions_id_seq', 'rollouts_due_idx',
                                                       'rollout_decisions_rollout_idx']::name[]);
    IF taken IS NOT NULL THEN
        RAISE EXCEPTION 'cohort_analyzer cannot be installed in schema %: it already holds %',
                        pg_catalog.quote_ident(pg_catalog.current_schema()), taken
            USING ERRCODE = 'duplicate_table',
                  DETAIL = 'The extension keeps its rollouts in tables of these names in its own schema.',
                  HINT = 'Install it in a schema of its own: CREATE SCHEMA cohort_analyzer; CREATE EXTENSION cohort_analyzer SCHEMA cohort_analyzer;';
    END IF;
END
$$;

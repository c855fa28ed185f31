-- ---------------------------------------------------------------------------
-- Assignment of units to arms
-- ---------------------------------------------------------------------------
--
-- A unit's bucket is a fixed number in [0, 1) from the rollout's salt and
-- the unit id; the unit is in the treatment exactly when its bucket is
-- below the treatment share, so a share that grows never moves a unit of
-- the treatment back to the control.  doc/rollouts.md spells the hash out
-- for routers written in other languages.

CREATE FUNCTION @extschema@.rollout_bucket(salt text, unit_id text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'rollout_bucket' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollout_bucket(text, text) IS
    'Assignment bucket of a unit in [0, 1): the first 8 bytes of SHA-256(salt, a zero byte, unit_id) in UTF-8, as a big-endian integer shifted right by 11 bits, divided by 2^53';

CREATE FUNCTION @extschema@.rollout_assign(name text, unit_id text) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        salt text;
        share double precision;
    BEGIN
        SELECT r.salt, r.treatment_share INTO salt, share
          FROM @extschema@.rollouts r WHERE r.name = rollout_assign.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_assign.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN CASE WHEN @extschema@.rollout_bucket(salt, unit_id) < share THEN 'treatment'
                    ELSE 'control' END;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_assign(text, text) IS
    'The arm (control or treatment) of a unit under the rollout''s current treatment share: treatment exactly when rollout_bucket(salt, unit_id) < share';

CREATE FUNCTION @extschema@.rollout_salt(name text) RETURNS text
    LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        salt text;
    BEGIN
        SELECT r.salt INTO salt FROM @extschema@.rollouts r WHERE r.name = rollout_salt.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_salt.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN salt;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_salt(text) IS
    'The salt of a rollout''s assignment hash, for routers that compute rollout_bucket themselves';

-- ---------------------------------------------------------------------------
-- Equality, order and hashing of the summary types (doc/ordering.md):
-- btree and hash operator classes over each type's canonical binary form,
-- so that SELECT DISTINCT, UNION, GROUP BY and ORDER BY work on them.  The
-- order is arbitrary but stable; equality is bit-for-bit.
-- ---------------------------------------------------------------------------

-- cohort
CREATE FUNCTION @extschema@.cohort_lt(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_lt(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_le(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_le(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_gt(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_gt(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_ge(@extschema@.cohort, @extschema@.cohort) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_ge(@extschema@.cohort, @extschema@.cohort) IS
    'True when the first cohort value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.cohort_cmp(@extschema@.cohort, @extschema@.cohort) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_cmp(@extschema@.cohort, @extschema@.cohort) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.cohort_hash(@extschema@.cohort) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_hash(@extschema@.cohort) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.cohort_hash_extended(@extschema@.cohort, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_hash_extended(@extschema@.cohort, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
ALTER OPERATOR @extschema@.= (@extschema@.cohort, @extschema@.cohort)
    SET (RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.cohort, RIGHTARG = @extschema@.cohort, FUNCTION = @extschema@.cohort_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.cohort, @extschema@.cohort) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.cohort_ops DEFAULT FOR TYPE @extschema@.cohort USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 2 @extschema@.<= (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 3 @extschema@.= (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 4 @extschema@.>= (@extschema@.cohort, @extschema@.cohort),
    OPERATOR 5 @extschema@.> (@extschema@.cohort, @extschema@.cohort),
    FUNCTION 1 @extschema@.cohort_cmp(@extschema@.cohort, @extschema@.cohort);
COMMENT ON OPERATOR CLASS @extschema@.cohort_ops USING btree IS
    'Default btree operator class of cohort: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.cohort_ops USING btree IS
    'Btree operator family of cohort';
CREATE OPERATOR CLASS @extschema@.cohort_ops DEFAULT FOR TYPE @extschema@.cohort USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.cohort, @extschema@.cohort),
    FUNCTION 1 @extschema@.cohort_hash(@extschema@.cohort),
    FUNCTION 2 @extschema@.cohort_hash_extended(@extschema@.cohort, bigint);
COMMENT ON OPERATOR CLASS @extschema@.cohort_ops USING hash IS
    'Default hash operator class of cohort: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.cohort_ops USING hash IS
    'Hash operator family of cohort';

-- quantile_sketch
CREATE FUNCTION @extschema@.quantile_sketch_lt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_lt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_le(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_le(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_gt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_gt(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_ge(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_ge(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'True when the first quantile sketch value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.quantile_sketch_cmp(@extschema@.quantile_sketch, @extschema@.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_cmp(@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.quantile_sketch_hash(@extschema@.quantile_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_hash(@extschema@.quantile_sketch) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.quantile_sketch_hash_extended(@extschema@.quantile_sketch, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_sketch_hash_extended(@extschema@.quantile_sketch, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
ALTER OPERATOR @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch)
    SET (RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.quantile_sketch, RIGHTARG = @extschema@.quantile_sketch, FUNCTION = @extschema@.quantile_sketch_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.quantile_sketch, @extschema@.quantile_sketch) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.quantile_sketch_ops DEFAULT FOR TYPE @extschema@.quantile_sketch USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 2 @extschema@.<= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 3 @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 4 @extschema@.>= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    OPERATOR 5 @extschema@.> (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    FUNCTION 1 @extschema@.quantile_sketch_cmp(@extschema@.quantile_sketch, @extschema@.quantile_sketch);
COMMENT ON OPERATOR CLASS @extschema@.quantile_sketch_ops USING btree IS
    'Default btree operator class of quantile_sketch: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.quantile_sketch_ops USING btree IS
    'Btree operator family of quantile_sketch';
CREATE OPERATOR CLASS @extschema@.quantile_sketch_ops DEFAULT FOR TYPE @extschema@.quantile_sketch USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.quantile_sketch, @extschema@.quantile_sketch),
    FUNCTION 1 @extschema@.quantile_sketch_hash(@extschema@.quantile_sketch),
    FUNCTION 2 @extschema@.quantile_sketch_hash_extended(@extschema@.quantile_sketch, bigint);
COMMENT ON OPERATOR CLASS @extschema@.quantile_sketch_ops USING hash IS
    'Default hash operator class of quantile_sketch: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.quantile_sketch_ops USING hash IS
    'Hash operator family of quantile_sketch';

-- activity
CREATE FUNCTION @extschema@.activity_eq(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_eq(@extschema@.activity, @extschema@.activity) IS
    'True when two activity values are bit-for-bit identical';
CREATE FUNCTION @extschema@.activity_lt(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_lt(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_le(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_le(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_gt(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_gt(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_ge(@extschema@.activity, @extschema@.activity) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_ge(@extschema@.activity, @extschema@.activity) IS
    'True when the first activity value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.activity_cmp(@extschema@.activity, @extschema@.activity) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_cmp(@extschema@.activity, @extschema@.activity) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.activity_hash(@extschema@.activity) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_hash(@extschema@.activity) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.activity_hash_extended(@extschema@.activity, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.activity_hash_extended(@extschema@.activity, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity,
    FUNCTION = @extschema@.activity_eq, COMMUTATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.activity, @extschema@.activity) IS
    'Bit-for-bit identical activity values';
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.activity, @extschema@.activity) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.activity, @extschema@.activity) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.activity, @extschema@.activity) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.activity, RIGHTARG = @extschema@.activity, FUNCTION = @extschema@.activity_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.activity, @extschema@.activity) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.activity_ops DEFAULT FOR TYPE @extschema@.activity USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.activity, @extschema@.activity),
    OPERATOR 2 @extschema@.<= (@extschema@.activity, @extschema@.activity),
    OPERATOR 3 @extschema@.= (@extschema@.activity, @extschema@.activity),
    OPERATOR 4 @extschema@.>= (@extschema@.activity, @extschema@.activity),
    OPERATOR 5 @extschema@.> (@extschema@.activity, @extschema@.activity),
    FUNCTION 1 @extschema@.activity_cmp(@extschema@.activity, @extschema@.activity);
COMMENT ON OPERATOR CLASS @extschema@.activity_ops USING btree IS
    'Default btree operator class of activity: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.activity_ops USING btree IS
    'Btree operator family of activity';
CREATE OPERATOR CLASS @extschema@.activity_ops DEFAULT FOR TYPE @extschema@.activity USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.activity, @extschema@.activity),
    FUNCTION 1 @extschema@.activity_hash(@extschema@.activity),
    FUNCTION 2 @extschema@.activity_hash_extended(@extschema@.activity, bigint);
COMMENT ON OPERATOR CLASS @extschema@.activity_ops USING hash IS
    'Default hash operator class of activity: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.activity_ops USING hash IS
    'Hash operator family of activity';

-- retention
CREATE FUNCTION @extschema@.retention_eq(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_eq(@extschema@.retention, @extschema@.retention) IS
    'True when two retention values are bit-for-bit identical';
CREATE FUNCTION @extschema@.retention_lt(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_lt(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_le(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_le(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_gt(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_gt(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_ge(@extschema@.retention, @extschema@.retention) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_ge(@extschema@.retention, @extschema@.retention) IS
    'True when the first retention value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.retention_cmp(@extschema@.retention, @extschema@.retention) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_cmp(@extschema@.retention, @extschema@.retention) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.retention_hash(@extschema@.retention) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_hash(@extschema@.retention) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.retention_hash_extended(@extschema@.retention, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_hash_extended(@extschema@.retention, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention,
    FUNCTION = @extschema@.retention_eq, COMMUTATOR = OPERATOR(@extschema@.=),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.retention, @extschema@.retention) IS
    'Bit-for-bit identical retention values';
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.retention, @extschema@.retention) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.retention, @extschema@.retention) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.retention, @extschema@.retention) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.retention, RIGHTARG = @extschema@.retention, FUNCTION = @extschema@.retention_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.retention, @extschema@.retention) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.retention_ops DEFAULT FOR TYPE @extschema@.retention USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.retention, @extschema@.retention),
    OPERATOR 2 @extschema@.<= (@extschema@.retention, @extschema@.retention),
    OPERATOR 3 @extschema@.= (@extschema@.retention, @extschema@.retention),
    OPERATOR 4 @extschema@.>= (@extschema@.retention, @extschema@.retention),
    OPERATOR 5 @extschema@.> (@extschema@.retention, @extschema@.retention),
    FUNCTION 1 @extschema@.retention_cmp(@extschema@.retention, @extschema@.retention);
COMMENT ON OPERATOR CLASS @extschema@.retention_ops USING btree IS
    'Default btree operator class of retention: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.retention_ops USING btree IS
    'Btree operator family of retention';
CREATE OPERATOR CLASS @extschema@.retention_ops DEFAULT FOR TYPE @extschema@.retention USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.retention, @extschema@.retention),
    FUNCTION 1 @extschema@.retention_hash(@extschema@.retention),
    FUNCTION 2 @extschema@.retention_hash_extended(@extschema@.retention, bigint);
COMMENT ON OPERATOR CLASS @extschema@.retention_ops USING hash IS
    'Default hash operator class of retention: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.retention_ops USING hash IS
    'Hash operator family of retention';

-- survival
CREATE FUNCTION @extschema@.survival_lt(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_lt(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts before the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_le(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_le(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts before or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_gt(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_gt(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts after the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_ge(@extschema@.survival, @extschema@.survival) RETURNS boolean
    AS 'MODULE_PATHNAME', 'ca_summary_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_ge(@extschema@.survival, @extschema@.survival) IS
    'True when the first survival value sorts after or equal to the second (arbitrary but stable order of the stored bytes)';
CREATE FUNCTION @extschema@.survival_cmp(@extschema@.survival, @extschema@.survival) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_cmp(@extschema@.survival, @extschema@.survival) IS
    'Btree support: -1, 0 or 1 in the arbitrary but stable order of the stored bytes';
CREATE FUNCTION @extschema@.survival_hash(@extschema@.survival) RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_summary_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_hash(@extschema@.survival) IS
    'Hash support: hash of the stored bytes';
CREATE FUNCTION @extschema@.survival_hash_extended(@extschema@.survival, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME', 'ca_summary_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.survival_hash_extended(@extschema@.survival, bigint) IS
    'Hash support: 64-bit seeded hash of the stored bytes';
ALTER OPERATOR @extschema@.= (@extschema@.survival, @extschema@.survival)
    SET (RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel);
CREATE OPERATOR @extschema@.< (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_lt,
    COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.survival, @extschema@.survival) IS
    'Sorts before in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.<= (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_le,
    COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.survival, @extschema@.survival) IS
    'Sorts before or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.> (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_gt,
    COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.survival, @extschema@.survival) IS
    'Sorts after in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR @extschema@.>= (
    LEFTARG = @extschema@.survival, RIGHTARG = @extschema@.survival, FUNCTION = @extschema@.survival_ge,
    COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.survival, @extschema@.survival) IS
    'Sorts after or equal to in the arbitrary but stable order of the stored bytes';
CREATE OPERATOR CLASS @extschema@.survival_ops DEFAULT FOR TYPE @extschema@.survival USING btree AS
    OPERATOR 1 @extschema@.< (@extschema@.survival, @extschema@.survival),
    OPERATOR 2 @extschema@.<= (@extschema@.survival, @extschema@.survival),
    OPERATOR 3 @extschema@.= (@extschema@.survival, @extschema@.survival),
    OPERATOR 4 @extschema@.>= (@extschema@.survival, @extschema@.survival),
    OPERATOR 5 @extschema@.> (@extschema@.survival, @extschema@.survival),
    FUNCTION 1 @extschema@.survival_cmp(@extschema@.survival, @extschema@.survival);
COMMENT ON OPERATOR CLASS @extschema@.survival_ops USING btree IS
    'Default btree operator class of survival: the arbitrary but stable order of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.survival_ops USING btree IS
    'Btree operator family of survival';
CREATE OPERATOR CLASS @extschema@.survival_ops DEFAULT FOR TYPE @extschema@.survival USING hash AS
    OPERATOR 1 @extschema@.= (@extschema@.survival, @extschema@.survival),
    FUNCTION 1 @extschema@.survival_hash(@extschema@.survival),
    FUNCTION 2 @extschema@.survival_hash_extended(@extschema@.survival, bigint);
COMMENT ON OPERATOR CLASS @extschema@.survival_ops USING hash IS
    'Default hash operator class of survival: hash of the stored bytes';
COMMENT ON OPERATOR FAMILY @extschema@.survival_ops USING hash IS
    'Hash operator family of survival';

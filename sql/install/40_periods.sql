-- ---------------------------------------------------------------------------
-- Calendar periods (ICU)
-- ---------------------------------------------------------------------------

-- STABLE, not IMMUTABLE: tz NULL means the session's TimeZone, and ICU's
-- calendar data changes with the ICU version.
CREATE FUNCTION @extschema@.cohort_period(
    ts timestamptz, unit text, locale text DEFAULT NULL, tz text DEFAULT NULL)
RETURNS timestamptz
    AS 'MODULE_PATHNAME', 'ca_cohort_period' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cohort_period(timestamptz, text, text, text) IS
    'Start of the day, week, month, quarter or year containing ts in time zone tz (default: TimeZone), with the calendar and first day of the week of an ICU locale; locale NULL agrees with date_trunc (ISO weeks)';

CREATE FUNCTION @extschema@.periods_between(
    origin timestamptz, ts timestamptz, unit text,
    locale text DEFAULT NULL, tz text DEFAULT NULL)
RETURNS integer
    AS 'MODULE_PATHNAME', 'ca_periods_between' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.periods_between(timestamptz, timestamptz, text, text, text) IS
    'Whole periods of the locale''s calendar from the period containing origin to the period containing ts (negative when ts lies in an earlier period)';

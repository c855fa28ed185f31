-- The cohort_analyzer. prefix of settings is reserved: a misspelt setting is
-- an error once the library is loaded, not a silently ignored placeholder.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
RESET client_min_messages;

-- set before the library is loaded: a placeholder, removed when it loads
SET cohort_analyzer.naptme = '5s';
LOAD 'cohort_analyzer';
SHOW cohort_analyzer.naptme;

SET cohort_analyzer.no_such_setting = 1;
SELECT set_config('cohort_analyzer.typo', 'on', false);
SELECT current_setting('cohort_analyzer.typo', true) IS NULL AS unknown_reads_null;
ALTER ROLE CURRENT_USER SET cohort_analyzer.no_such_setting = 1;

-- the declared settings still work
SHOW cohort_analyzer.naptime;
SHOW cohort_analyzer.enabled;
SET cohort_analyzer.purge_decisions = on;
SHOW cohort_analyzer.purge_decisions;
RESET cohort_analyzer.purge_decisions;
SELECT name, setting, context FROM pg_settings WHERE name LIKE 'cohort\_analyzer.%' ORDER BY name;

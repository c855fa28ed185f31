-- Running states of the cohort aggregates (cohort format version 2), as
-- worker_partial_agg ships them between Citus nodes: values only, values
-- and covariates, far from zero, negative, with NULL outcomes.
CREATE TABLE format_states (name text PRIMARY KEY, c cohort);
INSERT INTO format_states
SELECT 'empty', cohort_state_trans(NULL, NULL, NULL, NULL, NULL)
UNION ALL
SELECT 'outcomes only', cohort_state_trans(cohort_state_trans(NULL, true, NULL), false, true)
UNION ALL
SELECT 'values', cohort_state_trans(cohort_state_trans(cohort_state_trans(NULL, true, false, 12.5),
                                                       false, false, 13.25), true, true, 11.0)
UNION ALL
SELECT 'paired', cohort_state_trans(cohort_state_trans(NULL, true, false, 1e6 + 0.25, 3.5),
                                    false, true, 1e6 + 0.75, 5.25)
UNION ALL
SELECT 'far from zero', cohort_state_trans(cohort_state_trans(NULL, true, false, 1e15 + 1, -1e12),
                                           true, false, 1e15 + 3, -1e12 + 2)
UNION ALL
SELECT 'negative', cohort_state_trans(cohort_state_trans(NULL, NULL, false, -0.001, -7), NULL, NULL, -0.003, -9)
UNION ALL
SELECT 'merged shifts', cohort_state_combine(
           cohort_state_trans(cohort_state_trans(NULL, true, false, 100.5, 1), false, false, 101.5, 2),
           cohort_state_trans(cohort_state_trans(NULL, false, true, 200.25, 30), true, true, 199.75, 31));

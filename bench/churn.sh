#!/usr/bin/env bash
# Hazard ratios, churn scores and prediction scoring against the work they
# rest on or the plain SQL an analyst would otherwise write: fitting a Cox
# model on two stored survival values against building them from the rows,
# scoring every learner with churn_probability against a scan, and
# prediction_score_agg against AUC and Brier score from window ranks.
# Serial plans; every query is wrapped in count(*) or returns one row.
#
#   bench/churn.sh          (ROWS=500000 BENCH_RUNS=5 by default)
. "$(dirname "$0")/lib.sh"
ROWS=${ROWS:-500000}

bench_start
bench_sql <<SQL
CREATE EXTENSION cohort_analyzer;
SELECT setseed(0.25);
CREATE TABLE learners AS
SELECT i AS id, i % 10 AS segment, random() < 0.5 AS treated,
       floor(-30 * ln(1 - random()))::float8 AS days,
       -30 * ln(1 - random()) AS exact_days,
       random() < 0.7 AS churned,
       round(random()::numeric, 3)::float8 AS predicted
FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE learners;
CREATE TABLE arms AS
SELECT survival_agg(days, churned) FILTER (WHERE NOT treated) AS c_days,
       survival_agg(days, churned) FILTER (WHERE treated) AS t_days,
       survival_agg(exact_days, churned) FILTER (WHERE NOT treated) AS c_exact,
       survival_agg(exact_days, churned) FILTER (WHERE treated) AS t_exact
FROM learners;
CREATE TABLE curves AS
SELECT segment, survival_agg(days, churned) AS s FROM learners GROUP BY segment;
SQL

SERIAL="SET max_parallel_workers_per_gather = 0; SET work_mem = '256MB'"
row() {
    local t
    t=$(bench_ms "$SERIAL" "$3")
    printf '| %s | %s | %.1f | %s |\n' "$1" "$2" "$t" "$(ratio "$t" "$4")"
}

echo
echo "rows: $ROWS, median of $BENCH_RUNS runs, jit off, serial plans, $(nproc) cores"
echo
echo "| task | method | ms | ratio |"
echo "|---|---|---:|---:|"
for col in days exact; do
    src=$([ $col = days ] && echo days || echo exact_days)
    t=$(bench_ms "$SERIAL" "SELECT survival_agg($src, churned) FILTER (WHERE NOT treated) IS NULL,
                survival_agg($src, churned) FILTER (WHERE treated) IS NULL FROM learners")
    printf '| Cox, %s | build both arms'"'"' survival values from the rows | %.1f | 1.00 |\n' "$col" "$t"
    row "Cox, $col" "hazard_ratio (Efron) on the stored values" \
        "SELECT hazard_ratio FROM arms, hazard_ratio(c_$col, t_$col)" "$t"
    row "Cox, $col" "hazard_ratio (Breslow) on the stored values" \
        "SELECT hazard_ratio FROM arms, hazard_ratio(c_$col, t_$col, 'breslow')" "$t"
done
scan=$(bench_ms "$SERIAL" "SELECT count(*) FROM learners")
printf '| score every learner | count(*) (the scan alone) | %.1f | 1.00 |\n' "$scan"
row "score every learner" "churn_probability with the segment's curve" \
    "SELECT count(p.probability) FROM learners l JOIN curves c USING (segment),
            churn_probability(c.s, l.days, 7) p" "$scan"
row "score every learner" "churn_probability per distinct (segment, tenure), joined back" \
    "WITH scores AS MATERIALIZED (
         SELECT t.segment, t.days, p.probability
         FROM (SELECT DISTINCT segment, days FROM learners) t JOIN curves c USING (segment),
              churn_probability(c.s, t.days, 7) p)
     SELECT count(s.probability) FROM learners l JOIN scores s USING (segment, days)" "$scan"
sqlauc=$(bench_ms "$SERIAL" "
    SELECT (sum(r) FILTER (WHERE churned) - n1 * (n1 + 1) / 2.0) / (n1 * (count(*) - n1)),
           avg((predicted - churned::int) ^ 2)
    FROM (SELECT churned, predicted, avg(rn) OVER (PARTITION BY predicted) AS r,
                 count(*) FILTER (WHERE churned) OVER () AS n1
          FROM (SELECT churned, predicted, row_number() OVER (ORDER BY predicted) AS rn
                FROM learners) o) q
    GROUP BY n1")
printf '| grade scores | plain SQL: AUC from mid-ranks, Brier | %.1f | 1.00 |\n' "$sqlauc"
row "grade scores" "prediction_score_agg (with calibration)" \
    "SELECT (prediction_score_agg(predicted, churned)).auc FROM learners" "$sqlauc"

-- Every accessor over every row of format_values, as text: the answers of
-- version 1.0 are committed in accessors.txt, and the format test compares
-- the current code's answers to them.
CREATE TEMP VIEW format_accessors AS
SELECT f.name, x.accessor, x.result
FROM format_values f, LATERAL (VALUES
    ('units', units(f.c)::text), ('completions', completions(f.c)::text),
    ('completion_known', completion_known(f.c)::text), ('completion_rate', completion_rate(f.c)::text),
    ('churns', churns(f.c)::text), ('churn_known', churn_known(f.c)::text),
    ('churn_rate', churn_rate(f.c)::text), ('value_count', value_count(f.c)::text),
    ('value_sum', value_sum(f.c)::text), ('value_mean', value_mean(f.c)::text),
    ('value_variance', value_variance(f.c)::text), ('value_stddev', value_stddev(f.c)::text),
    ('covariate_count', covariate_count(f.c)::text), ('covariate_mean', covariate_mean(f.c)::text),
    ('value_covariate_corr', value_covariate_corr(f.c)::text), ('jsonb', f.c::jsonb::text),
    ('completion_ci', (SELECT completion_ci(f.c)::text WHERE completion_known(f.c) > 0)),
    ('churn_ci', (SELECT churn_ci(f.c, 0.9, 'jeffreys')::text WHERE churn_known(f.c) > 0))
) AS x(accessor, result)
WHERE f.c IS NOT NULL
UNION ALL
SELECT f.name, x.accessor, x.result
FROM format_values f, LATERAL (VALUES
    ('value_count', value_count(f.s)::text), ('value_sum', value_sum(f.s)::text),
    ('value_mean', value_mean(f.s)::text), ('value_min', value_min(f.s)::text),
    ('value_max', value_max(f.s)::text), ('relative_accuracy', relative_accuracy(f.s)::text),
    ('bucket_count', bucket_count(f.s)::text),
    ('quantiles', quantiles(f.s, '{0,0.001,0.01,0.1,0.25,0.5,0.75,0.9,0.99,0.999,1}')::text),
    ('cdf', ARRAY[cdf(f.s, -1), cdf(f.s, 0), cdf(f.s, 1), cdf(f.s, 100), cdf(f.s, 1e6)]::text),
    ('jsonb', f.s::jsonb::text)
) AS x(accessor, result)
WHERE f.s IS NOT NULL
UNION ALL
SELECT f.name, 'active_periods', active_periods(f.a)::text
FROM format_values f WHERE f.a IS NOT NULL
UNION ALL
SELECT f.name, x.accessor, x.result
FROM format_values f, LATERAL (VALUES
    ('units', units(f.r)::text),
    ('counts on', retention_counts(f.r)::text),
    ('counts on_or_after', retention_counts(f.r, 'on_or_after')::text),
    ('counts eligible', retention_counts(f.r, 'eligible')::text),
    ('rates on', retention_rates(f.r)::text),
    ('rates on_or_after', retention_rates(f.r, 'on_or_after')::text),
    ('churn_rate', (SELECT array_agg(churn_rate(f.r, p) ORDER BY p) FROM generate_series(0, array_length(retention_counts(f.r), 1) - 1) AS p)::text),
    ('table', (SELECT string_agg(t::text, ';' ORDER BY t.period) FROM retention_table(f.r) AS t)),
    ('jsonb', f.r::jsonb::text)
) AS x(accessor, result)
WHERE f.r IS NOT NULL
UNION ALL
SELECT f.name, x.accessor, x.result
FROM format_values f, LATERAL (VALUES
    ('median_survival', median_survival(f.v)::text),
    ('curve', (SELECT string_agg(k::text, ';' ORDER BY k."time") FROM survival_curve(f.v) AS k)),
    ('curve 0.9', (SELECT string_agg(k::text, ';' ORDER BY k."time") FROM survival_curve(f.v, 0.9) AS k)),
    ('logrank', (SELECT logrank_test(f.v, g.v)::text FROM format_values g WHERE g.name = 'survival ties')),
    ('jsonb', f.v::jsonb::text)
) AS x(accessor, result)
WHERE f.v IS NOT NULL;

-- Pictures: SVG plots and the HTML rollout report are well-formed XML,
-- escape every user string, and reject bad arguments with clear errors.
CREATE EXTENSION IF NOT EXISTS cohort_analyzer;
SET client_min_messages = warning;

-- markup_escape: the five characters and the control characters XML forbids
SELECT markup_escape('<script>alert("x") & ''y''</script>') AS escaped;
SELECT markup_escape(E'a\x01b\x1fc\td\ne') = E'abc\td\ne' AS controls_removed;
SELECT markup_escape(NULL) IS NULL AS strict;

-- data: three weekly cohorts, two survival groups, two latency sketches
CREATE TEMP TABLE pic_ret AS
SELECT c AS cohort, retention_agg(a) AS r
FROM (SELECT c, activity_agg(timestamptz '2026-11-02 10:00+00' + c * interval '7 days',
                             timestamptz '2026-11-02 10:00+00' + c * interval '7 days' + w * interval '7 days',
                             'week', 4) AS a
      FROM generate_series(0, 2) AS c, generate_series(1, 30) AS u,
           LATERAL (SELECT w FROM generate_series(0, 3) AS w WHERE (u * 7 + w * 3) % 5 > w) AS ww
      GROUP BY c, u) s
GROUP BY c;
CREATE TEMP TABLE pic_surv AS
SELECT g, survival_agg((i % 17)::float8, i % 3 = 0) AS s
FROM generate_series(1, 400) AS i, (VALUES ('<b>control</b>'), ('treatment & co')) AS v(g)
WHERE i % 2 = length(g) % 2 OR i % 5 = 0
GROUP BY g;
CREATE TEMP TABLE pic_lat AS
SELECT v, quantile_sketch_agg(exp(3 + (i % 97) / 40.0) * CASE v WHEN 'a' THEN 1 ELSE 1.1 END) AS s
FROM generate_series(1, 5000) AS i, (VALUES ('a'), ('b')) AS t(v)
GROUP BY v;

-- every picture is a well-formed XML document with an svg root, and user
-- strings appear only escaped
CREATE TEMP TABLE pics AS
SELECT 'heatmap' AS kind,
       retention_heatmap(array_agg('<i>week ' || cohort || '</i>' ORDER BY cohort), array_agg(r ORDER BY cohort),
                         'Retention <script>alert(1)</script>') AS doc
FROM pic_ret
UNION ALL
SELECT 'heatmap on_or_after',
       retention_heatmap(array_agg(cohort::text ORDER BY cohort), array_agg(r ORDER BY cohort), NULL, 'on_or_after')
FROM pic_ret
UNION ALL
SELECT 'survival', survival_plot(array_agg(g ORDER BY g), array_agg(s ORDER BY g), 'Churn "quoted"', 0.9, 'days & nights')
FROM pic_surv
UNION ALL
SELECT 'latency', latency_plot(array_agg(v ORDER BY v), array_agg(s ORDER BY v), 'Latency <b>', 'µs')
FROM pic_lat;
SELECT kind, xml_is_well_formed_document(doc) AS well_formed,
       doc LIKE '<svg xmlns="http://www.w3.org/2000/svg" %</svg>' AS svg_root,
       doc !~ '<(script|i|b)>' AS no_raw_markup,
       doc !~* '(href|src)=' AS no_external_reference
FROM pics ORDER BY kind;
SELECT kind, (xpath('count(//s:rect)', doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text::int AS rects,
       (xpath('count(//s:path)', doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text::int AS paths,
       (xpath('count(//s:circle)', doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text::int AS circles
FROM pics ORDER BY kind;
-- the labels come back as text, unchanged, once parsed
SELECT kind, (xpath('//s:title/text()', doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']]))[1]::text AS title
FROM pics ORDER BY kind;
SELECT (SELECT array_agg(t::text) FROM unnest(xpath('//s:text/text()', doc::xml,
            ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']])) AS t) @> ARRAY['&lt;b&gt;control&lt;/b&gt;', 'treatment &amp; co']
       AS survival_labels
FROM pics WHERE kind = 'survival';
-- the heat map shows each cell's rate; one row of cells per cohort
SELECT array_agg(round(100 * x::numeric, 1) || '%' ORDER BY x) AS rates FROM pic_ret, unnest(retention_rates(pic_ret.r)) AS x;
SELECT array_agg(t::text ORDER BY t::text) FILTER (WHERE t::text LIKE '%\%') AS shown
FROM pics, unnest(xpath('//s:text/text()', doc::xml, ARRAY[ARRAY['s', 'http://www.w3.org/2000/svg']])) AS t
WHERE kind = 'heatmap';

-- NULL values are skipped (a row without cells, a missing curve)
SELECT xml_is_well_formed_document(retention_heatmap(ARRAY['a', 'b'], ARRAY[r, NULL])) AS null_row_ok
FROM pic_ret WHERE cohort = 0;
SELECT xml_is_well_formed_document(survival_plot(ARRAY['a', NULL], ARRAY[NULL, s])) AS null_curve_ok
FROM pic_surv LIMIT 1;
-- an empty survival value and an empty group of sketches
SELECT xml_is_well_formed_document(survival_plot(ARRAY['none'],
           ARRAY['(version=1, observations=0, events=0, points=[])'::survival])) AS empty_survival_ok;
SELECT xml_is_well_formed_document(survival_plot(ARRAY['all churn at 0'],
           ARRAY['(version=1, observations=2, events=2, points=[0:2/0])'::survival])) AS all_churned_ok;
SELECT xml_is_well_formed_document(latency_plot(ARRAY['one'], ARRAY[quantile_sketch_agg(5)])) AS one_value_ok;
SELECT xml_is_well_formed_document(latency_plot(ARRAY['zeros', 'negative'],
           ARRAY[(SELECT quantile_sketch_agg(0) FROM generate_series(1, 3)),
                 (SELECT quantile_sketch_agg(-i) FROM generate_series(1, 3) i)])) AS zeros_ok;

-- bad arguments
\set VERBOSITY default
SELECT retention_heatmap(ARRAY['a'], ARRAY[]::retention[]);
SELECT retention_heatmap(ARRAY['a', 'b'], ARRAY[r]) FROM pic_ret WHERE cohort = 0;
SELECT retention_heatmap(NULL, ARRAY[r]) FROM pic_ret WHERE cohort = 0;
SELECT retention_heatmap(ARRAY[['a']], ARRAY[r]) FROM pic_ret WHERE cohort = 0;
SELECT retention_heatmap(ARRAY['a'], ARRAY[NULL::retention]);
SELECT retention_heatmap(ARRAY['a'], ARRAY[r], 't', 'eligible') FROM pic_ret WHERE cohort = 0;
SELECT survival_plot(ARRAY['a'], ARRAY[s], 't', 1.5) FROM pic_surv LIMIT 1;
SELECT survival_plot(ARRAY['a'], ARRAY[s], 't', 'NaN') FROM pic_surv LIMIT 1;
SELECT latency_plot(ARRAY['a'], ARRAY[NULL::quantile_sketch]);
SELECT latency_plot(array_agg(i::text), array_agg(s)) FROM pic_lat, generate_series(1, 101) AS i;
\set VERBOSITY terse

-- the rollout report: a rollout named <script> is shown, not run
CREATE TABLE pic_requests (ts timestamptz, arm text, is_error boolean, latency_ms float8, revenue float8);
INSERT INTO pic_requests
SELECT timestamptz '2030-01-01 09:00+00' + i * interval '1 second',
       CASE WHEN i % 10 = 0 THEN 'treatment' ELSE 'control' END,
       i % 10 = 0 AND i > 7200 AND i % 20 = 0, 20 + i % 13, (i % 7)::float8
FROM generate_series(0, 30000) AS i;
SELECT rollout_create('<script>alert("rollout")</script>', 'pic_requests',
                      rollout_default_plan(true) || '{"min_requests": 10, "srm": "off"}') IS NOT NULL AS created;
SELECT rollout_start('<script>alert("rollout")</script>', '2030-01-01 09:00+00');
SELECT rollout_tick('2030-01-01 10:00+00') > 0 AS decided;
SELECT rollout_hold('<script>alert("rollout")</script>', 'paused by <b>on-call</b> & "team"');
SELECT rollout_resume('<script>alert("rollout")</script>', '2030-01-01 10:10+00');
SELECT rollout_tick('2030-01-01 17:00+00') > 0 AS decided;
SELECT decision, state FROM rollout_decisions WHERE rollout = '<script>alert("rollout")</script>' ORDER BY id DESC LIMIT 1;
SELECT rollout_report('<script>alert("rollout")</script>') AS doc \gset
SELECT xml_is_well_formed_document(:'doc') AS well_formed,
       :'doc' LIKE E'<!DOCTYPE html>\n<html lang="en">%</html>\n' AS html_page,
       :'doc' NOT LIKE '%<script%' AS no_script,
       :'doc' LIKE '%Rollout &lt;script&gt;alert(&quot;rollout&quot;)&lt;/script&gt;%' AS name_shown,
       :'doc' LIKE '%paused by &lt;b&gt;on-call&lt;/b&gt; &amp; &quot;team&quot;%' AS reason_shown,
       :'doc' !~* '(href|src)=|@import|url\(' AS self_contained;
-- sections and their contents, read back with XPath
SELECT (xpath('//h2/text()', :'doc'::xml))::text[] AS sections;
SELECT (xpath('/html/head/title/text()', :'doc'::xml))[1]::text AS title;
SELECT (xpath('count(//table[2]//tr)', :'doc'::xml))[1]::text::int - 1 =
       (SELECT count(*) FROM rollout_decisions WHERE rollout = '<script>alert("rollout")</script>') AS one_row_per_decision;
SELECT (xpath('//table[2]//tr[1]/th/text()', :'doc'::xml))::text[] AS checkpoint_columns;
SELECT (xpath('count(//td[@class="fail"])', :'doc'::xml))[1]::text::int > 0 AS failures_marked,
       (xpath('count(//td[@class="pass"])', :'doc'::xml))[1]::text::int > 0 AS passes_marked;
SELECT (xpath('count(//*[local-name()="svg"])', :'doc'::xml))[1]::text::int >= 2 AS timeline_and_guardrails;
-- an unknown rollout, NULL
SELECT rollout_report('no such rollout');
SELECT rollout_report(NULL);
DROP TABLE pic_requests;

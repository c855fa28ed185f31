
-- ---------------------------------------------------------------------------
-- Pictures: SVG plots of stored summaries and an HTML rollout report
-- ---------------------------------------------------------------------------
-- Every function returns text that is a complete SVG or HTML document:
-- valid XML, no scripts, no external assets, every user-supplied string
-- escaped by markup_escape.

CREATE FUNCTION @extschema@.markup_escape(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
               pg_catalog.regexp_replace(value, '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]', '', 'g'),
               '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
    $$;
COMMENT ON FUNCTION @extschema@.markup_escape(text) IS
    'Text made safe for XML, SVG and HTML content and attributes: & < > " '' escaped, characters XML forbids removed';

-- The labels of a picture's series, checked against its values and escaped.
CREATE FUNCTION @extschema@.picture_labels(labels text[], value_count integer, values_name text)
    RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF labels IS NULL OR value_count IS NULL THEN
            RAISE EXCEPTION 'labels and % must not be NULL', values_name
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        IF pg_catalog.array_ndims(labels) IS DISTINCT FROM 1 OR value_count < 1 THEN
            RAISE EXCEPTION 'labels and % must be one-dimensional arrays with at least one element', values_name
                USING ERRCODE = 'array_subscript_error';
        END IF;
        IF pg_catalog.cardinality(labels) <> value_count THEN
            RAISE EXCEPTION 'labels and % must have the same length', values_name
                USING ERRCODE = 'array_subscript_error',
                      DETAIL = pg_catalog.format('labels has %s elements, %s has %s.',
                                                 pg_catalog.cardinality(labels), values_name, value_count);
        END IF;
        IF value_count > 200 THEN
            RAISE EXCEPTION '% has % elements, more than a picture can show (200)', values_name, value_count
                USING ERRCODE = 'program_limit_exceeded';
        END IF;
        RETURN ARRAY(SELECT @extschema@.markup_escape(coalesce(l, '')) FROM pg_catalog.unnest(labels) AS l);
    END
    $$;
COMMENT ON FUNCTION @extschema@.picture_labels(text[], integer, text) IS
    'Checks that a picture has as many labels as values (at most 200) and returns them escaped';

-- The colour of series number i (from 1): a palette readable on white.
CREATE FUNCTION @extschema@.picture_color(i integer) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT (ARRAY['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'])
           [1 + (i - 1) % 8]
    $$;
COMMENT ON FUNCTION @extschema@.picture_color(integer) IS
    'Colour of the i-th series of a picture (8 colours, repeating)';

-- A number as an SVG coordinate or label: rounded to the given digits.
CREATE FUNCTION @extschema@.picture_num(x double precision, digits integer DEFAULT 1) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pg_catalog.round(x::numeric, digits)::text $$;
COMMENT ON FUNCTION @extschema@.picture_num(double precision, integer) IS
    'A number rounded for an SVG coordinate or label';

-- A round step for about n axis ticks up to top: 1, 2 or 5 times a power of ten.
CREATE FUNCTION @extschema@.picture_step(top double precision, n integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT p * CASE WHEN top / p <= n THEN 1 WHEN top / p <= 2 * n THEN 2 ELSE 5 END
    FROM (SELECT pg_catalog.power(10::double precision,
                     pg_catalog.floor(pg_catalog.log(greatest(top, 1e-300) / n))) AS p) AS s
    $$;
COMMENT ON FUNCTION @extschema@.picture_step(double precision, integer) IS
    'A round axis step (1, 2 or 5 times a power of ten) giving about n ticks up to top';

-- The SVG document around a picture's body: size, styles, title.
CREATE FUNCTION @extschema@.picture_svg(width integer, height integer, title text, body text)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.format(
        '<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">'
        '<title>%s</title>'
        '<style>text{fill:#222}.axis{stroke:#888;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}'
        '.title{font-size:15px;font-weight:bold}.small{font-size:10px;fill:#555}</style>'
        '<rect width="100%%" height="100%%" fill="#ffffff"/>'
        '<text class="title" x="12" y="22">%s</text>%s</svg>',
        width, height, width, height, @extschema@.markup_escape(coalesce(title, '')),
        @extschema@.markup_escape(coalesce(title, '')), body)
    $$;
COMMENT ON FUNCTION @extschema@.picture_svg(integer, integer, text, text) IS
    'Wraps the body of a picture into an SVG document with its size, styles and (escaped) title';

CREATE FUNCTION @extschema@.retention_heatmap(labels text[], retentions @extschema@.retention[],
                                              title text DEFAULT NULL, mode text DEFAULT 'on')
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        names text[] := @extschema@.picture_labels(labels, pg_catalog.cardinality(retentions), 'retentions');
        n integer := pg_catalog.cardinality(names);
        periods integer;
        unit text;
        label_w integer;
        cell_w constant integer := 50;
        cell_h constant integer := 26;
        top constant integer := 62;
        left_x integer;
        body text := '';
        i integer;
        rt record;
        t double precision;
        width integer;
        height integer;
    BEGIN
        SELECT pg_catalog.max((r::jsonb ->> 'periods')::integer), pg_catalog.min(r::jsonb ->> 'unit')
          INTO periods, unit
          FROM pg_catalog.unnest(retentions) AS r;
        IF periods IS NULL THEN
            RAISE EXCEPTION 'retentions must hold at least one value that is not NULL'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        IF mode IS NULL OR mode NOT IN ('on', 'on_or_after') THEN
            RAISE EXCEPTION 'invalid mode "%"', mode
                USING ERRCODE = 'invalid_parameter_value', HINT = 'mode is ''on'' or ''on_or_after''.';
        END IF;
        label_w := least(260, 16 + 7 * greatest(6,
                       (SELECT pg_catalog.max(pg_catalog.length(l)) FROM pg_catalog.unnest(labels) AS l)));
        left_x := label_w + 70;
        width := left_x + periods * cell_w + 20;
        height := top + n * cell_h + 64;

        body := body || pg_catalog.format('<text x="12" y="%s" class="small">%s</text>', top - 8,
                                          'cohort') ||
                pg_catalog.format('<text x="%s" y="%s" class="small" text-anchor="end">units</text>',
                                  left_x - 8, top - 8);
        FOR k IN 0 .. periods - 1 LOOP
            body := body || pg_catalog.format('<text x="%s" y="%s" text-anchor="middle" class="small">%s %s</text>',
                                              left_x + k * cell_w + cell_w / 2, top - 8,
                                              @extschema@.markup_escape(unit), k);
        END LOOP;
        FOR i IN 1 .. n LOOP
            body := body || pg_catalog.format('<text x="12" y="%s">%s</text>', top + (i - 1) * cell_h + 17, names[i]);
            IF retentions[i] IS NULL THEN
                CONTINUE;
            END IF;
            body := body || pg_catalog.format('<text x="%s" y="%s" text-anchor="end">%s</text>',
                                              left_x - 8, top + (i - 1) * cell_h + 17,
                                              @extschema@.units(retentions[i]));
            FOR rt IN SELECT * FROM @extschema@.retention_table(retentions[i], mode) LOOP
                IF rt.rate IS NULL THEN
                    body := body || pg_catalog.format(
                        '<rect x="%s" y="%s" width="%s" height="%s" fill="#f0f0f0" stroke="#ffffff"/>'
                        '<text x="%s" y="%s" text-anchor="middle" class="small">&#8211;</text>',
                        left_x + rt.period * cell_w, top + (i - 1) * cell_h, cell_w, cell_h,
                        left_x + rt.period * cell_w + cell_w / 2, top + (i - 1) * cell_h + 17);
                ELSE
                    t := least(1.0, greatest(0.0, rt.rate));
                    body := body || pg_catalog.format(
                        '<rect x="%s" y="%s" width="%s" height="%s" fill="rgb(%s,%s,%s)" stroke="#ffffff">'
                        '<title>%s, %s %s: %s of %s active</title></rect>'
                        '<text x="%s" y="%s" text-anchor="middle" style="fill:%s">%s%%</text>',
                        left_x + rt.period * cell_w, top + (i - 1) * cell_h, cell_w, cell_h,
                        pg_catalog.round(247 - 239 * t), pg_catalog.round(251 - 203 * t),
                        pg_catalog.round(255 - 148 * t),
                        names[i], @extschema@.markup_escape(unit), rt.period, rt.active, rt.eligible,
                        left_x + rt.period * cell_w + cell_w / 2, top + (i - 1) * cell_h + 17,
                        CASE WHEN t > 0.5 THEN '#ffffff' ELSE '#08306b' END,
                        @extschema@.picture_num(100 * rt.rate));
                END IF;
            END LOOP;
        END LOOP;

        -- legend: the colour scale from 0% to 100%
        FOR k IN 0 .. 10 LOOP
            t := k / 10.0;
            body := body || pg_catalog.format(
                '<rect x="%s" y="%s" width="20" height="12" fill="rgb(%s,%s,%s)"/>',
                left_x + k * 20, top + n * cell_h + 22,
                pg_catalog.round(247 - 239 * t), pg_catalog.round(251 - 203 * t), pg_catalog.round(255 - 148 * t));
        END LOOP;
        body := body || pg_catalog.format(
            '<text x="%s" y="%s" class="small">0%%</text><text x="%s" y="%s" class="small" text-anchor="end">100%%</text>'
            '<text x="12" y="%s" class="small">%s</text>',
            left_x, top + n * cell_h + 48, left_x + 220, top + n * cell_h + 48,
            top + n * cell_h + 32,
            CASE mode WHEN 'on' THEN 'share active in the period'
                      ELSE 'share active in the period or later' END);
        RETURN @extschema@.picture_svg(width, height, title, body);
    END
    $$;
COMMENT ON FUNCTION @extschema@.retention_heatmap(text[], @extschema@.retention[], text, text) IS
    'SVG heat map of retention: one row per labelled retention value (e.g. per signup week), one column per period';

CREATE FUNCTION @extschema@.survival_plot(labels text[], curves @extschema@.survival[],
                                          title text DEFAULT NULL, level double precision DEFAULT 0.95,
                                          time_label text DEFAULT 'time')
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        names text[] := @extschema@.picture_labels(labels, pg_catalog.cardinality(curves), 'curves');
        n integer := pg_catalog.cardinality(names);
        w constant integer := 720;
        h constant integer := 420;
        l constant integer := 64;
        r constant integer := 190;
        t constant integer := 44;
        b constant integer := 52;
        x_max double precision;
        x_step double precision;
        y_min double precision;
        body text := '';
        line text;
        upper text;
        lower text;
        prev_s double precision;
        prev_hi double precision;
        prev_lo double precision;
        pt record;
        i integer;
        k integer;
        v double precision;
    BEGIN
        IF level IS NULL OR NOT (level > 0 AND level < 1) THEN
            RAISE EXCEPTION 'level must lie between 0 and 1, not %', level
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT pg_catalog.max(c.time), pg_catalog.min(coalesce(c.ci_low, c.survival))
          INTO x_max, y_min
          FROM pg_catalog.unnest(curves) AS s, @extschema@.survival_curve(s, level) AS c;
        x_max := greatest(coalesce(x_max, 0), 1e-9);
        x_step := @extschema@.picture_step(x_max, 6);
        x_max := x_step * pg_catalog.ceil(x_max / x_step);
        y_min := greatest(0.0, pg_catalog.floor((coalesce(y_min, 0) - 0.02) * 20) / 20);
        IF y_min > 0.9 THEN
            y_min := 0.9;
        END IF;

        -- axes, grid and ticks
        FOR k IN 0 .. 5 LOOP
            v := y_min + (1 - y_min) * k / 5;
            body := body || pg_catalog.format(
                '<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/><text x="%s" y="%s" text-anchor="end" class="small">%s%%</text>',
                l, w - r, @extschema@.picture_num(h - b - (h - b - t) * k / 5.0),
                @extschema@.picture_num(h - b - (h - b - t) * k / 5.0), l - 6,
                @extschema@.picture_num(h - b - (h - b - t) * k / 5.0 + 4), @extschema@.picture_num(100 * v, 0));
        END LOOP;
        FOR k IN 0 .. pg_catalog.round(x_max / x_step)::integer LOOP
            body := body || pg_catalog.format(
                '<text x="%s" y="%s" text-anchor="middle" class="small">%s</text>',
                @extschema@.picture_num(l + (w - r - l) * k * x_step / x_max), h - b + 16,
                (k * x_step)::numeric::text);
        END LOOP;
        body := body || pg_catalog.format(
            '<line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/><line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/>'
            '<text x="%s" y="%s" text-anchor="middle">%s</text>'
            '<text x="16" y="%s" text-anchor="middle" transform="rotate(-90 16 %s)">survival (%s%% interval shaded)</text>',
            l, w - r, h - b, h - b, l, l, t, h - b,
            (l + w - r) / 2, h - 12, @extschema@.markup_escape(coalesce(time_label, '')),
            (t + h - b) / 2, (t + h - b) / 2, @extschema@.picture_num(100 * level, 0));

        FOR i IN 1 .. n LOOP
            CONTINUE WHEN curves[i] IS NULL;
            line := pg_catalog.format('M %s %s', l, t);
            upper := pg_catalog.format('%s,%s', l, t);
            lower := '';
            prev_s := 1; prev_hi := 1; prev_lo := 1;
            FOR pt IN SELECT c.time,
                             l + (w - r - l) * c.time / x_max AS x,
                             h - b - (h - b - t) * (c.survival - y_min) / (1 - y_min) AS ys,
                             h - b - (h - b - t) * (coalesce(c.ci_high, c.survival) - y_min) / (1 - y_min) AS yhi,
                             h - b - (h - b - t) * (greatest(coalesce(c.ci_low, c.survival), y_min) - y_min)
                                 / (1 - y_min) AS ylo
                      FROM @extschema@.survival_curve(curves[i], level) AS c ORDER BY c.time LOOP
                line := line || pg_catalog.format(' H %s V %s', @extschema@.picture_num(pt.x), @extschema@.picture_num(pt.ys));
                upper := upper || pg_catalog.format(' %s,%s %s,%s', @extschema@.picture_num(pt.x), @extschema@.picture_num(prev_hi),
                                                    @extschema@.picture_num(pt.x), @extschema@.picture_num(pt.yhi));
                lower := pg_catalog.format('%s,%s %s,%s ', @extschema@.picture_num(pt.x), @extschema@.picture_num(pt.ylo),
                                           @extschema@.picture_num(pt.x), @extschema@.picture_num(prev_lo)) || lower;
                prev_hi := pt.yhi; prev_lo := pt.ylo;
            END LOOP;
            IF prev_hi = 1 THEN
                prev_hi := t; prev_lo := t;
            END IF;
            body := body || pg_catalog.format(
                '<polygon points="%s %s,%s %s,%s %s%s,%s" fill="%s" fill-opacity="0.18" stroke="none"/>'
                '<path d="%s" fill="none" stroke="%s" stroke-width="2"/>',
                upper, w - r, @extschema@.picture_num(prev_hi), w - r, @extschema@.picture_num(prev_lo),
                lower, l, t, @extschema@.picture_color(i), line, @extschema@.picture_color(i));
            body := body || pg_catalog.format(
                '<rect x="%s" y="%s" width="14" height="4" fill="%s"/><text x="%s" y="%s">%s</text>'
                '<text x="%s" y="%s" class="small">%s units, %s events</text>',
                w - r + 14, t + 8 + (i - 1) * 40, @extschema@.picture_color(i), w - r + 34, t + 13 + (i - 1) * 40, names[i],
                w - r + 34, t + 27 + (i - 1) * 40, curves[i]::jsonb ->> 'observations', curves[i]::jsonb ->> 'events');
        END LOOP;
        RETURN @extschema@.picture_svg(w, h, title, body);
    END
    $$;
COMMENT ON FUNCTION @extschema@.survival_plot(text[], @extschema@.survival[], text, double precision, text) IS
    'SVG of Kaplan-Meier curves with their confidence bands, one per labelled survival value';

CREATE FUNCTION @extschema@.latency_plot(labels text[], sketches @extschema@.quantile_sketch[],
                                         title text DEFAULT NULL, value_unit text DEFAULT 'ms')
    RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        names text[] := @extschema@.picture_labels(labels, pg_catalog.cardinality(sketches), 'sketches');
        n integer := pg_catalog.cardinality(names);
        unit_text text := @extschema@.markup_escape(coalesce(value_unit, ''));
        w constant integer := 720;
        h constant integer := 420;
        l constant integer := 64;
        r constant integer := 190;
        t constant integer := 44;
        b constant integer := 52;
        nines constant double precision := 3;   -- the x axis runs from p0 to p99.9
        y_max double precision;
        step double precision;
        body text := '';
        marks constant double precision[] := ARRAY[0.5, 0.9, 0.99];
        path text;
        i integer;
        k integer;
        q double precision;
        x double precision;
        y double precision;
    BEGIN
        SELECT pg_catalog.max(@extschema@.quantile(s, 0.999)) INTO y_max
          FROM pg_catalog.unnest(sketches) AS s WHERE @extschema@.value_count(s) > 0;
        IF y_max IS NULL THEN
            RAISE EXCEPTION 'sketches must hold at least one value'
                USING ERRCODE = 'null_value_not_allowed';
        END IF;
        -- a round axis maximum
        y_max := greatest(y_max, 1e-9) * 1.08;
        step := pg_catalog.power(10, pg_catalog.floor(pg_catalog.log(y_max / 5)));
        step := step * CASE WHEN y_max / step <= 5 * 1 THEN 1 WHEN y_max / step <= 5 * 2 THEN 2 ELSE 5 END;
        y_max := step * pg_catalog.ceil(y_max / step);

        FOR k IN 0 .. pg_catalog.round(y_max / step)::integer LOOP
            y := h - b - (h - b - t) * k * step / y_max;
            body := body || pg_catalog.format(
                '<line class="grid" x1="%s" x2="%s" y1="%s" y2="%s"/><text x="%s" y="%s" text-anchor="end" class="small">%s</text>',
                l, w - r, @extschema@.picture_num(y), @extschema@.picture_num(y), l - 6, @extschema@.picture_num(y + 4),
                (k * step)::numeric::text);
        END LOOP;
        FOR k IN 1 .. 3 LOOP
            q := marks[k];
            x := l + (w - r - l) * (-pg_catalog.log(1 - q)) / nines;
            body := body || pg_catalog.format(
                '<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#999" stroke-dasharray="4 3"/>'
                '<text x="%s" y="%s" text-anchor="middle">p%s</text>',
                @extschema@.picture_num(x), @extschema@.picture_num(x), t, h - b,
                @extschema@.picture_num(x), h - b + 16, (100 * q)::numeric::text);
        END LOOP;
        body := body || pg_catalog.format(
            '<text x="%s" y="%s" text-anchor="middle" class="small">p0</text>'
            '<text x="%s" y="%s" text-anchor="middle" class="small">p99.9</text>'
            '<line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/><line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/>'
            '<text x="%s" y="%s" text-anchor="middle">percentile (scale in nines: p90, p99, p99.9 equally spaced)</text>'
            '<text x="16" y="%s" text-anchor="middle" transform="rotate(-90 16 %s)">%s</text>',
            l, h - b + 16, w - r, h - b + 16,
            l, w - r, h - b, h - b, l, l, t, h - b,
            (l + w - r) / 2, h - 12, (t + h - b) / 2, (t + h - b) / 2,
            CASE WHEN unit_text = '' THEN 'value' ELSE 'value (' || unit_text || ')' END);

        FOR i IN 1 .. n LOOP
            CONTINUE WHEN sketches[i] IS NULL OR @extschema@.value_count(sketches[i]) = 0;
            SELECT 'M ' || pg_catalog.string_agg(
                       @extschema@.picture_num(l + (w - r - l) * g.x / nines) || ' '
                       || @extschema@.picture_num(h - b - (h - b - t) * least(v.v, y_max) / y_max), ' L '
                       ORDER BY g.x)
              INTO path
              FROM pg_catalog.generate_series(0, 120) AS k2,
                   LATERAL (SELECT k2 * nines / 120 AS x) AS g,
                   LATERAL (SELECT @extschema@.quantile(sketches[i], 1 - pg_catalog.power(10, -g.x)) AS v) AS v;
            body := body || pg_catalog.format('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>',
                                              path, @extschema@.picture_color(i));
            FOR k IN 1 .. 3 LOOP
                q := marks[k];
                y := @extschema@.quantile(sketches[i], q);
                x := l + (w - r - l) * (-pg_catalog.log(1 - q)) / nines;
                body := body || pg_catalog.format(
                    '<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s p%s: %s %s</title></circle>',
                    @extschema@.picture_num(x), @extschema@.picture_num(h - b - (h - b - t) * y / y_max),
                    @extschema@.picture_color(i), names[i], (100 * q)::numeric::text,
                    @extschema@.picture_num(y, 2), unit_text);
            END LOOP;
            body := body || pg_catalog.format(
                '<rect x="%s" y="%s" width="14" height="4" fill="%s"/><text x="%s" y="%s">%s</text>'
                '<text x="%s" y="%s" class="small">p50 %s, p90 %s %s</text>'
                '<text x="%s" y="%s" class="small">p99 %s %s, %s values</text>',
                w - r + 14, t + 8 + (i - 1) * 52, @extschema@.picture_color(i), w - r + 34, t + 13 + (i - 1) * 52, names[i],
                w - r + 34, t + 27 + (i - 1) * 52,
                @extschema@.picture_num(@extschema@.quantile(sketches[i], 0.5)),
                @extschema@.picture_num(@extschema@.quantile(sketches[i], 0.9)), unit_text,
                w - r + 34, t + 40 + (i - 1) * 52,
                @extschema@.picture_num(@extschema@.quantile(sketches[i], 0.99)), unit_text,
                @extschema@.value_count(sketches[i]));
        END LOOP;
        RETURN @extschema@.picture_svg(w, h, title, body);
    END
    $$;
COMMENT ON FUNCTION @extschema@.latency_plot(text[], @extschema@.quantile_sketch[], text, text) IS
    'SVG of the quantile curves of labelled quantile sketches (p0 to p99.9), with p50, p90 and p99 marked';

-- One cell of a checkpoint's metric against its limit, for rollout_report.
CREATE FUNCTION @extschema@.rollout_report_metric(m jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE
        WHEN m IS NULL OR pg_catalog.jsonb_typeof(m) <> 'object' THEN '<td></td>'
        ELSE pg_catalog.format('<td class="%s">%s%s</td>',
            @extschema@.markup_escape(coalesce(m ->> 'status', 'none')),
            @extschema@.markup_escape(coalesce(
                CASE WHEN pg_catalog.jsonb_typeof(m -> 'value') = 'number'
                     THEN pg_catalog.round((m ->> 'value')::numeric, 4)::double precision::text ELSE m ->> 'value' END,
                'no data')),
            CASE WHEN m ? 'max' THEN '<br/><span class="ci">limit &#8804; ' || @extschema@.markup_escape(m ->> 'max') || '</span>'
                 WHEN m ? 'min' THEN '<br/><span class="ci">limit &#8805; ' || @extschema@.markup_escape(m ->> 'min') || '</span>'
                 ELSE '' END
            || CASE WHEN m ? 'low' AND m ? 'high' AND pg_catalog.jsonb_typeof(m -> 'low') = 'number'
                    THEN pg_catalog.format('<br/><span class="ci">interval [%s, %s]</span>',
                             pg_catalog.round((m ->> 'low')::numeric, 4)::double precision,
                             pg_catalog.round((m ->> 'high')::numeric, 4)::double precision)
                    ELSE '' END)
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_metric(jsonb) IS
    'HTML table cell of one measured rollout metric against its limit, classed by its status';

-- One phase of the rollout timeline, for rollout_report: a shaded band with its name.
CREATE FUNCTION @extschema@.rollout_report_band(x_from double precision, x_to double precision, top integer,
                                                base integer, i integer, phase text)
    RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.format(
        '<rect x="%s" y="%s" width="%s" height="%s" fill="%s" fill-opacity="0.12"/>'
        '<text x="%s" y="%s" class="small">%s</text>',
        @extschema@.picture_num(x_from), top - 14, @extschema@.picture_num(greatest(x_to - x_from, 0)),
        base - top + 14, @extschema@.picture_color(i), @extschema@.picture_num(x_from + 3), top - 18,
        @extschema@.markup_escape(coalesce(phase, '')))
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_band(double precision, double precision, integer, integer, integer, text) IS
    'SVG band of one phase on the rollout timeline of rollout_report';

-- The phase a rollout is in after a decision taken in the given phase: an
-- advance starts the plan's next phase.
CREATE FUNCTION @extschema@.rollout_report_phase_after(plan jsonb, phase text, decision text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT CASE WHEN decision = 'advance'
                THEN coalesce((SELECT n.p ->> 'name'
                                 FROM pg_catalog.jsonb_array_elements(plan -> 'phases') WITH ORDINALITY AS n(p, o),
                                      pg_catalog.jsonb_array_elements(plan -> 'phases') WITH ORDINALITY AS c(p, o)
                                WHERE c.p ->> 'name' = phase AND n.o = c.o + 1
                                ORDER BY c.o LIMIT 1), phase)
                ELSE phase END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_phase_after(jsonb, text, text) IS
    'The phase of a rollout after a decision taken in a phase: the plan''s next phase after an advance';

-- The decision log of a rollout, read by column name, for rollout_report.
CREATE FUNCTION @extschema@.rollout_report_decisions(rollout_name text)
    RETURNS TABLE (n bigint, at timestamptz, phase text, checkpoint_no integer, decision text,
                   treatment_share double precision, reasons text[], metrics jsonb)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    SELECT pg_catalog.row_number() OVER (ORDER BY x.id), coalesce(x.checkpoint_at, x.decided_at), x.phase,
           x.checkpoint_no, x.decision, x.treatment_share, x.reasons, x.metrics
      FROM @extschema@.rollout_decisions AS x WHERE x.rollout = rollout_name
     ORDER BY x.id
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report_decisions(text) IS
    'The decisions of a rollout in order, with the columns rollout_report shows';

CREATE FUNCTION @extschema@.rollout_report(name text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    DECLARE
        ro record;
        d record;
        g record;
        metric_names text[];
        html text;
        svg text := '';
        rows_html text := '';
        t_start timestamptz;
        t_end timestamptz;
        span double precision;
        w constant integer := 900;
        l constant integer := 60;
        r constant integer := 20;
        h constant integer := 190;
        top constant integer := 40;
        base constant integer := 150;
        prev_x double precision;
        prev_y double precision;
        prev_phase text;
        phase_now text;
        band_names text[] := '{}';
        band_from timestamptz[] := '{}';
        band_w double precision;
        x double precision;
        y double precision;
        i integer := 0;
        guard text := '';
        g_lo double precision;
        g_hi double precision;
        g_n integer;
    BEGIN
        IF rollout_report.name IS NULL THEN
            RAISE EXCEPTION 'rollout name must not be NULL' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        SELECT x.name, x.source, x.owner, x.plan, x.state, x.phase_no, x.phase_started_at,
               x.next_checkpoint_at, x.treatment_share, x.created_at, x.last_error, x.last_error_at
          INTO ro
          FROM @extschema@.rollouts AS x WHERE x.name = rollout_report.name;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'rollout "%" does not exist', rollout_report.name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;

        SELECT pg_catalog.array_agg(k ORDER BY k) INTO metric_names
          FROM (SELECT DISTINCT e.key AS k
                  FROM @extschema@.rollout_report_decisions(ro.name) AS dd, pg_catalog.jsonb_each(dd.metrics) AS e
                 WHERE @extschema@.rollout_metric_kind(e.key) IS NOT NULL
                   AND pg_catalog.jsonb_typeof(e.value) = 'object' AND e.value ? 'status') AS s;
        metric_names := coalesce(metric_names, '{}');

        -- timeline: the treatment share over time, phases as bands, decisions as dots.
        -- Phases last hours or weeks: each gets the same width, with time running
        -- linearly within it.  Times are clamped to the span of the checkpoints (a
        -- replay may decide checkpoints at other times than the manual decisions
        -- around them).
        SELECT coalesce(pg_catalog.min(at) FILTER (WHERE checkpoint_no IS NOT NULL), pg_catalog.min(at)),
               coalesce(pg_catalog.max(at) FILTER (WHERE checkpoint_no IS NOT NULL), pg_catalog.max(at))
          INTO t_start, t_end FROM @extschema@.rollout_report_decisions(ro.name);
        IF t_start IS NOT NULL THEN
            t_end := greatest(t_end, coalesce(ro.next_checkpoint_at, t_end));
            prev_phase := NULL;
            FOR d IN SELECT * FROM @extschema@.rollout_report_decisions(ro.name) ORDER BY n LOOP
                phase_now := @extschema@.rollout_report_phase_after(ro.plan, d.phase, d.decision);
                IF prev_phase IS DISTINCT FROM phase_now THEN
                    band_names := band_names || phase_now;
                    band_from := band_from || least(greatest(d.at, t_start), t_end);
                    prev_phase := phase_now;
                END IF;
            END LOOP;
            band_w := (w - r - l)::double precision / pg_catalog.cardinality(band_names);
            FOR i IN 1 .. pg_catalog.cardinality(band_names) LOOP
                svg := svg || @extschema@.rollout_report_band(l + (i - 1) * band_w, l + i * band_w, top, base, i, band_names[i])
                    || pg_catalog.format('<text x="%s" y="%s" class="small">%s</text>',
                                         @extschema@.picture_num(l + (i - 1) * band_w + 2), base + 14,
                                         pg_catalog.to_char(band_from[i] AT TIME ZONE 'UTC', 'MM-DD HH24:MI'));
            END LOOP;
            svg := svg || pg_catalog.format(
                '<line class="axis" x1="%s" x2="%s" y1="%s" y2="%s"/>'
                '<text x="%s" y="%s" class="small" text-anchor="end">100%%</text>'
                '<text x="%s" y="%s" class="small" text-anchor="end">10%%</text>'
                '<text x="%s" y="%s" class="small" text-anchor="end">0%%</text>'
                '<text x="%s" y="%s" class="small" text-anchor="end">%s</text>'
                '<text x="%s" y="%s" class="small">times in UTC; each phase drawn at the same width</text>',
                l, w - r, base, base, l - 4, top + 4, l - 4, @extschema@.picture_num(base - (base - top) * pg_catalog.sqrt(0.1) + 4),
                l - 4, base + 4, w - r, base + 14, pg_catalog.to_char(t_end AT TIME ZONE 'UTC', 'MM-DD HH24:MI'),
                l, base + 30);
            prev_x := l; prev_y := base; prev_phase := NULL; i := 0;
            FOR d IN SELECT * FROM @extschema@.rollout_report_decisions(ro.name) ORDER BY n LOOP
                phase_now := @extschema@.rollout_report_phase_after(ro.plan, d.phase, d.decision);
                IF prev_phase IS DISTINCT FROM phase_now THEN
                    i := i + 1;
                    prev_phase := phase_now;
                END IF;
                span := pg_catalog.date_part('epoch', coalesce(band_from[i + 1], t_end) - band_from[i]);
                x := l + (i - 1) * band_w
                     + band_w * CASE WHEN span > 0
                                     THEN least(greatest(pg_catalog.date_part('epoch', d.at - band_from[i]) / span, 0), 1)
                                     ELSE 0 END;
                -- a square-root scale, so that a 1% canary is visible next to 100%
                y := base - (base - top) * pg_catalog.sqrt(greatest(d.treatment_share, 0));
                svg := svg || pg_catalog.format('<path d="M %s %s H %s V %s" fill="none" stroke="#333" stroke-width="1.5"/>',
                                                @extschema@.picture_num(prev_x), @extschema@.picture_num(prev_y),
                                                @extschema@.picture_num(x), @extschema@.picture_num(y));
                IF y <> prev_y THEN
                    svg := svg || pg_catalog.format('<text x="%s" y="%s" class="small">%s%%</text>',
                                                    @extschema@.picture_num(x + 4), @extschema@.picture_num(y - 4),
                                                    @extschema@.picture_num(100 * d.treatment_share, 0));
                END IF;
                svg := svg || pg_catalog.format(
                    '<circle cx="%s" cy="%s" r="4" class="d-%s"><title>%s %s: %s, %s%% (%s)</title></circle>',
                    @extschema@.picture_num(x), @extschema@.picture_num(y), @extschema@.markup_escape(d.decision),
                    pg_catalog.to_char(d.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), @extschema@.markup_escape(d.phase),
                    @extschema@.markup_escape(d.decision), @extschema@.picture_num(100 * d.treatment_share, 1),
                    @extschema@.markup_escape(pg_catalog.array_to_string(d.reasons, '; ')));
                prev_x := x; prev_y := y;
            END LOOP;
            svg := svg || pg_catalog.format('<path d="M %s %s H %s" fill="none" stroke="#333" stroke-width="1.5" stroke-dasharray="4 3"/>',
                                            @extschema@.picture_num(prev_x), @extschema@.picture_num(prev_y), w - r);
            svg := pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" '
                                     'role="img" aria-label="treatment share over time">%s</svg>', w, h, w, h, svg);
        ELSE
            svg := '<p>No decisions yet.</p>';
        END IF;

        -- every checkpoint: each metric against its limit, the decision and its reasons
        FOR d IN SELECT * FROM @extschema@.rollout_report_decisions(ro.name) ORDER BY n LOOP
            rows_html := rows_html || pg_catalog.format(
                '<tr><td>%s</td><td>%s</td><td>%s</td><td class="d-%s">%s</td><td>%s%%</td>%s<td>%s</td></tr>',
                pg_catalog.to_char(d.at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), @extschema@.markup_escape(d.phase),
                coalesce(d.checkpoint_no::text, '&#8211;'), @extschema@.markup_escape(d.decision),
                @extschema@.markup_escape(d.decision), @extschema@.picture_num(100 * d.treatment_share, 1),
                (SELECT coalesce(pg_catalog.string_agg(@extschema@.rollout_report_metric(d.metrics -> mn), '' ORDER BY o), '')
                   FROM pg_catalog.unnest(metric_names) WITH ORDINALITY AS u(mn, o)),
                @extschema@.markup_escape(pg_catalog.array_to_string(d.reasons, '; ')));
        END LOOP;

        -- guardrails: the metrics measured with an interval, against their limit
        FOR d IN SELECT DISTINCT e.key AS metric
                   FROM @extschema@.rollout_report_decisions(ro.name) AS dd, pg_catalog.jsonb_each(dd.metrics) AS e
                  WHERE pg_catalog.jsonb_typeof(e.value) = 'object' AND pg_catalog.jsonb_typeof(e.value -> 'low') = 'number'
                  ORDER BY 1 LOOP
            SELECT least(pg_catalog.min((dd.metrics -> d.metric ->> 'low')::float8),
                         pg_catalog.min((dd.metrics -> d.metric ->> 'min')::float8), 0),
                   greatest(pg_catalog.max((dd.metrics -> d.metric ->> 'high')::float8),
                            pg_catalog.max((dd.metrics -> d.metric ->> 'max')::float8), 0),
                   pg_catalog.count(*)
              INTO g_lo, g_hi, g_n
              FROM @extschema@.rollout_report_decisions(ro.name) AS dd
             WHERE pg_catalog.jsonb_typeof(dd.metrics -> d.metric -> 'low') = 'number';
            g_lo := g_lo - 0.05 * (g_hi - g_lo + 1e-9);
            g_hi := g_hi + 0.05 * (g_hi - g_lo + 1e-9);
            guard := guard || pg_catalog.format('<h3>%s</h3><svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" '
                                                'viewBox="0 0 %s %s" role="img" aria-label="%s intervals">',
                                                @extschema@.markup_escape(d.metric), w, 30 + 18 * g_n, w, 30 + 18 * g_n,
                                                @extschema@.markup_escape(d.metric));
            guard := guard || pg_catalog.format(
                '<line class="axis" x1="%1$s" x2="%1$s" y1="4" y2="%2$s"/><text x="%1$s" y="%3$s" class="small" text-anchor="middle">0</text>',
                @extschema@.picture_num(200 + (w - r - 200) * (0 - g_lo) / (g_hi - g_lo)), 12 + 18 * g_n, 26 + 18 * g_n);
            i := 0;
            FOR g IN SELECT dd.at, dd.phase, (dd.metrics -> d.metric ->> 'low')::float8 AS lo,
                             (dd.metrics -> d.metric ->> 'high')::float8 AS hi,
                             (dd.metrics -> d.metric ->> 'value')::float8 AS v,
                             coalesce((dd.metrics -> d.metric ->> 'min')::float8, (dd.metrics -> d.metric ->> 'max')::float8) AS lim,
                             dd.metrics -> d.metric ->> 'status' AS status
                        FROM @extschema@.rollout_report_decisions(ro.name) AS dd
                       WHERE pg_catalog.jsonb_typeof(dd.metrics -> d.metric -> 'low') = 'number' ORDER BY dd.n LOOP
                i := i + 1;
                guard := guard || pg_catalog.format(
                    '<text x="4" y="%s" class="small">%s %s</text>'
                    '<line x1="%s" x2="%s" y1="%s" y2="%s" class="s-%s" stroke-width="3"/>%s%s',
                    i * 18 + 2, pg_catalog.to_char(g.at AT TIME ZONE 'UTC', 'MM-DD HH24:MI'), @extschema@.markup_escape(g.phase),
                    @extschema@.picture_num(200 + (w - r - 200) * (g.lo - g_lo) / (g_hi - g_lo)),
                    @extschema@.picture_num(200 + (w - r - 200) * (g.hi - g_lo) / (g_hi - g_lo)),
                    i * 18 - 2, i * 18 - 2, @extschema@.markup_escape(coalesce(g.status, 'none')),
                    CASE WHEN g.v IS NULL THEN '' ELSE pg_catalog.format('<circle cx="%s" cy="%s" r="3" fill="#222"/>',
                        @extschema@.picture_num(200 + (w - r - 200) * (g.v - g_lo) / (g_hi - g_lo)), i * 18 - 2) END,
                    CASE WHEN g.lim IS NULL THEN '' ELSE pg_catalog.format(
                        '<line x1="%1$s" x2="%1$s" y1="%2$s" y2="%3$s" stroke="#d62728" stroke-width="2"/>',
                        @extschema@.picture_num(200 + (w - r - 200) * (g.lim - g_lo) / (g_hi - g_lo)), i * 18 - 9, i * 18 + 5) END);
            END LOOP;
            guard := guard || pg_catalog.format(
                '<text x="200" y="%s" class="small">%s</text><text x="%s" y="%s" class="small" text-anchor="end">%s</text></svg>'
                '<p class="note">Bars: the interval at each checkpoint (dot: the estimate); red ticks: the limit.</p>',
                26 + 18 * g_n, pg_catalog.round(g_lo::numeric, 3), w - r, 26 + 18 * g_n, pg_catalog.round(g_hi::numeric, 3));
        END LOOP;
        IF guard = '' THEN
            guard := '<p>No metric of this rollout is measured with an interval.</p>';
        END IF;

        html := pg_catalog.format(
            '<!DOCTYPE html>' || E'\n' ||
            '<html lang="en"><head><meta charset="utf-8"/><title>Rollout %1$s</title><style>'
            'body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;font-size:13px;color:#222;margin:24px;max-width:1100px}'
            'h1{font-size:20px}h2{font-size:16px;margin-top:28px}h3{font-size:13px;margin:12px 0 2px}'
            'table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}'
            'th{background:#f4f4f4}.pass{background:#e6f4ea}.fail{background:#fce8e6;font-weight:bold}'
            '.no_data{color:#888}.ci{font-size:11px;color:#555}.note{font-size:11px;color:#555}'
            '.state{display:inline-block;padding:2px 8px;border-radius:4px;background:#eee;font-weight:bold}'
            '.axis{stroke:#888;stroke-width:1}.small{font-size:10px;fill:#555}'
            'circle.d-advance,circle.d-complete,circle.d-start,circle.d-resume{fill:#1f77b4}'
            'circle.d-continue{fill:#2ca02c}circle.d-rollback{fill:#d62728}circle.d-hold{fill:#ff7f0e}'
            'td.d-rollback{color:#d62728;font-weight:bold}td.d-hold{color:#b35c00;font-weight:bold}'
            'line.s-pass{stroke:#2ca02c}line.s-fail{stroke:#d62728}line.s-no_data,line.s-none{stroke:#aaa}'
            '</style></head><body>'
            '<h1>Rollout %1$s</h1>'
            '<p>State <span class="state">%2$s</span> in phase <b>%3$s</b>, treatment share <b>%4$s%%</b>%5$s.</p>'
            '<p>Source %6$s, owner %7$s, created %8$s.%9$s</p>'
            '<h2>Timeline: treatment share (square-root scale) and decisions</h2>%10$s'
            '<h2>Plan</h2><table><tr><th>phase</th><th>traffic</th><th>duration</th><th>checkpoints</th><th>thresholds</th></tr>%11$s</table>'
            '<h2>Checkpoints: every metric against its limit</h2>'
            '<table><tr><th>checkpoint (UTC)</th><th>phase</th><th>#</th><th>decision</th><th>share</th>%12$s<th>reasons</th></tr>%13$s</table>'
            '<h2>Guardrail intervals</h2>%14$s'
            '<p class="note">Generated by cohort_analyzer rollout_report at %15$s.</p>'
            '</body></html>' || E'\n',
            @extschema@.markup_escape(ro.name), @extschema@.markup_escape(ro.state),
            @extschema@.markup_escape(coalesce(ro.plan -> 'phases' -> ro.phase_no ->> 'name', '')),
            @extschema@.picture_num(100 * ro.treatment_share, 1),
            CASE WHEN ro.next_checkpoint_at IS NULL THEN ''
                 ELSE ', next checkpoint ' || pg_catalog.to_char(ro.next_checkpoint_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') END,
            @extschema@.markup_escape(ro.source), @extschema@.markup_escape(ro.owner::text),
            pg_catalog.to_char(ro.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
            CASE WHEN ro.last_error IS NULL THEN ''
                 ELSE ' <b>Last evaluation failed:</b> ' || @extschema@.markup_escape(ro.last_error) END,
            svg,
            (SELECT coalesce(pg_catalog.string_agg(pg_catalog.format(
                        '<tr><td>%s</td><td>%s%%</td><td>%s</td><td>%s</td><td>%s</td></tr>',
                        @extschema@.markup_escape(p ->> 'name'),
                        @extschema@.markup_escape(pg_catalog.round(100 * (p ->> 'traffic')::numeric, 1)::text),
                        @extschema@.markup_escape(p ->> 'duration'),
                        @extschema@.markup_escape((SELECT pg_catalog.string_agg(c, ', ') FROM pg_catalog.jsonb_array_elements_text(p -> 'checkpoints') AS c)),
                        @extschema@.markup_escape((SELECT pg_catalog.string_agg(k || CASE WHEN v ? 'max' THEN ' <= ' || (v ->> 'max')
                                                                                           ELSE ' >= ' || (v ->> 'min') END, ', ' ORDER BY k)
                                                   FROM pg_catalog.jsonb_each(p -> 'thresholds') AS th(k, v)))), '' ORDER BY o), '')
               FROM pg_catalog.jsonb_array_elements(ro.plan -> 'phases') WITH ORDINALITY AS ph(p, o)),
            (SELECT coalesce(pg_catalog.string_agg('<th>' || @extschema@.markup_escape(mn) || '</th>', '' ORDER BY o), '')
               FROM pg_catalog.unnest(metric_names) WITH ORDINALITY AS u(mn, o)),
            rows_html, guard,
            pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'));
        RETURN html;
    END
    $$;
COMMENT ON FUNCTION @extschema@.rollout_report(text) IS
    'Self-contained HTML page of a rollout: timeline of phases and traffic, every checkpoint''s metrics against their limits, decisions with reasons, guardrail intervals and the current state';

//! The predictor's statements. Every value is a parameter; timestamps travel as RFC 3339
//! text (`$n::text::timestamptz`: the host binds parameters by their inferred type) and arrays as `text[]` (spin:postgres@4.0.0 has no float or timestamp arrays).

// Buckets are aligned on the clock, like the seed's `time_bucket`: 5 minutes from
// 2000-01-01 UTC.

/// `$1` window start, `$2` now, `$3` late margin (seconds). Where this cycle's roll-up
/// starts (as text): the newest bucket already rolled up — the previous cycle's current
/// bucket, still filling then — or the bucket `$3` seconds ago if older (readings arriving up
/// to that late are still counted), never before the window's first bucket (a cold start
/// rolls up the whole window).
pub const ROLL_UP_FROM: &str = "\
SELECT GREATEST(
           date_bin('5 minutes', $1::text::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
           LEAST(COALESCE(max(b.bucket), '-infinity'::timestamptz),
                 date_bin('5 minutes', $2::text::timestamptz - make_interval(secs => $3::int), TIMESTAMPTZ '2000-01-01 00:00:00+00'))
       )::text
FROM traffic_buckets b
WHERE b.bucket >= $1::text::timestamptz - interval '5 minutes'";

/// `$1` roll-up start, `$2` now. Recomputes every bucket from `$1` on from the raw readings,
/// in one statement (idempotent: a concurrent cycle writes the same values). Rows are
/// written in key order so concurrent cycles lock them in the same order.
pub const ROLL_UP: &str = "\
INSERT INTO traffic_buckets AS cur (road_id, bucket, speed_kmh, occupancy, flow_rate, readings)
SELECT t.road_id, date_bin('5 minutes', t.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
       avg(t.speed_kmh), avg(t.occupancy), avg(t.flow_rate), count(*)
FROM traffic_raw t
WHERE t.ts >= $1::text::timestamptz AND t.ts <= $2::text::timestamptz
GROUP BY 1, 2
ORDER BY 1, 2
ON CONFLICT (road_id, bucket) DO UPDATE SET
    speed_kmh = EXCLUDED.speed_kmh, occupancy = EXCLUDED.occupancy,
    flow_rate = EXCLUDED.flow_rate, readings = EXCLUDED.readings
WHERE cur.readings IS DISTINCT FROM EXCLUDED.readings
   OR (cur.speed_kmh, cur.occupancy, cur.flow_rate) IS DISTINCT FROM (EXCLUDED.speed_kmh, EXCLUDED.occupancy, EXCLUDED.flow_rate)";

/// `$1` now, `$2` retention (hours). Drops buckets older than the capacity window plus an hour.
pub const PRUNE_BUCKETS: &str = "\
DELETE FROM traffic_buckets WHERE bucket < $1::text::timestamptz - make_interval(hours => $2::int + 1)";

/// `$1` now, `$2` capacity window (hours), `$3` batch size. Refreshes the 95th percentiles of
/// the 5-minute average flow and speed of the `$3` roads whose capacity is missing or more
/// than an hour old (stalest first), so the cost per cycle is bounded whatever the number of
/// roads. A road without buckets in the window gets a row with NULLs, so it does not take the
/// batch again for an hour.
pub const REFRESH_CAPACITY: &str = "\
WITH picked AS (
    SELECT r.road_id
    FROM roads r LEFT JOIN road_capacity c ON c.road_id = r.road_id
    WHERE c.road_id IS NULL OR c.computed_at < $1::text::timestamptz - interval '1 hour'
    ORDER BY c.computed_at NULLS FIRST, r.road_id
    LIMIT $3::int
)
INSERT INTO road_capacity AS cur (road_id, flow_p95, speed_p95_kmh, samples, computed_at)
SELECT p.road_id, s.flow_p95, s.speed_p95, s.samples, $1::text::timestamptz
FROM picked p
CROSS JOIN LATERAL (
    SELECT percentile_cont(0.95) WITHIN GROUP (ORDER BY b.flow_rate) AS flow_p95,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY b.speed_kmh) AS speed_p95,
           coalesce(sum(b.readings), 0) AS samples
    FROM traffic_buckets b
    WHERE b.road_id = p.road_id
      AND b.bucket > $1::text::timestamptz - make_interval(hours => $2::int) AND b.bucket <= $1::text::timestamptz
) s
ORDER BY p.road_id
ON CONFLICT (road_id) DO UPDATE SET
    flow_p95 = EXCLUDED.flow_p95, speed_p95_kmh = EXCLUDED.speed_p95_kmh,
    samples = EXCLUDED.samples, computed_at = EXCLUDED.computed_at";

/// `$1` window start, `$2` now. Every road's buckets of the window in one query, with the
/// road's norms: road_id, x (minutes from window start; the first bucket starts up to 5
/// minutes before it), avg speed, avg occupancy, avg flow, readings, free_flow_kmh,
/// speed_p95, flow_p95. Ordered by road, then bucket.
pub const BUCKETS: &str = "\
SELECT b.road_id, (extract(epoch FROM b.bucket - $1::text::timestamptz) / 60)::float8,
       b.speed_kmh, b.occupancy, b.flow_rate, b.readings::int8,
       r.free_flow_kmh, c.speed_p95_kmh, c.flow_p95
FROM traffic_buckets b
LEFT JOIN roads r ON r.road_id = b.road_id
LEFT JOIN road_capacity c ON c.road_id = b.road_id
WHERE b.bucket >= date_bin('5 minutes', $1::text::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00')
  AND b.bucket <= $2::text::timestamptz
ORDER BY b.road_id, b.bucket";

/// `$1` ts, `$2..$5` road_id, horizon_min, score, confidence (`text[]`), `$6` model version.
/// One statement for the whole cycle; re-running a cycle for the same ts replaces its rows
/// (the seed's upsert). Returns the number of rows written.
pub const INSERT_PREDICTIONS: &str = "\
WITH written AS (
    INSERT INTO predictions AS p (ts, road_id, horizon_min, congestion_score, confidence, model_version)
    SELECT $1::text::timestamptz, u.road_id, u.horizon_min::int, u.score::float8, u.confidence::float8, $6
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(road_id, horizon_min, score, confidence)
    ON CONFLICT (ts, road_id, horizon_min) DO UPDATE SET
        congestion_score = EXCLUDED.congestion_score, confidence = EXCLUDED.confidence,
        model_version = EXCLUDED.model_version, observed_score = NULL, evaluated_at = NULL
    RETURNING 1
)
SELECT count(*) FROM written";

/// `$1` now, `$2` batch size. Predictions not yet evaluated whose target bucket (the
/// 5-minute bucket containing ts + horizon) has ended, oldest first, with that bucket's
/// averages (NULL when the road did not report, or the bucket was never rolled up) and the
/// road's norms: id, model_version, horizon_min, congestion_score, speed, occupancy, flow,
/// free_flow_kmh, speed_p95, flow_p95.
pub const ACCURACY_DUE: &str = "\
WITH due AS (
    SELECT p.id, p.road_id, p.model_version, p.horizon_min, p.congestion_score,
           date_bin('5 minutes', p.ts + p.horizon_min * interval '1 minute', TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket
    FROM predictions p
    WHERE p.evaluated_at IS NULL
      AND p.ts + p.horizon_min * interval '1 minute' <= $1::text::timestamptz - interval '5 minutes'
    ORDER BY p.ts, p.id
    LIMIT $2::int
)
SELECT d.id, d.model_version, d.horizon_min, d.congestion_score, o.speed_kmh, o.occupancy, o.flow_rate,
       r.free_flow_kmh, c.speed_p95_kmh, c.flow_p95
FROM due d
LEFT JOIN traffic_buckets o ON o.road_id = d.road_id AND o.bucket = d.bucket
LEFT JOIN roads r ON r.road_id = d.road_id
LEFT JOIN road_capacity c ON c.road_id = d.road_id";

/// `$1` now; `$2, $3` prediction id and observed score (NULL = nothing observed);
/// `$4..$7` model version, horizon, count, mean absolute error per group. Marks the
/// predictions evaluated and appends the cycle's summary rows, in one statement.
pub const RECORD_ACCURACY: &str = "\
WITH marked AS (
    UPDATE predictions p SET observed_score = u.observed::float8, evaluated_at = $1::text::timestamptz
    FROM unnest($2::text[], $3::text[]) AS u(id, observed)
    WHERE p.id = u.id::bigint
    RETURNING 1
), summary AS (
    INSERT INTO prediction_accuracy (evaluated_at, model_version, horizon_min, predictions, mean_abs_error)
    SELECT $1::text::timestamptz, a.model_version, a.horizon_min::int, a.n::int, a.mae::float8
    FROM unnest($4::text[], $5::text[], $6::text[], $7::text[]) AS a(model_version, horizon_min, n, mae)
    RETURNING 1
)
SELECT (SELECT count(*) FROM marked)";

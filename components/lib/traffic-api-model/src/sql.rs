//! The API's statements. Every value is a parameter, each cast to its type so the host binds
//! it exactly; a NULL parameter switches its filter off.

/// Columns of [`ROADS`], in order.
pub const ROAD_COLUMNS: usize = 20;

/// `$1` horizon (int4), `$2` after road id (text), `$3..$6` bbox minLng, minLat, maxLng,
/// maxLat (float8), `$7` one road id (text), `$8` limit (int8). Each road with its latest
/// reading and its latest prediction at the horizon (NULLs when it has none), by road id;
/// last its observed 95th-percentile speed and flow (`road_capacity`, the v3 model's norms).
pub const ROADS: &str = "\
SELECT r.road_id, r.label, r.lat, r.lng, r.from_node, r.to_node, r.length_m, r.free_flow_kmh,
       l.ts, l.sensor_id, l.speed_kmh, l.flow_rate, l.occupancy,
       p.ts, p.horizon_min, p.congestion_score, p.confidence, p.model_version,
       c.speed_p95_kmh, c.flow_p95
FROM roads r
LEFT JOIN road_capacity c ON c.road_id = r.road_id
LEFT JOIN LATERAL (
    SELECT t.ts, t.sensor_id, t.speed_kmh, t.flow_rate, t.occupancy
    FROM traffic_raw t
    WHERE t.road_id = r.road_id
    ORDER BY t.ts DESC
    LIMIT 1
) l ON true
LEFT JOIN LATERAL (
    SELECT p.ts, p.horizon_min, p.congestion_score, p.confidence, p.model_version
    FROM predictions p
    WHERE p.road_id = r.road_id AND p.horizon_min = $1::int4
    ORDER BY p.ts DESC, p.id DESC
    LIMIT 1
) p ON true
WHERE ($2::text IS NULL OR r.road_id > $2::text)
  AND ($3::float8 IS NULL OR (r.lng BETWEEN $3::float8 AND $5::float8 AND r.lat BETWEEN $4::float8 AND $6::float8))
  AND ($7::text IS NULL OR r.road_id = $7::text)
ORDER BY r.road_id
LIMIT $8::int8";

/// `$1` after road id (text), `$2` road ids (text[]), `$3..$6` bbox (float8), `$7` limit
/// (int8). The latest reading of every road that has one, by road id: road_id, sensor_id,
/// ts, speed_kmh, flow_rate, occupancy, then the road's norms (free-flow speed, 95th-percentile
/// speed and flow). Every road that ever reported is in `roads` (ingest upserts it with the
/// reading).
pub const LIVE: &str = "\
SELECT r.road_id, l.sensor_id, l.ts, l.speed_kmh, l.flow_rate, l.occupancy,
       r.free_flow_kmh, c.speed_p95_kmh, c.flow_p95
FROM roads r
LEFT JOIN road_capacity c ON c.road_id = r.road_id
CROSS JOIN LATERAL (
    SELECT t.sensor_id, t.ts, t.speed_kmh, t.flow_rate, t.occupancy
    FROM traffic_raw t
    WHERE t.road_id = r.road_id
    ORDER BY t.ts DESC
    LIMIT 1
) l
WHERE ($1::text IS NULL OR r.road_id > $1::text)
  AND ($2::text[] IS NULL OR r.road_id = ANY($2::text[]))
  AND ($3::float8 IS NULL OR (r.lng BETWEEN $3::float8 AND $5::float8 AND r.lat BETWEEN $4::float8 AND $6::float8))
ORDER BY r.road_id
LIMIT $7::int8";

/// `$1` road id, `$2` bucket width in seconds (float8), `$3` from, `$4` to (RFC 3339 text,
/// `to` excluded). One row per bucket that has readings, oldest first: bucket start, mean
/// speed, flow and occupancy, number of readings. Buckets are aligned on 2000-01-01 UTC.
pub const HISTORY: &str = "\
SELECT date_bin(make_interval(secs => $2::float8), t.ts, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
       avg(t.speed_kmh), avg(t.flow_rate), avg(t.occupancy), count(*)
FROM traffic_raw t
WHERE t.road_id = $1::text AND t.ts >= $3::text::timestamptz AND t.ts < $4::text::timestamptz
GROUP BY 1
ORDER BY 1";

/// `$1` horizon (int4), `$2` road id (text), `$3` before ts (RFC 3339 text) and `$4` before
/// id (int8), `$5` limit (int8). Newest first, keyset on `(ts, id)` (index
/// `predictions_ts_id_idx`, or `predictions_road_ts_id_idx` with a road).
pub const PREDICTIONS: &str = "\
SELECT id, ts, road_id, horizon_min, congestion_score, confidence, model_version, observed_score
FROM predictions
WHERE ($1::int4 IS NULL OR horizon_min = $1::int4)
  AND ($2::text IS NULL OR road_id = $2::text)
  AND ($3::text IS NULL OR (ts, id) < ($3::text::timestamptz, $4::int8))
ORDER BY ts DESC, id DESC
LIMIT $5::int8";

/// All-time accuracy per model and horizon.
pub const ACCURACY_SUMMARY: &str = "\
SELECT model_version, horizon_min, predictions, mean_abs_error, first_evaluated_at, last_evaluated_at
FROM prediction_accuracy_summary
ORDER BY model_version, horizon_min";

/// `$1` cycles (int8): the rows of the last `$1` evaluation cycles, newest first.
pub const ACCURACY_RECENT: &str = "\
SELECT a.evaluated_at, a.model_version, a.horizon_min, a.predictions, a.mean_abs_error
FROM prediction_accuracy a
WHERE a.evaluated_at IN (
    SELECT DISTINCT evaluated_at FROM prediction_accuracy ORDER BY evaluated_at DESC LIMIT $1::int8
)
ORDER BY a.evaluated_at DESC, a.model_version, a.horizon_min";

/// `$1` route id (text), `$2` before ts (text) and `$3` before id (int8), `$4` oldest
/// active cycle (RFC 3339 text; NULL lists every reroute), `$5` limit (int8). Newest first,
/// keyset on `(ts, id)`. Active = the rows of the newest cycle (every row of a rerouter cycle
/// shares its ts), when that cycle is not older than `$4`.
pub const REROUTES: &str = "\
SELECT id, ts, route_id, alt_route_id, alt_path, reason, estimated_co2_gain, eta_gain_min
FROM reroutes
WHERE ($1::text IS NULL OR route_id = $1::text)
  AND ($2::text IS NULL OR (ts, id) < ($2::text::timestamptz, $3::int8))
  AND ($4::text IS NULL OR (ts = (SELECT max(ts) FROM reroutes) AND ts >= $4::text::timestamptz))
ORDER BY ts DESC, id DESC
LIMIT $5::int8";

/// `$1` road ids (text[]): the midpoints of those that have one.
pub const ROAD_POSITIONS: &str = "\
SELECT road_id, lat, lng FROM roads
WHERE road_id = ANY($1::text[]) AND lat IS NOT NULL AND lng IS NOT NULL";

#[cfg(test)]
mod tests {
    use super::*;

    /// The `$n` placeholders a statement uses, each with the one type it is cast to.
    fn placeholders(sql: &str) -> Vec<(usize, String)> {
        let mut found: Vec<(usize, String)> = Vec::new();
        let bytes = sql.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'$' {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                let n: usize = sql[start..end].parse().unwrap();
                let cast = sql[end..].strip_prefix("::").map(|rest| {
                    rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '[' || c == ']')).next().unwrap().to_string()
                });
                let cast = cast.unwrap_or_else(|| panic!("${n} without a cast in {sql}"));
                if let Some((_, known)) = found.iter().find(|(k, _)| *k == n) {
                    assert_eq!(known, &cast, "${n} cast two ways");
                } else {
                    found.push((n, cast));
                }
                i = end;
            } else {
                i += 1;
            }
        }
        found.sort();
        found
    }

    #[test]
    fn every_parameter_is_cast_one_way_and_numbered_without_gaps() {
        for (sql, count) in [(ROADS, 8), (LIVE, 7), (HISTORY, 4), (PREDICTIONS, 5), (ACCURACY_RECENT, 1), (REROUTES, 5), (ROAD_POSITIONS, 1)] {
            let found = placeholders(sql);
            assert_eq!(found.iter().map(|(n, _)| *n).collect::<Vec<_>>(), (1..=count).collect::<Vec<_>>(), "{sql}");
        }
        assert!(placeholders(ACCURACY_SUMMARY).is_empty());
    }

    #[test]
    fn roads_columns() {
        let select = ROADS.split("FROM roads").next().unwrap();
        assert_eq!(select.matches(',').count() + 1, ROAD_COLUMNS);
    }
}

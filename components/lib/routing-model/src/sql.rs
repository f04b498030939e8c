//! The rerouter's statements. Every value is a parameter.

/// `$1` horizon (int), `$2` oldest usable prediction ts (RFC 3339), `$3` default free-flow
/// speed (float8). Every routable road (both nodes and a length known) with its free-flow
/// speed (catalogue, else observed 95th percentile, else `$3`) and its latest usable
/// prediction at that horizon (NULL when none): road_id, from_node, to_node, length_m,
/// free_flow_kmh, congestion_score.
pub const GRAPH: &str = "\
SELECT r.road_id, r.from_node, r.to_node, r.length_m,
       COALESCE(r.free_flow_kmh, NULLIF(c.speed_p95_kmh, 0), $3::float8) AS free_flow_kmh,
       p.congestion_score
FROM roads r
LEFT JOIN road_capacity c ON c.road_id = r.road_id
LEFT JOIN LATERAL (
    SELECT p.congestion_score
    FROM predictions p
    WHERE p.road_id = r.road_id AND p.horizon_min = $1::int AND p.ts >= $2::text::timestamptz
    ORDER BY p.ts DESC, p.id DESC
    LIMIT 1
) p ON true
WHERE r.from_node IS NOT NULL AND r.to_node IS NOT NULL AND r.length_m IS NOT NULL
ORDER BY r.road_id";

/// `$1` ts, `$2` horizon; `$3..$12` as `text[]`: route_id, alt_route_id, alt_path (JSON
/// array of road ids), reason, co2 gain, eta gain, score, alt length, alt travel minutes,
/// route travel minutes. One statement per cycle; re-running a cycle for the same ts
/// replaces its rows. Returns the number of rows written.
pub const INSERT_REROUTES: &str = "\
WITH written AS (
    INSERT INTO reroutes AS cur (ts, route_id, alt_route_id, alt_path, reason, estimated_co2_gain, eta_gain_min,
                                 congestion_score, alt_length_m, alt_travel_min, route_travel_min, horizon_min)
    SELECT $1::text::timestamptz, u.route_id, u.alt_route_id,
           ARRAY(SELECT jsonb_array_elements_text(u.alt_path::jsonb)), u.reason,
           u.co2::float8, u.eta::float8, u.score::float8, u.alt_length::float8,
           u.alt_travel::float8, u.route_travel::float8, $2::int
    FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                $10::text[], $11::text[], $12::text[])
         AS u(route_id, alt_route_id, alt_path, reason, co2, eta, score, alt_length, alt_travel, route_travel)
    ON CONFLICT (ts, route_id, alt_route_id) DO UPDATE SET
        alt_path = EXCLUDED.alt_path, reason = EXCLUDED.reason,
        estimated_co2_gain = EXCLUDED.estimated_co2_gain, eta_gain_min = EXCLUDED.eta_gain_min,
        congestion_score = EXCLUDED.congestion_score, alt_length_m = EXCLUDED.alt_length_m,
        alt_travel_min = EXCLUDED.alt_travel_min, route_travel_min = EXCLUDED.route_travel_min,
        horizon_min = EXCLUDED.horizon_min
    RETURNING 1
)
SELECT count(*) FROM written";

/// Values rounded as stored (minutes and kg to 3 decimals, score to 3).
fn fixed(v: f64) -> Option<String> {
    Some(((v * 1000.0).round() / 1000.0).to_string())
}

/// `$3..$12` of [`INSERT_REROUTES`].
pub fn insert_columns(reroutes: &[crate::Reroute]) -> [Vec<Option<String>>; 10] {
    let mut cols: [Vec<Option<String>>; 10] = Default::default();
    for r in reroutes {
        cols[0].push(Some(r.route_id.clone()));
        cols[1].push(Some(r.alt_route_id()));
        cols[2].push(Some(serde_json::to_string(&r.alt_path).expect("strings serialise")));
        cols[3].push(Some(r.reason()));
        cols[4].push(fixed(r.co2_gain_kg));
        cols[5].push(fixed(r.eta_gain_min));
        cols[6].push(fixed(r.score));
        cols[7].push(fixed(r.alt_length_m));
        cols[8].push(fixed(r.alt_travel_min));
        cols[9].push(fixed(r.route_travel_min));
    }
    cols
}

//! The one statement the ingest component runs per message. All values are parameters.

/// `$1..$6`: `traffic_raw` columns as `text[]` of equal length (ts RFC 3339, sensor_id,
/// road_id, speed_kmh, flow_rate, occupancy); `$7..$14`: `roads` columns as `text[]`, one
/// element per distinct road (road_id, label, lat, lng, from_node, to_node, length_m,
/// free_flow_kmh; NULL = not given).
///
/// One statement, so a message is stored atomically in one round trip: readings go in with
/// `ON CONFLICT (ts, sensor_id) DO NOTHING` (a redelivered message is harmless) and the
/// result is the number of rows actually inserted — the rest were duplicates. Roads are
/// upserted field by field: a reading without a label or position never erases one, and an
/// unchanged road is not rewritten (no dead tuples at thousands of messages per second).
pub const INGEST: &str = "\
WITH inserted AS (
    INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
    SELECT r.ts::timestamptz, r.sensor_id, r.road_id,
           r.speed_kmh::float8, r.flow_rate::float8, r.occupancy::float8
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS r(ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
    ON CONFLICT (ts, sensor_id) DO NOTHING
    RETURNING 1
), described AS (
    INSERT INTO roads AS cur (road_id, label, lat, lng, from_node, to_node, length_m, free_flow_kmh)
    SELECT d.road_id, COALESCE(d.label, ''), d.lat::float8, d.lng::float8,
           d.from_node, d.to_node, d.length_m::float8, d.free_flow_kmh::float8
    FROM unnest($7::text[], $8::text[], $9::text[], $10::text[],
                $11::text[], $12::text[], $13::text[], $14::text[])
         AS d(road_id, label, lat, lng, from_node, to_node, length_m, free_flow_kmh)
    ON CONFLICT (road_id) DO UPDATE SET
        label = COALESCE(NULLIF(EXCLUDED.label, ''), cur.label),
        lat = COALESCE(EXCLUDED.lat, cur.lat),
        lng = COALESCE(EXCLUDED.lng, cur.lng),
        from_node = COALESCE(EXCLUDED.from_node, cur.from_node),
        to_node = COALESCE(EXCLUDED.to_node, cur.to_node),
        length_m = COALESCE(EXCLUDED.length_m, cur.length_m),
        free_flow_kmh = COALESCE(EXCLUDED.free_flow_kmh, cur.free_flow_kmh),
        updated_at = now()
    WHERE (COALESCE(NULLIF(EXCLUDED.label, ''), cur.label), COALESCE(EXCLUDED.lat, cur.lat),
           COALESCE(EXCLUDED.lng, cur.lng), COALESCE(EXCLUDED.from_node, cur.from_node),
           COALESCE(EXCLUDED.to_node, cur.to_node), COALESCE(EXCLUDED.length_m, cur.length_m),
           COALESCE(EXCLUDED.free_flow_kmh, cur.free_flow_kmh))
          IS DISTINCT FROM
          (cur.label, cur.lat, cur.lng, cur.from_node, cur.to_node, cur.length_m, cur.free_flow_kmh)
)
SELECT count(*) FROM inserted";

//! Readings → the column arrays of the one ingest statement ([`crate::sql::INGEST`]).
//!
//! `spin:postgres@4.0.0` has array parameters for int32, int64, decimal and text only, so
//! every column travels as `text[]` and is cast in SQL (`::float8`, `::timestamptz`). That
//! keeps the statement's parameter count fixed (14) whatever the batch size.

use std::collections::BTreeMap;

use crate::Reading;

/// Parameters of [`crate::sql::INGEST`]: 6 `traffic_raw` columns, then 8 `roads` columns.
pub const PARAMETER_COUNT: usize = 14;

/// What one message says about one road: for each field, the value from the latest reading
/// (by timestamp, then by position) that carries it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoadRow {
    pub road_id: String,
    pub label: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub from_node: Option<String>,
    pub to_node: Option<String>,
    pub length_m: Option<f64>,
    pub free_flow_kmh: Option<f64>,
}

/// One row per distinct road, sorted by `road_id`: an upsert may touch a row only once per
/// statement, and a fixed lock order keeps concurrent handlers from deadlocking.
pub fn road_rows(readings: &[Reading]) -> Vec<RoadRow> {
    let mut order: Vec<&Reading> = readings.iter().collect();
    order.sort_by_key(|r| r.ts); // stable: equal timestamps keep message order
    let mut roads: BTreeMap<&str, RoadRow> = BTreeMap::new();
    for r in order {
        let row = roads.entry(&r.road_id).or_insert_with(|| RoadRow { road_id: r.road_id.clone(), ..RoadRow::default() });
        if r.label.is_some() {
            row.label = r.label.clone();
        }
        if let (Some(lat), Some(lng)) = (r.lat, r.lng) {
            row.lat = Some(lat);
            row.lng = Some(lng);
        }
        if r.from_node.is_some() {
            row.from_node = r.from_node.clone();
        }
        if r.to_node.is_some() {
            row.to_node = r.to_node.clone();
        }
        row.length_m = r.length_m.or(row.length_m);
        row.free_flow_kmh = r.free_flow_kmh.or(row.free_flow_kmh);
    }
    roads.into_values().collect()
}

type Column = Vec<Option<String>>;

/// The [`PARAMETER_COUNT`] text-array parameters of [`crate::sql::INGEST`], in order.
pub fn ingest_parameters(readings: &[Reading]) -> [Column; PARAMETER_COUNT] {
    let text = |s: &str| Some(s.to_string());
    let number = |n: f64| Some(n.to_string()); // shortest round-trip form, never exponent
    let traffic = |f: &dyn Fn(&Reading) -> Option<String>| readings.iter().map(f).collect::<Column>();
    let roads = road_rows(readings);
    let road = |f: &dyn Fn(&RoadRow) -> Option<String>| roads.iter().map(f).collect::<Column>();
    [
        traffic(&|r| Some(r.ts_text())),
        traffic(&|r| text(&r.sensor_id)),
        traffic(&|r| text(&r.road_id)),
        traffic(&|r| number(r.speed_kmh)),
        traffic(&|r| number(r.flow_rate)),
        traffic(&|r| number(r.occupancy)),
        road(&|r| text(&r.road_id)),
        road(&|r| r.label.clone()),
        road(&|r| r.lat.and_then(number)),
        road(&|r| r.lng.and_then(number)),
        road(&|r| r.from_node.clone()),
        road(&|r| r.to_node.clone()),
        road(&|r| r.length_m.and_then(number)),
        road(&|r| r.free_flow_kmh.and_then(number)),
    ]
}

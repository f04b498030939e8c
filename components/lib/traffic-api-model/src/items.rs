//! The JSON items each endpoint answers. Times are RFC 3339 in UTC; absent values are
//! `null`, empty lists `[]`.

use chrono::{DateTime, Utc};
use prediction_model::{round_to, ModelVersion, RoadNorms};
use serde::Serialize;

/// One page of a list: `{"items": [...], "next_cursor": "<opaque>" | null}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// `rows` fetched with `LIMIT limit + 1`: the extra row only says there is a next page,
    /// which starts after the last item kept.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> String) -> Page<T> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(&cursor_of)
        } else {
            None
        };
        Page { items: rows, next_cursor }
    }
}

/// The congestion the map colours a reading by: the prediction model's score of that
/// reading (0 free-flowing … 1 jammed), to 3 decimals — the predictor's configured model, so
/// the live colour and the predictions are on one scale. `ewma-lr-v2` is the seed's formula;
/// `ewma-lr-v3` (the default) weighs speed against the road's free-flow speed and flow
/// against its observed capacity, so a busy boulevard at its usual flow is not "jammed".
pub fn congestion(model: ModelVersion, speed_kmh: f64, occupancy: f64, flow_rate: f64, norms: &RoadNorms) -> f64 {
    round_to(model.score(speed_kmh, occupancy, flow_rate, norms), 3)
}

/// The latest reading of a road.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latest {
    #[serde(serialize_with = "crate::time::serialize")]
    pub ts: DateTime<Utc>,
    pub sensor_id: String,
    pub speed_kmh: f64,
    pub flow_rate: f64,
    pub occupancy: f64,
    pub congestion: f64,
}

/// The latest prediction of a road at the requested horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoadPrediction {
    #[serde(serialize_with = "crate::time::serialize")]
    pub ts: DateTime<Utc>,
    pub horizon_min: i32,
    pub congestion_score: f64,
    pub confidence: Option<f64>,
    pub model_version: String,
}

/// `GET /api/roads` item. `lat`/`lng` are the road's midpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Road {
    pub road_id: String,
    pub label: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub from_node: Option<String>,
    pub to_node: Option<String>,
    pub length_m: Option<f64>,
    pub free_flow_kmh: Option<f64>,
    pub latest: Option<Latest>,
    pub prediction: Option<RoadPrediction>,
}

/// `GET /api/traffic/live` item: a road's latest reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveReading {
    pub road_id: String,
    pub sensor_id: String,
    #[serde(serialize_with = "crate::time::serialize")]
    pub ts: DateTime<Utc>,
    pub speed_kmh: f64,
    pub flow_rate: f64,
    pub occupancy: f64,
    pub congestion: f64,
}

/// `GET /api/traffic/history` item: the averages of one bucket's readings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryBucket {
    #[serde(serialize_with = "crate::time::serialize")]
    pub bucket: DateTime<Utc>,
    pub speed_kmh: f64,
    pub flow_rate: f64,
    pub occupancy: f64,
    pub readings: i64,
}

/// `GET /api/traffic/history` answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub road_id: String,
    #[serde(serialize_with = "crate::time::serialize")]
    pub from: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::serialize")]
    pub to: DateTime<Utc>,
    pub bucket: String,
    pub items: Vec<HistoryBucket>,
}

/// `GET /api/predictions` item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prediction {
    pub id: i64,
    #[serde(serialize_with = "crate::time::serialize")]
    pub ts: DateTime<Utc>,
    pub road_id: String,
    pub horizon_min: i32,
    pub congestion_score: f64,
    pub confidence: Option<f64>,
    pub model_version: String,
    /// The score observed once `ts + horizon` has passed; `null` until then (or when the road
    /// did not report).
    pub observed_score: Option<f64>,
}

/// `GET /api/reroutes` item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reroute {
    pub id: i64,
    #[serde(serialize_with = "crate::time::serialize")]
    pub ts: DateTime<Utc>,
    /// The congested road the detour avoids.
    pub route_id: String,
    pub alt_route_id: String,
    /// The detour's road ids, in driving order.
    pub alt_path: Vec<String>,
    pub reason: String,
    pub estimated_co2_gain: Option<f64>,
    pub eta_gain_min: Option<f64>,
}

/// All-time accuracy of one model at one horizon (`prediction_accuracy_summary`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccuracySummary {
    pub model_version: String,
    pub horizon_min: i32,
    pub predictions: i64,
    pub mean_abs_error: f64,
    #[serde(serialize_with = "crate::time::serialize")]
    pub first_evaluated_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::time::serialize")]
    pub last_evaluated_at: DateTime<Utc>,
}

/// One predictor cycle's accuracy for one model and horizon (`prediction_accuracy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccuracyCycle {
    #[serde(serialize_with = "crate::time::serialize")]
    pub evaluated_at: DateTime<Utc>,
    pub model_version: String,
    pub horizon_min: i32,
    pub predictions: i64,
    pub mean_abs_error: f64,
}

/// `GET /api/predictions/accuracy` answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Accuracy {
    pub summary: Vec<AccuracySummary>,
    pub recent_cycles: Vec<AccuracyCycle>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_full_page_points_after_its_last_item() {
        let page = Page::from_rows(vec![1, 2, 3, 4], 3, |n| format!("after-{n}"));
        assert_eq!(page.items, vec![1, 2, 3]);
        assert_eq!(page.next_cursor.as_deref(), Some("after-3"));
        let last = Page::from_rows(vec![1, 2, 3], 3, |n| format!("after-{n}"));
        assert_eq!(last.next_cursor, None);
        let empty = Page::from_rows(Vec::<i32>::new(), 3, |n| n.to_string());
        assert_eq!(serde_json::to_value(&empty).unwrap(), json!({"items": [], "next_cursor": null}));
    }

    #[test]
    fn congestion_is_the_models_score() {
        let none = RoadNorms::default();
        assert_eq!(congestion(ModelVersion::V2, 45.0, 0.5, 60.0, &none), 0.5);
        assert_eq!(congestion(ModelVersion::V2, 0.0, 1.0, 10_000.0, &none), 1.0);
        assert_eq!(congestion(ModelVersion::V2, 90.0, 0.0, 0.0, &none), 0.0);
        // A 50 km/h street at 45 km/h with its usual 500 veh/h: the seed's formula saturates,
        // v3 reads it as free-flowing.
        let street = RoadNorms { free_flow_kmh: Some(50.0), speed_p95_kmh: None, flow_p95: Some(600.0) };
        assert!(congestion(ModelVersion::V2, 45.0, 0.1, 500.0, &street) > 0.8);
        assert!(congestion(ModelVersion::V3, 45.0, 0.1, 500.0, &street) < 0.3);
    }

    #[test]
    fn times_serialise_in_utc() {
        let ts = crate::time::parse_rfc3339("2025-01-15T11:30:00+01:00").unwrap();
        let item = LiveReading { road_id: "R1".into(), sensor_id: "S1".into(), ts, speed_kmh: 40.0, flow_rate: 500.0, occupancy: 0.2, congestion: 0.3 };
        assert_eq!(serde_json::to_value(&item).unwrap()["ts"], "2025-01-15T10:30:00Z");
    }
}

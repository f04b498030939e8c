use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};

/// One validated sensor reading. Optional fields describe the road the sensor sits on
/// (they feed the `roads` table); `length_m` and `free_flow_kmh` are CityFlow extensions
/// to the seed's payload that the simulator sends so the rerouter can weigh arcs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    #[serde(serialize_with = "rfc3339_utc")]
    pub ts: DateTime<Utc>,
    pub sensor_id: String,
    pub road_id: String,
    pub speed_kmh: f64,
    pub flow_rate: f64,
    pub occupancy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub length_m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_flow_kmh: Option<f64>,
}

impl Reading {
    /// The timestamp as stored and published: RFC 3339 in UTC with as many fractional
    /// digits as needed (`2025-01-15T10:30:00.123Z`).
    pub fn ts_text(&self) -> String {
        self.ts.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// The live event published to Redis: this validated reading re-serialised (never the
    /// raw payload, which could carry anything).
    pub fn event_json(&self) -> String {
        serde_json::to_string(self).expect("a reading always serialises")
    }
}

fn rfc3339_utc<S: Serializer>(ts: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&ts.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

//! The JSON event published per reroute on `<prefix>reroutes` and appended to
//! `<prefix>stream:reroutes`: the seed's Reroute shape (§A2.3) plus the path.

use serde::Serialize;

pub const CHANNEL: &str = "reroutes";
pub const STREAM: &str = "stream:reroutes";

#[derive(Debug, Serialize)]
pub struct RerouteEvent<'a> {
    pub ts: &'a str,
    pub route_id: &'a str,
    pub alt_route_id: &'a str,
    pub alt_path: &'a [String],
    pub reason: &'a str,
    pub estimated_co2_gain: f64,
    pub eta_gain_min: f64,
}

impl RerouteEvent<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a reroute event always serialises")
    }
}

//! The JSON event published per prediction on `<prefix>predictions` and appended to
//! `<prefix>stream:predictions` — the seed's Prediction shape (§A2.3).

use serde::Serialize;

/// Pub/sub channel, below the Redis prefix.
pub const CHANNEL: &str = "predictions";
/// Capped stream of the same events, below the Redis prefix.
pub const STREAM: &str = "stream:predictions";

#[derive(Debug, Serialize)]
pub struct PredictionEvent<'a> {
    pub ts: &'a str,
    pub road_id: &'a str,
    pub horizon_min: i32,
    pub congestion_score: f64,
    pub confidence: f64,
    pub model_version: &'a str,
}

impl PredictionEvent<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a prediction event always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_shape() {
        let e = PredictionEvent { ts: "2026-03-10T11:00:00Z", road_id: "R1", horizon_min: 30, congestion_score: 0.787, confidence: 0.89, model_version: "ewma-lr-v3" };
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(v["road_id"], "R1");
        assert_eq!(v["horizon_min"], 30);
        assert_eq!(v["congestion_score"], 0.787);
        assert_eq!(v["model_version"], "ewma-lr-v3");
    }
}

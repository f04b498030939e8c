//! Redis: each prediction on `<prefix>predictions` and in the capped stream
//! `<prefix>stream:predictions`, and the cycle's counters, with the ingest component's script
//! (`spin_kit::publish_events`).

use prediction_model::cycle::PredictionRow;
use prediction_model::event::{PredictionEvent, CHANNEL, STREAM};

pub fn publish(ts: &str, model_version: &str, rows: &[PredictionRow], metrics: &[app_metrics::Update]) -> Result<usize, String> {
    let events: Vec<String> = rows
        .iter()
        .map(|r| {
            PredictionEvent {
                ts,
                road_id: &r.road_id,
                horizon_min: r.horizon_min,
                congestion_score: r.score,
                confidence: r.confidence,
                model_version,
            }
            .to_json()
        })
        .collect();
    spin_kit::publish_events(STREAM, CHANNEL, &events, metrics, "predictions")
}

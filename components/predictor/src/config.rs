//! Component variables (mapped from the application's in spin.toml).

use prediction_model::config::{PredictorConfig, RawConfig};
use spin_sdk::variables;

fn optional(name: &str) -> Option<String> {
    variables::get(name).ok()
}

pub fn db_url() -> Result<String, String> {
    variables::get("db_url").map_err(|e| format!("component variable db_url: {e}"))
}

pub fn redis_url() -> Result<String, String> {
    variables::get("redis_url").map_err(|e| format!("component variable redis_url: {e}"))
}

/// Prefix of Redis channels and streams; `cityflow:` unless configured.
pub fn redis_prefix() -> String {
    optional("redis_prefix").filter(|p| !p.is_empty()).unwrap_or_else(|| traffic_model::live::DEFAULT_PREFIX.to_string())
}

pub fn predictor() -> Result<PredictorConfig, String> {
    let late_margin = optional("late_margin_seconds");
    let (model, zone, window, batch, accuracy) = (
        optional("model_version"),
        optional("city_timezone"),
        optional("capacity_window_hours"),
        optional("capacity_batch"),
        optional("accuracy_batch"),
    );
    PredictorConfig::parse(&RawConfig {
        model_version: model.as_deref(),
        city_timezone: zone.as_deref(),
        capacity_window_hours: window.as_deref(),
        capacity_batch: batch.as_deref(),
        accuracy_batch: accuracy.as_deref(),
        late_margin_seconds: late_margin.as_deref(),
    })
}

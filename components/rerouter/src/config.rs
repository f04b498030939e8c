//! Component variables (mapped from the application's in spin.toml).

use routing_model::config::{RawConfig, RouterConfig};
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

pub fn router() -> Result<RouterConfig, String> {
    let (threshold, gain, alternatives, horizon, cycle) = (
        optional("congestion_threshold"),
        optional("reroute_min_gain_min"),
        optional("reroute_alternatives"),
        optional("reroute_horizon_min"),
        optional("cycle_seconds"),
    );
    RouterConfig::parse(&RawConfig {
        congestion_threshold: threshold.as_deref(),
        min_gain_min: gain.as_deref(),
        max_alternatives: alternatives.as_deref(),
        horizon_min: horizon.as_deref(),
        cycle_seconds: cycle.as_deref(),
    })
}

//! Component variables (mapped from the application's in spin.toml).

use spin_sdk::variables;

pub fn db_url() -> Result<String, String> {
    variables::get("db_url").map_err(|e| format!("component variable db_url: {e}"))
}

pub fn redis_url() -> Result<String, String> {
    variables::get("redis_url").map_err(|e| format!("component variable redis_url: {e}"))
}

/// Prefix of Redis channels and keys; `cityflow:` unless configured (tests isolate with it).
pub fn redis_prefix() -> String {
    variables::get("redis_prefix")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| traffic_model::live::DEFAULT_PREFIX.to_string())
}

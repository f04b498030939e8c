//! Component variables. A missing or unusable value is the operator's mistake, not the
//! client's: it is logged with its cause and answered with a generic 500.

use api_kit::ApiError;
use spin_sdk::variables;

/// Token lifetime when `jwt_ttl_seconds` is unset: one hour.
const DEFAULT_TTL_SECS: u64 = 3600;
/// A day at most: a stolen token must not stay useful for long.
const MAX_TTL_SECS: u64 = 86_400;

fn misconfigured(what: &str) -> ApiError {
    eprintln!("identity: misconfigured: {what}");
    ApiError::internal("the identity service is misconfigured")
}

pub fn jwt_secret() -> Result<Vec<u8>, ApiError> {
    spin_kit::jwt_secret().map(String::into_bytes).map_err(|detail| misconfigured(&detail))
}

pub fn token_ttl_secs() -> Result<u64, ApiError> {
    match variables::get("jwt_ttl_seconds") {
        Err(_) => Ok(DEFAULT_TTL_SECS),
        Ok(text) if text.trim().is_empty() => Ok(DEFAULT_TTL_SECS),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(ttl) if (1..=MAX_TTL_SECS).contains(&ttl) => Ok(ttl),
            _ => Err(misconfigured(&format!("jwt_ttl_seconds must be 1..={MAX_TTL_SECS}, got {text:?}"))),
        },
    }
}

/// Redis address and key prefix for login throttling; `None` when not configured.
pub fn redis() -> Option<(String, String)> {
    let url = variables::get("redis_url").ok().filter(|u| !u.trim().is_empty())?;
    let prefix = variables::get("redis_prefix").unwrap_or_default();
    Some((url, prefix))
}

//! The predictor's component variables, parsed with errors that name the variable.

use chrono_tz::Tz;

use crate::model::ModelVersion;

#[derive(Debug, Clone, PartialEq)]
pub struct PredictorConfig {
    pub model: ModelVersion,
    pub zone: Tz,
    /// Window of the per-road capacity (95th percentiles), hours.
    pub capacity_window_hours: i32,
    /// Roads whose capacity is refreshed per cycle at most (stalest first).
    pub capacity_batch: i32,
    /// Predictions evaluated against observations per cycle at most.
    pub accuracy_batch: i32,
    /// Readings arriving up to this late (seconds) still count in their 5-minute bucket.
    pub late_margin_seconds: i32,
}

/// Raw variable values, None when unset.
#[derive(Debug, Default)]
pub struct RawConfig<'a> {
    pub model_version: Option<&'a str>,
    pub city_timezone: Option<&'a str>,
    pub capacity_window_hours: Option<&'a str>,
    pub capacity_batch: Option<&'a str>,
    pub accuracy_batch: Option<&'a str>,
    pub late_margin_seconds: Option<&'a str>,
}

pub const DEFAULT_MODEL: ModelVersion = ModelVersion::V3;
pub const DEFAULT_TIMEZONE: &str = "Europe/Paris";

impl PredictorConfig {
    pub fn parse(raw: &RawConfig) -> Result<PredictorConfig, String> {
        let model = match raw.model_version.map(str::trim).filter(|s| !s.is_empty()) {
            None => DEFAULT_MODEL,
            Some(name) => ModelVersion::parse(name).ok_or_else(|| {
                format!("model_version {name:?} is unknown; use ewma-lr-v3 or ewma-lr-v2")
            })?,
        };
        let zone_name = raw.city_timezone.map(str::trim).filter(|s| !s.is_empty()).unwrap_or(DEFAULT_TIMEZONE);
        let zone: Tz = zone_name.parse().map_err(|_| format!("city_timezone {zone_name:?} is not an IANA time zone (e.g. Europe/Paris)"))?;
        Ok(PredictorConfig {
            model,
            zone,
            capacity_window_hours: positive("capacity_window_hours", raw.capacity_window_hours, 24, 24 * 31)?,
            capacity_batch: positive("capacity_batch", raw.capacity_batch, 500, 1_000_000)?,
            accuracy_batch: positive("accuracy_batch", raw.accuracy_batch, 100_000, 10_000_000)?,
            late_margin_seconds: positive("late_margin_seconds", raw.late_margin_seconds, 60, 3600)?,
        })
    }
}

/// An integer in 1..=max, `default` when unset or empty.
pub fn positive(name: &str, value: Option<&str>, default: i32, max: i32) -> Result<i32, String> {
    match value.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(text) => match text.parse::<i32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(format!("{name} must be an integer between 1 and {max}, got {text:?}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let c = PredictorConfig::parse(&RawConfig::default()).unwrap();
        assert_eq!(c.model, ModelVersion::V3);
        assert_eq!(c.zone, chrono_tz::Europe::Paris);
        assert_eq!(c.capacity_window_hours, 24);
    }

    #[test]
    fn errors_name_the_variable() {
        let bad_zone = RawConfig { city_timezone: Some("Mars/Olympus"), ..Default::default() };
        assert!(PredictorConfig::parse(&bad_zone).unwrap_err().contains("city_timezone"));
        let bad_model = RawConfig { model_version: Some("baseline-v1"), ..Default::default() };
        assert!(PredictorConfig::parse(&bad_model).unwrap_err().contains("model_version"));
        let bad_batch = RawConfig { capacity_batch: Some("0"), ..Default::default() };
        assert!(PredictorConfig::parse(&bad_batch).unwrap_err().contains("capacity_batch"));
        let v2 = RawConfig { model_version: Some("ewma-lr-v2"), city_timezone: Some("UTC"), ..Default::default() };
        assert_eq!(PredictorConfig::parse(&v2).unwrap().model, ModelVersion::V2);
    }
}

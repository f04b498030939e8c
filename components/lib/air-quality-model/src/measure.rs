//! Zones and measures as the service stores and sends them, and the validation of a new
//! measure. Concentrations are in the seed UI's units: µg/m³ for PM2.5, PM10, O3 (8-hour
//! mean) and NO2 (1-hour mean); mg/m³ for CO (8-hour mean); PM are 24-hour means.

use crate::aqi::{Aqi, TableConcentrations};
use crate::timestamp::is_xsd_date_time;
use crate::units;
use std::fmt;

/// A zone of the city (a Paris arrondissement), shared by every service by its `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// Review state of a measure. New measures are `pending`; an operator marks them `validated`
/// (checked, counts for reporting) or `invalid` (sensor fault; kept for the audit trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Validated,
    Invalid,
}

impl Status {
    pub const ALL: [Status; 3] = [Self::Pending, Self::Validated, Self::Invalid];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Validated => "validated",
            Self::Invalid => "invalid",
        }
    }

    pub fn parse(text: &str) -> Result<Status, InvalidInput> {
        Self::ALL.into_iter().find(|s| s.as_str() == text).ok_or_else(|| {
            InvalidInput::new("status", format!("status must be one of pending, validated, invalid (got {text:?})"))
        })
    }
}

/// A stored measure with its computed index.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: i64,
    pub zone_id: String,
    pub zone_name: String,
    pub pm25: f64,
    pub pm10: f64,
    pub o3: f64,
    pub no2: f64,
    pub co: f64,
    /// xsd:dateTime, UTC.
    pub measured_at: String,
    pub aqi: u16,
    pub category: String,
    pub dominant_pollutant: String,
    pub status: String,
}

/// A value the client sent that the service refuses; `field` names the element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    pub field: &'static str,
    pub message: String,
}

impl InvalidInput {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Upper bounds far above anything measured in a city (they sit above EPA's "beyond the AQI"
/// points); larger values are typing or unit errors, not air.
pub const MAX_UGM3: f64 = 10_000.0;
pub const MAX_CO_MGM3: f64 = 1_000.0;

/// Longest zone id accepted on input (ids are short slugs such as `paris-01`).
pub const MAX_ZONE_ID: usize = 64;

/// A new measure as `CreateMeasure` receives it, validated; the AQI is computed here and
/// never taken from the client.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureInput {
    pub zone_id: String,
    pub pm25: f64,
    pub pm10: f64,
    pub o3: f64,
    pub no2: f64,
    pub co: f64,
    /// xsd:dateTime with an explicit offset; `None` means "now" (the database clock).
    pub measured_at: Option<String>,
    pub aqi: Aqi,
}

/// The raw text fields of `CreateMeasure/data`, as found in the envelope.
#[derive(Debug, Default, Clone)]
pub struct RawMeasure<'a> {
    pub zone_id: Option<&'a str>,
    pub pm25: Option<&'a str>,
    pub pm10: Option<&'a str>,
    pub o3: Option<&'a str>,
    pub no2: Option<&'a str>,
    pub co: Option<&'a str>,
    pub measured_at: Option<&'a str>,
}

impl MeasureInput {
    pub fn parse(raw: &RawMeasure<'_>) -> Result<MeasureInput, InvalidInput> {
        let zone_id = raw.zone_id.map(str::trim).filter(|z| !z.is_empty()).ok_or_else(|| {
            InvalidInput::new("zone_id", "zone_id is required")
        })?;
        if zone_id.len() > MAX_ZONE_ID {
            return Err(InvalidInput::new("zone_id", format!("zone_id is longer than {MAX_ZONE_ID} bytes")));
        }
        let pm25 = concentration("pm25", raw.pm25, MAX_UGM3)?;
        let pm10 = concentration("pm10", raw.pm10, MAX_UGM3)?;
        let o3 = concentration("o3", raw.o3, MAX_UGM3)?;
        let no2 = concentration("no2", raw.no2, MAX_UGM3)?;
        let co = concentration("co", raw.co, MAX_CO_MGM3)?;
        let measured_at = match raw.measured_at.map(str::trim) {
            None | Some("") => None,
            Some(text) if is_xsd_date_time(text) => Some(text.to_string()),
            Some(text) => {
                return Err(InvalidInput::new(
                    "measured_at",
                    format!("measured_at must be an xsd:dateTime with a time zone, e.g. 2026-11-21T08:00:00Z (got {text:?})"),
                ))
            }
        };
        let aqi = aqi_of(pm25, pm10, o3, no2, co).ok_or_else(|| {
            InvalidInput::new("data", "concentrations have no AQI") // unreachable after the checks above
        })?;
        Ok(MeasureInput { zone_id: zone_id.to_string(), pm25, pm10, o3, no2, co, measured_at, aqi })
    }
}

/// The AQI of concentrations in the stored units (µg/m³, CO in mg/m³).
pub fn aqi_of(pm25: f64, pm10: f64, o3: f64, no2: f64, co: f64) -> Option<Aqi> {
    TableConcentrations {
        pm25_ugm3: pm25,
        pm10_ugm3: pm10,
        o3_ppm: units::o3_ugm3_to_ppm(o3),
        no2_ppb: units::no2_ugm3_to_ppb(no2),
        co_ppm: units::co_mgm3_to_ppm(co),
    }
    .aqi()
}

fn concentration(field: &'static str, text: Option<&str>, max: f64) -> Result<f64, InvalidInput> {
    let text = text.map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
        InvalidInput::new(field, format!("{field} is required"))
    })?;
    let value = parse_xsd_double(text)
        .ok_or_else(|| InvalidInput::new(field, format!("{field} must be a number (got {text:?})")))?;
    if !value.is_finite() {
        return Err(InvalidInput::new(field, format!("{field} must be a finite number")));
    }
    if value < 0.0 {
        return Err(InvalidInput::new(field, format!("{field} must not be negative (got {text})")));
    }
    if value > max {
        return Err(InvalidInput::new(field, format!("{field} above {max} is not a plausible concentration")));
    }
    Ok(value)
}

/// xsd:double lexical form: decimal or exponent notation, plus INF/-INF/NaN (refused later).
/// Rust's parser also takes "inf", "infinity" and "+nan", which XSD does not: screen them.
pub fn parse_xsd_double(text: &str) -> Option<f64> {
    match text {
        "INF" | "+INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let numeric = text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !numeric || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aqi::Category;

    fn raw<'a>() -> RawMeasure<'a> {
        RawMeasure {
            zone_id: Some("paris-01"),
            pm25: Some("28.5"),
            pm10: Some("42"),
            o3: Some("65"),
            no2: Some("38"),
            co: Some("0.8"),
            measured_at: None,
        }
    }

    #[test]
    fn a_valid_measure_gets_its_computed_aqi() {
        let m = MeasureInput::parse(&raw()).unwrap();
        assert_eq!(m.zone_id, "paris-01");
        assert_eq!(m.aqi.value, 87);
        assert_eq!(m.aqi.category, Category::Moderate);
        assert_eq!(m.measured_at, None);
    }

    #[test]
    fn refuses_negative_missing_and_non_numbers() {
        let cases: [(RawMeasure, &str); 8] = [
            (RawMeasure { pm25: Some("-1"), ..raw() }, "pm25"),
            (RawMeasure { pm10: None, ..raw() }, "pm10"),
            (RawMeasure { o3: Some("abc"), ..raw() }, "o3"),
            (RawMeasure { no2: Some("NaN"), ..raw() }, "no2"),
            (RawMeasure { co: Some("inf"), ..raw() }, "co"),
            (RawMeasure { co: Some("5000"), ..raw() }, "co"),
            (RawMeasure { zone_id: Some("  "), ..raw() }, "zone_id"),
            (RawMeasure { measured_at: Some("yesterday"), ..raw() }, "measured_at"),
        ];
        for (input, field) in cases {
            let err = MeasureInput::parse(&input).unwrap_err();
            assert_eq!(err.field, field, "{err}");
        }
    }

    #[test]
    fn accepts_a_timestamp_and_exponent_notation() {
        let m = MeasureInput::parse(&RawMeasure { pm25: Some("2.85E1"), measured_at: Some("2026-11-21T08:00:00Z"), ..raw() }).unwrap();
        assert_eq!(m.pm25, 28.5);
        assert_eq!(m.measured_at.as_deref(), Some("2026-11-21T08:00:00Z"));
    }

    #[test]
    fn status_vocabulary() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
        }
        assert_eq!(Status::parse("Validated").unwrap_err().field, "status");
        assert!(Status::parse("").is_err());
    }
}

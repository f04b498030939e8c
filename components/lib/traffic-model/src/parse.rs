//! Message → validated readings. Hand-walked over `serde_json::Value` rather than derived,
//! so every fault names its reading and field and nothing is silently defaulted.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::limits::*;
use crate::{Reading, Rejection};

const FIELDS: [&str; 13] = [
    "ts", "sensor_id", "road_id", "speed_kmh", "flow_rate", "occupancy", "label", "lat", "lng",
    "from_node", "to_node", "length_m", "free_flow_kmh",
];

/// Parses an MQTT payload: one JSON reading, or a JSON array of readings. `now` is the
/// receiver's clock, used only to bound timestamps (a reading's time is never replaced).
/// Any invalid reading rejects the whole message, so a batch is stored entirely or not at all.
pub fn parse_message(payload: &[u8], now: DateTime<Utc>) -> Result<Vec<Reading>, Rejection> {
    let value: Value = serde_json::from_slice(payload)
        .map_err(|e| Rejection::message(format!("payload is not valid JSON: {e}")))?;
    let items = match value {
        Value::Object(_) => vec![value],
        Value::Array(items) => {
            if items.is_empty() {
                return Err(Rejection::message("empty array: a batch needs at least one reading").of_readings(0));
            }
            if items.len() > MAX_READINGS {
                return Err(Rejection::message(format!(
                    "batch of {} readings exceeds the limit of {MAX_READINGS}",
                    items.len()
                ))
                .of_readings(items.len()));
            }
            items
        }
        other => {
            return Err(Rejection::message(format!(
                "payload must be a JSON object or an array of objects, not {}",
                kind(&other)
            )))
        }
    };
    let count = items.len();
    items.iter().enumerate().map(|(i, item)| reading(i, item, now)).collect::<Result<_, _>>().map_err(|r: Rejection| r.of_readings(count))
}

fn reading(index: usize, item: &Value, now: DateTime<Utc>) -> Result<Reading, Rejection> {
    let Value::Object(obj) = item else {
        return Err(Rejection::reading(index, format!("must be a JSON object, not {}", kind(item))));
    };
    if let Some(unknown) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(Rejection::reading(index, format!("unknown field {unknown:?}")));
    }
    let f = Fields { index, obj };
    let reading = Reading {
        ts: f.timestamp(now)?,
        sensor_id: f.id("sensor_id")?.ok_or_else(|| f.missing("sensor_id"))?,
        road_id: f.id("road_id")?.ok_or_else(|| f.missing("road_id"))?,
        speed_kmh: f.number_in("speed_kmh", 0.0, SPEED_MAX_KMH, "km/h")?,
        flow_rate: f.number_in("flow_rate", 0.0, FLOW_MAX_VEH_H, "vehicles/hour")?,
        occupancy: f.number_in("occupancy", 0.0, 1.0, "(a fraction)")?,
        label: f.label()?,
        lat: f.optional_number("lat", -90.0, 90.0, "degrees")?,
        lng: f.optional_number("lng", -180.0, 180.0, "degrees")?,
        from_node: f.id("from_node")?,
        to_node: f.id("to_node")?,
        length_m: f.optional_positive("length_m", LENGTH_MAX_M, "m")?,
        free_flow_kmh: f.optional_positive("free_flow_kmh", SPEED_MAX_KMH, "km/h")?,
    };
    match (reading.lat, reading.lng) {
        (Some(_), None) => return Err(f.invalid("lng", "lat is given, so lng is required too".into())),
        (None, Some(_)) => return Err(f.invalid("lat", "lng is given, so lat is required too".into())),
        // The seed wrote 0/0 for "unknown": a position in the Gulf of Guinea is a sentinel,
        // not a road.
        (Some(lat), Some(lng)) if lat == 0.0 && lng == 0.0 => {
            return Err(f.invalid("lat", "0,0 is not a road position; omit lat and lng when unknown".into()))
        }
        _ => {}
    }
    if reading.from_node.is_some() && reading.from_node == reading.to_node {
        return Err(f.invalid("to_node", "an arc cannot end at the node it starts from".into()));
    }
    Ok(reading)
}

/// The fields of one reading, with its index for error messages.
struct Fields<'a> {
    index: usize,
    obj: &'a Map<String, Value>,
}

impl Fields<'_> {
    fn invalid(&self, field: &'static str, reason: String) -> Rejection {
        Rejection::field(self.index, field, reason)
    }

    fn missing(&self, field: &'static str) -> Rejection {
        self.invalid(field, "is required".into())
    }

    /// The value, with JSON `null` treated as absent.
    fn get(&self, field: &str) -> Option<&Value> {
        self.obj.get(field).filter(|v| !v.is_null())
    }

    fn string(&self, field: &'static str) -> Result<Option<&str>, Rejection> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.invalid(field, format!("must be a string, not {}", kind(other)))),
        }
    }

    fn timestamp(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>, Rejection> {
        let text = self.string("ts")?.ok_or_else(|| self.missing("ts"))?;
        let ts = DateTime::parse_from_rfc3339(text)
            .map_err(|e| {
                self.invalid("ts", format!("{text:?} is not an RFC 3339 timestamp with an offset ({e})"))
            })?
            .with_timezone(&Utc);
        let ahead = (ts - now).num_seconds();
        if ahead > MAX_FUTURE_SECS {
            return Err(self.invalid(
                "ts",
                format!("{text} is {ahead} s ahead of the receiver's clock (at most {MAX_FUTURE_SECS} s allowed)"),
            ));
        }
        if -ahead > MAX_AGE_SECS {
            return Err(self.invalid(
                "ts",
                format!("{text} is older than {} days", MAX_AGE_SECS / 86_400),
            ));
        }
        Ok(ts)
    }

    /// An optional identifier (sensor, road, node): 1–64 bytes of `A-Z a-z 0-9 - _ . :`,
    /// so ids are safe in topics, Redis keys, URLs and logs.
    fn id(&self, field: &'static str) -> Result<Option<String>, Rejection> {
        let Some(id) = self.string(field)? else { return Ok(None) };
        if id.is_empty() {
            return Err(self.invalid(field, "must not be empty".into()));
        }
        if id.len() > ID_MAX_LEN {
            return Err(self.invalid(field, format!("longer than {ID_MAX_LEN} characters")));
        }
        if let Some(c) = id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))) {
            return Err(self.invalid(
                field,
                format!("contains {c:?}; ids use only letters, digits and - _ . :"),
            ));
        }
        Ok(Some(id.to_string()))
    }

    fn label(&self) -> Result<Option<String>, Rejection> {
        let Some(label) = self.string("label")? else { return Ok(None) };
        let label = label.trim();
        if label.is_empty() {
            return Err(self.invalid("label", "must not be blank (omit it instead)".into()));
        }
        if label.chars().count() > LABEL_MAX_CHARS {
            return Err(self.invalid("label", format!("longer than {LABEL_MAX_CHARS} characters")));
        }
        if label.chars().any(char::is_control) {
            return Err(self.invalid("label", "contains control characters".into()));
        }
        Ok(Some(label.to_string()))
    }

    fn optional_number(&self, field: &'static str, min: f64, max: f64, unit: &str) -> Result<Option<f64>, Rejection> {
        let Some(value) = self.get(field) else { return Ok(None) };
        let Some(n) = value.as_f64().filter(|n| n.is_finite()) else {
            return Err(self.invalid(field, format!("must be a number, not {}", kind(value))));
        };
        if !(min..=max).contains(&n) {
            return Err(self.invalid(field, format!("{n} is outside {min}–{max} {unit}")));
        }
        Ok(Some(n))
    }

    fn number_in(&self, field: &'static str, min: f64, max: f64, unit: &str) -> Result<f64, Rejection> {
        self.optional_number(field, min, max, unit)?.ok_or_else(|| self.missing(field))
    }

    fn optional_positive(&self, field: &'static str, max: f64, unit: &str) -> Result<Option<f64>, Rejection> {
        let n = self.optional_number(field, 0.0, max, unit)?;
        if n == Some(0.0) {
            return Err(self.invalid(field, "must be greater than 0".into()));
        }
        Ok(n)
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

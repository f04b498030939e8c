//! The trip plan to a zone: its air, the recommended way to travel, the lines that fit,
//! what is open there, and the emergencies under way there.

use crate::emergency::{alerts_in_zone, InterventionAlert};
use crate::soap::Measure;
use crate::tourism::Attraction;
use crate::transport::Line;
use crate::Section;
use emergency_model::pb::Intervention;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// Above this AQI the plan recommends public transport (seed design: "AQI > 100").
pub const POLLUTED_AQI: u16 = 100;

/// The longest zone id accepted before asking any service.
pub const MAX_ZONE_LEN: usize = 64;

/// Checks the form of a zone id (`paris-08`); whether it exists is the air-quality service's
/// call (its Fault for an unknown zone becomes a 404).
pub fn validate_zone(zone: &str) -> Result<(), String> {
    if zone.is_empty() {
        return Err("must not be empty".into());
    }
    if zone.len() > MAX_ZONE_LEN {
        return Err(format!("must be at most {MAX_ZONE_LEN} characters"));
    }
    if !zone.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        return Err("must be a zone id such as paris-08 (lowercase letters, digits and '-')".into());
    }
    Ok(())
}

/// Reads `{"destination_zone": "paris-08"}`: `Err((field, message))` when the body is not a
/// JSON object or the field is missing, not a string, or not a zone id.
pub fn destination_zone(body: &Value) -> Result<String, (Option<&'static str>, String)> {
    let object = body.as_object().ok_or((None, "the body must be a JSON object".to_string()))?;
    if let Some(unknown) = object.keys().find(|k| k.as_str() != "destination_zone") {
        return Err((Some("destination_zone"), format!("unknown field {unknown:?}; only destination_zone is accepted")));
    }
    let zone = match object.get("destination_zone") {
        Some(Value::String(zone)) => zone,
        Some(_) => return Err((Some("destination_zone"), "must be a string".into())),
        None => return Err((Some("destination_zone"), "is required".into())),
    };
    validate_zone(zone).map_err(|m| (Some("destination_zone"), m))?;
    Ok(zone.clone())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelMode {
    /// Métro, Bus, Tramway, Train: the air is bad, keep out of it.
    Public,
    /// Every mode, bicycles and taxis included.
    Any,
    /// No air-quality figure: no advice, every operational line is listed.
    Unknown,
}

impl TravelMode {
    pub fn for_aqi(aqi: Option<u16>) -> TravelMode {
        match aqi {
            Some(aqi) if aqi > POLLUTED_AQI => TravelMode::Public,
            Some(_) => TravelMode::Any,
            None => TravelMode::Unknown,
        }
    }

    pub fn message(self, aqi: Option<u16>) -> String {
        match (self, aqi) {
            (TravelMode::Public, Some(aqi)) => format!("Air quality is poor (AQI {aqi}): public transport recommended"),
            (TravelMode::Any, Some(aqi)) => format!("Air quality is acceptable (AQI {aqi}): every mode of transport is fine"),
            _ => "Air quality is unknown: no recommendation, every operational line is listed".into(),
        }
    }

    pub fn fits(self, line: &Line) -> bool {
        match self {
            TravelMode::Public => line.is_public(),
            TravelMode::Any | TravelMode::Unknown => true,
        }
    }
}

pub struct TripInputs {
    pub zone: String,
    /// The zone's latest measure; `Ready(None)` when the zone exists but has none yet.
    pub air: Section<Option<Measure>>,
    pub lines: Section<Vec<Line>>,
    pub attractions: Section<Vec<Attraction>>,
    pub interventions: Section<Vec<Intervention>>,
}

impl TripInputs {
    pub fn degraded(&self) -> bool {
        !(self.air.is_ready() && self.lines.is_ready() && self.attractions.is_ready() && self.interventions.is_ready())
    }

    pub fn to_json(&self) -> Value {
        let aqi = self.air.ready().and_then(|m| m.as_ref()).map(|m| m.aqi);
        let mode = TravelMode::for_aqi(aqi);
        let air_quality = match &self.air {
            Section::Ready(Some(m)) => json!({ "aqi": m.aqi, "category": m.category, "measured_at": m.measured_at }),
            Section::Ready(None) => json!({ "status": "no_data", "error": "the zone has no measure yet" }),
            unavailable => unavailable.to_json(),
        };
        let lines: Section<Vec<&Line>> = match &self.lines {
            Section::Ready(lines) => Section::Ready(lines.iter().filter(|l| l.is_operational() && mode.fits(l)).collect()),
            Section::Unavailable(e) => Section::Unavailable(e.clone()),
        };
        let open: Section<Vec<&Attraction>> = match &self.attractions {
            Section::Ready(list) => Section::Ready(list.iter().filter(|a| a.is_open() && a.zone == self.zone).collect()),
            Section::Unavailable(e) => Section::Unavailable(e.clone()),
        };
        let alerts: Section<Vec<InterventionAlert>> = match &self.interventions {
            Section::Ready(list) => Section::Ready(alerts_in_zone(list, &self.zone)),
            Section::Unavailable(e) => Section::Unavailable(e.clone()),
        };
        let mut doc = Map::new();
        doc.insert("zone".into(), json!(self.zone));
        doc.insert("degraded".into(), json!(self.degraded()));
        doc.insert("air_quality".into(), air_quality);
        doc.insert("recommendation".into(), json!({ "mode": mode, "message": mode.message(aqi) }));
        doc.insert("transports".into(), lines.to_json());
        doc.insert("attractions".into(), open.to_json());
        doc.insert("alerts".into(), alerts.to_json());
        Value::Object(doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, mode: &str, status: &str) -> Line {
        Line { id, mode: mode.into(), route: format!("L{id}"), status: status.into() }
    }

    fn inputs(aqi: Option<u16>) -> TripInputs {
        TripInputs {
            zone: "paris-08".into(),
            air: Section::Ready(aqi.map(|aqi| Measure { zone_id: "paris-08".into(), aqi, category: "x".into(), measured_at: "t".into() })),
            lines: Section::Ready(vec![line(1, "Métro", "operationnel"), line(2, "Vélo", "operationnel"), line(3, "Bus", "hors_service")]),
            attractions: Section::Ready(vec![
                Attraction { id: 1, name: "Arc".into(), kind: "MONUMENT".into(), status: "OPEN".into(), zone: "paris-08".into() },
                Attraction { id: 2, name: "Shut".into(), kind: "MUSEUM".into(), status: "CLOSED".into(), zone: "paris-08".into() },
            ]),
            interventions: Section::Ready(vec![Intervention { id: 4, zone: "paris-08".into(), ..Default::default() }]),
        }
    }

    fn ids(doc: &Value, key: &str) -> Vec<i64> {
        doc[key].as_array().unwrap().iter().map(|v| v["id"].as_i64().unwrap()).collect()
    }

    #[test]
    fn polluted_air_keeps_only_public_operational_lines() {
        let doc = inputs(Some(122)).to_json();
        assert_eq!(doc["recommendation"]["mode"], "public");
        assert_eq!(ids(&doc, "transports"), [1]);
        assert_eq!(ids(&doc, "attractions"), [1]);
        assert_eq!(ids(&doc, "alerts"), [4]);
        assert_eq!(doc["degraded"], false);
    }

    #[test]
    fn an_aqi_of_exactly_100_allows_every_mode() {
        let doc = inputs(Some(100)).to_json();
        assert_eq!(doc["recommendation"]["mode"], "any");
        assert_eq!(ids(&doc, "transports"), [1, 2]);
    }

    #[test]
    fn without_a_measure_there_is_no_advice_and_no_figure() {
        let doc = inputs(None).to_json();
        assert_eq!(doc["recommendation"]["mode"], "unknown");
        assert_eq!(doc["air_quality"]["status"], "no_data");
        let mut down = inputs(Some(50));
        down.air = Section::Unavailable("timed out".into());
        let doc = down.to_json();
        assert_eq!(doc["air_quality"], json!({"status": "unavailable", "error": "timed out"}));
        assert_eq!(doc["degraded"], true);
    }

    #[test]
    fn the_destination_is_validated_before_any_call() {
        assert_eq!(destination_zone(&json!({"destination_zone": "paris-08"})).unwrap(), "paris-08");
        assert_eq!(destination_zone(&json!([1])).unwrap_err().0, None);
        assert_eq!(destination_zone(&json!({})).unwrap_err().1, "is required");
        assert_eq!(destination_zone(&json!({"destination_zone": 8})).unwrap_err().1, "must be a string");
        assert!(destination_zone(&json!({"destination_zone": "Paris 08"})).is_err());
        assert!(destination_zone(&json!({"destination_zone": "paris-08", "x": 1})).unwrap_err().1.contains("unknown field"));
        assert!(validate_zone(&"a".repeat(65)).is_err());
    }
}

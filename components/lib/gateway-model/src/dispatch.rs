//! Emergency response: an intervention recorded and the nearest available vehicle of the
//! right type dispatched to it, through the emergency service's own write rpcs (the caller's
//! token travels with them, so the service decides who may dispatch).
//!
//! The seed only looked a vehicle up and dispatched nothing, with a constant "3-5 minutes";
//! here the intervention is created, the vehicle assigned, and the distance is the real one.

use emergency_model::geo::haversine_km;
use emergency_model::pb::{InterventionData, Vehicle};
use emergency_model::vocab::INTERVENTION_TYPES;
use serde_json::{Map, Value};

/// How many vehicles, nearest first, are tried when another dispatcher takes one first.
pub const MAX_ASSIGN_ATTEMPTS: usize = 3;

pub const FIELDS: [&str; 7] = ["zone", "emergency_type", "priority", "address", "latitude", "longitude", "description"];

/// The vehicle type an emergency needs (seed B4.4).
pub fn vehicle_type_for(emergency_type: &str) -> &'static str {
    match emergency_type {
        "fire" => "fire_truck",
        "crime" | "accident" => "police_car",
        _ => "ambulance",
    }
}

/// A field at fault and why.
pub type FieldError = (&'static str, String);

fn text<'a>(body: &'a Map<String, Value>, field: &'static str, required: bool) -> Result<Option<&'a str>, FieldError> {
    match body.get(field) {
        Some(Value::String(s)) => Ok(Some(s)),
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err((field, format!("{field} is required"))),
        Some(_) => Err((field, format!("{field} must be a string"))),
    }
}

fn number(body: &Map<String, Value>, field: &'static str) -> Result<f64, FieldError> {
    body.get(field)
        .ok_or((field, format!("{field} is required")))?
        .as_f64()
        .ok_or((field, format!("{field} must be a number")))
}

/// Reads and validates `{zone, emergency_type, priority?, address, latitude, longitude,
/// description?}` into the service's `InterventionData`, with the service's own validation,
/// so bad input is refused before anything is written.
pub fn intervention_data(body: &Map<String, Value>) -> Result<InterventionData, FieldError> {
    if let Some(unknown) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        let field = FIELDS.iter().copied().find(|f| *f == unknown.as_str()).unwrap_or("body");
        return Err((field, format!("unknown field {unknown:?}; expected {}", FIELDS.join(", "))));
    }
    let zone = text(body, "zone", true)?.unwrap_or_default();
    crate::trip::validate_zone(zone).map_err(|m| ("zone", format!("zone {m}")))?;
    let emergency_type = text(body, "emergency_type", true)?.unwrap_or_default();
    if !INTERVENTION_TYPES.contains(&emergency_type) {
        return Err(("emergency_type", format!("emergency_type must be one of: {}", INTERVENTION_TYPES.join(", "))));
    }
    let data = InterventionData {
        intervention_type: emergency_type.to_string(),
        priority: text(body, "priority", false)?.unwrap_or("high").to_string(),
        address: text(body, "address", true)?.unwrap_or_default().to_string(),
        latitude: number(body, "latitude")?,
        longitude: number(body, "longitude")?,
        description: text(body, "description", false)?.unwrap_or_default().to_string(),
        zone: zone.to_string(),
    };
    emergency_model::validate::new_intervention(&data).map_err(|status| {
        // The service's messages start with the field they are about: "priority: ...".
        let field = FIELDS.iter().copied().find(|f| status.message.starts_with(&format!("{f}:"))).unwrap_or("body");
        (field, status.message)
    })?;
    Ok(data)
}

/// Available vehicles of `vehicle_type`, nearest to the point first (ties: lower id).
pub fn candidates<'a>(vehicles: &'a [Vehicle], vehicle_type: &str, latitude: f64, longitude: f64) -> Vec<(&'a Vehicle, f64)> {
    let mut near: Vec<(&Vehicle, f64)> = vehicles
        .iter()
        .filter(|v| v.status == crate::emergency::AVAILABLE && v.vehicle_type == vehicle_type)
        .map(|v| (v, haversine_km(latitude, longitude, v.latitude, v.longitude)))
        .collect();
    near.sort_by(|(a, da), (b, db)| da.total_cmp(db).then(a.id.cmp(&b.id)));
    near.truncate(MAX_ASSIGN_ATTEMPTS);
    near
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn fire() -> Value {
        json!({"zone": "paris-11", "emergency_type": "fire", "address": "230 Boulevard Voltaire",
               "latitude": 48.8506, "longitude": 2.392})
    }

    #[test]
    fn a_complete_request_becomes_intervention_data() {
        let data = intervention_data(&body(fire())).unwrap();
        assert_eq!((data.intervention_type.as_str(), data.priority.as_str(), data.zone.as_str()), ("fire", "high", "paris-11"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let with = |key: &str, value: Value| {
            let mut b = body(fire());
            b.insert(key.into(), value);
            intervention_data(&b).unwrap_err().0
        };
        assert_eq!(with("emergency_type", json!("flood")), "emergency_type");
        assert_eq!(with("priority", json!("urgent")), "priority");
        assert_eq!(with("latitude", json!("north")), "latitude");
        assert_eq!(with("latitude", json!(95.0)), "latitude");
        assert_eq!(with("zone", json!("Paris 11")), "zone");
        assert_eq!(with("address", json!("  ")), "address");
        let mut missing = body(fire());
        missing.remove("longitude");
        assert_eq!(intervention_data(&missing).unwrap_err(), ("longitude", "longitude is required".to_string()));
        assert_eq!(with("extra", json!(1)), "body");
    }

    #[test]
    fn the_nearest_available_vehicles_of_the_type_come_first() {
        let v = |id, kind: &str, status: &str, lat| Vehicle { id, vehicle_type: kind.into(), status: status.into(), latitude: lat, longitude: 2.35, ..Default::default() };
        let fleet = [v(1, "fire_truck", "available", 48.90), v(2, "fire_truck", "available", 48.86), v(3, "fire_truck", "on_mission", 48.85), v(4, "ambulance", "available", 48.85)];
        let ids: Vec<i32> = candidates(&fleet, "fire_truck", 48.85, 2.35).iter().map(|(v, _)| v.id).collect();
        assert_eq!(ids, [2, 1]);
        assert_eq!(vehicle_type_for("accident"), "police_car");
        assert_eq!(vehicle_type_for("medical"), "ambulance");
    }
}

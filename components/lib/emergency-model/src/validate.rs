//! Checks on request messages. Each failure is INVALID_ARGUMENT with a message that names
//! the field, decided before the database is touched, so a refused call stores nothing.

use crate::pb;
use crate::status::Status;
use crate::vocab::{lookup, INTERVENTION_TYPES, PRIORITIES, VEHICLE_STATUSES, VEHICLE_TYPES};

pub const MAX_ADDRESS_CHARS: usize = 300;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_ZONE_CHARS: usize = 64;

/// A checked `InterventionData`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIntervention {
    pub intervention_type: &'static str,
    pub priority: &'static str,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub description: String,
    pub zone: Option<String>,
}

/// A checked `StatusUpdate`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub vehicle_id: i32,
    pub status: &'static str,
    /// Both or neither: a new position.
    pub position: Option<(f64, f64)>,
}

fn one_of(field: &str, allowed: &[&'static str], value: &str) -> Result<&'static str, Status> {
    lookup(allowed, value).ok_or_else(|| {
        Status::invalid_argument(format!("{field}: must be one of {} (got {value:?})", allowed.join(", ")))
    })
}

/// Ids are generated from 1; 0 is what an unset field reads as.
pub fn positive_id(field: &str, id: i32) -> Result<i32, Status> {
    if id > 0 {
        Ok(id)
    } else {
        Err(Status::invalid_argument(format!("{field}: must be a positive id (got {id})")))
    }
}

/// `GetAvailableVehicles`' filter: every type for "", else one of the vehicle types.
pub fn vehicle_type_filter(vehicle_type: &str) -> Result<Option<&'static str>, Status> {
    if vehicle_type.is_empty() {
        return Ok(None);
    }
    one_of("vehicle_type", &VEHICLE_TYPES, vehicle_type).map(Some)
}

fn coordinates(latitude: f64, longitude: f64) -> Result<(f64, f64), Status> {
    if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
        return Err(Status::invalid_argument(format!("latitude: must be between -90 and 90 (got {latitude})")));
    }
    if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
        return Err(Status::invalid_argument(format!("longitude: must be between -180 and 180 (got {longitude})")));
    }
    Ok((latitude, longitude))
}

fn bounded_text(field: &str, value: &str, max_chars: usize, required: bool) -> Result<String, Status> {
    let trimmed = value.trim();
    if required && trimmed.is_empty() {
        return Err(Status::invalid_argument(format!("{field}: is required")));
    }
    let chars = trimmed.chars().count();
    if chars > max_chars {
        return Err(Status::invalid_argument(format!("{field}: at most {max_chars} characters (got {chars})")));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Status::invalid_argument(format!("{field}: must not contain control characters")));
    }
    Ok(trimmed.to_string())
}

/// Zone ids are short slugs such as `paris-04`.
fn zone(value: &str) -> Result<Option<String>, Status> {
    if value.is_empty() {
        return Ok(None);
    }
    let well_formed = value.len() <= MAX_ZONE_CHARS
        && value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && value.bytes().next().is_some_and(|b| b != b'-');
    if !well_formed {
        return Err(Status::invalid_argument(format!(
            "zone: a zone id of lowercase letters, digits and '-' such as \"paris-04\" (got {value:?})"
        )));
    }
    Ok(Some(value.to_string()))
}

pub fn new_intervention(data: &pb::InterventionData) -> Result<NewIntervention, Status> {
    let intervention_type = one_of("intervention_type", &INTERVENTION_TYPES, &data.intervention_type)?;
    let priority = one_of("priority", &PRIORITIES, &data.priority)?;
    let address = bounded_text("address", &data.address, MAX_ADDRESS_CHARS, true)?;
    if data.latitude == 0.0 && data.longitude == 0.0 {
        // Unset doubles read as 0: (0, 0) is far more likely missing than meant.
        return Err(Status::invalid_argument("latitude, longitude: the location is required"));
    }
    let (latitude, longitude) = coordinates(data.latitude, data.longitude)?;
    let description = bounded_text("description", &data.description, MAX_DESCRIPTION_CHARS, false)?;
    Ok(NewIntervention {
        intervention_type,
        priority,
        address,
        latitude,
        longitude,
        description,
        zone: zone(&data.zone)?,
    })
}

pub fn status_change(update: &pb::StatusUpdate) -> Result<StatusChange, Status> {
    let vehicle_id = positive_id("vehicle_id", update.vehicle_id)?;
    let status = one_of("new_status", &VEHICLE_STATUSES, &update.new_status)?;
    let position = match (update.latitude, update.longitude) {
        (None, None) => None,
        (Some(latitude), Some(longitude)) => Some(coordinates(latitude, longitude)?),
        _ => return Err(Status::invalid_argument("latitude, longitude: give both or neither")),
    };
    Ok(StatusChange { vehicle_id, status, position })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Code;

    fn data() -> pb::InterventionData {
        pb::InterventionData {
            intervention_type: "fire".into(),
            priority: "critical".into(),
            address: "  230 Boulevard Voltaire, 75011 Paris ".into(),
            latitude: 48.8506,
            longitude: 2.392,
            description: "Feu d'appartement".into(),
            zone: "paris-11".into(),
        }
    }

    fn refused(result: Result<impl std::fmt::Debug, Status>, field: &str) {
        let status = result.expect_err("must be refused");
        assert_eq!(status.code, Code::InvalidArgument);
        assert!(status.message.starts_with(field), "{status}");
    }

    #[test]
    fn a_complete_intervention_is_accepted_and_trimmed() {
        let checked = new_intervention(&data()).unwrap();
        assert_eq!(checked.intervention_type, "fire");
        assert_eq!(checked.address, "230 Boulevard Voltaire, 75011 Paris");
        assert_eq!(checked.zone.as_deref(), Some("paris-11"));
    }

    #[test]
    fn each_bad_field_is_named() {
        refused(new_intervention(&pb::InterventionData { intervention_type: "flood".into(), ..data() }), "intervention_type");
        refused(new_intervention(&pb::InterventionData { priority: "urgent".into(), ..data() }), "priority");
        refused(new_intervention(&pb::InterventionData { address: "   ".into(), ..data() }), "address");
        refused(new_intervention(&pb::InterventionData { address: "x".repeat(301), ..data() }), "address");
        refused(new_intervention(&pb::InterventionData { latitude: 91.0, ..data() }), "latitude");
        refused(new_intervention(&pb::InterventionData { longitude: f64::NAN, ..data() }), "longitude");
        refused(new_intervention(&pb::InterventionData { latitude: 0.0, longitude: 0.0, ..data() }), "latitude");
        refused(new_intervention(&pb::InterventionData { zone: "Paris 4".into(), ..data() }), "zone");
        refused(new_intervention(&pb::InterventionData { description: "a\u{0}b".into(), ..data() }), "description");
    }

    #[test]
    fn an_empty_zone_is_no_zone() {
        let checked = new_intervention(&pb::InterventionData { zone: String::new(), ..data() }).unwrap();
        assert_eq!(checked.zone, None);
    }

    #[test]
    fn ids_must_be_positive() {
        assert_eq!(positive_id("id", 3), Ok(3));
        refused(positive_id("id", 0), "id");
        refused(positive_id("vehicle_id", -4), "vehicle_id");
    }

    #[test]
    fn vehicle_type_filter_accepts_empty_and_known_types() {
        assert_eq!(vehicle_type_filter(""), Ok(None));
        assert_eq!(vehicle_type_filter("ambulance"), Ok(Some("ambulance")));
        refused(vehicle_type_filter("tank"), "vehicle_type");
    }

    #[test]
    fn status_updates_move_the_vehicle_only_with_both_coordinates() {
        let update = pb::StatusUpdate { vehicle_id: 4, new_status: "maintenance".into(), latitude: None, longitude: None };
        assert_eq!(status_change(&update).unwrap().position, None);
        let moved = pb::StatusUpdate { latitude: Some(48.85), longitude: Some(2.35), ..update.clone() };
        assert_eq!(status_change(&moved).unwrap().position, Some((48.85, 2.35)));
        refused(status_change(&pb::StatusUpdate { latitude: Some(48.85), ..update.clone() }), "latitude");
        refused(status_change(&pb::StatusUpdate { new_status: "broken".into(), ..update.clone() }), "new_status");
        refused(status_change(&pb::StatusUpdate { vehicle_id: 0, ..update }), "vehicle_id");
    }
}

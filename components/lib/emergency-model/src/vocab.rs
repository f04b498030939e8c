//! The service's text enumerations (kept as strings on the wire, like the original service;
//! the migration's CHECK constraints list the same values).

pub const VEHICLE_TYPES: [&str; 3] = ["ambulance", "fire_truck", "police_car"];
pub const VEHICLE_STATUSES: [&str; 3] = ["available", "on_mission", "maintenance"];
pub const INTERVENTION_TYPES: [&str; 4] = ["medical", "fire", "crime", "accident"];
/// Least to most urgent.
pub const PRIORITIES: [&str; 4] = ["low", "medium", "high", "critical"];
pub const INTERVENTION_STATUSES: [&str; 3] = ["pending", "in_progress", "completed"];

/// The vocabulary's own spelling of `value`, if it is one of `allowed`.
pub fn lookup(allowed: &[&'static str], value: &str) -> Option<&'static str> {
    allowed.iter().copied().find(|candidate| *candidate == value)
}

//! The emergency service over gRPC-Web (`application/grpc-web+proto`): unary calls framed
//! and decoded with the service's own framing module and prost messages.

use emergency_model::framing::{decode_web_response, encode_message};
use emergency_model::pb::{EmptyRequest, Intervention, InterventionList, Vehicle, VehicleList};
use prost::Message;
use serde::Serialize;

pub const CONTENT_TYPE: &str = "application/grpc-web+proto";
pub const AVAILABLE: &str = "available";
pub const ON_MISSION: &str = "on_mission";

/// The path of a method of the service, e.g. `/emergency.EmergencyService/GetVehicles`.
pub fn path(rpc: emergency_model::Rpc) -> String {
    format!("/{}/{}", emergency_model::SERVICE, rpc.name())
}

/// The framed body of a call without arguments.
pub fn empty_request() -> Vec<u8> {
    encode_message(&EmptyRequest {}.encode_to_vec())
}

/// Why a gRPC-Web call gave no message.
#[derive(Debug, Clone, PartialEq)]
pub enum GrpcError {
    /// The service answered with a non-OK `grpc-status`.
    Status { code: u32, message: String },
    /// Not a gRPC-Web reply (another protocol, broken framing or message).
    Invalid(String),
}

impl std::fmt::Display for GrpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrpcError::Status { code, message } => write!(f, "gRPC status {code}: {message}"),
            GrpcError::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// Decodes a unary gRPC-Web reply: status OK in the trailers and exactly one message.
pub fn decode_unary<M: Message + Default>(http_status: u16, body: &[u8]) -> Result<M, GrpcError> {
    let invalid = GrpcError::Invalid;
    if http_status != 200 {
        return Err(invalid(format!("emergency answered HTTP {http_status}")));
    }
    let reply = decode_web_response(body).map_err(|e| invalid(format!("invalid gRPC-Web reply: {e}")))?;
    match reply.status {
        Some(0) => {}
        Some(code) => return Err(GrpcError::Status { code, message: reply.message }),
        None => return Err(invalid("invalid gRPC-Web reply: no grpc-status trailer".into())),
    }
    let [message] = reply.messages.as_slice() else {
        return Err(invalid(format!("invalid gRPC-Web reply: {} messages for a unary call", reply.messages.len())));
    };
    M::decode(message.as_slice()).map_err(|e| invalid(format!("invalid protobuf message: {e}")))
}

pub fn decode_vehicles(http_status: u16, body: &[u8]) -> Result<Vec<Vehicle>, String> {
    decode_unary::<VehicleList>(http_status, body).map(|list| list.vehicles).map_err(|e| e.to_string())
}

pub fn decode_interventions(http_status: u16, body: &[u8]) -> Result<Vec<Intervention>, String> {
    decode_unary::<InterventionList>(http_status, body).map(|list| list.interventions).map_err(|e| e.to_string())
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergencySummary {
    pub available_vehicles: usize,
    pub on_mission: usize,
    pub total_vehicles: usize,
    /// Pending and in-progress interventions (what `GetInterventions` lists).
    pub active_interventions: usize,
}

pub fn summarize(vehicles: &[Vehicle], active: &[Intervention]) -> EmergencySummary {
    EmergencySummary {
        available_vehicles: vehicles.iter().filter(|v| v.status == AVAILABLE).count(),
        on_mission: vehicles.iter().filter(|v| v.status == ON_MISSION).count(),
        total_vehicles: vehicles.len(),
        active_interventions: active.len(),
    }
}

/// An active intervention as a trip-plan alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterventionAlert {
    pub id: i32,
    pub intervention_type: String,
    pub priority: String,
    pub status: String,
    pub address: String,
    pub message: String,
}

/// The active interventions in `zone`.
pub fn alerts_in_zone(active: &[Intervention], zone: &str) -> Vec<InterventionAlert> {
    active
        .iter()
        .filter(|i| i.zone == zone)
        .map(|i| InterventionAlert {
            id: i.id,
            intervention_type: i.intervention_type.clone(),
            priority: i.priority.clone(),
            status: i.status.clone(),
            address: i.address.clone(),
            message: format!("{} intervention ({}) at {}", i.intervention_type, i.priority, i.address),
        })
        .collect()
}

/// A vehicle as JSON (the proto's field names), for the read pass-through.
pub fn vehicle_json(v: &Vehicle) -> serde_json::Value {
    serde_json::json!({
        "id": v.id,
        "vehicle_type": v.vehicle_type,
        "identifier": v.identifier,
        "status": v.status,
        "latitude": v.latitude,
        "longitude": v.longitude,
        "station": v.station,
        "crew_size": v.crew_size,
        "created_at": v.created_at,
        "updated_at": v.updated_at,
    })
}

/// An intervention as JSON; the proto's "absent" values (0, "") become null.
pub fn intervention_json(i: &Intervention) -> serde_json::Value {
    let text = |s: &str| if s.is_empty() { serde_json::Value::Null } else { serde_json::Value::from(s) };
    serde_json::json!({
        "id": i.id,
        "intervention_type": i.intervention_type,
        "priority": i.priority,
        "address": i.address,
        "latitude": i.latitude,
        "longitude": i.longitude,
        "status": i.status,
        "assigned_vehicle_id": if i.assigned_vehicle_id == 0 { serde_json::Value::Null } else { i.assigned_vehicle_id.into() },
        "description": i.description,
        "created_at": i.created_at,
        "completed_at": text(&i.completed_at),
        "zone": text(&i.zone),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use emergency_model::framing::encode_web_trailers;
    use emergency_model::Code;

    fn vehicle(id: i32, status: &str) -> Vehicle {
        Vehicle { id, status: status.into(), ..Default::default() }
    }

    fn reply(message: &impl Message) -> Vec<u8> {
        let mut body = encode_message(&message.encode_to_vec());
        body.extend(encode_web_trailers(Code::Ok, ""));
        body
    }

    #[test]
    fn a_vehicle_list_is_decoded_and_counted() {
        let list = VehicleList { vehicles: vec![vehicle(1, "available"), vehicle(2, "on_mission"), vehicle(3, "maintenance")] };
        let vehicles = decode_vehicles(200, &reply(&list)).unwrap();
        let s = summarize(&vehicles, &[Intervention::default()]);
        assert_eq!((s.available_vehicles, s.on_mission, s.total_vehicles, s.active_interventions), (1, 1, 3, 1));
    }

    #[test]
    fn an_error_status_json_or_a_missing_trailer_is_a_failure() {
        let unavailable = encode_web_trailers(Code::Unavailable, "database down");
        assert_eq!(decode_vehicles(200, &unavailable).unwrap_err(), "gRPC status 14: database down");
        assert!(decode_vehicles(200, br#"{"method":"POST"}"#).unwrap_err().starts_with("invalid gRPC-Web reply"));
        let no_trailer = encode_message(&VehicleList::default().encode_to_vec());
        assert!(decode_vehicles(200, &no_trailer).unwrap_err().contains("no grpc-status"));
        assert!(decode_vehicles(404, b"").unwrap_err().contains("HTTP 404"));
    }

    #[test]
    fn absent_proto_values_are_null_in_json() {
        let pending = Intervention { id: 2, status: "pending".into(), ..Default::default() };
        let json = intervention_json(&pending);
        assert_eq!(json["assigned_vehicle_id"], serde_json::Value::Null);
        assert_eq!(json["zone"], serde_json::Value::Null);
        assert_eq!(vehicle_json(&vehicle(3, "available"))["status"], "available");
    }

    #[test]
    fn the_request_is_one_empty_frame_at_the_rpc_path() {
        assert_eq!(empty_request(), [0, 0, 0, 0, 0]);
        assert_eq!(path(emergency_model::Rpc::GetVehicles), "/emergency.EmergencyService/GetVehicles");
    }

    #[test]
    fn alerts_keep_the_zone_s_interventions() {
        let fire = Intervention { id: 7, intervention_type: "fire".into(), priority: "high".into(), address: "12 rue X".into(), zone: "paris-08".into(), ..Default::default() };
        let other = Intervention { id: 8, zone: "paris-01".into(), ..Default::default() };
        let alerts = alerts_in_zone(&[fire, other], "paris-08");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].message, "fire intervention (high) at 12 rue X");
    }
}

//! `POST /api/orchestration/emergency-response`: record the intervention, dispatch the
//! nearest available vehicle of the right type, say what the air is like for the crew.

use api_kit::ApiError;
use emergency_model::pb::{Assignment, AssignmentRequest, Intervention};
use emergency_model::Rpc;
use gateway_model::dispatch;
use gateway_model::emergency::{intervention_json, vehicle_json, GrpcError};
use gateway_model::trip::POLLUTED_AQI;
use gateway_model::Section;
use serde_json::{json, Value};
use spin_sdk::http::{Request, Response};

use crate::orchestration::zone_air;
use crate::reply;
use crate::upstream::{self, WriteFailure};

const MAX_BODY: usize = 8 * 1024;
const FAILED_PRECONDITION: u32 = 9;

/// The service's answer to a write, as the gateway's HTTP error.
fn write_error(failure: WriteFailure) -> ApiError {
    match failure {
        WriteFailure::Call(e) => {
            ApiError::service_unavailable(format!("the emergency service did not answer ({e}); the outcome is unknown"))
        }
        WriteFailure::Reply(GrpcError::Status { code, message }) => match code {
            16 => ApiError::unauthenticated(message),
            7 => ApiError::forbidden(message),
            3 => ApiError::invalid_body(message),
            5 => ApiError::not_found(message),
            _ => ApiError::service_unavailable(format!("the emergency service refused: gRPC status {code}: {message}")),
        },
        WriteFailure::Reply(invalid) => ApiError::service_unavailable(format!("the emergency service is unavailable: {invalid}")),
    }
}

pub async fn emergency_response(req: &Request) -> Result<Response, ApiError> {
    // The emergency service checks the token itself; without one there is nothing to forward,
    // and an anonymous caller learns nothing about what a valid body looks like.
    let authorization = req
        .header("authorization")
        .and_then(|v| v.as_str())
        .ok_or_else(|| ApiError::unauthenticated("an operator token is required: authorization: Bearer <token>"))?
        .to_string();
    let content_type = req.header("content-type").and_then(|v| v.as_str());
    let body = api_kit::json_object(content_type, req.body(), MAX_BODY)?;
    let data = dispatch::intervention_data(&body).map_err(|(field, message)| match field {
        "body" => ApiError::invalid_body(message),
        field => ApiError::validation(field, message),
    })?;

    let budget = upstream::timeout();
    // Zone check, air and fleet first: an unknown zone is refused before anything is written.
    let (air, fleet) = futures::join!(zone_air(&data.zone, budget), upstream::vehicles(budget));
    let air = air?;
    let created: Intervention =
        upstream::grpc_write(Rpc::CreateIntervention, &data, &authorization, budget).await.map_err(write_error)?;

    let vehicle_type = dispatch::vehicle_type_for(&data.intervention_type);
    let mut intervention = created.clone();
    let dispatch = match &fleet {
        Err(error) => json!({ "status": "unavailable", "error": error }),
        Ok(fleet) => {
            let mut outcome = json!({ "status": "no_vehicle_available", "vehicle_type": vehicle_type });
            for (vehicle, _) in dispatch::candidates(fleet, vehicle_type, data.latitude, data.longitude) {
                let request = AssignmentRequest { intervention_id: created.id, vehicle_id: vehicle.id };
                match upstream::grpc_write::<_, Assignment>(Rpc::AssignVehicle, &request, &authorization, budget).await {
                    Ok(assignment) => {
                        if let Some(updated) = assignment.intervention {
                            intervention = updated;
                        }
                        let vehicle = assignment.vehicle.as_ref().map_or(Value::Null, vehicle_json);
                        let km = (assignment.distance_km * 100.0).round() / 100.0;
                        outcome = json!({ "status": "dispatched", "vehicle": vehicle, "distance_km": km });
                        break;
                    }
                    // Another dispatcher took this vehicle since the fleet was read: try the next.
                    Err(WriteFailure::Reply(GrpcError::Status { code: FAILED_PRECONDITION, .. })) => continue,
                    Err(WriteFailure::Reply(e)) => {
                        outcome = json!({ "status": "unavailable", "error": e.to_string() });
                        break;
                    }
                    Err(WriteFailure::Call(e)) => {
                        outcome = json!({ "status": "unavailable", "error": e });
                        break;
                    }
                }
            }
            outcome
        }
    };
    let air_json = match &air {
        Section::Ready(Some(m)) => {
            let alert = if m.aqi > POLLUTED_AQI { "poor air: masks recommended for the crew" } else { "breathable air" };
            json!({ "aqi": m.aqi, "category": m.category, "alert": alert })
        }
        Section::Ready(None) => json!({ "status": "no_data", "error": "the zone has no measure yet" }),
        unavailable => unavailable.to_json(),
    };
    let degraded = !air.is_ready() || fleet.is_err() || dispatch["status"] == "unavailable";
    Ok(reply::json(201, &json!({
        "degraded": degraded,
        "intervention": intervention_json(&intervention),
        "dispatch": dispatch,
        "air_quality": air_json,
    })))
}

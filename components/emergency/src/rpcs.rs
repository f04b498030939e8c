//! One function per rpc: decode the request message, check it, run the statement, encode
//! the answer. Writes check the caller's token first, so an anonymous caller learns nothing
//! about its request's validity and nothing is stored.

use cityflow_auth::Role;
use emergency_model::framing::{unary_request, MAX_MESSAGE_LEN};
use emergency_model::geo::haversine_km;
use emergency_model::pb::{
    Assignment, AssignmentRequest, EmptyRequest, InterventionData, InterventionList, InterventionRequest,
    StatusUpdate, VehicleList, VehicleRequest, VehicleTypeRequest,
};
use emergency_model::{dispatch, sql, validate, Rpc, Status};
use prost::Message;
use spin_kit::AccessError;

use crate::db;

/// Runs `rpc` on a request body; the encoded response message or the call's status.
pub fn call(rpc: Rpc, body: &[u8], authorization: Option<&str>) -> Result<Vec<u8>, Status> {
    if rpc.is_write() {
        require_operator(authorization)?;
    }
    let payload = unary_request(body, MAX_MESSAGE_LEN)?;
    match rpc {
        Rpc::GetVehicles => get_vehicles(decode(payload)?),
        Rpc::GetVehicle => get_vehicle(decode(payload)?),
        Rpc::GetInterventions => get_interventions(decode(payload)?),
        Rpc::CreateIntervention => create_intervention(decode(payload)?),
        Rpc::AssignVehicle => assign_vehicle(decode(payload)?),
        Rpc::GetAvailableVehicles => get_available_vehicles(decode(payload)?),
        Rpc::UpdateVehicleStatus => update_vehicle_status(decode(payload)?),
        Rpc::CompleteIntervention => complete_intervention(decode(payload)?),
    }
    .map(|message| message.encode_to_vec())
}

fn require_operator(authorization: Option<&str>) -> Result<(), Status> {
    match spin_kit::authorize(authorization, Role::Operator) {
        Ok(_) => Ok(()),
        Err(AccessError::Misconfigured(detail)) => {
            eprintln!("emergency: {detail}");
            Err(Status::internal("the service's authentication is not configured"))
        }
        Err(AccessError::Unauthenticated(why)) => Err(Status::unauthenticated(why)),
        Err(AccessError::Forbidden(why)) => Err(Status::permission_denied(why)),
    }
}

fn decode<M: Message + Default>(payload: &[u8]) -> Result<M, Status> {
    M::decode(payload).map_err(|e| Status::internal(format!("the request message is not valid protobuf: {e}")))
}

/// Either message type of an answer, for one `encode_to_vec` call site.
enum Answer {
    Vehicles(VehicleList),
    Vehicle(emergency_model::pb::Vehicle),
    Interventions(InterventionList),
    Intervention(emergency_model::pb::Intervention),
    Assignment(Assignment),
}

impl Answer {
    fn encode_to_vec(&self) -> Vec<u8> {
        match self {
            Answer::Vehicles(m) => m.encode_to_vec(),
            Answer::Vehicle(m) => m.encode_to_vec(),
            Answer::Interventions(m) => m.encode_to_vec(),
            Answer::Intervention(m) => m.encode_to_vec(),
            Answer::Assignment(m) => m.encode_to_vec(),
        }
    }
}

fn vehicles(rows: Vec<db::Row>) -> Result<Answer, Status> {
    let vehicles = rows.iter().map(|r| db::vehicle(r)).collect::<Result<_, _>>()?;
    Ok(Answer::Vehicles(VehicleList { vehicles }))
}

fn single_intervention(rows: &[db::Row]) -> Result<Option<emergency_model::pb::Intervention>, Status> {
    rows.first().map(|r| db::intervention(r)).transpose()
}

fn get_vehicles(_: EmptyRequest) -> Result<Answer, Status> {
    vehicles(db::query("list vehicles", sql::LIST_VEHICLES, &[])?)
}

fn get_vehicle(req: VehicleRequest) -> Result<Answer, Status> {
    let id = validate::positive_id("id", req.id)?;
    let rows = db::query("get vehicle", sql::GET_VEHICLE, &[id.into()])?;
    match rows.first() {
        Some(row) => Ok(Answer::Vehicle(db::vehicle(row)?)),
        None => Err(Status::not_found(format!("vehicle {id} not found"))),
    }
}

fn get_available_vehicles(req: VehicleTypeRequest) -> Result<Answer, Status> {
    let vehicle_type = validate::vehicle_type_filter(&req.vehicle_type)?;
    let param = vehicle_type.map(str::to_string).into();
    vehicles(db::query("available vehicles", sql::AVAILABLE_VEHICLES, &[param])?)
}

fn get_interventions(_: EmptyRequest) -> Result<Answer, Status> {
    let rows = db::query("active interventions", sql::ACTIVE_INTERVENTIONS, &[])?;
    let interventions = rows.iter().map(|r| db::intervention(r)).collect::<Result<_, _>>()?;
    Ok(Answer::Interventions(InterventionList { interventions }))
}

fn create_intervention(data: InterventionData) -> Result<Answer, Status> {
    let new = validate::new_intervention(&data)?;
    let zone = new.zone.clone();
    let params = [
        new.intervention_type.to_string().into(),
        new.priority.to_string().into(),
        new.address.into(),
        new.latitude.into(),
        new.longitude.into(),
        new.description.into(),
        new.zone.into(),
    ];
    let unknown_zone = |sqlstate: &str| {
        // 23503 foreign_key_violation: the only foreign key the insert can break is the zone.
        (sqlstate == "23503").then(|| Status::invalid_argument(format!("zone: unknown zone id {:?}", zone.as_deref().unwrap_or_default())))
    };
    let rows = db::query_or("insert intervention", sql::INSERT_INTERVENTION, &params, unknown_zone)?;
    single_intervention(&rows)?
        .map(Answer::Intervention)
        .ok_or_else(|| Status::internal("the new intervention was not returned"))
}

fn assign_vehicle(req: AssignmentRequest) -> Result<Answer, Status> {
    let intervention_id = validate::positive_id("intervention_id", req.intervention_id)?;
    let vehicle_id = validate::positive_id("vehicle_id", req.vehicle_id)?;
    let ids = [intervention_id.into(), vehicle_id.into()];
    let rows = db::query("assign vehicle", sql::ASSIGN, &ids)?;
    let Some(row) = rows.first() else {
        let diagnosis = db::query("assignment diagnosis", sql::ASSIGN_DIAGNOSIS, &ids)?;
        let row = diagnosis.first().ok_or_else(|| Status::internal("assignment diagnosis returned no row"))?;
        let (intervention_status, vehicle_status) = (db::optional_text(row, 0)?, db::optional_text(row, 1)?);
        return Err(dispatch::assignment_refused(
            intervention_id,
            vehicle_id,
            intervention_status.as_deref(),
            vehicle_status.as_deref(),
        ));
    };
    let intervention = db::intervention(row)?;
    let vehicle = db::vehicle(&row[sql::INTERVENTION_COLUMNS..])?;
    let distance_km = haversine_km(vehicle.latitude, vehicle.longitude, intervention.latitude, intervention.longitude);
    Ok(Answer::Assignment(Assignment { intervention: Some(intervention), vehicle: Some(vehicle), distance_km }))
}

fn update_vehicle_status(update: StatusUpdate) -> Result<Answer, Status> {
    let change = validate::status_change(&update)?;
    let (latitude, longitude) = change.position.unzip();
    let params = [
        change.vehicle_id.into(),
        change.status.to_string().into(),
        latitude.into(),
        longitude.into(),
    ];
    let rows = db::query("update vehicle status", sql::UPDATE_VEHICLE_STATUS, &params)?;
    if let Some(row) = rows.first() {
        return Ok(Answer::Vehicle(db::vehicle(row)?));
    }
    let current = db::query("vehicle status", sql::VEHICLE_STATUS, &[change.vehicle_id.into()])?;
    let current = current.first().map(|r| db::optional_text(r, 0)).transpose()?.flatten();
    Err(dispatch::status_change_refused(change.vehicle_id, change.status, current.as_deref()))
}

fn complete_intervention(req: InterventionRequest) -> Result<Answer, Status> {
    let id = validate::positive_id("id", req.id)?;
    let rows = db::query("complete intervention", sql::COMPLETE, &[id.into()])?;
    if let Some(done) = single_intervention(&rows)? {
        return Ok(Answer::Intervention(done));
    }
    let current = db::query("intervention status", sql::INTERVENTION_STATUS, &[id.into()])?;
    let current = current.first().map(|r| db::optional_text(r, 0)).transpose()?.flatten();
    Err(dispatch::completion_refused(id, current.as_deref()))
}

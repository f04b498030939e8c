//! One SOAP request from body bytes to response envelope or Fault: read the envelope, check
//! SOAPAction and (for writes) the operator token, validate, then touch the database.

use crate::db;
use air_quality_model::soap::envelope::body_element;
use air_quality_model::soap::fault::Fault;
use air_quality_model::soap::operation::{OperationName, Request};
use air_quality_model::soap::response;
use cityflow_auth::Role;
use spin_kit::AccessError;

pub fn handle(body: &[u8], soap_action: Option<&str>, authorization: Option<&str>) -> Result<String, Fault> {
    let element = body_element(body)?;
    let op = OperationName::of(&element)?;
    op.check_soap_action(soap_action)?;
    if op.writes() {
        // Before validation: an unauthenticated caller learns nothing about its input.
        authenticate(authorization)?;
    }
    let request = Request::parse(op, &element)?;
    Ok(match request {
        Request::GetAirQualityMeasures => response::measures(op, &db::list_measures()?),
        Request::GetZones => response::zones(&db::list_zones()?),
        Request::GetMeasuresByZone { zone_id } => {
            let measures = db::zone_measures(&zone_id)?;
            if measures.is_empty() && !db::zone_exists(&zone_id)? {
                return Err(unknown_zone(&zone_id));
            }
            response::measures(op, &measures)
        }
        Request::GetAirQuality { measure_id } => {
            let measure = db::get_measure(measure_id)?.ok_or_else(|| unknown_measure(measure_id))?;
            response::measure(op, &measure)
        }
        Request::CreateMeasure(input) => {
            let measure = db::insert_measure(&input)?.ok_or_else(|| unknown_zone(&input.zone_id))?;
            response::measure(op, &measure)
        }
        Request::UpdateMeasureStatus { measure_id, status } => {
            let measure = db::update_status(measure_id, status)?.ok_or_else(|| unknown_measure(measure_id))?;
            response::measure(op, &measure)
        }
    })
}

fn authenticate(authorization: Option<&str>) -> Result<(), Fault> {
    match spin_kit::authorize(authorization, Role::Operator) {
        Ok(_) => Ok(()),
        Err(AccessError::Misconfigured(detail)) => {
            eprintln!("air-quality: {detail}");
            Err(Fault::server("the service cannot check credentials right now"))
        }
        Err(AccessError::Unauthenticated(why)) => Err(Fault::client(format!("authentication required: {why}"))),
        Err(AccessError::Forbidden(why)) => Err(Fault::client(format!("forbidden: {why}"))),
    }
}

fn unknown_zone(zone_id: &str) -> Fault {
    Fault::client(format!("unknown zone {zone_id:?}; GetZones lists the zones")).with_field("zone_id")
}

fn unknown_measure(id: i64) -> Fault {
    Fault::client(format!("measure {id} not found")).with_field("measure_id")
}

//! Read-only pass-throughs: each service's lists as plain JSON under `/api/<service>/...`,
//! whatever protocol the service speaks. A failed call is 503 JSON; the services' own
//! "not found" answers stay 404.

use api_kit::{ApiError, Query};
use gateway_model::soap::{self, SoapError, MEASURE_NUMBERS, ZONE_NUMBERS};
use gateway_model::{emergency, tourism};
use serde_json::Value;
use spin_sdk::http::{Method, Request, Response};

use crate::reply;
use crate::upstream;

pub const TRANSPORT_PREFIX: &str = "/api/transport";

fn unavailable(service: &str, error: String) -> ApiError {
    ApiError::service_unavailable(format!("the {service} service is unavailable: {error}"))
}

/// `GET /api/transport[/<id>][?mode=&status=&skip=&limit=]` → `GET /transports...`, the
/// transport service's JSON answer as it is (status included).
pub async fn transport(req: &Request, below: &str) -> Result<Response, ApiError> {
    if !(below.is_empty() || below.starts_with('/')) {
        return Err(ApiError::not_found(format!("no resource at {}", req.path())));
    }
    let query = req.query();
    let url = if query.is_empty() {
        format!("{}/transports{below}", upstream::TRANSPORT)
    } else {
        format!("{}/transports{below}?{query}", upstream::TRANSPORT)
    };
    let request = Request::builder().method(Method::Get).uri(url).build();
    let reply = upstream::call(request, upstream::timeout()).await.map_err(|e| unavailable("transport", e))?;
    if serde_json::from_slice::<Value>(&reply.body).is_err() {
        return Err(unavailable("transport", format!("HTTP {} without a JSON body", reply.status)));
    }
    Ok(Response::builder()
        .status(reply.status)
        .header("content-type", "application/json")
        .body(reply.body)
        .build())
}

/// `GET /api/air-quality/zones`.
pub async fn zones() -> Result<Response, ApiError> {
    let reply = upstream::call(upstream::soap_request(soap::zones_request()), upstream::timeout())
        .await
        .map_err(|e| unavailable("air-quality", e))?;
    let records = soap::parse_records("GetZones", "zone", &reply.body).map_err(|e| unavailable("air-quality", e.to_string()))?;
    json_list(records.iter().map(|r| soap::record_json(r, &ZONE_NUMBERS)), "air-quality")
}

/// `GET /api/air-quality/measures[?zone_id=paris-08]`, latest first.
pub async fn measures(req: &Request) -> Result<Response, ApiError> {
    let query = Query::parse(req.query())?;
    query.reject_unknown(&["zone_id"])?;
    let (operation, envelope) = match query.get("zone_id")? {
        Some(zone) => {
            gateway_model::trip::validate_zone(zone).map_err(|m| ApiError::bad_param("zone_id", format!("zone_id {m}")))?;
            ("GetMeasuresByZone", soap::zone_measures_request(zone))
        }
        None => ("GetAirQualityMeasures", soap::all_measures_request()),
    };
    let reply = upstream::call(upstream::soap_request(envelope), upstream::timeout())
        .await
        .map_err(|e| unavailable("air-quality", e))?;
    let records = match soap::parse_records(operation, "measure", &reply.body) {
        Ok(records) => records,
        Err(SoapError::Fault { code, message }) if code == "Client" && message.starts_with("unknown zone") => {
            return Err(ApiError::not_found(message));
        }
        Err(other) => return Err(unavailable("air-quality", other.to_string())),
    };
    json_list(records.iter().map(|r| soap::record_json(r, &MEASURE_NUMBERS)), "air-quality")
}

/// `GET /api/tourism/attractions`.
pub async fn attractions() -> Result<Response, ApiError> {
    let reply = upstream::call(upstream::graphql_request(tourism::full_request()), upstream::timeout())
        .await
        .map_err(|e| unavailable("tourism", e))?;
    let list = tourism::data_list("attractions", reply.status, &reply.body).map_err(|e| unavailable("tourism", e))?;
    Ok(reply::json(200, &list))
}

/// `GET /api/emergency/vehicles`.
pub async fn vehicles() -> Result<Response, ApiError> {
    let list = upstream::vehicles(upstream::timeout()).await.map_err(|e| unavailable("emergency", e))?;
    Ok(reply::json(200, &Value::from(list.iter().map(emergency::vehicle_json).collect::<Vec<_>>())))
}

/// `GET /api/emergency/interventions` (the active ones, most urgent first).
pub async fn interventions() -> Result<Response, ApiError> {
    let list = upstream::interventions(upstream::timeout()).await.map_err(|e| unavailable("emergency", e))?;
    Ok(reply::json(200, &Value::from(list.iter().map(emergency::intervention_json).collect::<Vec<_>>())))
}

fn json_list(items: impl Iterator<Item = Result<Value, String>>, service: &str) -> Result<Response, ApiError> {
    let list: Vec<Value> = items.collect::<Result<_, _>>().map_err(|e| unavailable(service, e))?;
    Ok(reply::json(200, &Value::from(list)))
}

//! The orchestrated endpoints: city dashboard, trip plan, health.

use api_kit::{ApiError, Query};
use gateway_model::dashboard::Sections;
use gateway_model::soap::SoapError;
use gateway_model::tourist::DayInputs;
use gateway_model::trip::{self, TripInputs};
use gateway_model::{clock, eco, emergency, soap, tourism, transport, Section};
use serde_json::{json, Value};
use spin_sdk::http::{Request, Response};

use crate::reply;
use crate::upstream;

/// Plan-trip bodies are one short field.
const MAX_BODY: usize = 4 * 1024;

fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    clock::rfc3339(secs)
}

/// `GET /api/orchestration/city-dashboard`: the five calls run at once.
pub async fn city_dashboard() -> Result<Response, ApiError> {
    let budget = upstream::timeout();
    let (lines, measures, attractions, vehicles, interventions) = futures::join!(
        upstream::lines(budget),
        upstream::all_measures(budget),
        upstream::attractions(budget),
        upstream::vehicles(budget),
        upstream::interventions(budget),
    );
    let emergency = vehicles.and_then(|v| interventions.map(|i| emergency::summarize(&v, &i)));
    let sections = Sections {
        transport: Section::from_result(lines.map(|l| transport::summarize(&l))),
        air_quality: Section::from_result(
            measures.and_then(|m| soap::summarize(&m).ok_or_else(|| "no zone has a measure".to_string())),
        ),
        tourism: Section::from_result(attractions.map(|a| tourism::summarize(&a))),
        emergency: Section::from_result(emergency),
    };
    Ok(reply::json(200, &sections.to_json(&now_rfc3339())))
}

/// `POST /api/orchestration/plan-trip` with `{"destination_zone": "paris-08"}`.
pub async fn plan_trip_post(req: &Request) -> Result<Response, ApiError> {
    let content_type = req.header("content-type").and_then(|v| v.as_str());
    let body = api_kit::json_object(content_type, req.body(), MAX_BODY)?;
    let zone = trip::destination_zone(&Value::Object(body)).map_err(|(field, message)| match field {
        Some(field) => ApiError::validation(field, format!("{field} {message}")),
        None => ApiError::invalid_body(message),
    })?;
    plan_trip(zone).await
}

/// `GET /api/orchestration/plan-trip?zone=paris-08`.
pub async fn plan_trip_get(req: &Request) -> Result<Response, ApiError> {
    let query = Query::parse(req.query())?;
    query.reject_unknown(&["zone"])?;
    let zone = query.get("zone")?.ok_or_else(|| ApiError::bad_param("zone", "zone is required, e.g. ?zone=paris-08"))?;
    trip::validate_zone(zone).map_err(|m| ApiError::bad_param("zone", format!("zone {m}")))?;
    plan_trip(zone.to_string()).await
}

/// The zone's latest measure; `Err` (404) when the air-quality service does not know the
/// zone — it owns the list of zones.
pub async fn zone_air(zone: &str, budget: std::time::Duration) -> Result<Section<Option<soap::Measure>>, ApiError> {
    Ok(match upstream::zone_measures(zone, budget).await {
        Ok(Ok(measures)) => Section::Ready(measures.into_iter().next()),
        Ok(Err(SoapError::Fault { code, message })) if code == "Client" && message.starts_with("unknown zone") => {
            return Err(ApiError::not_found(format!("unknown zone {zone:?}; the zones are paris-01 to paris-20")));
        }
        Ok(Err(other)) => Section::Unavailable(other.to_string()),
        Err(call_failed) => Section::Unavailable(call_failed),
    })
}

async fn plan_trip(zone: String) -> Result<Response, ApiError> {
    let budget = upstream::timeout();
    let (air, lines, attractions, interventions) = futures::join!(
        zone_air(&zone, budget),
        upstream::lines(budget),
        upstream::zone_attractions(&zone, budget),
        upstream::interventions(budget),
    );
    let inputs = TripInputs {
        zone,
        air: air?,
        lines: Section::from_result(lines),
        attractions: Section::from_result(attractions),
        interventions: Section::from_result(interventions),
    };
    Ok(reply::json(200, &inputs.to_json()))
}

/// A required zone query parameter, checked for form.
fn zone_param(query: &Query, name: &str) -> Result<String, ApiError> {
    let zone = query.get(name)?.ok_or_else(|| ApiError::bad_param(name, format!("{name} is required, e.g. ?{name}=paris-08")))?;
    trip::validate_zone(zone).map_err(|m| ApiError::bad_param(name, format!("{name} {m}")))?;
    Ok(zone.to_string())
}

/// `GET /api/orchestration/tourist-day?zone=paris-08`.
pub async fn tourist_day(req: &Request) -> Result<Response, ApiError> {
    let query = Query::parse(req.query())?;
    query.reject_unknown(&["zone"])?;
    let zone = zone_param(&query, "zone")?;
    let budget = upstream::timeout();
    let (air, lines, attractions) =
        futures::join!(zone_air(&zone, budget), upstream::lines(budget), upstream::zone_attractions(&zone, budget));
    let day = DayInputs { zone, air: air?, lines: Section::from_result(lines), attractions: Section::from_result(attractions) };
    Ok(reply::json(200, &day.to_json()))
}

/// `GET /api/orchestration/eco-route?start_zone=paris-01&end_zone=paris-08`.
pub async fn eco_route(req: &Request) -> Result<Response, ApiError> {
    let query = Query::parse(req.query())?;
    query.reject_unknown(&["start_zone", "end_zone"])?;
    let start = zone_param(&query, "start_zone")?;
    let end = zone_param(&query, "end_zone")?;
    let budget = upstream::timeout();
    let (start_air, end_air, lines) = futures::join!(zone_air(&start, budget), zone_air(&end, budget), upstream::lines(budget));
    let (start_air, end_air, lines) = (start_air?, end_air?, Section::from_result(lines));
    let aqi = |air: &Section<Option<soap::Measure>>| air.ready().and_then(|m| m.as_ref()).map(|m| m.aqi);
    let eco = lines.ready().map(|l| eco::eco_lines(l));
    // A score needs both zones' air and the lines; without them it is unknown, not guessed.
    let score = match (aqi(&start_air), aqi(&end_air), &eco) {
        (Some(a), Some(b), Some(eco)) => eco::eco_score(&[a, b], !eco.is_empty()),
        _ => None,
    };
    let eco_transports = match (&lines, &eco) {
        (Section::Unavailable(e), _) => Section::<()>::Unavailable(e.clone()).to_json(),
        (_, eco) => json!(eco),
    };
    let air_json = |air: &Section<Option<soap::Measure>>| match air {
        Section::Ready(Some(m)) => json!({ "aqi": m.aqi, "category": m.category, "measured_at": m.measured_at }),
        Section::Ready(None) => json!({ "status": "no_data", "error": "the zone has no measure yet" }),
        unavailable => unavailable.to_json(),
    };
    let path = eco::path((&start, aqi(&start_air)), (&end, aqi(&end_air)), eco.as_deref().unwrap_or(&[]));
    Ok(reply::json(200, &json!({
        "start_zone": start,
        "end_zone": end,
        "degraded": !(start_air.is_ready() && end_air.is_ready() && lines.is_ready()),
        "air_quality": { "start": air_json(&start_air), "end": air_json(&end_air) },
        "eco_transports": eco_transports,
        "eco_score": score,
        "recommended_path": path,
    })))
}

/// `GET /api/health`: each service asked its cheapest real question, with its latency.
pub async fn health() -> Result<Response, ApiError> {
    let budget = upstream::timeout();
    let (transport, air_quality, tourism, emergency) = futures::join!(
        probe(upstream::transport_lines_request(), budget, |r| transport::parse_lines(r.status, &r.body).map(drop)),
        probe(upstream::soap_request(soap::zones_request()), budget, |r| {
            soap::parse_measures("GetZones", &r.body).map(drop).map_err(|e| e.to_string())
        }),
        probe(upstream::graphql_request(tourism::all_request()), budget, |r| {
            tourism::parse_attractions("attractions", r.status, &r.body).map(drop)
        }),
        probe(upstream::grpc_web_request(emergency_model::Rpc::GetVehicles), budget, |r| {
            emergency::decode_vehicles(r.status, &r.body).map(drop)
        }),
    );
    let services = json!({ "transport": transport, "air_quality": air_quality, "tourism": tourism, "emergency": emergency });
    let all_up = services.as_object().into_iter().flatten().all(|(_, s)| s["status"] == "up");
    Ok(reply::json(200, &json!({
        "timestamp": now_rfc3339(),
        "status": if all_up { "up" } else { "degraded" },
        "services": services,
    })))
}

async fn probe(
    request: Request,
    budget: std::time::Duration,
    check: impl FnOnce(&upstream::Reply) -> Result<(), String>,
) -> Value {
    match upstream::call(request, budget).await {
        Ok(reply) => {
            let latency_ms = reply.elapsed.as_secs_f64() * 1000.0;
            match check(&reply) {
                Ok(()) => json!({ "status": "up", "latency_ms": (latency_ms * 10.0).round() / 10.0 }),
                Err(error) => json!({ "status": "down", "latency_ms": (latency_ms * 10.0).round() / 10.0, "error": error }),
            }
        }
        Err(error) => json!({ "status": "down", "error": error }),
    }
}

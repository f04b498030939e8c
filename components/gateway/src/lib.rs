//! The gateway component: one HTTP front for the city's four services, reached through Spin
//! service chaining (`http://<component>.spin.internal`), each in its own protocol.
//!
//! A thin adapter: routing and calls here; request bodies, reply decoding and the rules in
//! `gateway-model`. The calls of one request run concurrently (`futures::join!` over
//! `spin_sdk::http::send`), each against its own deadline; a failed or late service becomes an
//! `unavailable` section, never a guessed figure, and the answer stays HTTP 200.

mod deadline;
mod orchestration;
mod passthrough;
mod reply;
mod response;
mod upstream;

use api_kit::ApiError;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

#[http_component]
async fn handle(req: Request) -> Response {
    match dispatch(&req).await {
        Ok(response) => response,
        Err(err) => reply::error(&err),
    }
}

async fn dispatch(req: &Request) -> Result<Response, ApiError> {
    let path = req.path().to_string();
    let method = req.method().clone();
    match (path.as_str(), &method) {
        ("/api/orchestration/city-dashboard", Method::Get) => orchestration::city_dashboard().await,
        ("/api/orchestration/plan-trip", Method::Post) => orchestration::plan_trip_post(req).await,
        ("/api/orchestration/plan-trip", Method::Get) => orchestration::plan_trip_get(req).await,
        ("/api/orchestration/tourist-day", Method::Get) => orchestration::tourist_day(req).await,
        ("/api/orchestration/eco-route", Method::Get) => orchestration::eco_route(req).await,
        ("/api/orchestration/emergency-response", Method::Post) => response::emergency_response(req).await,
        ("/api/health", Method::Get) => orchestration::health().await,
        ("/api/air-quality/zones", Method::Get) => passthrough::zones().await,
        ("/api/air-quality/measures", Method::Get) => passthrough::measures(req).await,
        ("/api/tourism/attractions", Method::Get) => passthrough::attractions().await,
        ("/api/emergency/vehicles", Method::Get) => passthrough::vehicles().await,
        ("/api/emergency/interventions", Method::Get) => passthrough::interventions().await,
        (p, Method::Get) if p.starts_with(passthrough::TRANSPORT_PREFIX) => {
            passthrough::transport(req, &p[passthrough::TRANSPORT_PREFIX.len()..]).await
        }
        (
            "/api/orchestration/city-dashboard"
            | "/api/orchestration/tourist-day"
            | "/api/orchestration/eco-route"
            | "/api/health"
            | "/api/air-quality/zones"
            | "/api/air-quality/measures"
            | "/api/tourism/attractions"
            | "/api/emergency/vehicles"
            | "/api/emergency/interventions",
            _,
        ) => Err(ApiError::method_not_allowed(spin_kit::method_name(&method), &["GET"])),
        ("/api/orchestration/emergency-response", _) => Err(ApiError::method_not_allowed(spin_kit::method_name(&method), &["POST"])),
        ("/api/orchestration/plan-trip", _) => Err(ApiError::method_not_allowed(spin_kit::method_name(&method), &["GET", "POST"])),
        // The pass-throughs are reads: writes go to the services themselves, with a token.
        (p, _) if p.starts_with(passthrough::TRANSPORT_PREFIX) => Err(ApiError::method_not_allowed(spin_kit::method_name(&method), &["GET"])),
        _ => Err(ApiError::not_found(format!("no resource at {path}"))),
    }
}


//! The traffic-api component: roads, live traffic, history, predictions, reroutes and
//! accuracy over REST/JSON (GeoJSON for the map), live updates as Server-Sent Events at
//! `/api/stream`, and the OpenAPI description of the traffic API and the gateway at
//! `/api/openapi.json`.
//!
//! A thin adapter: routing, Postgres, Redis and bytes here; validation, cursors, SQL text,
//! shapes and SSE framing in `traffic-api-model`. Every endpoint is a public read.

mod cache;
mod db;
mod handlers;
mod reply;
mod stream;

use api_kit::ApiError;
use spin_sdk::http::{Method, Request, Response, ResponseOutparam};
use spin_sdk::http_component;
use traffic_api_model::Route;

#[http_component]
async fn handle(req: Request, out: ResponseOutparam) {
    let route = Route::resolve(req.path());
    if route == Some(Route::Stream) && *req.method() == Method::Get {
        return stream::serve(&req, out).await;
    }
    let response = dispatch(&req, route).unwrap_or_else(|err| reply::error(&err));
    reply::send(out, response).await;
}

fn dispatch(req: &Request, route: Option<Route>) -> Result<Response, ApiError> {
    let route = route.ok_or_else(|| ApiError::not_found(format!("no resource at {}", req.path())))?;
    match req.method() {
        Method::Get => {}
        Method::Options => return Ok(reply::options()),
        other => return Err(ApiError::method_not_allowed(spin_kit::method_name(other), &["GET", "OPTIONS"])),
    }
    match route {
        Route::Roads => handlers::roads(req),
        Route::Road(id) => handlers::road(req, &id),
        Route::Live => handlers::live(req),
        Route::History => handlers::history(req),
        Route::Predictions => handlers::predictions(req),
        Route::Accuracy => handlers::accuracy(req),
        Route::Reroutes => handlers::reroutes(req),
        Route::OpenApi => handlers::openapi(req),
        // GET was served as a stream above.
        Route::Stream => Err(ApiError::internal("unreachable")),
    }
}

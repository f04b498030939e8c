//! JSON responses.

use api_kit::ApiError;
use spin_sdk::http::Response;

pub fn json(status: u16, body: &serde_json::Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .body(body.to_string())
        .build()
}

pub fn error(err: &ApiError) -> Response {
    let mut builder = Response::builder();
    builder.status(err.status()).header("content-type", "application/json");
    if let Some(allow) = err.allow() {
        builder.header("allow", allow);
    }
    builder.body(err.to_json()).build()
}

//! Responses: JSON (or GeoJSON) bodies and JSON errors, sent through the response outparam.

use api_kit::ApiError;
use serde::Serialize;
use spin_sdk::http::{OutgoingResponse, Response, ResponseOutparam};

/// A serialisable answer as `content_type`.
pub fn json<T: Serialize>(value: &T, content_type: &str) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| {
        eprintln!("traffic-api: cannot serialise response: {e}");
        ApiError::internal("internal error")
    })?;
    Ok(body_of(200, content_type, body, None))
}

/// Bytes already serialised (a cached answer, the OpenAPI document); `cache` is the
/// `x-cache` header of the cached reads (`hit`, `miss`, `bypass` when Redis is unreachable).
pub fn body_of(status: u16, content_type: &str, body: Vec<u8>, cache: Option<&str>) -> Response {
    let mut builder = Response::builder();
    builder.status(status).header("content-type", content_type).body(body);
    if let Some(cache) = cache {
        builder.header("x-cache", cache);
    }
    builder.build()
}

pub fn options() -> Response {
    Response::builder().status(204).header("allow", "GET, OPTIONS").build()
}

pub fn error(err: &ApiError) -> Response {
    let mut builder = Response::builder();
    builder.status(err.status()).header("content-type", "application/json").body(err.to_json());
    if let Some(allow) = err.allow() {
        builder.header("allow", allow);
    }
    builder.build()
}

/// Sends a complete response.
pub async fn send(out: ResponseOutparam, mut response: Response) {
    let body = std::mem::take(response.body_mut());
    match OutgoingResponse::try_from(response) {
        Ok(head) => {
            if let Err(e) = out.set_with_body(head, body).await {
                eprintln!("traffic-api: cannot send the response: {e}");
            }
        }
        Err(e) => eprintln!("traffic-api: cannot build the response: {e}"),
    }
}

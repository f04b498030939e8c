use api_kit::ApiError;
use serde::Serialize;
use spin_sdk::http::Response;

const JSON: &str = "application/json";

pub fn json<T: Serialize>(status: u16, value: &T, location: Option<&str>) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("identity: cannot serialise response: {e}");
            return error(&ApiError::internal("internal error"));
        }
    };
    let mut builder = Response::builder();
    // Tokens and account data must not be kept by shared caches.
    builder.status(status).header("content-type", JSON).header("cache-control", "no-store").body(body);
    if let Some(location) = location {
        builder.header("location", location);
    }
    builder.build()
}

pub fn options(allowed: &[&str]) -> Response {
    Response::builder().status(204).header("allow", allowed.join(", ")).build()
}

pub fn error(err: &ApiError) -> Response {
    let mut builder = Response::builder();
    builder.status(err.status()).header("content-type", JSON).body(err.to_json());
    if let Some(allow) = err.allow() {
        builder.header("allow", allow);
    }
    if err.status() == 401 {
        builder.header("www-authenticate", "Bearer realm=\"cityflow\"");
    }
    builder.build()
}

/// 429 with `retry-after` in seconds.
pub fn too_many_requests(retry_after_secs: i64) -> Response {
    let err = ApiError::too_many_requests(format!(
        "too many failed logins for this account; try again in {retry_after_secs} seconds"
    ));
    let mut response = error(&err);
    response.set_header("retry-after", retry_after_secs.to_string());
    response
}

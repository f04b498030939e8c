use api_kit::ApiError;
use serde::Serialize;
use spin_sdk::http::Response;

const JSON: &str = "application/json";

pub fn json<T: Serialize>(status: u16, value: &T) -> Response {
    json_with_header(status, value, None)
}

pub fn created<T: Serialize>(value: &T, location: &str) -> Response {
    json_with_header(201, value, Some(("location", location)))
}

pub fn no_content() -> Response {
    Response::builder().status(204).build()
}

pub fn options(allowed: &[&str]) -> Response {
    Response::builder()
        .status(204)
        .header("allow", allowed.join(", "))
        .build()
}

pub fn error(err: &ApiError) -> Response {
    let mut builder = Response::builder();
    builder
        .status(err.status())
        .header("content-type", JSON)
        .body(err.to_json());
    if let Some(allow) = err.allow() {
        builder.header("allow", allow);
    }
    if err.status() == 401 {
        builder.header("www-authenticate", "Bearer realm=\"cityflow\"");
    }
    builder.build()
}

fn json_with_header<T: Serialize>(
    status: u16,
    value: &T,
    header: Option<(&str, &str)>,
) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(e) => {
            eprintln!("transport: cannot serialise response: {e}");
            return error(&ApiError::internal("internal error"));
        }
    };
    let mut builder = Response::builder();
    builder
        .status(status)
        .header("content-type", JSON)
        .body(body);
    if let Some((name, value)) = header {
        builder.header(name, value);
    }
    builder.build()
}

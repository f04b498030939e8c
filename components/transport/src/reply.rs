use api_kit::ApiError;
use serde::Serialize;
use spin_sdk::http::Response;

const JSON: &str = "application/json";
/// Room for a full default page of lines (about 19 KB) in one allocation, so serialising never
/// regrows and copies the body.
const BODY_CAPACITY: usize = 32 * 1024;

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
    let mut body = Vec::with_capacity(BODY_CAPACITY);
    let body = match serde_json::to_writer(&mut body, value) {
        Ok(()) => body,
        Err(e) => {
            eprintln!("transport: cannot serialise response: {e}");
            return error(&ApiError::internal("internal error"));
        }
    };
    let mut builder = Response::builder();
    // A declared length lets the runtime send the body as is rather than chunk-encoded.
    builder
        .status(status)
        .header("content-type", JSON)
        .header("content-length", body.len().to_string())
        .body(body);
    if let Some((name, value)) = header {
        builder.header(name, value);
    }
    builder.build()
}

//! `GET /transports[?mode=&status=&skip=&limit=]` with the component's status codes, headers
//! and bytes; any other path or method is refused in the component's error format.

use api_kit::{ApiError, Query};
use bytes::Bytes;
use deadpool_postgres::Pool;
use http_body_util::Full;
use hyper::{Method, Request, Response};
use transport_model::{resolve, ListFilter, Target, MOUNT};

const JSON: &str = "application/json";

pub async fn handle<B>(pool: &Pool, req: Request<B>) -> Response<Full<Bytes>> {
    match list(pool, &req).await {
        Ok(body) => respond(200, body, None),
        Err(err) => respond(
            err.status(),
            err.to_json().into_bytes(),
            err.allow().map(str::to_string),
        ),
    }
}

async fn list<B>(pool: &Pool, req: &Request<B>) -> Result<Vec<u8>, ApiError> {
    let path_info = req
        .uri()
        .path()
        .strip_prefix(MOUNT)
        .ok_or_else(|| ApiError::not_found(format!("no resource at {}", req.uri().path())))?;
    if resolve(path_info)? != Target::Collection || req.method() != Method::GET {
        return Err(ApiError::method_not_allowed(req.method().as_str(), &["GET"]));
    }
    let filter = ListFilter::from_query(&Query::parse(req.uri().query().unwrap_or(""))?)?;
    let lines = crate::db::list(pool, &filter).await?;
    // The component's serialisation (`reply::json`): serde_json into a buffer sized for a
    // full page of lines.
    let mut body = Vec::with_capacity(32 * 1024);
    serde_json::to_writer(&mut body, &lines).map_err(|e| {
        eprintln!("native-transport: cannot serialise response: {e}");
        ApiError::internal("internal error")
    })?;
    Ok(body)
}

fn respond(status: u16, body: Vec<u8>, allow: Option<String>) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", JSON);
    if let Some(allow) = allow {
        builder = builder.header("allow", allow);
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .expect("static status and header names are valid")
}

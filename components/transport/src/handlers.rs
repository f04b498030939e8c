use crate::{db, reply};
use api_kit::{json_object, ApiError, Query};
use spin_sdk::http::{Request, Response};
use transport_model::{ListFilter, TransportInput, Write, MAX_BODY_BYTES};

pub fn list(req: &Request) -> Result<Response, ApiError> {
    let filter = ListFilter::from_query(&Query::parse(req.query())?)?;
    Ok(reply::json(200, &db::list(&filter)?))
}

pub fn create(req: &Request) -> Result<Response, ApiError> {
    let input = TransportInput::from_json(&body(req)?, Write::Create)?;
    let line = db::insert(&input)?;
    // Relative to the path the client used, so it stays right behind any `base` or proxy prefix.
    let location = format!("{}/{}", req.path().trim_end_matches('/'), line.id);
    Ok(reply::created(&line, &location))
}

pub fn get(id: i64) -> Result<Response, ApiError> {
    let line = db::get(id)?.ok_or_else(|| not_found(id))?;
    Ok(reply::json(200, &line))
}

pub fn replace(req: &Request, id: i64) -> Result<Response, ApiError> {
    let input = TransportInput::from_json(&body(req)?, Write::Replace(id))?;
    let line = db::update(id, &input)?.ok_or_else(|| not_found(id))?;
    Ok(reply::json(200, &line))
}

pub fn delete(id: i64) -> Result<Response, ApiError> {
    if db::delete(id)? {
        Ok(reply::no_content())
    } else {
        Err(not_found(id))
    }
}

fn body(req: &Request) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    let content_type = req.header("content-type").and_then(|v| v.as_str());
    json_object(content_type, req.body(), MAX_BODY_BYTES)
}

fn not_found(id: i64) -> ApiError {
    ApiError::not_found(format!("transport line {id} not found"))
}

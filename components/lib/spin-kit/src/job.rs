//! A periodic job (predictor, rerouter): one cycle run by the cron trigger or, on clusters
//! without cron, by `POST /jobs/<name>` with an operator token. Both entries log alike.

use api_kit::ApiError;
use cityflow_auth::{now_unix, Role};
use serde::Serialize;
use spin_sdk::http::{Method, Request, Response};

use crate::AccessError;

/// What a cycle reports: serialised as the HTTP answer, one line in the log.
pub trait Summary: Serialize {
    fn log_line(&self) -> String;
}

/// Runs `cycle` at `now`, logging its summary or its failure under `component`.
pub fn run_logged<S: Summary>(component: &str, now: i64, cycle: impl FnOnce(i64) -> Result<S, String>) -> Result<S, String> {
    match cycle(now) {
        Ok(summary) => {
            println!("{component}: {}", summary.log_line());
            Ok(summary)
        }
        Err(e) => {
            eprintln!("{component}: cycle at {now} failed: {e}");
            Err(e)
        }
    }
}

/// The HTTP entry: `POST` with an operator token runs `cycle` now and answers its summary as
/// JSON. `kind` names the cycle in the error answer ("prediction" -> "prediction cycle failed").
pub fn handle_http<S: Summary>(req: &Request, component: &str, kind: &str, cycle: impl FnOnce(i64) -> Result<S, String>) -> Response {
    match dispatch(req, component, kind, cycle) {
        Ok(body) => Response::builder().status(200).header("content-type", "application/json").body(body).build(),
        Err(err) => error_response(&err),
    }
}

fn dispatch<S: Summary>(req: &Request, component: &str, kind: &str, cycle: impl FnOnce(i64) -> Result<S, String>) -> Result<String, ApiError> {
    if *req.method() != Method::Post {
        return Err(ApiError::method_not_allowed(crate::method_name(req.method()), &["POST"]));
    }
    require_operator(req, component)?;
    let now = i64::try_from(now_unix()).map_err(|_| ApiError::internal("clock out of range"))?;
    let summary = run_logged(component, now, cycle).map_err(|e| ApiError::internal(format!("{kind} cycle failed: {e}")))?;
    serde_json::to_string(&summary).map_err(|e| ApiError::internal(e.to_string()))
}

/// The caller's bearer token must be an operator's; the refusal is the API's JSON error.
pub fn require_operator(req: &Request, component: &str) -> Result<(), ApiError> {
    let header = req.header("authorization").and_then(|v| v.as_str());
    crate::authorize(header, Role::Operator).map(|_| ()).map_err(|err| match err {
        AccessError::Misconfigured(detail) => {
            eprintln!("{component}: {detail}");
            ApiError::internal(format!("the {component} is misconfigured"))
        }
        AccessError::Unauthenticated(message) => ApiError::unauthenticated(message),
        AccessError::Forbidden(message) => ApiError::forbidden(message),
    })
}

/// An API error as the JSON response (with `allow` on 405, `www-authenticate` on 401).
pub fn error_response(err: &ApiError) -> Response {
    let mut builder = Response::builder();
    builder.status(err.status()).header("content-type", "application/json").body(err.to_json());
    if let Some(allow) = err.allow() {
        builder.header("allow", allow);
    }
    if err.status() == 401 {
        builder.header("www-authenticate", "Bearer realm=\"cityflow\"");
    }
    builder.build()
}

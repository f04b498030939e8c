//! `POST /jobs/predict`: the cycle on demand, for clusters without the cron trigger. Needs an
//! operator token (`cityflow-auth`); answers the cycle's summary as JSON.

use api_kit::ApiError;
use cityflow_auth::{authorize, now_unix, AuthError, Role, MIN_SECRET_LEN};
use spin_sdk::http::{Method, Request, Response};

pub fn handle(req: &Request) -> Response {
    match dispatch(req) {
        Ok(body) => Response::builder().status(200).header("content-type", "application/json").body(body).build(),
        Err(err) => error(&err),
    }
}

fn dispatch(req: &Request) -> Result<String, ApiError> {
    if *req.method() != Method::Post {
        return Err(ApiError::method_not_allowed(&method_name(req.method()), &["POST"]));
    }
    require_operator(req)?;
    let now = i64::try_from(now_unix()).map_err(|_| ApiError::internal("clock out of range"))?;
    let summary = crate::job::run(now).map_err(|e| {
        eprintln!("predictor: cycle at {now} failed: {e}");
        ApiError::internal(format!("prediction cycle failed: {e}"))
    })?;
    println!("predictor: {}", summary.log_line());
    serde_json::to_string(&summary).map_err(|e| ApiError::internal(e.to_string()))
}

fn method_name(method: &Method) -> String {
    match method {
        Method::Other(other) => other.clone(),
        known => format!("{known:?}").to_uppercase(),
    }
}

fn require_operator(req: &Request) -> Result<(), ApiError> {
    let secret = spin_sdk::variables::get("jwt_secret").map_err(|e| {
        eprintln!("predictor: component variable jwt_secret: {e}");
        ApiError::internal("the predictor is misconfigured")
    })?;
    if secret.len() < MIN_SECRET_LEN {
        eprintln!("predictor: jwt_secret must be at least {MIN_SECRET_LEN} bytes");
        return Err(ApiError::internal("the predictor is misconfigured"));
    }
    let header = req.header("authorization").and_then(|v| v.as_str());
    authorize(header, secret.as_bytes(), Role::Operator, now_unix()).map(|_| ()).map_err(|err| match err {
        AuthError::Unauthenticated(message) => ApiError::unauthenticated(message),
        AuthError::Forbidden(message) => ApiError::forbidden(message),
    })
}

fn error(err: &ApiError) -> Response {
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

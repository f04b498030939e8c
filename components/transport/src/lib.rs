//! The transport component: public transport lines over REST/JSON at `/transports`.
//!
//! A thin adapter: routing and bytes here, rules in `transport-model`, errors in `api-kit`.
//! Every 4xx is decided before the database is touched, so a rejected request stores nothing.
//! Writes need a bearer token (`cityflow-auth`): POST/PUT an operator, DELETE an admin.

mod auth;
mod db;
mod handlers;
mod reply;

use api_kit::ApiError;
use cityflow_auth::Role;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use transport_model::{resolve, Target, MOUNT};

#[http_component]
fn handle(req: Request) -> Response {
    dispatch(&req).unwrap_or_else(|err| reply::error(&err))
}

fn dispatch(req: &Request) -> Result<Response, ApiError> {
    let target = resolve(path_info(req)?)?;
    match (req.method(), target) {
        (Method::Get, Target::Collection) => handlers::list(req),
        // Reads are public; writes need an operator, deletes an admin.
        (Method::Post, Target::Collection) => auth::require(req, Role::Operator).and_then(|_| handlers::create(req)),
        (Method::Get, Target::Item(id)) => handlers::get(id),
        (Method::Put, Target::Item(id)) => auth::require(req, Role::Operator).and_then(|_| handlers::replace(req, id)),
        (Method::Delete, Target::Item(id)) => auth::require(req, Role::Admin).and_then(|_| handlers::delete(id)),
        (Method::Options, target) => Ok(reply::options(target.allowed_methods())),
        (method, target) => Err(ApiError::method_not_allowed(
            spin_kit::method_name(method),
            target.allowed_methods(),
        )),
    }
}

/// The path below the mount point. Spin (and the local runtime) pass it in `spin-path-info`,
/// which stays correct under any `base`; the raw path is only a fallback for hosts without it.
fn path_info(req: &Request) -> Result<&str, ApiError> {
    if let Some(info) = req.header("spin-path-info").and_then(|v| v.as_str()) {
        // Service chaining (`http://transport.spin.internal/transports/1`) addresses the
        // component as if it were routed at `/...` (empty `spin-component-route`): the path
        // info is then the whole path, mount included.
        let chained = req.header("spin-component-route").and_then(|v| v.as_str()) == Some("");
        if chained {
            if let Some(below_mount) = info.strip_prefix(MOUNT) {
                return Ok(below_mount);
            }
        }
        return Ok(info);
    }
    req.path()
        .strip_prefix(MOUNT)
        .ok_or_else(|| ApiError::not_found(format!("no resource at {}", req.path())))
}


//! The identity component: accounts and tokens over REST/JSON at `/api/auth`.
//!
//! `POST /register` and `POST /login` answer `{token, user}`; `GET /me` answers the caller's
//! account; `PUT /users/{id}/role` (admins only) changes a role. Rules live in
//! `identity-model`, token handling in `cityflow-auth`.

mod config;
mod db;
mod handlers;
mod lockout;
mod reply;

use api_kit::ApiError;
use identity_model::role_path_user_id;
use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;

/// Where spin.toml mounts this component.
const MOUNT: &str = "/api/auth";

#[http_component]
fn handle(req: Request) -> Response {
    dispatch(&req).unwrap_or_else(|err| reply::error(&err))
}

fn dispatch(req: &Request) -> Result<Response, ApiError> {
    let path = path_info(req)?;
    let role_of = role_path_user_id(path);
    let allowed: &[&str] = match path {
        "/register" | "/login" => &["POST", "OPTIONS"],
        "/me" => &["GET", "OPTIONS"],
        _ if role_of.is_some() => &["PUT", "OPTIONS"],
        _ => return Err(ApiError::not_found(format!("no resource at {}", req.path()))),
    };
    match (req.method(), path, role_of) {
        (Method::Post, "/register", _) => handlers::register(req),
        (Method::Post, "/login", _) => handlers::login(req),
        (Method::Get, "/me", _) => handlers::me(req),
        (Method::Put, _, Some(id)) => handlers::set_role(req, id),
        (Method::Options, _, _) => Ok(reply::options(allowed)),
        (method, _, _) => Err(ApiError::method_not_allowed(&method.to_string(), allowed)),
    }
}

/// The path below the mount point, from `spin-path-info` (correct under any `base`).
fn path_info(req: &Request) -> Result<&str, ApiError> {
    if let Some(info) = req.header("spin-path-info").and_then(|v| v.as_str()) {
        return Ok(info);
    }
    req.path().strip_prefix(MOUNT).ok_or_else(|| ApiError::not_found(format!("no resource at {}", req.path())))
}

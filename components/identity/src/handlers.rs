use api_kit::{json_object, ApiError};
use cityflow_auth::{authorize, issue, now_unix, AuthError, Role};
use identity_model::{
    hash_password, role_from_json, verify_against_dummy, verify_password, AuthReply, Credentials, CredentialsMode, User,
    MAX_BODY_BYTES,
};
use spin_sdk::http::{Request, Response};

use crate::lockout::Lockout;
use crate::{config, db, reply};

/// One message for unknown email and wrong password, so neither is revealed.
const BAD_CREDENTIALS: &str = "invalid email or password";

pub fn register(req: &Request) -> Result<Response, ApiError> {
    let credentials = Credentials::from_json(&body(req)?, CredentialsMode::Register)?;
    // Checked before the (costly) hash so a misconfigured server fails fast.
    let (secret, ttl) = (config::jwt_secret()?, config::token_ttl_secs()?);
    let hash = hash_password(&credentials.password).map_err(|e| {
        eprintln!("identity: {e}");
        ApiError::internal("internal error while creating the account")
    })?;
    let user = db::insert(&credentials.email, &hash, Role::Viewer.as_str())?
        .ok_or_else(|| ApiError::conflict("email", "an account with this email already exists"))?;
    let token = token_for(&user, &secret, ttl)?;
    Ok(reply::json(201, &AuthReply::bearer(token, ttl, user), Some("/api/auth/me")))
}

pub fn login(req: &Request) -> Result<Response, ApiError> {
    let credentials = Credentials::from_json(&body(req)?, CredentialsMode::Login)?;
    let (secret, ttl) = (config::jwt_secret()?, config::token_ttl_secs()?);
    let lockout = Lockout::for_email(&credentials.email);
    if let Some(retry_after) = lockout.locked_for() {
        return Ok(reply::too_many_requests(retry_after));
    }
    let user = match db::find_for_login(&credentials.email)? {
        Some((user, hash)) if verify_password(&credentials.password, &hash) => Some(user),
        Some(_) => None,
        // Same work as a wrong password, so timing does not tell which emails exist.
        None => {
            verify_against_dummy(&credentials.password);
            None
        }
    };
    let Some(user) = user else {
        lockout.record_failure();
        return Err(ApiError::unauthenticated(BAD_CREDENTIALS));
    };
    lockout.clear();
    let token = token_for(&user, &secret, ttl)?;
    Ok(reply::json(200, &AuthReply::bearer(token, ttl, user), None))
}

pub fn me(req: &Request) -> Result<Response, ApiError> {
    let secret = config::jwt_secret()?;
    let header = req.header("authorization").and_then(|v| v.as_str());
    let claims = authorize(header, &secret, Role::Viewer, now_unix()).map_err(auth_error)?;
    let not_an_account = || ApiError::unauthenticated("the token's subject is not a CityFlow account");
    let id = claims.sub.parse::<i64>().map_err(|_| not_an_account())?;
    let user = db::get(id)?.ok_or_else(not_an_account)?;
    Ok(reply::json(200, &user, None))
}

/// Admins only; takes effect at the user's next login (tokens carry the role until they expire).
pub fn set_role(req: &Request, id: i64) -> Result<Response, ApiError> {
    let secret = config::jwt_secret()?;
    let header = req.header("authorization").and_then(|v| v.as_str());
    let admin = authorize(header, &secret, Role::Admin, now_unix()).map_err(auth_error)?;
    let role = role_from_json(&body(req)?)?;
    if admin.sub == id.to_string() {
        // Keeps the last admin from demoting themselves by accident.
        return Err(ApiError::validation("role", "admins cannot change their own role; ask another admin"));
    }
    let user = db::set_role(id, role.as_str())?.ok_or_else(|| ApiError::not_found(format!("user {id} not found")))?;
    eprintln!("identity: user {} set the role of user {id} to {role}", admin.sub);
    Ok(reply::json(200, &user, None))
}

fn token_for(user: &User, secret: &[u8], ttl: u64) -> Result<String, ApiError> {
    issue(&user.id.to_string(), user.role, secret, now_unix(), ttl).map_err(|e| {
        eprintln!("identity: cannot issue a token: {e}");
        ApiError::internal("internal error while issuing a token")
    })
}

fn auth_error(err: AuthError) -> ApiError {
    match err {
        AuthError::Unauthenticated(message) => ApiError::unauthenticated(message),
        AuthError::Forbidden(message) => ApiError::forbidden(message),
    }
}

fn body(req: &Request) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    let content_type = req.header("content-type").and_then(|v| v.as_str());
    json_object(content_type, req.body(), MAX_BODY_BYTES)
}

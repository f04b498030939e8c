//! `authorization: Bearer <jwt>` checked with `cityflow-auth` against the `jwt_secret`
//! variable and the wall clock.

use cityflow_auth::{now_unix, AuthError, Claims, Role, MIN_SECRET_LEN};

/// Why a request was not authorized.
pub enum AccessError {
    /// `jwt_secret` is unset or too short: the deployment's fault, not the client's. The detail
    /// is for the log only.
    Misconfigured(String),
    /// No usable token.
    Unauthenticated(String),
    /// A valid token whose role is too low.
    Forbidden(String),
}

/// The `jwt_secret` variable, refused when shorter than [`MIN_SECRET_LEN`]; the error is a
/// detail for the log.
pub fn jwt_secret() -> Result<String, String> {
    let secret = crate::variable("jwt_secret")?;
    if secret.len() < MIN_SECRET_LEN {
        return Err(format!("jwt_secret must be at least {MIN_SECRET_LEN} bytes"));
    }
    Ok(secret)
}

/// The claims of the bearer token in `header` when its role is at least `min_role`.
pub fn authorize(header: Option<&str>, min_role: Role) -> Result<Claims, AccessError> {
    let secret = jwt_secret().map_err(AccessError::Misconfigured)?;
    cityflow_auth::authorize(header, secret.as_bytes(), min_role, now_unix()).map_err(|err| match err {
        AuthError::Unauthenticated(message) => AccessError::Unauthenticated(message),
        AuthError::Forbidden(message) => AccessError::Forbidden(message),
    })
}

//! Who may write: `authorization: Bearer <jwt>` checked with `cityflow-auth` against the
//! `jwt_secret` variable. Checked before the body is read, so a refused request changes nothing.

use api_kit::ApiError;
use cityflow_auth::{authorize, now_unix, AuthError, Claims, Role, MIN_SECRET_LEN};
use spin_sdk::http::Request;

pub fn require(req: &Request, min_role: Role) -> Result<Claims, ApiError> {
    let secret = spin_sdk::variables::get("jwt_secret").map_err(|e| {
        eprintln!("transport: component variable jwt_secret: {e}");
        ApiError::internal("the transport service is misconfigured")
    })?;
    if secret.len() < MIN_SECRET_LEN {
        eprintln!("transport: jwt_secret must be at least {MIN_SECRET_LEN} bytes");
        return Err(ApiError::internal("the transport service is misconfigured"));
    }
    let header = req.header("authorization").and_then(|v| v.as_str());
    authorize(header, secret.as_bytes(), min_role, now_unix()).map_err(|err| match err {
        AuthError::Unauthenticated(message) => ApiError::unauthenticated(message),
        AuthError::Forbidden(message) => ApiError::forbidden(message),
    })
}

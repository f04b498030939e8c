//! Who may write: `authorization: Bearer <jwt>` checked by `spin_kit::authorize` against the
//! `jwt_secret` variable. Checked before the body is read, so a refused request changes nothing.

use api_kit::ApiError;
use cityflow_auth::{Claims, Role};
use spin_kit::AccessError;
use spin_sdk::http::Request;

pub fn require(req: &Request, min_role: Role) -> Result<Claims, ApiError> {
    let header = req.header("authorization").and_then(|v| v.as_str());
    spin_kit::authorize(header, min_role).map_err(|err| match err {
        AccessError::Misconfigured(detail) => {
            eprintln!("transport: {detail}");
            ApiError::internal("the transport service is misconfigured")
        }
        AccessError::Unauthenticated(message) => ApiError::unauthenticated(message),
        AccessError::Forbidden(message) => ApiError::forbidden(message),
    })
}

//! CityFlow authentication, shared by every component that writes: HS256 JSON Web Tokens
//! (issue and strict verification) and the role ladder `viewer < operator < admin`.
//!
//! Only HS256 is ever accepted: the algorithm is fixed by the server, never chosen by the
//! token, so `alg: none` and algorithm-confusion tokens fail before any signature check.
//! Time is always passed in (`now_unix`) so callers and tests control the clock.

mod error;
mod jwt;
mod role;

pub use error::AuthError;
pub use jwt::{issue, verify, Claims, ISSUER, LEEWAY_SECS, MIN_SECRET_LEN};
pub use role::Role;

/// `authorization` header value (HTTP header or gRPC metadata) -> bearer token.
pub fn bearer_token(header: Option<&str>) -> Result<&str, AuthError> {
    let value = header.ok_or_else(|| AuthError::Unauthenticated("missing authorization header".into()))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or_else(|| AuthError::Unauthenticated("authorization header must be 'Bearer <token>'".into()))?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::Unauthenticated("authorization scheme must be Bearer".into()));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(AuthError::Unauthenticated("empty bearer token".into()));
    }
    Ok(token)
}

/// bearer_token + verify + role >= min_role (Forbidden when too low).
pub fn authorize(header: Option<&str>, secret: &[u8], min_role: Role, now_unix: u64) -> Result<Claims, AuthError> {
    let claims = verify(bearer_token(header)?, secret, now_unix)?;
    if claims.role < min_role {
        return Err(AuthError::Forbidden(format!(
            "this operation requires role {min_role} or higher; the token has role {}",
            claims.role
        )));
    }
    Ok(claims)
}

/// Seconds since the Unix epoch from the system clock (WASI wall clock inside components).
pub fn now_unix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"unit-test-signing-key-0123456789abcdef";
    const T0: u64 = 1_800_000_000;

    #[test]
    fn bearer_token_extracts_the_token() {
        assert_eq!(bearer_token(Some("Bearer abc.def.ghi")).unwrap(), "abc.def.ghi");
        assert_eq!(bearer_token(Some("bearer   abc ")).unwrap(), "abc");
    }

    #[test]
    fn bearer_token_rejects_missing_or_other_schemes() {
        for header in [None, Some(""), Some("Bearer"), Some("Bearer   "), Some("Basic YWRtaW46YWRtaW4="), Some("abc.def.ghi")] {
            assert!(matches!(bearer_token(header), Err(AuthError::Unauthenticated(_))), "{header:?}");
        }
    }

    #[test]
    fn authorize_checks_the_minimum_role() {
        let operator = issue("7", Role::Operator, SECRET, T0, 3600).unwrap();
        let header = format!("Bearer {operator}");
        assert_eq!(authorize(Some(&header), SECRET, Role::Viewer, T0).unwrap().role, Role::Operator);
        assert_eq!(authorize(Some(&header), SECRET, Role::Operator, T0).unwrap().sub, "7");
        let err = authorize(Some(&header), SECRET, Role::Admin, T0).unwrap_err();
        assert!(matches!(err, AuthError::Forbidden(_)), "{err:?}");
        assert!(err.to_string().contains("admin"), "{err}");
    }

    #[test]
    fn authorize_is_unauthenticated_before_forbidden() {
        assert!(matches!(authorize(None, SECRET, Role::Admin, T0), Err(AuthError::Unauthenticated(_))));
        let expired = issue("7", Role::Viewer, SECRET, T0, 60).unwrap();
        let header = format!("Bearer {expired}");
        assert!(matches!(authorize(Some(&header), SECRET, Role::Admin, T0 + 3600), Err(AuthError::Unauthenticated(_))));
    }
}

//! Compact-serialised JWS with HS256 only (RFC 7515/7519), built on RustCrypto's `hmac` and
//! `sha2`. A general JWT crate would drag RSA/ECDSA/EdDSA code into every component and read
//! the wall clock itself; this module accepts one algorithm and takes the time as input.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::{AuthError, Role};

/// The `iss` of every CityFlow token.
pub const ISSUER: &str = "cityflow";
/// Clock skew tolerated between the issuer and the verifier, in seconds.
pub const LEEWAY_SECS: u64 = 30;
/// Shorter HS256 keys are brute-forceable; refuse them rather than sign with them.
pub const MIN_SECRET_LEN: usize = 32;

/// The only header CityFlow issues: `{"alg":"HS256","typ":"JWT"}`.
const HEADER_B64: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
    /// Critical extensions we do not understand make the token invalid (RFC 7515 §4.1.11).
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// Claims as they arrive: `nbf` is optional and only checked, never issued.
#[derive(Deserialize)]
struct ReceivedClaims {
    sub: String,
    role: Role,
    iat: u64,
    exp: u64,
    iss: String,
    #[serde(default)]
    nbf: Option<u64>,
}

fn unauthenticated(message: &str) -> AuthError {
    AuthError::Unauthenticated(message.to_string())
}

fn mac(secret: &[u8]) -> Result<HmacSha256, AuthError> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(unauthenticated("server misconfigured: jwt_secret is shorter than 32 bytes"));
    }
    HmacSha256::new_from_slice(secret).map_err(|_| unauthenticated("server misconfigured: unusable jwt_secret"))
}

/// Signs a token for `sub` with `role`, valid from `now_unix` for `ttl_secs`.
pub fn issue(sub: &str, role: Role, secret: &[u8], now_unix: u64, ttl_secs: u64) -> Result<String, AuthError> {
    if ttl_secs == 0 {
        return Err(unauthenticated("token lifetime must be positive"));
    }
    let exp = now_unix.checked_add(ttl_secs).ok_or_else(|| unauthenticated("token lifetime overflows"))?;
    let claims = Claims { sub: sub.to_string(), role, iat: now_unix, exp, iss: ISSUER.to_string() };
    let payload = serde_json::to_vec(&claims).map_err(|e| AuthError::Unauthenticated(e.to_string()))?;
    let signing_input = format!("{HEADER_B64}.{}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = mac(secret)?;
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    Ok(format!("{signing_input}.{signature}"))
}

/// Checks signature, algorithm, issuer and validity window at `now_unix`.
pub fn verify(token: &str, secret: &[u8], now_unix: u64) -> Result<Claims, AuthError> {
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(unauthenticated("malformed token: expected three dot-separated parts"));
    };

    let header: Header = decode_json(header_b64).ok_or_else(|| unauthenticated("malformed token header"))?;
    if header.alg != "HS256" {
        return Err(AuthError::Unauthenticated(format!("token algorithm '{}' is not accepted", header.alg)));
    }
    if header.typ.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("JWT")) || header.crit.is_some() {
        return Err(unauthenticated("unsupported token header"));
    }

    let signature =
        URL_SAFE_NO_PAD.decode(signature_b64).map_err(|_| unauthenticated("malformed token signature"))?;
    let mut mac = mac(secret)?;
    mac.update(header_b64.as_bytes());
    mac.update(b".");
    mac.update(payload_b64.as_bytes());
    // Constant-time comparison.
    mac.verify_slice(&signature).map_err(|_| unauthenticated("invalid token signature"))?;

    let claims: ReceivedClaims = decode_json(payload_b64).ok_or_else(|| unauthenticated("malformed token claims"))?;
    if claims.iss != ISSUER {
        return Err(unauthenticated("token issuer is not accepted"));
    }
    if claims.exp <= claims.iat {
        return Err(unauthenticated("malformed token: exp is not after iat"));
    }
    if now_unix >= claims.exp.saturating_add(LEEWAY_SECS) {
        return Err(unauthenticated("token expired"));
    }
    let not_before = claims.nbf.unwrap_or(0).max(claims.iat);
    if not_before > now_unix.saturating_add(LEEWAY_SECS) {
        return Err(unauthenticated("token not yet valid"));
    }
    if claims.sub.is_empty() {
        return Err(unauthenticated("malformed token: empty subject"));
    }
    Ok(Claims { sub: claims.sub, role: claims.role, iat: claims.iat, exp: claims.exp, iss: claims.iss })
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Option<T> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &[u8] = b"unit-test-signing-key-0123456789abcdef";
    const T0: u64 = 1_800_000_000;

    fn b64(value: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    /// A token with any header and claims, signed with HS256 under `secret`.
    fn forge(header: serde_json::Value, claims: serde_json::Value, secret: &[u8]) -> String {
        let input = format!("{}.{}", b64(&header), b64(&claims));
        let mut mac = HmacSha256::new_from_slice(secret).unwrap();
        mac.update(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }

    fn good_claims() -> serde_json::Value {
        json!({"sub": "42", "role": "operator", "iat": T0, "exp": T0 + 3600, "iss": "cityflow"})
    }

    fn hs256() -> serde_json::Value {
        json!({"alg": "HS256", "typ": "JWT"})
    }

    fn rejected(token: &str, now: u64) -> String {
        match verify(token, SECRET, now) {
            Err(AuthError::Unauthenticated(message)) => message,
            other => panic!("expected Unauthenticated, got {other:?}"),
        }
    }

    #[test]
    fn issued_token_verifies_with_its_claims() {
        let token = issue("42", Role::Admin, SECRET, T0, 3600).unwrap();
        let claims = verify(&token, SECRET, T0 + 10).unwrap();
        assert_eq!(
            claims,
            Claims { sub: "42".into(), role: Role::Admin, iat: T0, exp: T0 + 3600, iss: ISSUER.into() }
        );
        assert!(token.starts_with(HEADER_B64));
    }

    #[test]
    fn header_constant_is_hs256_jwt() {
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(HEADER_B64).unwrap()).unwrap();
        assert_eq!(header, hs256());
    }

    #[test]
    fn token_forged_by_hand_with_the_right_key_verifies() {
        let token = forge(hs256(), good_claims(), SECRET);
        assert_eq!(verify(&token, SECRET, T0).unwrap().role, Role::Operator);
    }

    #[test]
    fn expired_token_is_rejected_after_leeway() {
        let token = issue("42", Role::Viewer, SECRET, T0, 3600).unwrap();
        assert!(verify(&token, SECRET, T0 + 3600 + LEEWAY_SECS - 1).is_ok());
        assert_eq!(rejected(&token, T0 + 3600 + LEEWAY_SECS), "token expired");
        assert_eq!(rejected(&token, T0 + 86_400), "token expired");
    }

    #[test]
    fn token_issued_in_the_future_is_rejected() {
        let token = issue("42", Role::Viewer, SECRET, T0 + 600, 3600).unwrap();
        assert_eq!(rejected(&token, T0), "token not yet valid");
        // Small clock skew is tolerated.
        let skewed = issue("42", Role::Viewer, SECRET, T0 + LEEWAY_SECS, 3600).unwrap();
        assert!(verify(&skewed, SECRET, T0).is_ok());
    }

    #[test]
    fn token_with_future_nbf_is_rejected() {
        let mut claims = good_claims();
        claims["nbf"] = json!(T0 + 600);
        let token = forge(hs256(), claims, SECRET);
        assert_eq!(rejected(&token, T0), "token not yet valid");
        assert!(verify(&token, SECRET, T0 + 600).is_ok());
    }

    #[test]
    fn alg_none_is_rejected() {
        let unsigned = format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&good_claims()));
        assert!(rejected(&unsigned, T0).contains("'none'"));
        // Even with a valid-looking signature appended.
        let signed = forge(json!({"alg": "none"}), good_claims(), SECRET);
        assert!(rejected(&signed, T0).contains("'none'"));
    }

    #[test]
    fn other_algorithms_are_rejected() {
        for alg in ["HS384", "HS512", "RS256", "ES256", "EdDSA", "hs256"] {
            let token = forge(json!({"alg": alg, "typ": "JWT"}), good_claims(), SECRET);
            assert!(rejected(&token, T0).contains("is not accepted"), "{alg}");
        }
    }

    #[test]
    fn wrong_signature_is_rejected() {
        let token = forge(hs256(), good_claims(), b"another-signing-key-0123456789abcdef!!");
        assert_eq!(rejected(&token, T0), "invalid token signature");
        // A tampered payload under the original signature.
        let good = issue("42", Role::Viewer, SECRET, T0, 3600).unwrap();
        let parts: Vec<&str> = good.split('.').collect();
        let mut claims = good_claims();
        claims["role"] = json!("admin");
        let tampered = format!("{}.{}.{}", parts[0], b64(&claims), parts[2]);
        assert_eq!(rejected(&tampered, T0), "invalid token signature");
    }

    #[test]
    fn wrong_issuer_is_rejected() {
        let mut claims = good_claims();
        claims["iss"] = json!("someone-else");
        assert_eq!(rejected(&forge(hs256(), claims, SECRET), T0), "token issuer is not accepted");
    }

    #[test]
    fn missing_claims_or_unknown_role_are_rejected() {
        for field in ["sub", "role", "iat", "exp", "iss"] {
            let mut claims = good_claims();
            claims.as_object_mut().unwrap().remove(field);
            assert_eq!(rejected(&forge(hs256(), claims, SECRET), T0), "malformed token claims", "{field}");
        }
        let mut claims = good_claims();
        claims["role"] = json!("root");
        assert_eq!(rejected(&forge(hs256(), claims, SECRET), T0), "malformed token claims");
    }

    #[test]
    fn exp_not_after_iat_is_rejected() {
        let mut claims = good_claims();
        claims["exp"] = json!(T0);
        assert!(rejected(&forge(hs256(), claims, SECRET), T0).contains("exp is not after iat"));
    }

    #[test]
    fn garbage_is_rejected() {
        let good = issue("42", Role::Viewer, SECRET, T0, 3600).unwrap();
        for token in [
            "".to_string(),
            "garbage".to_string(),
            "a.b".to_string(),
            "a.b.c".to_string(),
            format!("{good}.extra"),
            format!("{good}="),
            good.replacen('.', "..", 1),
            "eyJhbGciOiJIUzI1NiJ9.!!!.abc".to_string(),
        ] {
            rejected(&token, T0);
        }
    }

    #[test]
    fn critical_extensions_are_rejected() {
        let token = forge(json!({"alg": "HS256", "crit": ["exp"]}), good_claims(), SECRET);
        assert_eq!(rejected(&token, T0), "unsupported token header");
    }

    #[test]
    fn short_secrets_are_refused_for_signing_and_verifying() {
        assert!(issue("42", Role::Viewer, b"short", T0, 3600).is_err());
        let token = issue("42", Role::Viewer, SECRET, T0, 3600).unwrap();
        assert!(verify(&token, b"", T0).is_err());
    }

    #[test]
    fn zero_ttl_is_refused() {
        assert!(issue("42", Role::Viewer, SECRET, T0, 0).is_err());
    }
}

use api_kit::ApiError;
use serde_json::{Map, Value};

use crate::{check_password_policy, normalize_email, PASSWORD_MAX_BYTES};

/// Which rules a credentials body is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsMode {
    /// A new account: a valid email and a password that meets the policy.
    Register,
    /// A login: any strings; a wrong email or password is a 401, decided later, never a 422
    /// that would tell an attacker which of the two was off.
    Login,
}

/// `{"email": ..., "password": ...}`, with the email normalised.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Never print a password, even in debug output.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("email", &self.email).field("password", &"<redacted>").finish()
    }
}

const FIELDS: [&str; 2] = ["email", "password"];

impl Credentials {
    pub fn from_json(body: &Map<String, Value>, mode: CredentialsMode) -> Result<Self, ApiError> {
        if let Some(unknown) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            let message = if unknown == "role" {
                "`role` cannot be chosen: new accounts are viewers; an admin grants more".to_string()
            } else {
                format!("unknown field `{unknown}`; expected: email, password")
            };
            return Err(ApiError::validation(unknown, message));
        }
        let email = required_str(body, "email")?;
        let password = required_str(body, "password")?;
        let email = match mode {
            CredentialsMode::Register => normalize_email(email).map_err(|m| ApiError::validation("email", m))?,
            // Any string may be tried (an unknown one is just a failed login), except one
            // PostgreSQL text cannot hold: no stored address has a NUL character.
            CredentialsMode::Login if email.contains('\0') => {
                return Err(ApiError::validation("email", "email must not contain NUL characters"))
            }
            CredentialsMode::Login => email.trim().to_lowercase(),
        };
        match mode {
            CredentialsMode::Register => {
                check_password_policy(password).map_err(|m| ApiError::validation("password", m))?
            }
            CredentialsMode::Login if password.len() > PASSWORD_MAX_BYTES => {
                return Err(ApiError::validation("password", format!("password must be at most {PASSWORD_MAX_BYTES} bytes")))
            }
            CredentialsMode::Login => {}
        }
        Ok(Self { email, password: password.to_string() })
    }
}

fn required_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiError::validation(field, format!("`{field}` is required"))),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::validation(field, format!("`{field}` must be a string"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn register_normalises_the_email() {
        let c = Credentials::from_json(
            &body(json!({"email": " Ana@Example.ORG", "password": "long enough pw"})),
            CredentialsMode::Register,
        )
        .unwrap();
        assert_eq!(c.email, "ana@example.org");
        assert!(!format!("{c:?}").contains("long enough"));
    }

    #[test]
    fn register_rejects_bad_fields_with_their_name() {
        let cases = [
            (json!({"password": "long enough pw"}), "email"),
            (json!({"email": "ana@example.org"}), "password"),
            (json!({"email": "not-an-email", "password": "long enough pw"}), "email"),
            (json!({"email": "ana@example.org", "password": "short"}), "password"),
            (json!({"email": 5, "password": "long enough pw"}), "email"),
            (json!({"email": "ana@example.org", "password": "long enough pw", "role": "admin"}), "role"),
        ];
        for (value, field) in cases {
            let err = Credentials::from_json(&body(value.clone()), CredentialsMode::Register).unwrap_err();
            assert_eq!((err.status(), err.field()), (422, Some(field)), "{value}");
        }
    }

    #[test]
    fn login_accepts_any_strings() {
        let c = Credentials::from_json(&body(json!({"email": "Whoever", "password": "x"})), CredentialsMode::Login)
            .unwrap();
        assert_eq!((c.email.as_str(), c.password.as_str()), ("whoever", "x"));
        let err = Credentials::from_json(&body(json!({"email": "a@b.co"})), CredentialsMode::Login).unwrap_err();
        assert_eq!(err.field(), Some("password"));
    }

    #[test]
    fn login_refuses_what_the_database_cannot_hold() {
        let err = Credentials::from_json(&body(json!({"email": "a\u{0}@b.co", "password": "x"})), CredentialsMode::Login)
            .unwrap_err();
        assert_eq!((err.status(), err.field()), (422, Some("email")));
    }
}

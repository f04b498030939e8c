//! Passwords: the length policy and argon2id hashing (PHC strings, per-user random salt).

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// NIST SP 800-63B favours length over composition rules.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Bounds the work one request can ask of the hasher.
pub const PASSWORD_MAX_BYTES: usize = 1024;

/// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// Hash of a random password nobody knows, with the same parameters as real hashes. Logins for
/// unknown emails are verified against it so they cost as much as a wrong password does and
/// the response time does not reveal which emails have accounts.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$5fpevYa8kbVKAioLTbmHKQ$ODrtrQei5MRXBbiQ6FLMkyBlmsdN3H8TUp3t28CzjX0";

#[derive(Debug)]
pub struct HashError(pub String);

impl std::fmt::Display for HashError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "password hashing failed: {}", self.0)
    }
}

impl std::error::Error for HashError {}

fn hasher() -> &'static Argon2<'static> {
    static HASHER: OnceLock<Argon2<'static>> = OnceLock::new();
    HASHER.get_or_init(|| {
        let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("constant argon2 parameters are valid");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    })
}

/// Why a password is refused for a new account, if it is.
pub fn check_password_policy(password: &str) -> Result<(), String> {
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(format!("password must be at least {PASSWORD_MIN_CHARS} characters"));
    }
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(format!("password must be at most {PASSWORD_MAX_BYTES} bytes"));
    }
    if password.trim().is_empty() {
        return Err("password must not be only whitespace".into());
    }
    Ok(())
}

/// argon2id PHC string with a fresh 16-byte random salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    hasher().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored PHC string (parameters are read from the string).
/// An unparsable stored hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    password.len() <= PASSWORD_MAX_BYTES && hasher().verify_password(password.as_bytes(), phc).is_ok()
}

/// Spends the same work as `verify_password` on a real account; always false.
pub fn verify_against_dummy(password: &str) -> bool {
    let _ = hasher().verify_password(password.as_bytes(), DUMMY_HASH);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_is_about_length() {
        assert!(check_password_policy("short-pw-11").is_err());
        assert!(check_password_policy("exactly-12ch").is_ok());
        assert!(check_password_policy("éééééééééééé").is_ok(), "characters, not bytes");
        assert!(check_password_policy("            ").is_err());
        assert!(check_password_policy(&"x".repeat(PASSWORD_MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn hash_then_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterY", &hash));
        assert!(!verify_password("correct horse battery", "not a phc string"));
    }

    #[test]
    fn salts_differ_per_hash() {
        assert_ne!(hash_password("same password here").unwrap(), hash_password("same password here").unwrap());
    }

    #[test]
    fn dummy_hash_is_a_valid_hash_with_current_parameters() {
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_against_dummy("anything at all"));
    }
}

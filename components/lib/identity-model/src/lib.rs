//! CityFlow accounts: the rules behind `/api/auth/...` and `cityflow user add`.
//!
//! Protocol-independent and native, so it carries the unit tests; the `identity` component
//! moves bytes between HTTP, this crate, Postgres and Redis, and the `cityflow` CLI reuses
//! the same hashing and validation when it creates the first admin.

mod email;
mod input;
mod password;
mod role_change;
pub mod sql;
pub mod throttle;
mod user;

pub use email::{normalize_email, EMAIL_MAX_CHARS};
pub use input::{Credentials, CredentialsMode};
pub use password::{
    check_password_policy, hash_password, verify_password, verify_against_dummy, HashError, PASSWORD_MAX_BYTES,
    PASSWORD_MIN_CHARS,
};
pub use role_change::{role_from_json, role_path_user_id};
pub use user::{AuthReply, User};

/// Largest request body accepted: an email and a password.
pub const MAX_BODY_BYTES: usize = 8 * 1024;

use cityflow_auth::Role;
use serde::Serialize;

/// An account as clients see it: never the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub created_at: String,
    pub updated_at: String,
}

impl User {
    /// From the columns of `sql::USER_COLUMNS` (after `id`), with the role checked.
    pub fn from_row(id: i64, email: String, role: &str, created_at: String, updated_at: String) -> Result<Self, String> {
        let role = role.parse::<Role>()?;
        Ok(Self { id, email, role, created_at, updated_at })
    }
}

/// Body of a successful register or login.
#[derive(Debug, Clone, Serialize)]
pub struct AuthReply {
    pub token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub user: User,
}

impl AuthReply {
    pub fn bearer(token: String, expires_in: u64, user: User) -> Self {
        Self { token, token_type: "Bearer", expires_in, user }
    }
}

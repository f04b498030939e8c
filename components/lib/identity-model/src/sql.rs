//! Every statement on `users`. All values are `$n` parameters. Row-returning statements yield
//! `id, email, role, created_at, updated_at` (then `password_hash` for login lookups), with
//! timestamps as RFC 3339 UTC text as in transport-model.

macro_rules! user_columns {
    () => {
        "id, email, role, \
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at, \
         to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS updated_at"
    };
}

/// Number of columns of a user row (without the password hash).
pub const USER_COLUMNS: usize = 5;

/// `$1` email (normalised), `$2` password hash, `$3` role. No row back: the email is taken
/// (the unique index decides, so two concurrent sign-ups cannot both win).
pub const INSERT: &str = concat!(
    "INSERT INTO users (email, password_hash, role) VALUES ($1::text, $2::text, $3::text) \
     ON CONFLICT ((lower(email))) DO NOTHING RETURNING ",
    user_columns!()
);

/// `$1` email. The user columns, then `password_hash`.
pub const FIND_FOR_LOGIN: &str =
    concat!("SELECT ", user_columns!(), ", password_hash FROM users WHERE lower(email) = lower($1::text)");

/// `$1` id (int8).
pub const GET: &str = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1::int8");

/// `$1` email, `$2` role. No row back: no such user.
pub const SET_ROLE: &str = concat!(
    "UPDATE users SET role = $2::text, updated_at = now() WHERE lower(email) = lower($1::text) RETURNING ",
    user_columns!()
);

/// `$1` id (int8), `$2` role. No row back: no such user.
pub const SET_ROLE_BY_ID: &str = concat!(
    "UPDATE users SET role = $2::text, updated_at = now() WHERE id = $1::int8 RETURNING ",
    user_columns!()
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_parameterized_and_never_return_the_hash_by_accident() {
        for (sql, params) in [(INSERT, 3), (FIND_FOR_LOGIN, 1), (GET, 1), (SET_ROLE, 2), (SET_ROLE_BY_ID, 2)] {
            for n in 1..=params {
                assert!(sql.contains(&format!("${n}")), "{sql}");
            }
            assert!(!sql.contains(&format!("${}", params + 1)), "{sql}");
        }
        for sql in [INSERT, GET, SET_ROLE, SET_ROLE_BY_ID] {
            assert!(!sql.split("RETURNING").nth(1).unwrap_or(sql).contains("password_hash"), "{sql}");
        }
    }
}

//! Postgres access for accounts. Failures are logged with their detail and surface only as a
//! generic 503 (database unavailable) or 500 (our statement or data is wrong).

use api_kit::ApiError;
use identity_model::{sql, User};
use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError, RowSet};

/// The new account, or `None` when the email is taken.
pub fn insert(email: &str, password_hash: &str, role: &str) -> Result<Option<User>, ApiError> {
    let params = [email.to_string().into(), password_hash.to_string().into(), role.to_string().into()];
    let rows = query("insert", sql::INSERT, &params)?;
    rows.rows.first().map(|row| decode(row)).transpose()
}

/// The account and its password hash.
pub fn find_for_login(email: &str) -> Result<Option<(User, String)>, ApiError> {
    let rows = query("find", sql::FIND_FOR_LOGIN, &[email.to_string().into()])?;
    let Some(row) = rows.rows.first() else { return Ok(None) };
    let user = decode(row)?;
    let hash = row.get(sql::USER_COLUMNS).and_then(|v| String::decode(v).ok()).ok_or_else(|| {
        eprintln!("identity: login row without password_hash");
        internal()
    })?;
    Ok(Some((user, hash)))
}

pub fn get(id: i64) -> Result<Option<User>, ApiError> {
    let rows = query("get", sql::GET, &[id.into()])?;
    rows.rows.first().map(|row| decode(row)).transpose()
}

/// The account with its new role, or `None` when there is no such user.
pub fn set_role(id: i64, role: &str) -> Result<Option<User>, ApiError> {
    let rows = query("set role", sql::SET_ROLE_BY_ID, &[id.into(), role.to_string().into()])?;
    rows.rows.first().map(|row| decode(row)).transpose()
}

fn query(what: &str, statement: &str, params: &[ParameterValue]) -> Result<RowSet, ApiError> {
    let url = spin_kit::variable("db_url").map_err(|detail| {
        eprintln!("identity: {detail}");
        internal()
    })?;
    let conn = Connection::open(&url).map_err(|e| failure("connect", e))?;
    conn.query(statement, params).map_err(|e| failure(what, e))
}

fn failure(what: &str, err: PgError) -> ApiError {
    eprintln!("identity: database {what} failed: {err:?}");
    if spin_kit::pg_failure_is_transient(&err) {
        ApiError::service_unavailable("the account database is unavailable; try again later")
    } else {
        internal()
    }
}

fn internal() -> ApiError {
    ApiError::internal("internal error while accessing accounts")
}

fn decode(row: &[DbValue]) -> Result<User, ApiError> {
    let bad = |why: String| {
        eprintln!("identity: undecodable user row: {why}");
        internal()
    };
    if row.len() < sql::USER_COLUMNS {
        return Err(bad(format!("{} columns, expected at least {}", row.len(), sql::USER_COLUMNS)));
    }
    let text = |i: usize| String::decode(&row[i]).map_err(|e| bad(e.to_string()));
    let id = i64::decode(&row[0]).map_err(|e| bad(e.to_string()))?;
    User::from_row(id, text(1)?, &text(2)?, text(3)?, text(4)?).map_err(bad)
}

//! Postgres access through `spin:postgres/postgres@4.0.0`. Failures are logged here with their
//! detail and surface to clients only as a generic 503 (the database is unavailable) or 500
//! (our statement or data is wrong).

use api_kit::ApiError;
use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError, RowSet};
use transport_model::{sql, ListFilter, Transport, TransportInput};

pub fn list(filter: &ListFilter) -> Result<Vec<Transport>, ApiError> {
    let params = [
        filter.mode.map(|m| m.as_str().to_string()).into(),
        filter.status.map(|s| s.as_str().to_string()).into(),
        filter.paging.skip.into(),
        filter.paging.limit.into(),
    ];
    lines(query("list", sql::LIST, &params)?)
}

pub fn get(id: i64) -> Result<Option<Transport>, ApiError> {
    single(query("get", sql::GET, &[id.into()])?)
}

pub fn insert(input: &TransportInput) -> Result<Transport, ApiError> {
    let rows = query("insert", sql::INSERT, &input_params(input))?;
    single(rows)?.ok_or_else(|| {
        eprintln!("transport: insert returned no row");
        internal()
    })
}

pub fn update(id: i64, input: &TransportInput) -> Result<Option<Transport>, ApiError> {
    let mut params = vec![id.into()];
    params.extend(input_params(input));
    single(query("update", sql::UPDATE, &params)?)
}

/// Whether a line was deleted.
pub fn delete(id: i64) -> Result<bool, ApiError> {
    let deleted = connect()?
        .execute(sql::DELETE, &[id.into()])
        .map_err(|e| failure("delete", e))?;
    Ok(deleted > 0)
}

fn input_params(input: &TransportInput) -> [ParameterValue; 3] {
    [
        input.mode.as_str().to_string().into(),
        input.route.clone().into(),
        input.status.as_str().to_string().into(),
    ]
}

fn connect() -> Result<Connection, ApiError> {
    let url = spin_kit::variable("db_url").map_err(|detail| {
        eprintln!("transport: {detail}");
        internal()
    })?;
    Connection::open(&url).map_err(|e| failure("connect", e))
}

fn query(what: &str, statement: &str, params: &[ParameterValue]) -> Result<RowSet, ApiError> {
    connect()?
        .query(statement, params)
        .map_err(|e| failure(what, e))
}

fn failure(what: &str, err: PgError) -> ApiError {
    eprintln!("transport: database {what} failed: {err:?}");
    if spin_kit::pg_failure_is_transient(&err) {
        ApiError::service_unavailable("the transport database is unavailable; try again later")
    } else {
        internal()
    }
}

fn internal() -> ApiError {
    ApiError::internal("internal error while accessing transport lines")
}

fn single(rows: RowSet) -> Result<Option<Transport>, ApiError> {
    Ok(lines(rows)?.into_iter().next())
}

fn lines(rows: RowSet) -> Result<Vec<Transport>, ApiError> {
    rows.rows.iter().map(|row| decode(row)).collect()
}

fn decode(row: &[DbValue]) -> Result<Transport, ApiError> {
    let bad = |why: String| {
        eprintln!("transport: undecodable row: {why}");
        internal()
    };
    if row.len() != sql::COLUMNS.len() {
        return Err(bad(format!(
            "{} columns, expected {}",
            row.len(),
            sql::COLUMNS.len()
        )));
    }
    let text = |i: usize| String::decode(&row[i]).map_err(|e| bad(e.to_string()));
    let id = i64::decode(&row[0]).map_err(|e| bad(e.to_string()))?;
    Transport::from_row(id, &text(1)?, text(2)?, &text(3)?, text(4)?, text(5)?).map_err(bad)
}

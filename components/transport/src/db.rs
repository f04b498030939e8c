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
    rows.rows.into_iter().map(decode).collect()
}

/// Takes the row apart rather than cloning its values: the strings the host lowered into
/// this instance become the line's own fields.
fn decode(row: Vec<DbValue>) -> Result<Transport, ApiError> {
    let bad = |why: String| {
        eprintln!("transport: undecodable row: {why}");
        internal()
    };
    let columns: [DbValue; sql::COLUMNS.len()] = row.try_into().map_err(|row: Vec<DbValue>| {
        bad(format!(
            "{} columns, expected {}",
            row.len(),
            sql::COLUMNS.len()
        ))
    })?;
    let [id, mode, route, status, created_at, updated_at] = columns;
    let id = i64::decode(&id).map_err(|e| bad(e.to_string()))?;
    let text = |value: DbValue, column: usize| match value {
        DbValue::Str(s) => Ok(s),
        other => Err(bad(format!(
            "column {} is {other:?}, expected text",
            sql::COLUMNS[column]
        ))),
    };
    let (mode, status) = (text(mode, 1)?, text(status, 3)?);
    Transport::from_row(
        id,
        &mode,
        text(route, 2)?,
        &status,
        text(created_at, 4)?,
        text(updated_at, 5)?,
    )
    .map_err(bad)
}

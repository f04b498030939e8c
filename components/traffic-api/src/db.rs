//! Postgres through `spin:postgres/postgres@4.0.0`. Failures are logged with their detail
//! and reach clients only as a generic 503 (the database is unavailable, retry) or 500.

use api_kit::ApiError;
use chrono::{DateTime, NaiveDateTime, Utc};
use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError};

pub struct Db(Connection);

impl Db {
    pub fn connect() -> Result<Db, ApiError> {
        let url = spin_kit::variable("db_url").map_err(|detail| {
            eprintln!("traffic-api: {detail}");
            internal()
        })?;
        Connection::open(&url).map(Db).map_err(|e| failure("connect", e))
    }

    /// Runs `statement` and decodes each row with `decode`.
    pub fn rows<T>(&self, what: &str, statement: &str, params: &[ParameterValue], decode: impl Fn(&Row) -> Result<T, String>) -> Result<Vec<T>, ApiError> {
        let set = self.0.query(statement, params).map_err(|e| failure(what, e))?;
        set.rows
            .iter()
            .map(|values| {
                decode(&Row(values)).map_err(|why| {
                    eprintln!("traffic-api: {what}: undecodable row: {why}");
                    internal()
                })
            })
            .collect()
    }
}

/// One result row, read by column index.
pub struct Row<'a>(&'a [DbValue]);

impl Row<'_> {
    pub fn get<T: Decode>(&self, i: usize) -> Result<T, String> {
        let value = self.0.get(i).ok_or_else(|| format!("no column {i}"))?;
        T::decode(value).map_err(|e| format!("column {i}: {e}"))
    }

    pub fn ts(&self, i: usize) -> Result<DateTime<Utc>, String> {
        self.get::<NaiveDateTime>(i).map(|t| t.and_utc())
    }

    pub fn opt_ts(&self, i: usize) -> Result<Option<DateTime<Utc>>, String> {
        self.get::<Option<NaiveDateTime>>(i).map(|t| t.map(|t| t.and_utc()))
    }
}

/// Typed parameters (the statements cast each `$n` to the type given here).
pub fn text(v: Option<&str>) -> ParameterValue {
    v.map_or(ParameterValue::DbNull, |v| ParameterValue::Str(v.to_string()))
}

pub fn int4(v: Option<i32>) -> ParameterValue {
    v.map_or(ParameterValue::DbNull, ParameterValue::Int32)
}

pub fn int8(v: Option<i64>) -> ParameterValue {
    v.map_or(ParameterValue::DbNull, ParameterValue::Int64)
}

pub fn float8(v: Option<f64>) -> ParameterValue {
    v.map_or(ParameterValue::DbNull, ParameterValue::Floating64)
}

pub fn texts(v: Option<&[String]>) -> ParameterValue {
    v.map_or(ParameterValue::DbNull, |v| ParameterValue::ArrayStr(v.iter().cloned().map(Some).collect()))
}

fn failure(what: &str, err: PgError) -> ApiError {
    eprintln!("traffic-api: database {what} failed: {err:?}");
    if spin_kit::pg_failure_is_transient(&err) {
        ApiError::service_unavailable("the traffic database is unavailable; try again later")
    } else {
        internal()
    }
}

fn internal() -> ApiError {
    ApiError::internal("internal error while reading traffic data")
}

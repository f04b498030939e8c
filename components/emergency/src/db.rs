//! Postgres through `spin:postgres/postgres@4.0.0`. Failures are logged here with their
//! detail; callers see UNAVAILABLE (retry later) or INTERNAL (our statement or data is wrong).

use emergency_model::pb::{Intervention, Vehicle};
use emergency_model::sql::{INTERVENTION_COLUMNS, VEHICLE_COLUMNS};
use emergency_model::Status;
use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError, QueryError};

pub type Row = Vec<DbValue>;

pub fn query(what: &str, statement: &str, params: &[ParameterValue]) -> Result<Vec<Row>, Status> {
    query_or(what, statement, params, |_| None)
}

/// [`query`], with `refusal` turning a statement's SQLSTATE into the caller's status (for
/// constraint violations that mean bad input, not a broken service).
pub fn query_or(
    what: &str,
    statement: &str,
    params: &[ParameterValue],
    refusal: impl Fn(&str) -> Option<Status>,
) -> Result<Vec<Row>, Status> {
    let url = spin_kit::variable("db_url").map_err(|detail| {
        eprintln!("emergency: {detail}");
        internal()
    })?;
    let connection = Connection::open(&url).map_err(|e| failure(what, e))?;
    let rows = connection.query(statement, params).map_err(|e| match &e {
        PgError::QueryFailed(QueryError::DbError(db)) => refusal(&db.code).unwrap_or_else(|| failure(what, e)),
        _ => failure(what, e),
    })?;
    Ok(rows.rows)
}

fn failure(what: &str, err: PgError) -> Status {
    eprintln!("emergency: database {what} failed: {err:?}");
    if spin_kit::pg_failure_is_transient(&err) {
        Status::unavailable("the emergency database is unavailable; try again later")
    } else {
        internal()
    }
}

fn internal() -> Status {
    Status::internal("internal error while accessing emergency data")
}

fn undecodable(why: impl std::fmt::Display) -> Status {
    eprintln!("emergency: undecodable row: {why}");
    internal()
}

fn get<T: Decode>(row: &[DbValue], i: usize) -> Result<T, Status> {
    T::decode(&row[i]).map_err(|e| undecodable(format!("column {i}: {e}")))
}

/// A vehicle from the first [`VEHICLE_COLUMNS`] values of `row`.
pub fn vehicle(row: &[DbValue]) -> Result<Vehicle, Status> {
    if row.len() < VEHICLE_COLUMNS {
        return Err(undecodable(format!("{} columns, expected {VEHICLE_COLUMNS}", row.len())));
    }
    Ok(Vehicle {
        id: get(row, 0)?,
        vehicle_type: get(row, 1)?,
        identifier: get(row, 2)?,
        status: get(row, 3)?,
        latitude: get(row, 4)?,
        longitude: get(row, 5)?,
        station: get(row, 6)?,
        crew_size: get(row, 7)?,
        created_at: get(row, 8)?,
        updated_at: get(row, 9)?,
    })
}

/// An intervention from the first [`INTERVENTION_COLUMNS`] values of `row`.
pub fn intervention(row: &[DbValue]) -> Result<Intervention, Status> {
    if row.len() < INTERVENTION_COLUMNS {
        return Err(undecodable(format!("{} columns, expected {INTERVENTION_COLUMNS}", row.len())));
    }
    Ok(Intervention {
        id: get(row, 0)?,
        intervention_type: get(row, 1)?,
        priority: get(row, 2)?,
        address: get(row, 3)?,
        latitude: get(row, 4)?,
        longitude: get(row, 5)?,
        status: get(row, 6)?,
        assigned_vehicle_id: get(row, 7)?,
        description: get(row, 8)?,
        created_at: get(row, 9)?,
        completed_at: get(row, 10)?,
        zone: get(row, 11)?,
    })
}

/// The text of column `i`, `None` for SQL NULL.
pub fn optional_text(row: &[DbValue], i: usize) -> Result<Option<String>, Status> {
    get(row, i)
}

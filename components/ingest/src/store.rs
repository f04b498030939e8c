//! Postgres: one statement per message (`traffic_model::sql::INGEST`), so a message is
//! stored atomically or not at all.

use spin_sdk::pg4::{Connection, Decode, ParameterValue, PgError};
use traffic_model::{ingest_parameters, sql, Reading};

/// Why a message was not stored.
pub enum StoreError {
    /// The database cannot take the message now (down, restarting, overloaded, schema not
    /// migrated yet): the message must be redelivered.
    Transient(String),
    /// The database refused the data itself: redelivering would fail the same way and block
    /// the queue behind it.
    Permanent(String),
}

/// Stores the readings and upserts their roads; returns how many readings were new (the
/// rest were duplicates of stored `(ts, sensor_id)`). Any error means nothing was stored.
pub fn save(readings: &[Reading]) -> Result<usize, StoreError> {
    // A missing variable is a deployment fault: keep the message (redelivery) until it is fixed.
    let url = spin_kit::variable("db_url").map_err(StoreError::Transient)?;
    let db = Connection::open(&url).map_err(|e| classify("connect", e))?;
    let params = ingest_parameters(readings).map(ParameterValue::ArrayStr);
    let rows = db.query(sql::INGEST, &params).map_err(|e| classify("ingest statement", e))?;
    let inserted = rows
        .rows
        .first()
        .and_then(|row| row.first())
        .ok_or("ingest statement returned no count")
        .and_then(|v| i64::decode(v).map_err(|_| "ingest statement returned a non-integer count"))
        .map_err(|e| StoreError::Permanent(e.to_string()))?;
    usize::try_from(inserted).map_err(|_| StoreError::Permanent(format!("ingest statement returned count {inserted}")))
}

/// Only the database refusing the data itself drops a message; every other failure (down,
/// not migrated yet, wrong credentials) keeps it for redelivery until the deployment is fixed.
fn classify(what: &str, err: PgError) -> StoreError {
    let message = format!("{what} failed: {err:?}");
    if spin_kit::pg_refused_the_data(&err) {
        StoreError::Permanent(message)
    } else {
        StoreError::Transient(message)
    }
}

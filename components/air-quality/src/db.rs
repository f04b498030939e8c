//! Postgres access through `spin:postgres/postgres@4.0.0`. Failures are logged here with their
//! detail and reach clients as a `Server` Fault with a generic message.

use air_quality_model::soap::fault::Fault;
use air_quality_model::sql;
use air_quality_model::{Measure, MeasureInput, Status, Zone};
use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError, RowSet};

pub fn list_measures() -> Result<Vec<Measure>, Fault> {
    measures(query("list measures", sql::LIST_MEASURES, &[sql::LIST_LIMIT.into()])?)
}

pub fn zone_measures(zone_id: &str) -> Result<Vec<Measure>, Fault> {
    measures(query("zone measures", sql::ZONE_MEASURES, &[zone_id.to_string().into(), sql::LIST_LIMIT.into()])?)
}

pub fn zone_exists(zone_id: &str) -> Result<bool, Fault> {
    Ok(!query("zone exists", sql::ZONE_EXISTS, &[zone_id.to_string().into()])?.rows.is_empty())
}

pub fn get_measure(id: i64) -> Result<Option<Measure>, Fault> {
    first(query("get measure", sql::GET_MEASURE, &[id.into()])?)
}

/// The stored measure, or `None` when the zone does not exist (nothing is stored then).
pub fn insert_measure(input: &MeasureInput) -> Result<Option<Measure>, Fault> {
    let params: [ParameterValue; 10] = [
        input.zone_id.clone().into(),
        input.pm25.into(),
        input.pm10.into(),
        input.o3.into(),
        input.no2.into(),
        input.co.into(),
        input.measured_at.clone().into(),
        i32::from(input.aqi.value).into(),
        input.aqi.category.as_str().to_string().into(),
        input.aqi.dominant.as_str().to_string().into(),
    ];
    first(query("insert measure", sql::INSERT_MEASURE, &params)?)
}

pub fn update_status(id: i64, status: Status) -> Result<Option<Measure>, Fault> {
    first(query("update status", sql::UPDATE_STATUS, &[id.into(), status.as_str().to_string().into()])?)
}

pub fn list_zones() -> Result<Vec<Zone>, Fault> {
    let rows = query("list zones", sql::LIST_ZONES, &[])?;
    rows.rows.iter().map(|row| decode_zone(row)).collect()
}

fn connect() -> Result<Connection, Fault> {
    let url = spin_kit::variable("db_url").map_err(|detail| {
        eprintln!("air-quality: {detail}");
        internal()
    })?;
    Connection::open(&url).map_err(|e| failure("connect", e))
}

fn query(what: &str, statement: &str, params: &[ParameterValue]) -> Result<RowSet, Fault> {
    connect()?.query(statement, params).map_err(|e| failure(what, e))
}

fn failure(what: &str, err: PgError) -> Fault {
    eprintln!("air-quality: database {what} failed: {err:?}");
    if spin_kit::pg_failure_is_transient(&err) {
        Fault::server("the air-quality database is unavailable; try again later")
    } else {
        internal()
    }
}

fn internal() -> Fault {
    Fault::server("internal error while accessing air-quality data")
}

fn first(rows: RowSet) -> Result<Option<Measure>, Fault> {
    Ok(measures(rows)?.into_iter().next())
}

fn measures(rows: RowSet) -> Result<Vec<Measure>, Fault> {
    rows.rows.iter().map(|row| decode_measure(row)).collect()
}

fn bad_row(why: String) -> Fault {
    eprintln!("air-quality: undecodable row: {why}");
    internal()
}

fn column<T: Decode>(row: &[DbValue], i: usize) -> Result<T, Fault> {
    let value = row.get(i).ok_or_else(|| bad_row(format!("no column {i}")))?;
    T::decode(value).map_err(|e| bad_row(format!("column {i}: {e}")))
}

fn decode_measure(row: &[DbValue]) -> Result<Measure, Fault> {
    if row.len() != sql::MEASURE_COLUMNS.len() {
        return Err(bad_row(format!("{} columns, expected {}", row.len(), sql::MEASURE_COLUMNS.len())));
    }
    let aqi: i32 = column(row, 9)?;
    Ok(Measure {
        id: column(row, 0)?,
        zone_id: column(row, 1)?,
        zone_name: column(row, 2)?,
        pm25: column(row, 3)?,
        pm10: column(row, 4)?,
        o3: column(row, 5)?,
        no2: column(row, 6)?,
        co: column(row, 7)?,
        measured_at: column(row, 8)?,
        aqi: u16::try_from(aqi).map_err(|_| bad_row(format!("aqi {aqi}")))?,
        category: column(row, 10)?,
        dominant_pollutant: column(row, 11)?,
        status: column(row, 12)?,
    })
}

fn decode_zone(row: &[DbValue]) -> Result<Zone, Fault> {
    if row.len() != sql::ZONE_COLUMNS.len() {
        return Err(bad_row(format!("{} columns, expected {}", row.len(), sql::ZONE_COLUMNS.len())));
    }
    Ok(Zone { id: column(row, 0)?, name: column(row, 1)?, latitude: column(row, 2)?, longitude: column(row, 3)? })
}

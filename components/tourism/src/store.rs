//! The Postgres-backed attraction store, through `spin:postgres/postgres@4.0.0`. One
//! connection per call: a component instance lives for one request and runs few statements.

use spin_sdk::pg4::{Connection, DbValue, Decode, ParameterValue, PgError, QueryError, RowSet};
use tourism_model::{
    sql, Attraction, AttractionStatus, AttractionStore, AttractionType, NewAttraction, Page,
    Selection, StoreError,
};

pub struct PgStore;

impl AttractionStore for PgStore {
    fn list(&self, selection: &Selection, page: Page) -> Result<Vec<Attraction>, StoreError> {
        let (kind, zone): (Option<String>, Option<String>) = match selection {
            Selection::All => (None, None),
            Selection::OfType(kind) => (Some(kind.as_str().to_string()), None),
            Selection::InZone(zone) => (None, Some(zone.clone())),
        };
        let params = [
            kind.into(),
            zone.into(),
            page.after_id.unwrap_or(0).into(),
            i64::from(page.limit).into(),
        ];
        rows(query(sql::LIST, &params)?)
    }

    fn get(&self, id: i32) -> Result<Option<Attraction>, StoreError> {
        first(query(sql::GET, &[id.into()])?)
    }

    fn insert(&self, new: &NewAttraction) -> Result<Attraction, StoreError> {
        let params = [
            new.name.clone().into(),
            new.kind.as_str().to_string().into(),
            new.address.clone().into(),
            new.latitude.into(),
            new.longitude.into(),
            new.status.as_str().to_string().into(),
            new.opening_hours.clone().into(),
            new.description.clone().into(),
            new.zone.clone().into(),
        ];
        let rows = connect()?.query(sql::INSERT, &params).map_err(|err| {
            // The table's only foreign key: the zone is not one of the city's zones.
            if sqlstate(&err) == Some("23503") {
                StoreError::UnknownZone(new.zone.clone())
            } else {
                classify(err)
            }
        })?;
        first(rows)?.ok_or_else(|| StoreError::Internal("INSERT returned no row".into()))
    }

    fn set_status(
        &self,
        id: i32,
        status: AttractionStatus,
    ) -> Result<Option<Attraction>, StoreError> {
        first(query(
            sql::SET_STATUS,
            &[id.into(), status.as_str().to_string().into()],
        )?)
    }

    fn delete(&self, id: i32) -> Result<bool, StoreError> {
        let deleted = connect()?
            .execute(sql::DELETE, &[id.into()])
            .map_err(classify)?;
        Ok(deleted > 0)
    }
}

fn connect() -> Result<Connection, StoreError> {
    let url = spin_sdk::variables::get("db_url")
        .map_err(|e| StoreError::Internal(format!("component variable db_url: {e}")))?;
    Connection::open(&url).map_err(classify)
}

fn query(statement: &str, params: &[ParameterValue]) -> Result<RowSet, StoreError> {
    connect()?.query(statement, params).map_err(classify)
}

fn classify(err: PgError) -> StoreError {
    let detail = format!("{err:?}");
    match &err {
        PgError::ConnectionFailed(_) | PgError::Other(_) => StoreError::Unavailable(detail),
        // No SQLSTATE: the failure was in the connection, not in the statement.
        PgError::QueryFailed(QueryError::Text(_)) => StoreError::Unavailable(detail),
        PgError::QueryFailed(QueryError::DbError(db)) => match db.code.get(..2) {
            // Connection, rollback, resources, operator intervention, system error.
            Some("08" | "40" | "53" | "57" | "58") => StoreError::Unavailable(detail),
            // Integrity constraint or data exception: the data, not the statement.
            Some("23" | "22") => StoreError::Rejected(detail),
            _ => StoreError::Internal(detail),
        },
        PgError::BadParameter(_) | PgError::ValueConversionFailed(_) => {
            StoreError::Internal(detail)
        }
    }
}

fn sqlstate(err: &PgError) -> Option<&str> {
    match err {
        PgError::QueryFailed(QueryError::DbError(db)) => Some(&db.code),
        _ => None,
    }
}

fn first(set: RowSet) -> Result<Option<Attraction>, StoreError> {
    Ok(rows(set)?.into_iter().next())
}

fn rows(set: RowSet) -> Result<Vec<Attraction>, StoreError> {
    set.rows.iter().map(|row| decode(row)).collect()
}

fn decode(row: &[DbValue]) -> Result<Attraction, StoreError> {
    if row.len() != sql::COLUMNS.len() {
        return Err(StoreError::Internal(format!(
            "{} columns, expected {}",
            row.len(),
            sql::COLUMNS.len()
        )));
    }
    fn get<T: Decode>(row: &[DbValue], i: usize) -> Result<T, StoreError> {
        T::decode(&row[i])
            .map_err(|e| StoreError::Internal(format!("column {}: {e}", sql::COLUMNS[i])))
    }
    let kind: String = get(row, 2)?;
    let status: String = get(row, 6)?;
    Ok(Attraction {
        id: get(row, 0)?,
        name: get(row, 1)?,
        kind: AttractionType::from_db(&kind)
            .ok_or_else(|| StoreError::Internal(format!("unknown attraction type {kind:?}")))?,
        address: get(row, 3)?,
        latitude: get(row, 4)?,
        longitude: get(row, 5)?,
        status: AttractionStatus::from_db(&status)
            .ok_or_else(|| StoreError::Internal(format!("unknown status {status:?}")))?,
        opening_hours: get(row, 7)?,
        description: get(row, 8)?,
        zone: get(row, 9)?,
    })
}

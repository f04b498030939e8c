//! The list query, run exactly as the runtime runs the component's: pool checkout, then
//! `prepare_cached` (prepared once per pooled connection), then the query.

use api_kit::ApiError;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::{NoTls, Row};
use transport_model::{sql, ListFilter, Transport};

pub fn pool(url: &str, size: usize) -> anyhow::Result<Pool> {
    let config: tokio_postgres::Config = url.parse()?;
    // Fast recycling, like the runtime: no round trip to check a connection on checkout.
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Ok(Pool::builder(manager)
        .max_size(size)
        .runtime(Runtime::Tokio1)
        .build()?)
}

pub async fn list(pool: &Pool, filter: &ListFilter) -> Result<Vec<Transport>, ApiError> {
    let client = pool.get().await.map_err(|e| unavailable("connect", e))?;
    let statement = client
        .prepare_cached(sql::LIST)
        .await
        .map_err(|e| unavailable("prepare", e))?;
    let mode = filter.mode.map(|m| m.as_str());
    let status = filter.status.map(|s| s.as_str());
    let rows = client
        .query(
            &statement,
            &[&mode, &status, &filter.paging.skip, &filter.paging.limit],
        )
        .await
        .map_err(|e| unavailable("list", e))?;
    rows.iter().map(decode).collect()
}

/// A row in `sql::COLUMNS` order to a line, through the same `Transport::from_row` the
/// component uses.
fn decode(row: &Row) -> Result<Transport, ApiError> {
    let bad = |why: String| {
        eprintln!("native-transport: undecodable row: {why}");
        ApiError::internal("internal error while accessing transport lines")
    };
    let id: i64 = row.try_get(0).map_err(|e| bad(e.to_string()))?;
    // Mode and status are only matched against the vocabulary: borrowed from the row, as
    // the component borrows them from the values it owns.
    let label = |i: usize| row.try_get::<_, &str>(i).map_err(|e| bad(e.to_string()));
    let text = |i: usize| row.try_get::<_, String>(i).map_err(|e| bad(e.to_string()));
    Transport::from_row(id, label(1)?, text(2)?, label(3)?, text(4)?, text(5)?).map_err(bad)
}

fn unavailable(what: &str, err: impl std::fmt::Display) -> ApiError {
    eprintln!("native-transport: database {what} failed: {err}");
    ApiError::service_unavailable("the transport database is unavailable; try again later")
}

//! The two ways of storing one message's readings that the benchmark compares.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;
use tokio_postgres::NoTls;
use traffic_model::{ingest_parameters, sql, Reading};

/// The seed's collector statement: one row, one round trip, duplicates ignored.
const SEED_INSERT: &str =
    "INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy) \
     VALUES ($1::text::timestamptz, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING";

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// The ingest component's one statement per message (`traffic_model::sql::INGEST`).
    Ceiling,
    /// The seed's approach: one INSERT per reading, in autocommit.
    Seed,
}

pub fn pool(url: &str, size: usize) -> anyhow::Result<Pool> {
    let config: tokio_postgres::Config = url.parse()?;
    // Fast recycling, like the runtime's outbound Postgres pool.
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

/// Stores the readings; returns how many rows were new. Any error leaves the message
/// unacknowledged (the caller retries), exactly as the component's Err does.
pub async fn save(pool: &Pool, mode: Mode, readings: &[Reading]) -> anyhow::Result<u64> {
    let client = pool.get().await?;
    match mode {
        Mode::Ceiling => {
            let statement = client.prepare_cached(sql::INGEST).await?;
            let columns = ingest_parameters(readings);
            let params: Vec<&(dyn ToSql + Sync)> =
                columns.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
            let row = client.query_one(&statement, &params).await?;
            Ok(u64::try_from(row.get::<_, i64>(0))?)
        }
        Mode::Seed => {
            let statement = client.prepare_cached(SEED_INSERT).await?;
            let mut inserted = 0;
            for r in readings {
                let ts = r.ts_text();
                inserted += client
                    .execute(
                        &statement,
                        &[
                            &ts,
                            &r.sensor_id,
                            &r.road_id,
                            &r.speed_kmh,
                            &r.flow_rate,
                            &r.occupancy,
                        ],
                    )
                    .await?;
            }
            Ok(inserted)
        }
    }
}

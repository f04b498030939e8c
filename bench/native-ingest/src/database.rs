//! `--database-only`: the ingest component's statement alone, one transaction per message,
//! as fast as `--concurrency` connections can commit it. No broker, no Redis, no parsing:
//! what Postgres itself can take on this machine, the bound of any subscriber that commits
//! each message before acknowledging it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::{Duration, Utc};
use deadpool_postgres::Pool;
use cityflow_simulator::{City, GeneratedTraffic};
use traffic_model::Reading;

use crate::store::{self, Mode};

/// `messages` messages of `batch` readings from a generated city of `sensors` roads, stored
/// by `concurrency` workers; prints one summary line.
pub async fn run(pool: Pool, concurrency: usize, messages: usize, batch: usize, sensors: usize) -> anyhow::Result<()> {
    let queue = Arc::new(generate(messages, batch, sensors));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (pool, queue, next) = (pool.clone(), queue.clone(), next.clone());
            tokio::spawn(async move {
                let mut inserted = 0u64;
                while let Some(message) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                    inserted += store::save(&pool, Mode::Ceiling, message).await?;
                }
                anyhow::Ok(inserted)
            })
        })
        .collect();
    let mut inserted = 0;
    for worker in workers {
        inserted += worker.await??;
    }
    let seconds = started.elapsed().as_secs_f64();
    let readings: usize = queue.iter().map(Vec::len).sum();
    println!(
        "database: {} messages, {readings} readings, {inserted} stored in {seconds:.3} s: {:.0} msgs/s, {:.0} readings/s",
        queue.len(),
        queue.len() as f64 / seconds,
        readings as f64 / seconds,
    );
    Ok(())
}

/// Rounds of the generated city one second apart (so every `(ts, sensor_id)` is new), cut
/// into messages of `batch` readings, as the simulator publishes them.
fn generate(messages: usize, batch: usize, sensors: usize) -> Vec<Vec<Reading>> {
    let mut traffic = GeneratedTraffic::new(City::generate(sensors.max(2), 7), 7);
    let start = Utc::now() - Duration::hours(1);
    let mut readings = Vec::with_capacity(messages * batch);
    for round in 0.. {
        if readings.len() >= messages * batch {
            break;
        }
        let ts = start + Duration::seconds(round);
        readings.extend(traffic.round(ts, ts));
    }
    readings.truncate(messages * batch);
    readings.chunks(batch.max(1)).map(<[Reading]>::to_vec).collect()
}

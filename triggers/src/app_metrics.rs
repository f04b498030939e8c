//! The application's own metrics on `/metrics`: sensor readings by outcome, rejected messages,
//! predictions, reroutes and job cycle durations, all `cityflow_app_*`.
//!
//! The components count them themselves, in the Redis hash `<redis_prefix>metrics` (crate
//! `app-metrics`), with the round trip that publishes their live events — no host interface
//! of our own, so the same components count the same way under Spin or SpinKube. The runtime
//! finds the hash from the components' resolved `redis_url` and `redis_prefix` variables and
//! reads it at scrape time over the shared Redis connections, within a short timeout: when
//! Redis is down or slow these series are absent and the scrape still answers. Every replica
//! of an app reads the same hash, so dashboards take `max` across instances, not `sum`.

use std::collections::BTreeSet;
use std::time::Duration;

use app_metrics::Snapshot;
use traffic_model::live::DEFAULT_PREFIX;

use crate::app::App;
use crate::host::postgres::redact;

/// A scrape waits at most this long for Redis (Prometheus' own timeout is 10 s by default).
const READ_TIMEOUT: Duration = Duration::from_millis(500);

/// The Prometheus text of the application metrics, empty when they cannot be read.
pub async fn render(app: &App) -> String {
    match snapshot(app).await {
        Some(snapshot) => app_metrics::prometheus_text(&snapshot),
        None => String::new(),
    }
}

/// Each distinct (Redis URL, hash key) the components write their counters to.
fn hashes(app: &App) -> BTreeSet<(String, String)> {
    app.component_variables()
        .filter_map(|vars| {
            let url = vars.get("redis_url")?;
            let prefix = vars.get("redis_prefix").map(String::as_str).filter(|p| !p.is_empty()).unwrap_or(DEFAULT_PREFIX);
            Some((url.clone(), format!("{prefix}{}", app_metrics::HASH)))
        })
        .collect()
}

/// All hashes added up, or `None` when any of them cannot be read: a partial sum would look
/// to Prometheus like counters going back to zero.
async fn snapshot(app: &App) -> Option<Snapshot> {
    let hashes = hashes(app);
    if hashes.is_empty() {
        return None;
    }
    let reads = hashes.iter().map(|(address, key)| async move {
        let read = tokio::time::timeout(READ_TIMEOUT, read(app, address, key)).await;
        (address, key, read.unwrap_or_else(|_| Err(format!("no answer within {READ_TIMEOUT:?}"))))
    });
    let mut total = Snapshot::default();
    let mut complete = true;
    for (address, key, read) in futures::future::join_all(reads).await {
        match read {
            Ok(snapshot) => {
                if !snapshot.unreadable.is_empty() {
                    tracing::debug!(key = %key, fields = ?snapshot.unreadable, "application metrics: fields ignored");
                }
                total.merge(snapshot);
            }
            Err(e) => {
                tracing::warn!(redis = %redact(address), key = %key, "application metrics left out of this scrape: {e}");
                complete = false;
            }
        }
    }
    complete.then_some(total)
}

async fn read(app: &App, address: &str, key: &str) -> Result<Snapshot, String> {
    let mut conn = app.redis_clients.connect(address).await.map_err(|e| e.to_string())?;
    let fields: Vec<(String, String)> = redis::cmd("HGETALL").arg(key).query_async(&mut conn).await.map_err(|e| e.to_string())?;
    Ok(Snapshot::from_fields(fields))
}

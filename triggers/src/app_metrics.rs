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
use prometheus::proto::{Counter, Gauge, LabelPair, Metric, MetricFamily, MetricType, Summary};
use prometheus::TextEncoder;
use traffic_model::live::DEFAULT_PREFIX;

use crate::app::App;
use crate::host::postgres::redact;

/// A scrape waits at most this long for Redis (Prometheus' own timeout is 10 s by default).
const READ_TIMEOUT: Duration = Duration::from_millis(500);

/// The Prometheus text of the application metrics, empty when they cannot be read.
pub async fn render(app: &App) -> String {
    match snapshot(app).await {
        Some(snapshot) => encode(&snapshot),
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

fn encode(s: &Snapshot) -> String {
    let readings = s.readings.iter().map(|(outcome, n)| counter(&[("outcome", outcome)], *n));
    let single = |value: Option<u64>| value.map(|n| counter(&[], n));
    let cycles = s
        .cycles
        .iter()
        .filter_map(|(job, c)| Some(summary(&[("job", job)], c.count?, c.seconds_sum?)));
    let last = s.cycles.iter().filter_map(|(job, c)| Some(gauge(&[("job", job)], c.last_seconds?)));
    let families: Vec<MetricFamily> = [
        family("cityflow_app_readings_total", MetricType::COUNTER, "Sensor readings by outcome: every reading of an acknowledged message is received, then stored, duplicate or rejected", readings.collect()),
        family("cityflow_app_messages_rejected_total", MetricType::COUNTER, "Sensor messages refused as a whole (their readings are rejected)", single(s.messages_rejected).into_iter().collect()),
        family("cityflow_app_predictions_total", MetricType::COUNTER, "Congestion predictions stored by the predictor", single(s.predictions_generated).into_iter().collect()),
        family("cityflow_app_reroutes_total", MetricType::COUNTER, "Reroutes stored by the rerouter", single(s.reroutes_generated).into_iter().collect()),
        family("cityflow_app_cycle_duration_seconds", MetricType::SUMMARY, "Duration of successful predictor and rerouter cycles, up to publishing their events", cycles.collect()),
        family("cityflow_app_cycle_last_duration_seconds", MetricType::GAUGE, "Duration of each job's latest successful cycle", last.collect()),
    ]
    .into_iter()
    .flatten()
    .collect();
    TextEncoder::new().encode_to_string(&families).unwrap_or_else(|e| {
        tracing::warn!("application metrics not encoded: {e}");
        String::new()
    })
}

/// A family with its samples; none when it has no sample (the encoder refuses empty ones).
fn family(name: &str, kind: MetricType, help: &str, metrics: Vec<Metric>) -> Option<MetricFamily> {
    if metrics.is_empty() {
        return None;
    }
    let mut family = MetricFamily::default();
    family.set_name(name.to_string());
    family.set_help(help.to_string());
    family.set_field_type(kind);
    family.set_metric(metrics);
    Some(family)
}

fn labelled(labels: &[(&str, &str)]) -> Metric {
    Metric::from_label(
        labels
            .iter()
            .map(|(name, value)| {
                let mut pair = LabelPair::default();
                pair.set_name(name.to_string());
                pair.set_value(value.to_string());
                pair
            })
            .collect(),
    )
}

fn counter(labels: &[(&str, &str)], value: u64) -> Metric {
    let mut metric = labelled(labels);
    let mut counter = Counter::default();
    counter.set_value(value as f64);
    metric.set_counter(counter);
    metric
}

fn gauge(labels: &[(&str, &str)], value: f64) -> Metric {
    let mut metric = labelled(labels);
    let mut gauge = Gauge::default();
    gauge.set_value(value);
    metric.set_gauge(gauge);
    metric
}

fn summary(labels: &[(&str, &str)], count: u64, sum: f64) -> Metric {
    let mut metric = labelled(labels);
    let mut summary = Summary::default();
    summary.set_sample_count(count);
    summary.set_sample_sum(sum);
    metric.set_summary(summary);
    metric
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_hash_becomes_every_series() {
        let s = Snapshot::from_fields([
            ("readings_received", "12"),
            ("readings_stored", "5"),
            ("readings_duplicate", "4"),
            ("readings_rejected", "3"),
            ("messages_rejected", "2"),
            ("predictions_generated", "36"),
            ("reroutes_generated", "1"),
            ("cycle_seconds_sum:predictor", "0.75"),
            ("cycle_seconds_count:predictor", "2"),
            ("cycle_last_seconds:predictor", "0.5"),
        ]);
        let text = encode(&s);
        for line in [
            "# TYPE cityflow_app_readings_total counter",
            "cityflow_app_readings_total{outcome=\"duplicate\"} 4",
            "cityflow_app_readings_total{outcome=\"received\"} 12",
            "cityflow_app_readings_total{outcome=\"rejected\"} 3",
            "cityflow_app_readings_total{outcome=\"stored\"} 5",
            "cityflow_app_messages_rejected_total 2",
            "cityflow_app_predictions_total 36",
            "cityflow_app_reroutes_total 1",
            "# TYPE cityflow_app_cycle_duration_seconds summary",
            "cityflow_app_cycle_duration_seconds_sum{job=\"predictor\"} 0.75",
            "cityflow_app_cycle_duration_seconds_count{job=\"predictor\"} 2",
            "# TYPE cityflow_app_cycle_last_duration_seconds gauge",
            "cityflow_app_cycle_last_duration_seconds{job=\"predictor\"} 0.5",
        ] {
            assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
        }
    }

    #[test]
    fn only_what_was_written_is_exported() {
        assert_eq!(encode(&Snapshot::default()), "");
        // A job with a last duration but no sum/count yet has no summary sample.
        let text = encode(&Snapshot::from_fields([("readings_stored", "1"), ("cycle_last_seconds:rerouter", "2")]));
        assert!(text.contains("cityflow_app_readings_total{outcome=\"stored\"} 1"), "{text}");
        assert!(text.contains("cityflow_app_cycle_last_duration_seconds{job=\"rerouter\"} 2"), "{text}");
        assert!(!text.contains("outcome=\"received\""), "{text}");
        assert!(!text.contains("cityflow_app_cycle_duration_seconds_"), "{text}");
        assert!(!text.contains("cityflow_app_predictions_total"), "{text}");
    }
}

//! The metrics as Prometheus text (exposition format 0.0.4), `cityflow_app_*`: what the
//! runtime's admin `/metrics` and the `metrics-endpoint` component (for SpinKube) both serve.

use prometheus::proto::{Counter, Gauge, LabelPair, Metric, MetricFamily, MetricType, Summary};
use prometheus::TextEncoder;

use crate::Snapshot;

/// The Prometheus text of `s`; empty when nothing was ever counted.
pub fn prometheus_text(s: &Snapshot) -> String {
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
    // Encoding into a String fails only on a malformed family, which `family` never builds.
    TextEncoder::new().encode_to_string(&families).unwrap_or_default()
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
        let text = prometheus_text(&s);
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
        assert_eq!(prometheus_text(&Snapshot::default()), "");
        // A job with a last duration but no sum/count yet has no summary sample.
        let text = prometheus_text(&Snapshot::from_fields([("readings_stored", "1"), ("cycle_last_seconds:rerouter", "2")]));
        assert!(text.contains("cityflow_app_readings_total{outcome=\"stored\"} 1"), "{text}");
        assert!(text.contains("cityflow_app_cycle_last_duration_seconds{job=\"rerouter\"} 2"), "{text}");
        assert!(!text.contains("outcome=\"received\""), "{text}");
        assert!(!text.contains("cityflow_app_cycle_duration_seconds_"), "{text}");
        assert!(!text.contains("cityflow_app_predictions_total"), "{text}");
    }
}

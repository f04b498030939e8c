//! Prometheus metrics of the runtime, served on the admin listener at `/metrics`.
//!
//! One process runs one app, so the registry is process-wide; label values are bounded by
//! the manifest (component ids, routes as written, allowed hosts).

use std::sync::LazyLock;
use std::time::Duration;

use prometheus::{
    exponential_buckets, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry, TextEncoder,
};

pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub http_in_flight: IntGaugeVec,
    pub instantiation: HistogramVec,
    pub guest_failures: IntCounterVec,
    pub trigger_invocations: IntCounterVec,
    pub trigger_redeliveries: IntCounterVec,
    pub trigger_lag: HistogramVec,
    pub outbound_calls: IntCounterVec,
    pub pool_connections: IntGaugeVec,
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let c = IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric");
    registry.register(Box::new(c.clone())).expect("unique metric");
    c
}

fn histogram(registry: &Registry, name: &str, help: &str, labels: &[&str], buckets: Vec<f64>) -> HistogramVec {
    let h = HistogramVec::new(HistogramOpts::new(name, help).buckets(buckets), labels).expect("valid metric");
    registry.register(Box::new(h.clone())).expect("unique metric");
    h
}

fn gauge(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let g = IntGaugeVec::new(Opts::new(name, help), labels).expect("valid metric");
    registry.register(Box::new(g.clone())).expect("unique metric");
    g
}

impl Metrics {
    fn new() -> Self {
        let r = Registry::new();
        // 50 µs … ~26 s.
        let latency = exponential_buckets(0.00005, 2.0, 20).expect("valid buckets");
        Self {
            http_requests: counter(&r, "cityflow_http_requests_total", "HTTP requests by component, route and status class", &["component", "route", "status"]),
            http_duration: histogram(&r, "cityflow_http_request_duration_seconds", "Time to response headers", &["component", "route"], latency.clone()),
            http_in_flight: gauge(&r, "cityflow_http_requests_in_flight", "Requests being handled", &["component"]),
            instantiation: histogram(&r, "cityflow_instantiation_seconds", "Time to instantiate a component from its pre-linked form", &["component"], exponential_buckets(0.000005, 2.0, 18).expect("valid buckets")),
            guest_failures: counter(&r, "cityflow_guest_failures_total", "Instances that trapped, missed their deadline or hit their memory cap", &["component", "kind"]),
            trigger_invocations: counter(&r, "cityflow_trigger_invocations_total", "MQTT and cron handler invocations by outcome", &["trigger", "component", "outcome"]),
            trigger_redeliveries: counter(&r, "cityflow_trigger_redeliveries_total", "MQTT messages handled again after a failure", &["component"]),
            trigger_lag: histogram(&r, "cityflow_trigger_lag_seconds", "Delay between an event being due or received and its handler starting", &["trigger", "component"], latency),
            outbound_calls: counter(&r, "cityflow_outbound_calls_total", "Outbound connections and requests by kind, host and outcome", &["kind", "host", "outcome"]),
            pool_connections: gauge(&r, "cityflow_pool_connections", "Pooled database connections by state", &["kind", "address", "state"]),
            registry: r,
        }
    }

    pub fn observe_instantiation(&self, component: &str, elapsed: Duration) {
        self.instantiation.with_label_values(&[component]).observe(elapsed.as_secs_f64());
    }

    pub fn outbound(&self, kind: &str, host: &str, outcome: &str) {
        self.outbound_calls.with_label_values(&[kind, host, outcome]).inc();
    }

    /// The registry in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        TextEncoder::new().encode_to_string(&self.registry.gather()).unwrap_or_default()
    }
}

pub fn status_class(status: u16) -> &'static str {
    match status {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

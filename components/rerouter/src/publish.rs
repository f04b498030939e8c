//! Redis: each reroute on `<prefix>reroutes` and in the capped stream `<prefix>stream:reroutes`,
//! and the cycle's counters, with the ingest component's script (`spin_kit::publish_events`).

use routing_model::event::{RerouteEvent, CHANNEL, STREAM};
use routing_model::Reroute;

pub fn publish(ts: &str, reroutes: &[Reroute], metrics: &[app_metrics::Update]) -> Result<usize, String> {
    let events: Vec<String> = reroutes
        .iter()
        .map(|r| {
            let (alt, reason) = (r.alt_route_id(), r.reason());
            RerouteEvent {
                ts,
                route_id: &r.route_id,
                alt_route_id: &alt,
                alt_path: &r.alt_path,
                reason: &reason,
                estimated_co2_gain: (r.co2_gain_kg * 1000.0).round() / 1000.0,
                eta_gain_min: (r.eta_gain_min * 1000.0).round() / 1000.0,
            }
            .to_json()
        })
        .collect();
    spin_kit::publish_events(STREAM, CHANNEL, &events, metrics, "reroutes")
}

//! Redis: each validated reading on the pub/sub channel and in the capped stream, and the
//! message's counters in the metrics hash, in one round trip (`spin_kit::publish_events`,
//! with `traffic_model::live::PUBLISH_EVENTS_LUA`).

use traffic_model::live::{CHANNEL, STREAM};
use traffic_model::Reading;

/// Publishes a stored message's readings, of which `inserted` were new.
pub fn publish(readings: &[Reading], inserted: usize) -> Result<(), String> {
    let events: Vec<String> = readings.iter().map(Reading::event_json).collect();
    let duplicates = readings.len().saturating_sub(inserted);
    let metrics = app_metrics::message_stored(inserted as u64, duplicates as u64);
    spin_kit::publish_events(STREAM, CHANNEL, &events, &metrics, "events").map(|_| ())
}

/// Counts a refused message carrying `readings` readings; a Redis failure only loses the count.
pub fn count_rejected(topic: &str, readings: usize) {
    if let Err(e) = spin_kit::record_metrics(&app_metrics::message_rejected(readings as u64)) {
        eprintln!("ingest: {topic}: rejected message not counted: {e}");
    }
}

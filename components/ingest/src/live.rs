//! Redis: each validated reading on the pub/sub channel and in the capped stream, in one
//! round trip (`spin_kit::publish_events`, with `traffic_model::live::PUBLISH_EVENTS_LUA`).

use traffic_model::live::{CHANNEL, STREAM};
use traffic_model::Reading;

pub fn publish(readings: &[Reading]) -> Result<(), String> {
    let events: Vec<String> = readings.iter().map(Reading::event_json).collect();
    spin_kit::publish_events(STREAM, CHANNEL, &events, "events").map(|_| ())
}

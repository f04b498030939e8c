//! Live events and application metrics on Redis: each event on the pub/sub channel
//! `<prefix><channel>` and in the capped stream `<prefix><stream>`, and the metric updates in
//! the hash `<prefix>metrics`, in one round trip per chunk
//! (`traffic_model::live::PUBLISH_EVENTS_LUA`, the ingest component's script).

use app_metrics::Update;
use spin_sdk::redis::{Connection, RedisParameter};
use traffic_model::live::{DEFAULT_PREFIX, PUBLISH_EVENTS_LUA, STREAM_MAXLEN};

/// Events per EVAL: bounds one call's argument list (10,000 roads make 30,000 predictions).
const CHUNK: usize = 5_000;

/// Prefix of Redis channels and streams; `cityflow:` unless configured (tests isolate with it).
pub fn redis_prefix() -> String {
    crate::optional_variable("redis_prefix").filter(|p| !p.is_empty()).unwrap_or_else(|| DEFAULT_PREFIX.to_string())
}

/// Publishes the JSON `events` and applies the `metrics` updates through the `redis_url`
/// variable's server (not contacted when there is nothing to do); `what` names the events in
/// the error. The updates travel with the first chunk of events, so a message costs one round
/// trip whatever it counts. Returns how many events were published.
pub fn publish_events(stream: &str, channel: &str, events: &[String], metrics: &[Update], what: &str) -> Result<usize, String> {
    if events.is_empty() && metrics.is_empty() {
        return Ok(0);
    }
    let url = crate::variable("redis_url")?;
    let prefix = redis_prefix();
    let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
    let text = |s: &str| RedisParameter::Binary(s.as_bytes().to_vec());
    let mut chunks: Vec<&[String]> = events.chunks(CHUNK).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    for (i, chunk) in chunks.into_iter().enumerate() {
        let updates = if i == 0 { metrics } else { &[] };
        let mut args = Vec::with_capacity(7 + 3 * updates.len() + chunk.len());
        args.push(text(PUBLISH_EVENTS_LUA));
        args.push(RedisParameter::Int64(2));
        args.push(text(&format!("{prefix}{stream}")));
        args.push(text(&format!("{prefix}{}", app_metrics::HASH)));
        args.push(text(&format!("{prefix}{channel}")));
        args.push(RedisParameter::Int64(STREAM_MAXLEN.into()));
        args.push(RedisParameter::Int64(updates.len() as i64));
        for update in updates {
            args.extend([text(update.command()), text(update.field()), text(&update.value())]);
        }
        args.extend(chunk.iter().map(|event| text(event)));
        redis.execute("EVAL", &args).map_err(|e| format!("publishing {what} failed: {e}"))?;
    }
    Ok(events.len())
}

/// Applies metric updates alone (a message with no events to publish), in one round trip.
pub fn record_metrics(metrics: &[Update]) -> Result<(), String> {
    // The script needs a stream and a channel name; with no events it touches neither.
    publish_events("-", "-", &[], metrics, "metrics").map(|_| ())
}

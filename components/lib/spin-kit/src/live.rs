//! Live events on Redis: each event on the pub/sub channel `<prefix><channel>` and in the
//! capped stream `<prefix><stream>`, in one round trip per chunk
//! (`traffic_model::live::PUBLISH_EVENTS_LUA`, the ingest component's script).

use spin_sdk::redis::{Connection, RedisParameter};
use traffic_model::live::{DEFAULT_PREFIX, PUBLISH_EVENTS_LUA, STREAM_MAXLEN};

/// Events per EVAL: bounds one call's argument list (10,000 roads make 30,000 predictions).
const CHUNK: usize = 5_000;

/// Prefix of Redis channels and streams; `cityflow:` unless configured (tests isolate with it).
pub fn redis_prefix() -> String {
    crate::optional_variable("redis_prefix").filter(|p| !p.is_empty()).unwrap_or_else(|| DEFAULT_PREFIX.to_string())
}

/// Publishes the JSON `events` through the `redis_url` variable's server (not contacted when
/// there are none); `what` names them in the error. Returns how many were published.
pub fn publish_events(stream: &str, channel: &str, events: &[String], what: &str) -> Result<usize, String> {
    if events.is_empty() {
        return Ok(0);
    }
    let url = crate::variable("redis_url")?;
    let prefix = redis_prefix();
    let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
    let text = |s: &str| RedisParameter::Binary(s.as_bytes().to_vec());
    for chunk in events.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() + 5);
        args.push(text(PUBLISH_EVENTS_LUA));
        args.push(RedisParameter::Int64(1));
        args.push(text(&format!("{prefix}{stream}")));
        args.push(text(&format!("{prefix}{channel}")));
        args.push(RedisParameter::Int64(STREAM_MAXLEN.into()));
        args.extend(chunk.iter().map(|event| text(event)));
        redis.execute("EVAL", &args).map_err(|e| format!("publishing {what} failed: {e}"))?;
    }
    Ok(events.len())
}

//! Redis: each validated reading on the pub/sub channel and in the capped stream, in one
//! round trip (`traffic_model::live::PUBLISH_EVENTS_LUA`).

use spin_sdk::redis::{Connection, RedisParameter};
use traffic_model::live::{CHANNEL, PUBLISH_EVENTS_LUA, STREAM, STREAM_MAXLEN};
use traffic_model::Reading;

pub fn publish(readings: &[Reading]) -> Result<(), String> {
    let url = crate::config::redis_url()?;
    let prefix = crate::config::redis_prefix();
    let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
    let text = |s: String| RedisParameter::Binary(s.into_bytes());
    let mut args = Vec::with_capacity(readings.len() + 5);
    args.push(text(PUBLISH_EVENTS_LUA.to_string()));
    args.push(RedisParameter::Int64(1));
    args.push(text(format!("{prefix}{STREAM}")));
    args.push(text(format!("{prefix}{CHANNEL}")));
    args.push(RedisParameter::Int64(STREAM_MAXLEN.into()));
    args.extend(readings.iter().map(|r| text(r.event_json())));
    redis.execute("EVAL", &args).map_err(|e| format!("publishing events failed: {e}"))?;
    Ok(())
}

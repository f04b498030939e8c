//! Redis: each reroute on `<prefix>reroutes` and in the capped stream `<prefix>stream:reroutes`,
//! with the ingest component's script.

use routing_model::event::{RerouteEvent, CHANNEL, STREAM};
use routing_model::Reroute;
use spin_sdk::redis::{Connection, RedisParameter};
use traffic_model::live::{PUBLISH_EVENTS_LUA, STREAM_MAXLEN};

const CHUNK: usize = 5_000;

pub fn publish(ts: &str, reroutes: &[Reroute]) -> Result<usize, String> {
    if reroutes.is_empty() {
        return Ok(0);
    }
    let url = crate::config::redis_url()?;
    let prefix = crate::config::redis_prefix();
    let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
    let text = |s: String| RedisParameter::Binary(s.into_bytes());
    for chunk in reroutes.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() + 5);
        args.push(text(PUBLISH_EVENTS_LUA.to_string()));
        args.push(RedisParameter::Int64(1));
        args.push(text(format!("{prefix}{STREAM}")));
        args.push(text(format!("{prefix}{CHANNEL}")));
        args.push(RedisParameter::Int64(STREAM_MAXLEN.into()));
        args.extend(chunk.iter().map(|r| {
            let (alt, reason) = (r.alt_route_id(), r.reason());
            text(
                RerouteEvent {
                    ts,
                    route_id: &r.route_id,
                    alt_route_id: &alt,
                    alt_path: &r.alt_path,
                    reason: &reason,
                    estimated_co2_gain: (r.co2_gain_kg * 1000.0).round() / 1000.0,
                    eta_gain_min: (r.eta_gain_min * 1000.0).round() / 1000.0,
                }
                .to_json(),
            )
        }));
        redis.execute("EVAL", &args).map_err(|e| format!("publishing reroutes failed: {e}"))?;
    }
    Ok(reroutes.len())
}

//! Redis: each prediction on `<prefix>predictions` and in the capped stream
//! `<prefix>stream:predictions`, with the ingest component's script, in chunks.

use prediction_model::cycle::PredictionRow;
use prediction_model::event::{PredictionEvent, CHANNEL, STREAM};
use spin_sdk::redis::{Connection, RedisParameter};
use traffic_model::live::{PUBLISH_EVENTS_LUA, STREAM_MAXLEN};

/// Events per EVAL: bounds one call's argument list (10,000 roads make 30,000 events).
const CHUNK: usize = 5_000;

pub fn publish(ts: &str, model_version: &str, rows: &[PredictionRow]) -> Result<usize, String> {
    if rows.is_empty() {
        return Ok(0);
    }
    let url = crate::config::redis_url()?;
    let prefix = crate::config::redis_prefix();
    let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
    let text = |s: String| RedisParameter::Binary(s.into_bytes());
    for chunk in rows.chunks(CHUNK) {
        let mut args = Vec::with_capacity(chunk.len() + 5);
        args.push(text(PUBLISH_EVENTS_LUA.to_string()));
        args.push(RedisParameter::Int64(1));
        args.push(text(format!("{prefix}{STREAM}")));
        args.push(text(format!("{prefix}{CHANNEL}")));
        args.push(RedisParameter::Int64(STREAM_MAXLEN.into()));
        args.extend(chunk.iter().map(|r| {
            text(
                PredictionEvent {
                    ts,
                    road_id: &r.road_id,
                    horizon_min: r.horizon_min,
                    congestion_score: r.score,
                    confidence: r.confidence,
                    model_version,
                }
                .to_json(),
            )
        }));
        redis.execute("EVAL", &args).map_err(|e| format!("publishing predictions failed: {e}"))?;
    }
    Ok(rows.len())
}

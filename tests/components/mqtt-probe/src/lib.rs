//! MQTT trigger probe. Each message is JSON `{"key": "...", "fail_times": n}`: the probe
//! counts attempts per key in Redis and fails the first `fail_times` of them; once it
//! succeeds it appends `key` to the list `<prefix>received`, so a test sees exactly which
//! messages were handled to completion, in which order, and how often they were tried.

use spin_sdk::redis::{Connection, RedisParameter, RedisResult};

spin_sdk::wit_bindgen::generate!({
    world: "spin-mqtt",
    path: "../../../wit/mqtt-trigger",
    runtime_path: "::spin_sdk::wit_bindgen::rt",
});


struct Probe;

impl Guest for Probe {
    fn handle_message(message: Vec<u8>, metadata: Metadata) -> Result<(), Error> {
        let fail = |e: String| Error::Other(e);
        let body: serde_json::Value = serde_json::from_slice(&message).map_err(|e| fail(format!("bad json on {}: {e}", metadata.topic)))?;
        let key = body["key"].as_str().unwrap_or_default().to_string();
        let fail_times = body["fail_times"].as_i64().unwrap_or(0);
        let address = spin_sdk::variables::get("redis_url").map_err(|e| fail(e.to_string()))?;
        let prefix = spin_sdk::variables::get("prefix").map_err(|e| fail(e.to_string()))?;
        let redis = Connection::open(&address).map_err(|e| fail(e.to_string()))?;
        let attempts = redis.incr(&format!("{prefix}attempts:{key}")).map_err(|e| fail(e.to_string()))?;
        if attempts <= fail_times {
            return Err(fail(format!("failing attempt {attempts} of {key} on purpose")));
        }
        let pushed = redis
            .execute("RPUSH", &[RedisParameter::Binary(format!("{prefix}received").into_bytes()), RedisParameter::Binary(key.into_bytes())])
            .map_err(|e| fail(e.to_string()))?;
        match pushed.first() {
            Some(RedisResult::Int64(_)) => Ok(()),
            other => Err(fail(format!("unexpected RPUSH reply {other:?}"))),
        }
    }
}

export!(Probe);

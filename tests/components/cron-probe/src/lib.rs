//! Cron trigger probe: appends each firing's timestamp to `<prefix>fired` in Redis, after
//! sleeping `sleep_ms` (a component variable) so tests can make firings overlap.

use spin_sdk::redis::{Connection, RedisParameter};

spin_sdk::wit_bindgen::generate!({
    world: "spin-cron",
    path: "../../../wit/cron",
    runtime_path: "::spin_sdk::wit_bindgen::rt",
});

struct Probe;

impl Guest for Probe {
    fn handle_cron_event(metadata: Metadata) -> Result<(), Error> {
        let fail = |e: String| Error::Other(e);
        let get = |name: &str| spin_sdk::variables::get(name).map_err(|e| fail(e.to_string()));
        let sleep_ms: u64 = get("sleep_ms")?.parse().map_err(|_| fail("sleep_ms must be a number".into()))?;
        std::thread::sleep(std::time::Duration::from_millis(sleep_ms));
        let redis = Connection::open(&get("redis_url")?).map_err(|e| fail(e.to_string()))?;
        let key = format!("{}fired", get("prefix")?);
        redis
            .execute("RPUSH", &[RedisParameter::Binary(key.into_bytes()), RedisParameter::Int64(metadata.timestamp as i64)])
            .map_err(|e| fail(e.to_string()))?;
        Ok(())
    }
}

export!(Probe);

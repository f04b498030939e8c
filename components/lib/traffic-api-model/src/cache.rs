//! Response cache of the hot reads (cache-aside in Redis). Short TTLs: a map refreshing
//! every few seconds hits Postgres once per TTL, and an answer is never older than that.

/// `GET /api/roads` answers (roads with their latest reading and prediction).
pub const ROADS_TTL_SECS: i64 = 5;
/// `GET /api/traffic/live` answers.
pub const LIVE_TTL_SECS: i64 = 2;

/// The Redis key of an answer: below the component's `redis_prefix`, then `cache:`, then
/// the query's canonical key (see `RoadsQuery::cache_key`).
pub fn key(prefix: &str, query_key: &str) -> String {
    format!("{prefix}cache:{query_key}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_live_under_the_prefix() {
        assert_eq!(super::key("t1:", "roads:h=30"), "t1:cache:roads:h=30");
    }
}

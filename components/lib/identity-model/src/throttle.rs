//! Login throttling policy: after `MAX_FAILURES` failed logins for one email within
//! `WINDOW_SECS`, further attempts for it are refused (429) for `LOCKOUT_SECS`.
//!
//! The counter lives in Redis (`INCR` + `EXPIRE`), so it holds across component instances;
//! this module only decides keys and timings, the component talks to Redis.

pub const MAX_FAILURES: i64 = 5;
pub const WINDOW_SECS: i64 = 15 * 60;
pub const LOCKOUT_SECS: i64 = 15 * 60;

/// Redis key counting recent failures for `email` (already normalised), under the
/// deployment's key prefix so several apps or test runs can share one Redis.
pub fn failure_key(prefix: &str, email: &str) -> String {
    format!("{prefix}login-failures:{email}")
}

pub fn is_locked(failures: i64) -> bool {
    failures >= MAX_FAILURES
}

/// The expiry to set after the counter reached `failures`: the window opens with the first
/// failure, and reaching the limit restarts the clock for the full lockout.
pub fn expiry_after_failure(failures: i64) -> Option<i64> {
    if failures >= MAX_FAILURES {
        Some(LOCKOUT_SECS)
    } else if failures == 1 {
        Some(WINDOW_SECS)
    } else {
        None
    }
}

/// `retry-after` seconds from the counter's remaining TTL (Redis: -1 no expiry, -2 no key).
pub fn retry_after(ttl_secs: i64) -> i64 {
    if ttl_secs > 0 {
        ttl_secs
    } else {
        LOCKOUT_SECS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_at_the_fifth_failure() {
        assert!(!(0..MAX_FAILURES).any(is_locked));
        assert!(is_locked(5) && is_locked(6));
    }

    #[test]
    fn window_then_lockout_expiries() {
        assert_eq!(expiry_after_failure(1), Some(WINDOW_SECS));
        assert_eq!(expiry_after_failure(3), None);
        assert_eq!(expiry_after_failure(5), Some(LOCKOUT_SECS));
    }

    #[test]
    fn keys_are_prefixed_and_retry_after_is_positive() {
        assert_eq!(failure_key("t1:", "a@b.co"), "t1:login-failures:a@b.co");
        assert_eq!(retry_after(42), 42);
        assert_eq!(retry_after(-1), LOCKOUT_SECS);
        assert_eq!(retry_after(-2), LOCKOUT_SECS);
    }
}

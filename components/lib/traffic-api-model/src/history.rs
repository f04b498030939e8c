//! `GET /api/traffic/history`: a road's readings averaged per time bucket (`date_bin`).

use api_kit::{ApiError, Query};
use chrono::{DateTime, Duration, Utc};

use crate::params;
use crate::time::parse_query_timestamp;
#[cfg(test)]
use crate::time::parse_rfc3339;

/// Most buckets one answer may hold; a wider window needs a wider bucket.
pub const MAX_BUCKETS: i64 = 1000;
/// Window when `from` is not given: the last 3 hours before `to`.
pub const DEFAULT_WINDOW_HOURS: i64 = 3;
/// Bucket width when `bucket` is not given.
pub const DEFAULT_BUCKET: &str = "5m";

const MIN_WIDTH_SECS: i64 = 60;
const MAX_WIDTH_SECS: i64 = 7 * 86_400;

/// A bucket width such as `1m`, `5m`, `15m`, `1h`, `1d`: a whole number of minutes (`m`),
/// hours (`h`) or days (`d`), from one minute to seven days. Buckets are aligned on
/// multiples of the width since 2000-01-01T00:00:00Z (so `1d` buckets start at UTC
/// midnight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketWidth {
    pub seconds: i64,
    pub text: String,
}

impl BucketWidth {
    pub fn parse(raw: &str) -> Result<BucketWidth, String> {
        let expected = || "must be a number of minutes, hours or days such as 1m, 5m, 15m, 1h, 1d".to_string();
        let unit = raw.chars().last().ok_or_else(expected)?;
        let per_unit = match unit {
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(expected()),
        };
        let digits = &raw[..raw.len() - 1];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(expected());
        }
        let seconds = digits.parse::<i64>().ok().and_then(|n| n.checked_mul(per_unit)).ok_or_else(expected)?;
        if !(MIN_WIDTH_SECS..=MAX_WIDTH_SECS).contains(&seconds) {
            return Err("must be between 1m and 7d".to_string());
        }
        Ok(BucketWidth { seconds, text: raw.to_string() })
    }
}

/// A validated history request.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryQuery {
    pub road_id: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub bucket: BucketWidth,
}

impl HistoryQuery {
    pub const PARAMS: [&'static str; 4] = ["road_id", "from", "to", "bucket"];

    pub fn parse(query: &Query, now: DateTime<Utc>) -> Result<HistoryQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        let road_id = params::id(query, "road_id")?
            .ok_or_else(|| ApiError::bad_param("road_id", "query parameter `road_id` is required"))?;
        let to = query.get_with("to", parse_query_timestamp)?.unwrap_or(now);
        let from = match query.get_with("from", parse_query_timestamp)? {
            Some(from) => from,
            None => to - Duration::hours(DEFAULT_WINDOW_HOURS),
        };
        if from >= to {
            return Err(ApiError::bad_param("from", "query parameter `from` must be before `to`"));
        }
        let bucket = query.get_with("bucket", BucketWidth::parse)?.unwrap_or_else(|| BucketWidth::parse(DEFAULT_BUCKET).expect("default bucket"));
        let window = (to - from).num_seconds();
        // Aligned buckets touching the window: at most one more than window / width.
        let buckets = window / bucket.seconds + 1;
        if buckets > MAX_BUCKETS {
            return Err(ApiError::bad_param(
                "bucket",
                format!(
                    "the window holds {buckets} buckets of {}; at most {MAX_BUCKETS}: use a wider bucket or a shorter window",
                    bucket.text
                ),
            ));
        }
        Ok(HistoryQuery { road_id, from, to, bucket })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        parse_rfc3339("2025-01-15T12:00:00Z").unwrap()
    }

    fn parse(raw: &str) -> Result<HistoryQuery, ApiError> {
        HistoryQuery::parse(&Query::parse(raw).unwrap(), now())
    }

    #[test]
    fn widths() {
        assert_eq!(BucketWidth::parse("1m").unwrap().seconds, 60);
        assert_eq!(BucketWidth::parse("15m").unwrap().seconds, 900);
        assert_eq!(BucketWidth::parse("1h").unwrap().seconds, 3600);
        assert_eq!(BucketWidth::parse("1d").unwrap().seconds, 86_400);
        for bad in ["", "m", "5", "5s", "0m", "-5m", "1.5h", "8d", "99999999999999999999d", "5 m", "+5m"] {
            assert!(BucketWidth::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_are_the_last_three_hours_in_5_minute_buckets() {
        let q = parse("road_id=R1").unwrap();
        assert_eq!(q.road_id, "R1");
        assert_eq!(q.to, now());
        assert_eq!(q.from, now() - Duration::hours(3));
        assert_eq!(q.bucket.text, "5m");
    }

    #[test]
    fn explicit_window() {
        let q = parse("road_id=R1&from=2025-01-15T09:00:00%2B01:00&to=2025-01-15T10:00:00Z&bucket=1m").unwrap();
        assert_eq!(q.from, parse_rfc3339("2025-01-15T08:00:00Z").unwrap());
        assert_eq!(q.bucket.seconds, 60);
    }

    #[test]
    fn errors_name_the_parameter() {
        for (raw, field) in [
            ("", "road_id"),
            ("road_id=a%20b", "road_id"),
            ("road_id=R1&from=yesterday", "from"),
            ("road_id=R1&to=2025-13-01T00:00:00Z", "to"),
            ("road_id=R1&from=2025-01-15T12:00:00Z&to=2025-01-15T11:00:00Z", "from"),
            ("road_id=R1&bucket=5s", "bucket"),
            ("road_id=R1&from=2025-01-01T00:00:00Z&bucket=1m", "bucket"),
            ("road_id=R1&limit=5", "limit"),
        ] {
            let err = parse(raw).unwrap_err();
            assert_eq!((err.status(), err.field()), (400, Some(field)), "{raw}: {err}");
        }
    }

    #[test]
    fn the_bucket_bound_is_inclusive() {
        // 999 minutes touch at most 1000 one-minute buckets.
        assert!(parse("road_id=R1&from=2025-01-15T00:00:00Z&to=2025-01-15T16:39:00Z&bucket=1m").is_ok());
        assert!(parse("road_id=R1&from=2025-01-15T00:00:00Z&to=2025-01-15T16:40:00Z&bucket=1m").is_err());
    }
}

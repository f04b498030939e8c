//! Timestamps as the API writes and reads them: RFC 3339 in UTC.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serializer;

/// `2025-01-15T10:30:00Z`, with as many fractional digits as the instant has.
pub fn rfc3339(ts: &DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Microsecond precision, the database's: a keyset position must round-trip exactly.
pub fn rfc3339_micros(ts: &DateTime<Utc>) -> String {
    ts.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// An RFC 3339 timestamp with any offset, as UTC; the error says what was expected.
pub fn parse_rfc3339(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(raw)
        .map(|ts| ts.with_timezone(&Utc))
        .map_err(|_| "must be an RFC 3339 timestamp such as 2025-01-15T10:30:00Z".to_string())
}

/// A timestamp from a query string, where an unencoded `+` of the offset arrives as a space
/// (`?from=2025-01-15T10:30:00+01:00` typed into curl): that space is read as the `+` it was.
pub fn parse_query_timestamp(raw: &str) -> Result<DateTime<Utc>, String> {
    parse_rfc3339(raw).or_else(|err| match raw.rsplit_once(' ') {
        Some((head, offset)) if head.contains('T') && !offset.is_empty() => parse_rfc3339(&format!("{head}+{offset}")).map_err(|_| err),
        _ => Err(err),
    })
}

/// `#[serde(serialize_with = "crate::time::serialize")]` for `DateTime<Utc>` fields.
pub fn serialize<S: Serializer>(ts: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(ts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_utc_with_needed_digits() {
        let ts = parse_rfc3339("2025-01-15T11:30:00.120+01:00").unwrap();
        assert_eq!(rfc3339(&ts), "2025-01-15T10:30:00.120Z");
        assert_eq!(rfc3339_micros(&ts), "2025-01-15T10:30:00.120000Z");
        assert_eq!(rfc3339(&parse_rfc3339("2025-01-15T10:30:00Z").unwrap()), "2025-01-15T10:30:00Z");
    }

    #[test]
    fn a_plus_decoded_as_a_space_is_restored() {
        let ts = parse_query_timestamp("2025-01-15T11:30:00 01:00").unwrap();
        assert_eq!(rfc3339(&ts), "2025-01-15T10:30:00Z");
        assert!(parse_query_timestamp("2025-01-15 11:30:00").is_err());
    }

    #[test]
    fn refuses_what_is_not_rfc3339() {
        for raw in ["2025-01-15", "2025-01-15 10:30:00", "yesterday", "2025-01-15T10:30:00", "1736937000"] {
            assert!(parse_rfc3339(raw).is_err(), "{raw}");
        }
    }
}

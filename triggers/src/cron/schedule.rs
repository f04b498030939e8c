//! Cron expressions with the plugin's rules: seconds required, optional year, and when both
//! day-of-month and day-of-week are restricted, both must match.

use anyhow::{anyhow, Result};
use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;

pub fn parse_schedule(expression: &str) -> Result<Cron> {
    CronParser::builder()
        .seconds(Seconds::Required)
        .year(Year::Optional)
        .dom_and_dow(true)
        // The plugin's parser accepted `1/2` as "from 1, every 2"; keep accepting it.
        .sloppy_ranges(true)
        .build()
        .parse(expression)
        .map_err(|e| anyhow!("invalid cron_expression {expression:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn next(expr: &str, after: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
        parse_schedule(expr).unwrap().find_next_occurrence(&after, false).unwrap()
    }

    #[test]
    fn seconds_are_required() {
        assert!(parse_schedule("* * * * *").is_err());
        assert!(parse_schedule("0 * * * * *").is_ok());
        assert!(parse_schedule("0 0 12 * * * 2027").is_ok());
    }

    #[test]
    fn every_five_seconds() {
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 3).unwrap();
        assert_eq!(next("*/5 * * * * *", t), Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 5).unwrap());
        assert_eq!(next("1/2 * * * * *", t), Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 5).unwrap());
    }

    #[test]
    fn day_of_month_and_day_of_week_must_both_match() {
        // The 13th that is a Friday: after 2026-11-21 that is 2027-08-13.
        let t = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        assert_eq!(next("0 0 0 13 * FRI", t), Utc.with_ymd_and_hms(2027, 8, 13, 0, 0, 0).unwrap());
    }
}

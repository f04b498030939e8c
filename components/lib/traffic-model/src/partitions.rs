//! Upkeep of `traffic_raw`'s daily partitions (migration V6): create the coming days' ahead
//! of time, drop the days past retention. Run daily by the `traffic-partitions` component.

use serde::Serialize;

/// Creates the daily partitions from today to `$1` days ahead that do not exist yet; returns
/// how many it created.
pub const ENSURE: &str = "SELECT cityflow_ensure_traffic_partitions($1::int4)";
/// Drops the daily partitions whose whole day is more than `$1` days old (and such rows of the
/// DEFAULT partition); returns how many partitions it dropped.
pub const DROP: &str = "SELECT cityflow_drop_traffic_partitions($1::int4)";

pub const DEFAULT_DAYS_AHEAD: i32 = 7;
pub const DEFAULT_RETENTION_DAYS: i32 = 30;
/// A run creates at most this many days ahead (the SQL function's own cap is 3660 in all).
pub const MAX_DAYS_AHEAD: i32 = 366;
pub const MAX_RETENTION_DAYS: i32 = 3650;

/// The job's settings, from the component variables `partition_days_ahead` and
/// `traffic_retention_days` (unset: the defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub days_ahead: i32,
    pub retention_days: i32,
}

impl Settings {
    pub fn parse(days_ahead: Option<&str>, retention_days: Option<&str>) -> Result<Settings, String> {
        Ok(Settings {
            days_ahead: days("partition_days_ahead", days_ahead, DEFAULT_DAYS_AHEAD, 1, MAX_DAYS_AHEAD)?,
            retention_days: days("traffic_retention_days", retention_days, DEFAULT_RETENTION_DAYS, 1, MAX_RETENTION_DAYS)?,
        })
    }
}

fn days(name: &str, text: Option<&str>, default: i32, min: i32, max: i32) -> Result<i32, String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(default);
    };
    match text.parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{name} must be a whole number of days from {min} to {max}, not {text:?}")),
    }
}

/// What one run did, answered by `POST /jobs/partitions` and logged by the cron entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upkeep {
    pub partitions_created: i32,
    pub partitions_dropped: i32,
    pub days_ahead: i32,
    pub retention_days: i32,
}

impl Upkeep {
    pub fn log_line(&self) -> String {
        format!(
            "{} daily partitions created (up to {} days ahead), {} dropped (older than {} days)",
            self.partitions_created, self.days_ahead, self.partitions_dropped, self.retention_days
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_blank_settings_are_the_defaults() {
        let defaults = Settings { days_ahead: DEFAULT_DAYS_AHEAD, retention_days: DEFAULT_RETENTION_DAYS };
        assert_eq!(Settings::parse(None, None), Ok(defaults));
        assert_eq!(Settings::parse(Some(" "), Some("")), Ok(defaults));
    }

    #[test]
    fn settings_are_whole_days_in_range() {
        assert_eq!(Settings::parse(Some("14"), Some(" 90 ")), Ok(Settings { days_ahead: 14, retention_days: 90 }));
        assert_eq!(Settings::parse(Some("366"), Some("3650")).map(|s| (s.days_ahead, s.retention_days)), Ok((366, 3650)));
        for bad in ["0", "-1", "367", "7.5", "seven", "1e3"] {
            let err = Settings::parse(Some(bad), None).unwrap_err();
            assert!(err.starts_with("partition_days_ahead must be a whole number of days from 1 to 366"), "{bad}: {err}");
        }
        for bad in ["0", "3651", "30d"] {
            let err = Settings::parse(None, Some(bad)).unwrap_err();
            assert!(err.starts_with("traffic_retention_days must be"), "{bad}: {err}");
        }
    }

    #[test]
    fn statements_take_one_parameter() {
        for statement in [ENSURE, DROP] {
            assert!(statement.contains("$1") && !statement.contains("$2"), "{statement}");
        }
    }

    #[test]
    fn the_log_line_says_what_was_done() {
        let upkeep = Upkeep { partitions_created: 1, partitions_dropped: 2, days_ahead: 7, retention_days: 30 };
        assert_eq!(upkeep.log_line(), "1 daily partitions created (up to 7 days ahead), 2 dropped (older than 30 days)");
    }
}

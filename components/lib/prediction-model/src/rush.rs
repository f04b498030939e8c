//! The rush-hour factor applied to the predicted score.

use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;

/// 1.15 in the rush hours [7, 9) and [17, 19); 0.85 at night (21:00 to 06:00); 1.0 otherwise.
pub fn rush_hour_factor(hour: u32) -> f64 {
    match hour {
        7 | 8 | 17 | 18 => 1.15,
        h if !(6..21).contains(&h) => 0.85,
        _ => 1.0,
    }
}

/// The hour of `instant` on the city's wall clock (DST included). The seed used the UTC
/// hour, so Paris rush hours were off by one or two hours.
pub fn local_hour(instant: DateTime<Utc>, zone: Tz) -> u32 {
    instant.with_timezone(&zone).hour()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_factor_table() {
        for h in [7, 8, 17, 18] {
            assert_eq!(rush_hour_factor(h), 1.15, "hour {h}");
        }
        for h in [6, 9, 12, 16, 19, 20] {
            assert_eq!(rush_hour_factor(h), 1.0, "hour {h}");
        }
        for h in [0, 3, 5, 21, 23] {
            assert_eq!(rush_hour_factor(h), 0.85, "hour {h}");
        }
    }

    #[test]
    fn paris_local_hour_follows_daylight_saving() {
        let winter: DateTime<Utc> = "2026-01-15T07:30:00Z".parse().unwrap();
        let summer: DateTime<Utc> = "2026-07-15T07:30:00Z".parse().unwrap();
        assert_eq!(local_hour(winter, chrono_tz::Europe::Paris), 8);
        assert_eq!(local_hour(summer, chrono_tz::Europe::Paris), 9);
        // 06:30 UTC in summer is 08:30 in Paris: rush hour there, not in UTC.
        let early: DateTime<Utc> = "2026-07-15T06:30:00Z".parse().unwrap();
        assert_eq!(rush_hour_factor(local_hour(early, chrono_tz::Europe::Paris)), 1.15);
        assert_eq!(rush_hour_factor(local_hour(early, chrono_tz::UTC)), 1.0);
    }
}

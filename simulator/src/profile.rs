//! How much traffic a Paris road sees at a given local time: the daily demand profile.
//!
//! Weekdays have a morning rush (peak 8:00, within 7–9) and a longer evening rush (peak
//! 18:00, within 17–19) over a daytime plateau; nights are nearly empty. Weekends have no
//! rush, a late start and a broad afternoon hump. Times are Europe/Paris local time (summer
//! time included) — the seed used the UTC hour, which puts the rush an hour or two off.

use chrono::{DateTime, Datelike, Timelike, Utc, Weekday};
use chrono_tz::Europe::Paris;

/// Demand between 0 (empty streets) and about 1 (the evening rush on a weekday).
pub fn demand(at: DateTime<Utc>) -> f64 {
    let local = at.with_timezone(&Paris);
    let hour = local.hour() as f64 + local.minute() as f64 / 60.0 + local.second() as f64 / 3600.0;
    match local.weekday() {
        Weekday::Sat | Weekday::Sun => weekend(hour),
        _ => weekday(hour),
    }
}

/// Whether `at` falls in a weekday rush hour (7–9 or 17–19 local time).
pub fn is_rush_hour(at: DateTime<Utc>) -> bool {
    let local = at.with_timezone(&Paris);
    let weekend = matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
    !weekend && matches!(local.hour(), 7 | 8 | 17 | 18)
}

fn bump(hour: f64, centre: f64, width: f64) -> f64 {
    (-((hour - centre) / width).powi(2) / 2.0).exp()
}

/// Daytime plateau: rises from 6:00, falls after 21:00.
fn daytime(hour: f64, start: f64, end: f64) -> f64 {
    let rise = 1.0 / (1.0 + (-(hour - start) * 2.0).exp());
    let fall = 1.0 / (1.0 + ((hour - end) * 1.5).exp());
    rise * fall
}

fn weekday(hour: f64) -> f64 {
    0.06 + 0.38 * daytime(hour, 6.5, 21.0) + 0.5 * bump(hour, 8.0, 0.7) + 0.55 * bump(hour, 18.0, 0.9)
}

fn weekend(hour: f64) -> f64 {
    0.08 + 0.3 * daytime(hour, 9.5, 23.0) + 0.2 * bump(hour, 16.0, 2.5)
}

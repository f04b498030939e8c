//! The write side: what one message or one job cycle adds to the metrics hash.

use crate::{CYCLE_LAST_SECONDS, CYCLE_SECONDS_COUNT, CYCLE_SECONDS_SUM, MESSAGES_REJECTED, PREDICTIONS_GENERATED, PREDICTOR, REROUTER, REROUTES_GENERATED};

/// One change to a field of the hash, as the Redis hash command that makes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Update {
    /// `HINCRBY field n`: a counter. Zero increments are kept so a counter exists (at 0)
    /// from its first event on, and rates can be computed from the start.
    Count(String, u64),
    /// `HINCRBYFLOAT field x`: a running sum.
    Add(String, f64),
    /// `HSET field x`: the latest value.
    Set(String, f64),
}

impl Update {
    /// Every command an update can be; the publish script refuses anything else.
    pub const COMMANDS: [&'static str; 3] = ["HINCRBY", "HINCRBYFLOAT", "HSET"];

    pub fn command(&self) -> &'static str {
        match self {
            Update::Count(..) => "HINCRBY",
            Update::Add(..) => "HINCRBYFLOAT",
            Update::Set(..) => "HSET",
        }
    }

    pub fn field(&self) -> &str {
        match self {
            Update::Count(field, _) | Update::Add(field, _) | Update::Set(field, _) => field,
        }
    }

    /// The argument as Redis reads it (Rust's `Display` of a float never uses an exponent).
    pub fn value(&self) -> String {
        match self {
            Update::Count(_, n) => n.to_string(),
            Update::Add(_, x) | Update::Set(_, x) => x.to_string(),
        }
    }
}

fn readings(outcome: &str, n: u64) -> Update {
    Update::Count(format!("readings_{outcome}"), n)
}

/// A message stored: `stored` of its readings were new, `duplicate` already existed.
pub fn message_stored(stored: u64, duplicate: u64) -> Vec<Update> {
    vec![readings("received", stored + duplicate), readings("stored", stored), readings("duplicate", duplicate)]
}

/// A message refused as a whole, carrying `readings` readings.
pub fn message_rejected(readings_in_message: u64) -> Vec<Update> {
    vec![
        readings("received", readings_in_message),
        readings("rejected", readings_in_message),
        Update::Count(MESSAGES_REJECTED.to_string(), 1),
    ]
}

fn cycle(job: &str, seconds: f64) -> [Update; 3] {
    // A clock that went backwards must not make a sum shrink.
    let seconds = seconds.max(0.0);
    [
        Update::Add(format!("{CYCLE_SECONDS_SUM}:{job}"), seconds),
        Update::Count(format!("{CYCLE_SECONDS_COUNT}:{job}"), 1),
        Update::Set(format!("{CYCLE_LAST_SECONDS}:{job}"), seconds),
    ]
}

/// A prediction cycle that stored `predictions` and took `seconds`.
pub fn predictor_cycle(predictions: u64, seconds: f64) -> Vec<Update> {
    let mut updates = vec![Update::Count(PREDICTIONS_GENERATED.to_string(), predictions)];
    updates.extend(cycle(PREDICTOR, seconds));
    updates
}

/// A rerouting cycle that stored `reroutes` and took `seconds`.
pub fn rerouter_cycle(reroutes: u64, seconds: f64) -> Vec<Update> {
    let mut updates = vec![Update::Count(REROUTES_GENERATED.to_string(), reroutes)];
    updates.extend(cycle(REROUTER, seconds));
    updates
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triples(updates: &[Update]) -> Vec<(&str, &str, String)> {
        updates.iter().map(|u| (u.command(), u.field(), u.value())).collect()
    }

    #[test]
    fn a_stored_message_counts_every_reading_once_as_received() {
        assert_eq!(
            triples(&message_stored(3, 2)),
            [
                ("HINCRBY", "readings_received", "5".to_string()),
                ("HINCRBY", "readings_stored", "3".to_string()),
                ("HINCRBY", "readings_duplicate", "2".to_string()),
            ]
        );
    }

    #[test]
    fn a_rejected_message_counts_its_readings_and_itself() {
        assert_eq!(
            triples(&message_rejected(4)),
            [
                ("HINCRBY", "readings_received", "4".to_string()),
                ("HINCRBY", "readings_rejected", "4".to_string()),
                ("HINCRBY", "messages_rejected", "1".to_string()),
            ]
        );
    }

    #[test]
    fn a_cycle_adds_to_its_sum_and_count_and_sets_its_last_duration() {
        assert_eq!(
            triples(&predictor_cycle(18, 0.25)),
            [
                ("HINCRBY", "predictions_generated", "18".to_string()),
                ("HINCRBYFLOAT", "cycle_seconds_sum:predictor", "0.25".to_string()),
                ("HINCRBY", "cycle_seconds_count:predictor", "1".to_string()),
                ("HSET", "cycle_last_seconds:predictor", "0.25".to_string()),
            ]
        );
        assert_eq!(rerouter_cycle(1, 2.0)[1].field(), "cycle_seconds_sum:rerouter");
    }

    #[test]
    fn small_and_negative_durations_are_plain_decimals() {
        assert_eq!(Update::Add("x".into(), 0.000_012_5).value(), "0.0000125");
        assert_eq!(triples(&rerouter_cycle(0, -1.0))[1].2, "0");
        for update in predictor_cycle(1, 1.0) {
            assert!(Update::COMMANDS.contains(&update.command()));
        }
    }
}

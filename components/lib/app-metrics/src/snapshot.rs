//! The read side: the metrics hash (`HGETALL`) as typed values. Unknown or malformed fields
//! are set aside, never guessed, so one stray field cannot hide the others.

use std::collections::BTreeMap;

use crate::{CYCLE_LAST_SECONDS, CYCLE_SECONDS_COUNT, CYCLE_SECONDS_SUM, MESSAGES_REJECTED, PREDICTIONS_GENERATED, READING_OUTCOMES, REROUTES_GENERATED};

/// What the hash holds; `None` / absent entries were never written.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Snapshot {
    /// Readings by outcome (one of [`READING_OUTCOMES`]).
    pub readings: BTreeMap<&'static str, u64>,
    pub messages_rejected: Option<u64>,
    pub predictions_generated: Option<u64>,
    pub reroutes_generated: Option<u64>,
    /// Cycle durations by job.
    pub cycles: BTreeMap<String, Cycle>,
    /// Fields that are not known metrics or whose value is not a valid one.
    pub unreadable: Vec<String>,
}

/// Durations of one job's cycles.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Cycle {
    pub seconds_sum: Option<f64>,
    pub count: Option<u64>,
    pub last_seconds: Option<f64>,
}

/// Job names become label values: keep them short and plain.
fn valid_job(job: &str) -> bool {
    (1..=64).contains(&job.len()) && job.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn seconds(value: &str) -> Option<f64> {
    value.parse::<f64>().ok().filter(|x| x.is_finite() && *x >= 0.0)
}

impl Snapshot {
    /// Reads the hash's `(field, value)` pairs.
    pub fn from_fields<K: AsRef<str>, V: AsRef<str>>(fields: impl IntoIterator<Item = (K, V)>) -> Snapshot {
        let mut snapshot = Snapshot::default();
        for (field, value) in fields {
            let (field, value) = (field.as_ref(), value.as_ref());
            if snapshot.read(field, value).is_none() {
                snapshot.unreadable.push(field.to_string());
            }
        }
        snapshot
    }

    fn read(&mut self, field: &str, value: &str) -> Option<()> {
        let count = || value.parse::<u64>().ok();
        if let Some(outcome) = field.strip_prefix("readings_") {
            let outcome = READING_OUTCOMES.iter().find(|o| **o == outcome)?;
            self.readings.insert(outcome, count()?);
            return Some(());
        }
        match field {
            MESSAGES_REJECTED => self.messages_rejected = Some(count()?),
            PREDICTIONS_GENERATED => self.predictions_generated = Some(count()?),
            REROUTES_GENERATED => self.reroutes_generated = Some(count()?),
            _ => {
                let (name, job) = field.split_once(':')?;
                if !valid_job(job) {
                    return None;
                }
                match name {
                    CYCLE_SECONDS_SUM => self.cycles.entry(job.to_string()).or_default().seconds_sum = Some(seconds(value)?),
                    CYCLE_SECONDS_COUNT => self.cycles.entry(job.to_string()).or_default().count = Some(count()?),
                    CYCLE_LAST_SECONDS => self.cycles.entry(job.to_string()).or_default().last_seconds = Some(seconds(value)?),
                    _ => return None,
                }
            }
        }
        Some(())
    }

    /// Adds another deployment's hash (components configured with different Redis servers
    /// or prefixes): counters and sums add up, the latest duration is the larger one.
    pub fn merge(&mut self, other: Snapshot) {
        fn add<T: std::ops::Add<Output = T>>(a: Option<T>, b: Option<T>) -> Option<T> {
            match (a, b) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            }
        }
        for (outcome, n) in other.readings {
            *self.readings.entry(outcome).or_default() += n;
        }
        self.messages_rejected = add(self.messages_rejected, other.messages_rejected);
        self.predictions_generated = add(self.predictions_generated, other.predictions_generated);
        self.reroutes_generated = add(self.reroutes_generated, other.reroutes_generated);
        for (job, cycle) in other.cycles {
            let mine = self.cycles.entry(job).or_default();
            mine.seconds_sum = add(mine.seconds_sum, cycle.seconds_sum);
            mine.count = add(mine.count, cycle.count);
            mine.last_seconds = match (mine.last_seconds, cycle.last_seconds) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        self.unreadable.extend(other.unreadable);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fields_are_typed() {
        let s = Snapshot::from_fields([
            ("readings_received", "12"),
            ("readings_stored", "5"),
            ("readings_duplicate", "4"),
            ("readings_rejected", "3"),
            ("messages_rejected", "2"),
            ("predictions_generated", "36"),
            ("reroutes_generated", "0"),
            ("cycle_seconds_sum:predictor", "0.5"),
            ("cycle_seconds_count:predictor", "2"),
            ("cycle_last_seconds:predictor", "0.2"),
            ("cycle_last_seconds:rerouter", "1e-3"),
        ]);
        assert_eq!(s.readings, BTreeMap::from([("received", 12), ("stored", 5), ("duplicate", 4), ("rejected", 3)]));
        assert_eq!((s.messages_rejected, s.predictions_generated, s.reroutes_generated), (Some(2), Some(36), Some(0)));
        assert_eq!(s.cycles["predictor"], Cycle { seconds_sum: Some(0.5), count: Some(2), last_seconds: Some(0.2) });
        assert_eq!(s.cycles["rerouter"], Cycle { seconds_sum: None, count: None, last_seconds: Some(0.001) });
        assert!(s.unreadable.is_empty());
    }

    #[test]
    fn strays_and_malformed_values_are_set_aside() {
        let s = Snapshot::from_fields([
            ("readings_lost", "1"),
            ("readings_stored", "-1"),
            ("readings_received", "7"),
            ("messages_rejected", "1.5"),
            ("cycle_seconds_sum:Bad Job", "1"),
            ("cycle_seconds_sum:", "1"),
            ("cycle_seconds_count:predictor", "x"),
            ("cycle_last_seconds:rerouter", "NaN"),
            ("cycle_last_seconds:predictor", "inf"),
            ("cycle_minutes:predictor", "1"),
            ("something", "1"),
        ]);
        assert_eq!(s.readings, BTreeMap::from([("received", 7)]));
        assert_eq!(s.messages_rejected, None);
        assert_eq!(s.unreadable.len(), 10, "{:?}", s.unreadable);
        assert!(s.cycles.values().all(|c| *c == Cycle::default()), "{:?}", s.cycles);
    }

    #[test]
    fn an_empty_hash_is_an_empty_snapshot() {
        assert_eq!(Snapshot::from_fields(Vec::<(String, String)>::new()), Snapshot::default());
    }

    #[test]
    fn merging_adds_counters_and_keeps_the_larger_last_duration() {
        let mut a = Snapshot::from_fields([("readings_stored", "2"), ("cycle_seconds_count:predictor", "1"), ("cycle_last_seconds:predictor", "0.5")]);
        let b = Snapshot::from_fields([("readings_stored", "3"), ("readings_rejected", "1"), ("reroutes_generated", "4"), ("cycle_seconds_count:predictor", "2"), ("cycle_last_seconds:predictor", "0.25")]);
        a.merge(b);
        assert_eq!(a.readings, BTreeMap::from([("stored", 5), ("rejected", 1)]));
        assert_eq!(a.reroutes_generated, Some(4));
        assert_eq!(a.cycles["predictor"], Cycle { seconds_sum: None, count: Some(3), last_seconds: Some(0.5) });
    }

    #[test]
    fn what_the_components_write_reads_back() {
        let mut fields: Vec<(String, String)> = Vec::new();
        for u in crate::message_stored(3, 1).into_iter().chain(crate::message_rejected(2)).chain(crate::rerouter_cycle(5, 1.5)) {
            fields.push((u.field().to_string(), u.value()));
        }
        let s = Snapshot::from_fields(fields);
        assert!(s.unreadable.is_empty(), "{:?}", s.unreadable);
        assert_eq!(s.readings["rejected"], 2);
        assert_eq!(s.messages_rejected, Some(1));
        assert_eq!(s.cycles["rerouter"], Cycle { seconds_sum: Some(1.5), count: Some(1), last_seconds: Some(1.5) });
    }
}

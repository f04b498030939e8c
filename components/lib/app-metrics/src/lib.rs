//! CityFlow's application metrics (readings, predictions, reroutes, cycle durations) live in
//! one Redis hash per deployment, `<redis_prefix>metrics`, so they stay Spin-faithful: the
//! components update it with the Redis calls they already make (no custom host interface),
//! every replica adds to the same counters, and whatever runs the app — `cityflow`'s admin
//! listener here — reads the hash back at scrape time.
//!
//! [`Update`] is the write side (one hash command per counter, sent inside the components'
//! publish script); [`Snapshot`] is the read side (the hash's fields, typed and validated),
//! and `prometheus_text` (feature `text`) its Prometheus exposition.

mod snapshot;
#[cfg(feature = "text")]
mod text;
mod update;

pub use snapshot::{Cycle, Snapshot};
#[cfg(feature = "text")]
pub use text::prometheus_text;
pub use update::{message_rejected, message_stored, predictor_cycle, rerouter_cycle, Update};

/// The hash, below the deployment's Redis prefix.
pub const HASH: &str = "metrics";

/// Outcomes of a sensor reading, each a `readings_<outcome>` field: every reading of an
/// acknowledged message is `received`, then exactly one of the others.
pub const READING_OUTCOMES: [&str; 4] = ["received", "stored", "duplicate", "rejected"];

/// Messages refused as a whole (their readings are `readings_rejected`).
pub const MESSAGES_REJECTED: &str = "messages_rejected";
/// Predictions the predictor stored.
pub const PREDICTIONS_GENERATED: &str = "predictions_generated";
/// Reroutes the rerouter stored.
pub const REROUTES_GENERATED: &str = "reroutes_generated";

/// Per-job cycle fields are `<name>:<job>`.
pub const CYCLE_SECONDS_SUM: &str = "cycle_seconds_sum";
pub const CYCLE_SECONDS_COUNT: &str = "cycle_seconds_count";
pub const CYCLE_LAST_SECONDS: &str = "cycle_last_seconds";

/// The jobs that report cycles.
pub const PREDICTOR: &str = "predictor";
pub const REROUTER: &str = "rerouter";

//! The cron trigger, as the Spin cron trigger plugin defines it: `[[trigger.cron]]` with
//! `component` and a six-field `cron_expression` (seconds first, optional year), evaluated
//! in UTC; each firing calls `handle-cron-event` on a fresh instance.
//!
//! ```toml
//! [[trigger.cron]]
//! component = "predictor"
//! cron_expression = "0 * * * * *"
//! ```
//!
//! Unlike the plugin, a firing that is still running when the next one is due makes that
//! next one skip (and log), so a slow job never runs twice at once.

mod schedule;
mod trigger;

pub use schedule::parse_schedule;
pub use trigger::run;

wasmtime::component::bindgen!({
    path: "../wit/cron",
    world: "spin-cron",
    exports: { default: async },
});

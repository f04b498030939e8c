//! Component variables (mapped from the application's in spin.toml).

use routing_model::config::{RawConfig, RouterConfig};
use spin_kit::optional_variable as optional;

pub fn router() -> Result<RouterConfig, String> {
    let (threshold, gain, alternatives, horizon, cycle) = (
        optional("congestion_threshold"),
        optional("reroute_min_gain_min"),
        optional("reroute_alternatives"),
        optional("reroute_horizon_min"),
        optional("cycle_seconds"),
    );
    RouterConfig::parse(&RawConfig {
        congestion_threshold: threshold.as_deref(),
        min_gain_min: gain.as_deref(),
        max_alternatives: alternatives.as_deref(),
        horizon_min: horizon.as_deref(),
        cycle_seconds: cycle.as_deref(),
    })
}

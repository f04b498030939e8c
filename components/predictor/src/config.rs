//! Component variables (mapped from the application's in spin.toml).

use prediction_model::config::{PredictorConfig, RawConfig};
use spin_kit::optional_variable as optional;

pub fn predictor() -> Result<PredictorConfig, String> {
    let late_margin = optional("late_margin_seconds");
    let (model, zone, window, batch, accuracy) = (
        optional("model_version"),
        optional("city_timezone"),
        optional("capacity_window_hours"),
        optional("capacity_batch"),
        optional("accuracy_batch"),
    );
    PredictorConfig::parse(&RawConfig {
        model_version: model.as_deref(),
        city_timezone: zone.as_deref(),
        capacity_window_hours: window.as_deref(),
        capacity_batch: batch.as_deref(),
        accuracy_batch: accuracy.as_deref(),
        late_margin_seconds: late_margin.as_deref(),
    })
}

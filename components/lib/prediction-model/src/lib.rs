//! Congestion prediction for CityFlow's `predictor` component (issue 9).
//!
//! Two models, both a least-squares trend over 5-minute buckets of the last 30 minutes,
//! extrapolated and blended with the current bucket:
//! - `ewma-lr-v2` is the seed's predictor exactly (seed-systems.md §A4.3), kept so its
//!   accuracy can be compared;
//! - `ewma-lr-v3` (the default) fixes its flaws: rush hours in the city's local time at the
//!   predicted instant, speed normalised by the road's free-flow speed and flow by the road's
//!   observed capacity, each score term clamped on its own.
//!
//! Everything here is native Rust with unit tests; the component only moves rows between
//! Postgres, this crate and Redis.

pub mod accuracy;
pub mod config;
pub mod cycle;
pub mod event;
pub mod model;
pub mod regression;
pub mod rush;
pub mod score;
pub mod sql;

pub use model::{forecast, Bucket, Forecast, ModelVersion};
pub use score::RoadNorms;

/// Prediction horizons, minutes ahead of the cycle's timestamp.
pub const HORIZONS_MIN: [i32; 3] = [15, 30, 60];

/// Length of the observed window, minutes.
pub const LOOKBACK_MIN: i64 = 30;

/// Bucket width, minutes.
pub const BUCKET_MIN: i64 = 5;

/// Rounds to `decimals` decimal places (half away from zero), as the seed stored values.
pub fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

//! The two model versions: bucket series → one forecast per horizon.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::regression::fit_linear;
use crate::rush::{local_hour, rush_hour_factor};
use crate::score::{clamp01, road_score, seed_score, RoadNorms};
use crate::{round_to, LOOKBACK_MIN};

/// Weight of the extrapolated trend against the current bucket (the seed's EWMA α).
pub const ALPHA: f64 = 0.7;

/// Samples for full confidence.
pub const FULL_CONFIDENCE_SAMPLES: f64 = 50.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ModelVersion {
    /// The seed's model, exactly.
    V2,
    /// The default: local rush hours, per-road normalisation.
    V3,
}

impl ModelVersion {
    pub const ALL: [ModelVersion; 2] = [ModelVersion::V2, ModelVersion::V3];

    pub fn name(self) -> &'static str {
        match self {
            ModelVersion::V2 => "ewma-lr-v2",
            ModelVersion::V3 => "ewma-lr-v3",
        }
    }

    pub fn parse(name: &str) -> Option<ModelVersion> {
        ModelVersion::ALL.into_iter().find(|v| v.name() == name.trim())
    }

    /// The score of one observation under this model.
    pub fn score(self, speed_kmh: f64, occupancy: f64, flow_rate: f64, norms: &RoadNorms) -> f64 {
        match self {
            ModelVersion::V2 => seed_score(speed_kmh, occupancy, flow_rate),
            ModelVersion::V3 => road_score(speed_kmh, occupancy, flow_rate, norms),
        }
    }

    /// v2: the UTC hour of the cycle (as the seed). v3: the city's hour at the predicted
    /// instant — a 60-minute forecast made at 06:30 is for 07:30, in the rush.
    pub fn rush_factor(self, now: DateTime<Utc>, horizon_min: i32, zone: Tz) -> f64 {
        match self {
            ModelVersion::V2 => rush_hour_factor(local_hour(now, chrono_tz::UTC)),
            ModelVersion::V3 => rush_hour_factor(local_hour(now + Duration::minutes(horizon_min.into()), zone)),
        }
    }
}

/// One 5-minute bucket of a road's readings: averages and how many readings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    /// Bucket start minus window start, minutes (the first can be negative: buckets are
    /// aligned on the clock, the window on "now").
    pub x_min: f64,
    pub speed_kmh: f64,
    pub occupancy: f64,
    pub flow_rate: f64,
    pub samples: i64,
}

/// The intermediate values, for tests and logs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub slope: f64,
    pub intercept: f64,
    pub current: f64,
    pub predicted: f64,
    pub blended: f64,
    pub stability: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    /// Rounded to 3 decimals.
    pub score: f64,
    /// Rounded to 2 decimals.
    pub confidence: f64,
}

/// §A4.3 steps 4–6 on scores ordered by x: with two or more points the OLS line is
/// extrapolated to `lookback + horizon` and blended 0.7/0.3 with the last score; with one, the
/// last score stands, with stability 0.5.
pub fn trend(xs: &[f64], scores: &[f64], horizon_min: i32) -> Trend {
    let current = *scores.last().expect("trend needs at least one score");
    if scores.len() < 2 {
        return Trend { slope: 0.0, intercept: current, current, predicted: current, blended: current, stability: 0.5 };
    }
    let (slope, intercept) = fit_linear(xs, scores);
    let predicted = slope * (LOOKBACK_MIN as f64 + f64::from(horizon_min)) + intercept;
    let blended = ewma(ALPHA, predicted, current);
    Trend { slope, intercept, current, predicted, blended, stability: (1.0 - slope.abs() * 10.0).max(0.3) }
}

/// `α·predicted + (1−α)·current`.
pub fn ewma(alpha: f64, predicted: f64, current: f64) -> f64 {
    alpha * predicted + (1.0 - alpha) * current
}

/// The forecast of one road for one horizon; None without buckets.
pub fn forecast(version: ModelVersion, buckets: &[Bucket], norms: &RoadNorms, horizon_min: i32, rush_factor: f64) -> Option<Forecast> {
    if buckets.is_empty() {
        return None;
    }
    let xs: Vec<f64> = buckets.iter().map(|b| b.x_min).collect();
    let scores: Vec<f64> = buckets.iter().map(|b| version.score(b.speed_kmh, b.occupancy, b.flow_rate, norms)).collect();
    let t = trend(&xs, &scores, horizon_min);
    let samples: i64 = buckets.iter().map(|b| b.samples.max(0)).sum();
    let confidence = (samples as f64 / FULL_CONFIDENCE_SAMPLES).min(1.0) * t.stability;
    Some(Forecast { score: round_to(clamp01(t.blended * rush_factor), 3), confidence: round_to(clamp01(confidence), 2) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const XS: [f64; 6] = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0];
    const YS: [f64; 6] = [0.2, 0.3, 0.35, 0.4, 0.45, 0.5];

    /// Buckets whose seed score is exactly `y` (speed 90, no occupancy: score = flow/600).
    fn seed_buckets(samples: i64) -> Vec<Bucket> {
        XS.iter()
            .zip(YS)
            .map(|(&x, y)| Bucket { x_min: x, speed_kmh: 90.0, occupancy: 0.0, flow_rate: y * 600.0, samples })
            .collect()
    }

    fn at(hour: u32) -> DateTime<Utc> {
        format!("2026-03-10T{hour:02}:00:00Z").parse().unwrap()
    }

    #[test]
    fn seed_worked_example() {
        let t = trend(&XS, &YS, 30);
        assert!((t.slope - 0.011429).abs() < 5e-7, "{t:?}");
        assert!((t.intercept - 0.22381).abs() < 5e-6, "{t:?}");
        assert!((t.predicted - 0.90952).abs() < 5e-6, "{t:?}");
        assert!((t.blended - 0.78667).abs() < 5e-6, "{t:?}");
        assert!((t.stability - 0.886).abs() < 5e-4, "{t:?}");
        let norms = RoadNorms::default();
        let v2 = ModelVersion::V2;
        let noon = forecast(v2, &seed_buckets(10), &norms, 30, v2.rush_factor(at(12), 30, chrono_tz::UTC)).unwrap();
        assert_eq!(noon.score, 0.787);
        let eight = forecast(v2, &seed_buckets(10), &norms, 30, v2.rush_factor(at(8), 30, chrono_tz::UTC)).unwrap();
        assert_eq!(eight.score, 0.905);
        // 6 buckets × 10 samples = 60 ≥ 50: confidence = stability 0.886 → 0.89.
        assert_eq!(noon.confidence, 0.89);
        // 6 × 5 = 30 samples: 0.6 × 0.886 → 0.53.
        let thin = forecast(v2, &seed_buckets(5), &norms, 30, 1.0).unwrap();
        assert_eq!(thin.confidence, 0.53);
    }

    // The seed's TestEWMA.
    #[test]
    fn ewma_weights() {
        assert_eq!(ewma(1.0, 0.9, 0.1), 0.9);
        assert_eq!(ewma(0.0, 0.9, 0.1), 0.1);
        assert!((ewma(0.8, 0.2, 0.5) - 0.26).abs() < 1e-12);
        assert!((ewma(0.5, 0.2, 0.8) - 0.5).abs() < 1e-12);
        assert!((ewma(1.0, 0.7, 0.0) - 0.7).abs() < 1e-12);
        assert_eq!(ewma(0.7, 0.4, 0.4), 0.4);
    }

    fn series(ys: &[f64]) -> Vec<Bucket> {
        ys.iter()
            .enumerate()
            .map(|(i, y)| Bucket { x_min: 5.0 * i as f64, speed_kmh: 90.0, occupancy: 0.0, flow_rate: y * 600.0, samples: 100 })
            .collect()
    }

    // The seed's TestPredictionPipeline.
    #[test]
    fn pipeline_directions() {
        let norms = RoadNorms::default();
        let v2 = ModelVersion::V2;
        let rising = forecast(v2, &series(&[0.2, 0.25, 0.3, 0.35]), &norms, 30, 1.0).unwrap();
        assert!(rising.score > 0.35);
        let falling = forecast(v2, &series(&[0.6, 0.5, 0.4, 0.3]), &norms, 30, 1.0).unwrap();
        assert!(falling.score < 0.3);
        let rush = forecast(v2, &series(&[0.3, 0.35, 0.4]), &norms, 30, v2.rush_factor(at(8), 30, chrono_tz::UTC)).unwrap();
        let noon = forecast(v2, &series(&[0.3, 0.35, 0.4]), &norms, 30, v2.rush_factor(at(12), 30, chrono_tz::UTC)).unwrap();
        assert!(rush.score > noon.score);
        let steep = forecast(v2, &series(&[0.1, 0.5, 0.9, 1.0]), &norms, 60, 1.15).unwrap();
        assert!((0.0..=1.0).contains(&steep.score));
        let crash = forecast(v2, &series(&[1.0, 0.6, 0.2, 0.0]), &norms, 60, 1.0).unwrap();
        assert_eq!(crash.score, 0.0);
    }

    #[test]
    fn single_bucket_keeps_the_current_score() {
        let one = series(&[0.42]);
        let f = forecast(ModelVersion::V2, &one, &RoadNorms::default(), 30, 1.0).unwrap();
        assert_eq!(f.score, 0.42);
        assert_eq!(f.confidence, 0.5); // 100 samples, stability 0.5
        assert!(forecast(ModelVersion::V2, &[], &RoadNorms::default(), 30, 1.0).is_none());
    }

    #[test]
    fn longer_horizons_follow_the_trend_further() {
        let rising = series(&[0.2, 0.25, 0.3, 0.35, 0.4, 0.45]);
        let f = |h| forecast(ModelVersion::V2, &rising, &RoadNorms::default(), h, 1.0).unwrap().score;
        assert!(f(15) < f(30) && f(30) < f(60));
    }

    #[test]
    fn v3_rush_hour_is_local_and_at_the_target_time() {
        let v3 = ModelVersion::V3;
        let paris = chrono_tz::Europe::Paris;
        // 06:30 UTC in March (CET, UTC+1) is 07:30 in Paris: rush for every horizon.
        let now: DateTime<Utc> = "2026-03-10T06:30:00Z".parse().unwrap();
        assert_eq!(v3.rush_factor(now, 15, paris), 1.15);
        assert_eq!(ModelVersion::V2.rush_factor(now, 15, paris), 1.0);
        // 05:30 UTC = 06:30 Paris; the 60-minute forecast lands at 07:30, in the rush.
        let early: DateTime<Utc> = "2026-03-10T05:30:00Z".parse().unwrap();
        assert_eq!(v3.rush_factor(early, 15, paris), 1.0);
        assert_eq!(v3.rush_factor(early, 60, paris), 1.15);
    }

    #[test]
    fn names_round_trip() {
        for v in ModelVersion::ALL {
            assert_eq!(ModelVersion::parse(v.name()), Some(v));
        }
        assert_eq!(ModelVersion::parse("baseline-v1"), None);
    }
}

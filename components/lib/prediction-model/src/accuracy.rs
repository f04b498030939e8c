//! Accuracy: each prediction whose horizon has passed against the score observed then (the
//! same model's formula on the 5-minute bucket containing `ts + horizon`), and the mean
//! absolute error per model version and horizon.

use std::collections::BTreeMap;

use crate::model::ModelVersion;
use crate::round_to;
use crate::score::RoadNorms;

/// One row of [`crate::sql::ACCURACY_DUE`].
#[derive(Debug, Clone, PartialEq)]
pub struct DuePrediction {
    pub id: i64,
    pub model_version: String,
    pub horizon_min: i32,
    pub predicted: f64,
    /// Averages of the observed bucket; None when the road did not report then.
    pub observed: Option<(f64, f64, f64)>,
    pub norms: RoadNorms,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// (prediction id, observed score or None when nothing can be observed).
    pub observed: Vec<(i64, Option<f64>)>,
    /// (model version, horizon, number of predictions, mean absolute error).
    pub summary: Vec<(String, i32, i64, f64)>,
}

pub fn evaluate(due: &[DuePrediction]) -> Evaluation {
    let mut observed = Vec::with_capacity(due.len());
    let mut errors: BTreeMap<(String, i32), (i64, f64)> = BTreeMap::new();
    for p in due {
        // A prediction of an unknown model (e.g. the seed's baseline-v1) has no formula to
        // observe with: it is marked evaluated without a score.
        let score = match (ModelVersion::parse(&p.model_version), p.observed) {
            (Some(model), Some((speed, occupancy, flow))) => Some(round_to(model.score(speed, occupancy, flow, &p.norms), 3)),
            _ => None,
        };
        if let Some(score) = score {
            let e = errors.entry((p.model_version.clone(), p.horizon_min)).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += (p.predicted - score).abs();
        }
        observed.push((p.id, score));
    }
    let summary = errors.into_iter().map(|((m, h), (n, sum))| (m, h, n, round_to(sum / n as f64, 4))).collect();
    Evaluation { observed, summary }
}

impl Evaluation {
    /// `$2..$7` of [`crate::sql::RECORD_ACCURACY`], as `text[]`.
    pub fn columns(&self) -> [Vec<Option<String>>; 6] {
        let mut cols: [Vec<Option<String>>; 6] = Default::default();
        for (id, score) in &self.observed {
            cols[0].push(Some(id.to_string()));
            cols[1].push(score.map(|s| s.to_string()));
        }
        for (model, horizon, n, mae) in &self.summary {
            cols[2].push(Some(model.clone()));
            cols[3].push(Some(horizon.to_string()));
            cols[4].push(Some(n.to_string()));
            cols[5].push(Some(mae.to_string()));
        }
        cols
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(id: i64, model: &str, horizon: i32, predicted: f64, observed: Option<(f64, f64, f64)>) -> DuePrediction {
        DuePrediction { id, model_version: model.into(), horizon_min: horizon, predicted, observed, norms: RoadNorms::default() }
    }

    #[test]
    fn mean_absolute_error_per_model_and_horizon() {
        // Seed score of (45, 0.5, 60) is 0.5.
        let rows = vec![
            due(1, "ewma-lr-v2", 30, 0.7, Some((45.0, 0.5, 60.0))),
            due(2, "ewma-lr-v2", 30, 0.4, Some((45.0, 0.5, 60.0))),
            due(3, "ewma-lr-v2", 60, 0.5, Some((45.0, 0.5, 60.0))),
            due(4, "ewma-lr-v2", 30, 0.9, None),
            due(5, "baseline-v1", 30, 0.9, Some((45.0, 0.5, 60.0))),
        ];
        let e = evaluate(&rows);
        assert_eq!(e.observed, vec![(1, Some(0.5)), (2, Some(0.5)), (3, Some(0.5)), (4, None), (5, None)]);
        assert_eq!(e.summary, vec![("ewma-lr-v2".to_string(), 30, 2, 0.15), ("ewma-lr-v2".to_string(), 60, 1, 0.0)]);
        let cols = e.columns();
        assert_eq!(cols[0].len(), 5);
        assert_eq!(cols[1][3], None);
        assert_eq!(cols[2].len(), 2);
    }

    #[test]
    fn versions_observe_with_their_own_formula() {
        let norms = RoadNorms { free_flow_kmh: Some(30.0), speed_p95_kmh: None, flow_p95: Some(600.0) };
        let mut v3 = due(1, "ewma-lr-v3", 15, 0.1, Some((30.0, 0.05, 300.0)));
        v3.norms = norms;
        let mut v2 = due(2, "ewma-lr-v2", 15, 0.1, Some((30.0, 0.05, 300.0)));
        v2.norms = norms;
        let e = evaluate(&[v3, v2]);
        let (s3, s2) = (e.observed[0].1.unwrap(), e.observed[1].1.unwrap());
        assert!(s3 < 0.2 && s2 > 0.5, "{s3} {s2}");
    }
}

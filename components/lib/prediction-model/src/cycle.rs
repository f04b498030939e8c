//! One prediction cycle, without I/O: bucket rows of all roads → prediction rows → the column
//! arrays of the one insert statement.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::model::{forecast, Bucket, ModelVersion};
use crate::score::RoadNorms;
use crate::HORIZONS_MIN;

/// One row of [`crate::sql::BUCKETS`]: a road's bucket and the road's norms.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketRow {
    pub road_id: String,
    pub bucket: Bucket,
    pub norms: RoadNorms,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PredictionRow {
    pub road_id: String,
    pub horizon_min: i32,
    pub score: f64,
    pub confidence: f64,
}

/// Predictions for every road and horizon. `rows` must be ordered by road, then by bucket
/// (the query's ORDER BY); each road's norms are taken from its first row.
pub fn predict_roads(version: ModelVersion, rows: &[BucketRow], now: DateTime<Utc>, zone: Tz) -> Vec<PredictionRow> {
    let factors: Vec<(i32, f64)> = HORIZONS_MIN.iter().map(|&h| (h, version.rush_factor(now, h, zone))).collect();
    let mut out = Vec::with_capacity(rows.len() / 4 * HORIZONS_MIN.len());
    let mut buckets: Vec<Bucket> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        buckets.push(row.bucket);
        let last_of_road = rows.get(i + 1).is_none_or(|next| next.road_id != row.road_id);
        if !last_of_road {
            continue;
        }
        for &(horizon_min, factor) in &factors {
            if let Some(f) = forecast(version, &buckets, &row.norms, horizon_min, factor) {
                out.push(PredictionRow { road_id: row.road_id.clone(), horizon_min, score: f.score, confidence: f.confidence });
            }
        }
        buckets.clear();
    }
    out
}

/// `$2..$5` of [`crate::sql::INSERT_PREDICTIONS`]: road_id, horizon_min, score, confidence as
/// `text[]` (spin:postgres@4.0.0 has no float arrays; the statement casts).
pub fn insert_columns(rows: &[PredictionRow]) -> [Vec<Option<String>>; 4] {
    let mut cols: [Vec<Option<String>>; 4] = Default::default();
    for r in rows {
        cols[0].push(Some(r.road_id.clone()));
        cols[1].push(Some(r.horizon_min.to_string()));
        cols[2].push(Some(r.score.to_string()));
        cols[3].push(Some(r.confidence.to_string()));
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(road: &str, x: f64, speed: f64) -> BucketRow {
        BucketRow {
            road_id: road.into(),
            bucket: Bucket { x_min: x, speed_kmh: speed, occupancy: 0.1, flow_rate: 60.0, samples: 150 },
            norms: RoadNorms { free_flow_kmh: Some(50.0), speed_p95_kmh: None, flow_p95: Some(600.0) },
        }
    }

    #[test]
    fn every_road_gets_every_horizon() {
        let now: DateTime<Utc> = "2026-03-10T11:00:00Z".parse().unwrap();
        let rows = vec![row("A", 0.0, 50.0), row("A", 5.0, 40.0), row("A", 10.0, 30.0), row("B", 0.0, 50.0), row("C", 20.0, 5.0)];
        let out = predict_roads(ModelVersion::V3, &rows, now, chrono_tz::Europe::Paris);
        assert_eq!(out.len(), 9);
        let a: Vec<_> = out.iter().filter(|p| p.road_id == "A").collect();
        assert_eq!(a.iter().map(|p| p.horizon_min).collect::<Vec<_>>(), vec![15, 30, 60]);
        assert!(a[0].score < a[2].score, "slowing road: the further, the worse");
        let c = out.iter().find(|p| p.road_id == "C").unwrap();
        let b = out.iter().find(|p| p.road_id == "B").unwrap();
        assert!(c.score > b.score);
        let cols = insert_columns(&out);
        assert!(cols.iter().all(|c| c.len() == 9));
        assert_eq!(cols[1][0].as_deref(), Some("15"));
    }

    #[test]
    fn no_rows_no_predictions() {
        let now: DateTime<Utc> = "2026-03-10T11:00:00Z".parse().unwrap();
        assert!(predict_roads(ModelVersion::V2, &[], now, chrono_tz::UTC).is_empty());
    }
}

//! Postgres: the cycle's statements (`prediction_model::sql`), all set-based.

use prediction_model::accuracy::{DuePrediction, Evaluation};
use prediction_model::cycle::{insert_columns, BucketRow, PredictionRow};
use prediction_model::{sql, Bucket, RoadNorms};
use spin_sdk::pg4::{Connection, Decode, DbValue, ParameterValue};

pub struct Db(Connection);

fn text(s: &str) -> ParameterValue {
    ParameterValue::Str(s.to_string())
}

fn get<T: Decode>(row: &[DbValue], i: usize, what: &str) -> Result<T, String> {
    row.get(i).ok_or_else(|| format!("{what}: missing column {i}")).and_then(|v| T::decode(v).map_err(|e| format!("{what}: column {i}: {e}")))
}

fn count(rows: &spin_sdk::pg4::RowSet, what: &str) -> Result<u64, String> {
    let row = rows.rows.first().ok_or_else(|| format!("{what}: no row"))?;
    let n: i64 = get(row, 0, what)?;
    u64::try_from(n).map_err(|_| format!("{what}: negative count"))
}

impl Db {
    pub fn open() -> Result<Db, String> {
        let url = spin_kit::variable("db_url")?;
        Connection::open(&url).map(Db).map_err(|e| format!("cannot connect to the database: {e:?}"))
    }

    /// Rolls the readings since the last rolled-up bucket into `traffic_buckets` and prunes
    /// old buckets; returns (buckets written, buckets pruned).
    pub fn roll_up(&self, window_start: &str, now: &str, late_margin_seconds: i32, keep_hours: i32) -> Result<(u64, u64), String> {
        let from = self
            .0
            .query(sql::ROLL_UP_FROM, &[text(window_start), text(now), ParameterValue::Int32(late_margin_seconds)])
            .map_err(|e| format!("roll-up start query failed: {e:?}"))?;
        let from: String = get(from.rows.first().ok_or("roll-up start query: no row")?, 0, "roll-up start")?;
        let written = self.0.execute(sql::ROLL_UP, &[text(&from), text(now)]).map_err(|e| format!("bucket roll-up failed: {e:?}"))?;
        let pruned = self
            .0
            .execute(sql::PRUNE_BUCKETS, &[text(now), ParameterValue::Int32(keep_hours)])
            .map_err(|e| format!("bucket pruning failed: {e:?}"))?;
        Ok((written, pruned))
    }

    pub fn refresh_capacity(&self, now: &str, window_hours: i32, batch: i32) -> Result<u64, String> {
        let params = [text(now), ParameterValue::Int32(window_hours), ParameterValue::Int32(batch)];
        self.0.execute(sql::REFRESH_CAPACITY, &params).map_err(|e| format!("capacity refresh failed: {e:?}"))
    }

    pub fn buckets(&self, window_start: &str, now: &str) -> Result<Vec<BucketRow>, String> {
        let rows = self.0.query(sql::BUCKETS, &[text(window_start), text(now)]).map_err(|e| format!("bucket query failed: {e:?}"))?;
        rows.rows
            .iter()
            .map(|r| {
                Ok(BucketRow {
                    road_id: get(r, 0, "buckets")?,
                    bucket: Bucket {
                        x_min: get(r, 1, "buckets")?,
                        speed_kmh: get(r, 2, "buckets")?,
                        occupancy: get(r, 3, "buckets")?,
                        flow_rate: get(r, 4, "buckets")?,
                        samples: get(r, 5, "buckets")?,
                    },
                    norms: RoadNorms { free_flow_kmh: get(r, 6, "buckets")?, speed_p95_kmh: get(r, 7, "buckets")?, flow_p95: get(r, 8, "buckets")? },
                })
            })
            .collect()
    }

    pub fn insert_predictions(&self, ts: &str, model_version: &str, rows: &[PredictionRow]) -> Result<u64, String> {
        let [roads, horizons, scores, confidences] = insert_columns(rows);
        let params = [
            text(ts),
            ParameterValue::ArrayStr(roads),
            ParameterValue::ArrayStr(horizons),
            ParameterValue::ArrayStr(scores),
            ParameterValue::ArrayStr(confidences),
            text(model_version),
        ];
        let rows = self.0.query(sql::INSERT_PREDICTIONS, &params).map_err(|e| format!("storing predictions failed: {e:?}"))?;
        count(&rows, "storing predictions")
    }

    pub fn due_predictions(&self, now: &str, batch: i32) -> Result<Vec<DuePrediction>, String> {
        let rows = self.0.query(sql::ACCURACY_DUE, &[text(now), ParameterValue::Int32(batch)]).map_err(|e| format!("accuracy query failed: {e:?}"))?;
        rows.rows
            .iter()
            .map(|r| {
                let speed: Option<f64> = get(r, 4, "accuracy")?;
                let occupancy: Option<f64> = get(r, 5, "accuracy")?;
                let flow: Option<f64> = get(r, 6, "accuracy")?;
                Ok(DuePrediction {
                    id: get(r, 0, "accuracy")?,
                    model_version: get(r, 1, "accuracy")?,
                    horizon_min: get(r, 2, "accuracy")?,
                    predicted: get(r, 3, "accuracy")?,
                    observed: speed.zip(occupancy).zip(flow).map(|((s, o), f)| (s, o, f)),
                    norms: RoadNorms { free_flow_kmh: get(r, 7, "accuracy")?, speed_p95_kmh: get(r, 8, "accuracy")?, flow_p95: get(r, 9, "accuracy")? },
                })
            })
            .collect()
    }

    pub fn record_accuracy(&self, now: &str, evaluation: &Evaluation) -> Result<u64, String> {
        let mut params = vec![text(now)];
        params.extend(evaluation.columns().into_iter().map(ParameterValue::ArrayStr));
        let rows = self.0.query(sql::RECORD_ACCURACY, &params).map_err(|e| format!("recording accuracy failed: {e:?}"))?;
        count(&rows, "recording accuracy")
    }
}

//! The read endpoints. Each validates its whole query first (a 400 touches nothing), then
//! reads Postgres, through the response cache for the hot ones.

use std::collections::HashMap;

use api_kit::{ApiError, Query};
use chrono::{DateTime, Duration, Utc};
use spin_sdk::http::{Request, Response};
use traffic_api_model::cursor::TsIdList;
use traffic_api_model::history::HistoryQuery;
use traffic_api_model::items::{
    congestion, Accuracy, AccuracyCycle, AccuracySummary, History, HistoryBucket, Latest, LiveReading, Page, Prediction, Reroute, Road, RoadPrediction,
};
use traffic_api_model::queries::{AccuracyQuery, LiveQuery, PredictionsQuery, ReroutesQuery, RoadQuery, RoadsQuery};
use prediction_model::{ModelVersion, RoadNorms};
use traffic_api_model::{cache, geo, openapi, sql, Format, RoadCursor, TsIdCursor};

use crate::cache::{Cache, Outcome};
use crate::db::{self, Db, Row};
use crate::reply;

/// When `reroute_active_seconds` is unset: two rerouter cycles of 60 s.
const DEFAULT_ACTIVE_SECS: i64 = 120;

fn query(req: &Request) -> Result<Query, ApiError> {
    Query::parse(req.query())
}

fn accept(req: &Request) -> Option<&str> {
    req.header("accept").and_then(|v| v.as_str())
}

/// The wall clock to the microsecond, the database's precision.
pub fn now() -> DateTime<Utc> {
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    DateTime::from_timestamp_micros(i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX)).unwrap_or_default()
}

/// Serves `key` from the cache, else runs `compute` and caches its body for `ttl_secs`.
fn cached(key: &str, ttl_secs: i64, content_type: &str, compute: impl FnOnce() -> Result<Vec<u8>, ApiError>) -> Result<Response, ApiError> {
    let cache = Cache::new();
    let key = cache.key(key);
    let outcome = match cache.get(&key) {
        Ok(body) => return Ok(reply::body_of(200, content_type, body, Some(Outcome::Hit.as_str()))),
        Err(outcome) => outcome,
    };
    let body = compute()?;
    if outcome == Outcome::Miss {
        cache.put(&key, &body, ttl_secs);
    }
    Ok(reply::body_of(200, content_type, body, Some(outcome.as_str())))
}

fn to_bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value).map_err(|e| {
        eprintln!("traffic-api: cannot serialise response: {e}");
        ApiError::internal("internal error")
    })
}

fn bbox_params(bbox: Option<traffic_api_model::BBox>) -> [spin_sdk::pg4::ParameterValue; 4] {
    [
        db::float8(bbox.map(|b| b.min_lng)),
        db::float8(bbox.map(|b| b.min_lat)),
        db::float8(bbox.map(|b| b.max_lng)),
        db::float8(bbox.map(|b| b.max_lat)),
    ]
}

/// The predictor's model (`prediction_model` variable), whose score colours live readings.
fn model() -> ModelVersion {
    spin_kit::optional_variable("prediction_model").and_then(|name| ModelVersion::parse(&name)).unwrap_or(ModelVersion::V3)
}

fn road_row(model: ModelVersion, row: &Row) -> Result<Road, String> {
    let norms = RoadNorms { free_flow_kmh: row.get(7)?, speed_p95_kmh: row.get(18)?, flow_p95: row.get(19)? };
    let latest = match row.opt_ts(8)? {
        Some(ts) => {
            let (speed_kmh, flow_rate, occupancy): (f64, f64, f64) = (row.get(10)?, row.get(11)?, row.get(12)?);
            let congestion = congestion(model, speed_kmh, occupancy, flow_rate, &norms);
            Some(Latest { ts, sensor_id: row.get(9)?, speed_kmh, flow_rate, occupancy, congestion })
        }
        None => None,
    };
    let prediction = match row.opt_ts(13)? {
        Some(ts) => Some(RoadPrediction {
            ts,
            horizon_min: row.get(14)?,
            congestion_score: row.get(15)?,
            confidence: row.get(16)?,
            model_version: row.get(17)?,
        }),
        None => None,
    };
    Ok(Road {
        road_id: row.get(0)?,
        label: row.get(1)?,
        lat: row.get(2)?,
        lng: row.get(3)?,
        from_node: row.get(4)?,
        to_node: row.get(5)?,
        length_m: row.get(6)?,
        free_flow_kmh: row.get(7)?,
        latest,
        prediction,
    })
}

fn roads_page(db: &Db, horizon: i32, after: Option<&RoadCursor>, bbox: Option<traffic_api_model::BBox>, road: Option<&str>, limit: i64) -> Result<Page<Road>, ApiError> {
    let [min_lng, min_lat, max_lng, max_lat] = bbox_params(bbox);
    let params = [db::int4(Some(horizon)), db::text(after.map(|c| c.0.as_str())), min_lng, min_lat, max_lng, max_lat, db::text(road), db::int8(Some(limit + 1))];
    let model = model();
    let rows = db.rows("roads", sql::ROADS, &params, |row| road_row(model, row))?;
    Ok(Page::from_rows(rows, limit, |r: &Road| RoadCursor(r.road_id.clone()).encode()))
}

/// `GET /api/roads`.
pub fn roads(req: &Request) -> Result<Response, ApiError> {
    let q = RoadsQuery::parse(&query(req)?, accept(req))?;
    cached(&q.cache_key(), cache::ROADS_TTL_SECS, q.format.content_type(), || {
        let page = roads_page(&Db::connect()?, q.horizon, q.after.as_ref(), q.bbox, None, q.limit)?;
        match q.format {
            Format::Json => to_bytes(&page),
            Format::GeoJson => to_bytes(&geo::roads(&page)),
        }
    })
}

/// `GET /api/roads/{road_id}`.
pub fn road(req: &Request, road_id: &str) -> Result<Response, ApiError> {
    let q = RoadQuery::parse(&query(req)?, accept(req))?;
    let page = roads_page(&Db::connect()?, q.horizon, None, None, Some(road_id), 1)?;
    let road = page.items.into_iter().next().ok_or_else(|| ApiError::not_found(format!("no road {road_id:?}")))?;
    match q.format {
        Format::Json => reply::json(&road, q.format.content_type()),
        Format::GeoJson => reply::json(&geo::road(&road), q.format.content_type()),
    }
}

/// `GET /api/traffic/live`.
pub fn live(req: &Request) -> Result<Response, ApiError> {
    let q = LiveQuery::parse(&query(req)?)?;
    cached(&q.cache_key(), cache::LIVE_TTL_SECS, "application/json", || {
        let [min_lng, min_lat, max_lng, max_lat] = bbox_params(q.bbox);
        let params = [
            db::text(q.after.as_ref().map(|c| c.0.as_str())),
            db::texts(q.roads.as_deref()),
            min_lng,
            min_lat,
            max_lng,
            max_lat,
            db::int8(Some(q.limit + 1)),
        ];
        let model = model();
        let rows = Db::connect()?.rows("live", sql::LIVE, &params, |row| {
            let (speed_kmh, flow_rate, occupancy): (f64, f64, f64) = (row.get(3)?, row.get(4)?, row.get(5)?);
            let norms = RoadNorms { free_flow_kmh: row.get(6)?, speed_p95_kmh: row.get(7)?, flow_p95: row.get(8)? };
            Ok(LiveReading {
                road_id: row.get(0)?,
                sensor_id: row.get(1)?,
                ts: row.ts(2)?,
                speed_kmh,
                flow_rate,
                occupancy,
                congestion: congestion(model, speed_kmh, occupancy, flow_rate, &norms),
            })
        })?;
        to_bytes(&Page::from_rows(rows, q.limit, |r: &LiveReading| RoadCursor(r.road_id.clone()).encode()))
    })
}

/// `GET /api/traffic/history`.
pub fn history(req: &Request) -> Result<Response, ApiError> {
    let q = HistoryQuery::parse(&query(req)?, now())?;
    let params = [
        db::text(Some(&q.road_id)),
        db::float8(Some(q.bucket.seconds as f64)),
        db::text(Some(&traffic_api_model::time::rfc3339_micros(&q.from))),
        db::text(Some(&traffic_api_model::time::rfc3339_micros(&q.to))),
    ];
    let items = Db::connect()?.rows("history", sql::HISTORY, &params, |row| {
        Ok(HistoryBucket { bucket: row.ts(0)?, speed_kmh: row.get(1)?, flow_rate: row.get(2)?, occupancy: row.get(3)?, readings: row.get(4)? })
    })?;
    let history = History { road_id: q.road_id, from: q.from, to: q.to, bucket: q.bucket.text, items };
    reply::json(&history, "application/json")
}

/// `GET /api/predictions`.
pub fn predictions(req: &Request) -> Result<Response, ApiError> {
    let q = PredictionsQuery::parse(&query(req)?)?;
    let before_ts = q.before.as_ref().map(TsIdCursor::ts_param);
    let params = [
        db::int4(q.horizon),
        db::text(q.road_id.as_deref()),
        db::text(before_ts.as_deref()),
        db::int8(q.before.as_ref().map(|c| c.id)),
        db::int8(Some(q.limit + 1)),
    ];
    let rows = Db::connect()?.rows("predictions", sql::PREDICTIONS, &params, |row| {
        Ok(Prediction {
            id: row.get(0)?,
            ts: row.ts(1)?,
            road_id: row.get(2)?,
            horizon_min: row.get(3)?,
            congestion_score: row.get(4)?,
            confidence: row.get(5)?,
            model_version: row.get(6)?,
            observed_score: row.get(7)?,
        })
    })?;
    let page = Page::from_rows(rows, q.limit, |p: &Prediction| TsIdCursor { ts: p.ts, id: p.id }.encode(TsIdList::Predictions));
    reply::json(&page, "application/json")
}

/// `GET /api/predictions/accuracy`.
pub fn accuracy(req: &Request) -> Result<Response, ApiError> {
    let q = AccuracyQuery::parse(&query(req)?)?;
    let db = Db::connect()?;
    let summary = db.rows("accuracy summary", sql::ACCURACY_SUMMARY, &[], |row| {
        Ok(AccuracySummary {
            model_version: row.get(0)?,
            horizon_min: row.get(1)?,
            predictions: row.get(2)?,
            mean_abs_error: row.get(3)?,
            first_evaluated_at: row.ts(4)?,
            last_evaluated_at: row.ts(5)?,
        })
    })?;
    let recent_cycles = db.rows("recent accuracy", sql::ACCURACY_RECENT, &[db::int8(Some(q.cycles))], |row| {
        Ok(AccuracyCycle {
            evaluated_at: row.ts(0)?,
            model_version: row.get(1)?,
            horizon_min: row.get(2)?,
            predictions: i64::from(row.get::<i32>(3)?),
            mean_abs_error: row.get(4)?,
        })
    })?;
    reply::json(&Accuracy { summary, recent_cycles }, "application/json")
}

/// How old the newest rerouter cycle may be and still count as active.
fn active_window() -> Duration {
    let secs = spin_kit::optional_variable("reroute_active_seconds")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|s| (1..=86_400).contains(s))
        .unwrap_or(DEFAULT_ACTIVE_SECS);
    Duration::seconds(secs)
}

/// `GET /api/reroutes`.
pub fn reroutes(req: &Request) -> Result<Response, ApiError> {
    let q = ReroutesQuery::parse(&query(req)?, accept(req))?;
    let before_ts = q.before.as_ref().map(TsIdCursor::ts_param);
    let oldest_active = q.active.then(|| traffic_api_model::time::rfc3339_micros(&(now() - active_window())));
    let params = [
        db::text(q.route_id.as_deref()),
        db::text(before_ts.as_deref()),
        db::int8(q.before.as_ref().map(|c| c.id)),
        db::text(oldest_active.as_deref()),
        db::int8(Some(q.limit + 1)),
    ];
    let db = Db::connect()?;
    let rows = db.rows("reroutes", sql::REROUTES, &params, |row| {
        Ok(Reroute {
            id: row.get(0)?,
            ts: row.ts(1)?,
            route_id: row.get(2)?,
            alt_route_id: row.get(3)?,
            alt_path: row.get::<Option<Vec<Option<String>>>>(4)?.unwrap_or_default().into_iter().flatten().collect(),
            reason: row.get(5)?,
            estimated_co2_gain: row.get(6)?,
            eta_gain_min: row.get(7)?,
        })
    })?;
    let page = Page::from_rows(rows, q.limit, |r: &Reroute| TsIdCursor { ts: r.ts, id: r.id }.encode(TsIdList::Reroutes));
    match q.format {
        Format::Json => reply::json(&page, q.format.content_type()),
        Format::GeoJson => {
            let roads = geo::path_roads(&page);
            let positions: HashMap<String, (f64, f64)> = if roads.is_empty() {
                HashMap::new()
            } else {
                db.rows("road positions", sql::ROAD_POSITIONS, &[db::texts(Some(&roads))], |row| Ok((row.get::<String>(0)?, (row.get(1)?, row.get(2)?))))?
                    .into_iter()
                    .collect()
            };
            reply::json(&geo::reroutes(&page, &positions), q.format.content_type())
        }
    }
}

/// `GET /api/openapi.json`.
pub fn openapi(req: &Request) -> Result<Response, ApiError> {
    query(req)?.reject_unknown(&[])?;
    Ok(reply::body_of(200, "application/json", openapi::OPENAPI_JSON.as_bytes().to_vec(), None))
}

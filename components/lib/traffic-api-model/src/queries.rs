//! What each list endpoint accepts. Unknown parameters and invalid values are 400s naming
//! the parameter, checked before anything is read.

use api_kit::{ApiError, Query};

use crate::bbox::BBox;
use crate::cursor::{RoadCursor, TsIdCursor, TsIdList};
use crate::params::{self, Format};

/// Prediction horizon of `/api/roads` when none is asked for.
pub const DEFAULT_HORIZON: i32 = 30;
/// Accuracy cycles listed by default, and at most.
pub const DEFAULT_CYCLES: i64 = 10;
pub const MAX_CYCLES: i64 = 100;

fn bbox(query: &Query) -> Result<Option<BBox>, ApiError> {
    query.get_with("bbox", BBox::parse)
}

fn road_cursor(query: &Query) -> Result<Option<RoadCursor>, ApiError> {
    query.get_with("cursor", RoadCursor::decode)
}

fn ts_id_cursor(query: &Query, list: TsIdList) -> Result<Option<TsIdCursor>, ApiError> {
    query.get_with("cursor", |raw| TsIdCursor::decode(raw, list))
}

/// `GET /api/roads`.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadsQuery {
    pub bbox: Option<BBox>,
    pub horizon: i32,
    pub limit: i64,
    pub after: Option<RoadCursor>,
    pub format: Format,
}

impl RoadsQuery {
    pub const PARAMS: [&'static str; 5] = ["bbox", "horizon", "limit", "cursor", "format"];

    pub fn parse(query: &Query, accept: Option<&str>) -> Result<RoadsQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        Ok(RoadsQuery {
            bbox: bbox(query)?,
            horizon: params::horizon(query)?.unwrap_or(DEFAULT_HORIZON),
            limit: params::limit(query)?,
            after: road_cursor(query)?,
            format: Format::negotiate(query, accept)?,
        })
    }

    /// Identifies the answer for the response cache: equal keys, equal answers.
    pub fn cache_key(&self) -> String {
        format!(
            "roads:h={}:l={}:b={}:c={}:f={}",
            self.horizon,
            self.limit,
            self.bbox.map(|b| b.canonical()).unwrap_or_default(),
            self.after.as_ref().map(|c| c.0.as_str()).unwrap_or_default(),
            self.format.as_str()
        )
    }
}

/// `GET /api/roads/{road_id}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RoadQuery {
    pub horizon: i32,
    pub format: Format,
}

impl RoadQuery {
    pub const PARAMS: [&'static str; 2] = ["horizon", "format"];

    pub fn parse(query: &Query, accept: Option<&str>) -> Result<RoadQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        Ok(RoadQuery { horizon: params::horizon(query)?.unwrap_or(DEFAULT_HORIZON), format: Format::negotiate(query, accept)? })
    }
}

/// `GET /api/traffic/live`.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveQuery {
    pub roads: Option<Vec<String>>,
    pub bbox: Option<BBox>,
    pub limit: i64,
    pub after: Option<RoadCursor>,
}

impl LiveQuery {
    pub const PARAMS: [&'static str; 4] = ["roads", "bbox", "limit", "cursor"];

    pub fn parse(query: &Query) -> Result<LiveQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        Ok(LiveQuery {
            roads: params::road_list(query, "roads")?,
            bbox: bbox(query)?,
            limit: params::limit(query)?,
            after: road_cursor(query)?,
        })
    }

    pub fn cache_key(&self) -> String {
        format!(
            "live:l={}:b={}:c={}:r={}",
            self.limit,
            self.bbox.map(|b| b.canonical()).unwrap_or_default(),
            self.after.as_ref().map(|c| c.0.as_str()).unwrap_or_default(),
            self.roads.as_ref().map(|r| r.join(",")).unwrap_or_default(),
        )
    }
}

/// `GET /api/predictions`.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictionsQuery {
    pub horizon: Option<i32>,
    pub road_id: Option<String>,
    pub limit: i64,
    pub before: Option<TsIdCursor>,
}

impl PredictionsQuery {
    pub const PARAMS: [&'static str; 4] = ["horizon", "road_id", "limit", "cursor"];

    pub fn parse(query: &Query) -> Result<PredictionsQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        Ok(PredictionsQuery {
            horizon: params::horizon(query)?,
            road_id: params::id(query, "road_id")?,
            limit: params::limit(query)?,
            before: ts_id_cursor(query, TsIdList::Predictions)?,
        })
    }
}

/// `GET /api/predictions/accuracy`.
#[derive(Debug, Clone, PartialEq)]
pub struct AccuracyQuery {
    pub cycles: i64,
}

impl AccuracyQuery {
    pub const PARAMS: [&'static str; 1] = ["cycles"];

    pub fn parse(query: &Query) -> Result<AccuracyQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        let cycles = query.get_i64("cycles")?.unwrap_or(DEFAULT_CYCLES);
        if !(1..=MAX_CYCLES).contains(&cycles) {
            return Err(ApiError::bad_param("cycles", format!("query parameter `cycles` must be between 1 and {MAX_CYCLES}")));
        }
        Ok(AccuracyQuery { cycles })
    }
}

/// `GET /api/reroutes`. `active=true` keeps the rows of the latest rerouter cycle that
/// produced any, provided that cycle is recent (see the component's `reroute_active_seconds`);
/// `active=false` or no `active` lists every reroute.
#[derive(Debug, Clone, PartialEq)]
pub struct ReroutesQuery {
    pub active: bool,
    pub route_id: Option<String>,
    pub limit: i64,
    pub before: Option<TsIdCursor>,
    pub format: Format,
}

impl ReroutesQuery {
    pub const PARAMS: [&'static str; 5] = ["active", "route_id", "limit", "cursor", "format"];

    pub fn parse(query: &Query, accept: Option<&str>) -> Result<ReroutesQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        Ok(ReroutesQuery {
            active: query.get_bool("active")?.unwrap_or(false),
            route_id: params::id(query, "route_id")?,
            limit: params::limit(query)?,
            before: ts_id_cursor(query, TsIdList::Reroutes)?,
            format: Format::negotiate(query, accept)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn q(raw: &str) -> Query {
        Query::parse(raw).unwrap()
    }

    fn field(result: Result<impl std::fmt::Debug, ApiError>) -> Option<String> {
        result.unwrap_err().field().map(str::to_string)
    }

    #[test]
    fn roads_defaults_and_values() {
        let r = RoadsQuery::parse(&q(""), None).unwrap();
        assert_eq!((r.horizon, r.limit, r.bbox, r.after.clone(), r.format), (30, 100, None, None, Format::Json));
        let cursor = RoadCursor("R7".into()).encode();
        let r = RoadsQuery::parse(&q(&format!("bbox=2.2,48.8,2.5,48.9&horizon=60&limit=7&cursor={cursor}&format=geojson")), None).unwrap();
        assert_eq!(r.horizon, 60);
        assert_eq!(r.after, Some(RoadCursor("R7".into())));
        assert_eq!(r.format, Format::GeoJson);
        assert_eq!(r.cache_key(), "roads:h=60:l=7:b=2.2,48.8,2.5,48.9:c=R7:f=geojson");
    }

    #[test]
    fn every_invalid_parameter_is_named() {
        assert_eq!(field(RoadsQuery::parse(&q("bbox=1,2"), None)).as_deref(), Some("bbox"));
        assert_eq!(field(RoadsQuery::parse(&q("horizon=45"), None)).as_deref(), Some("horizon"));
        assert_eq!(field(RoadsQuery::parse(&q("cursor=zzz"), None)).as_deref(), Some("cursor"));
        assert_eq!(field(RoadsQuery::parse(&q("roads=R1"), None)).as_deref(), Some("roads"));
        assert_eq!(field(RoadsQuery::parse(&q("limit=1001"), None)).as_deref(), Some("limit"));
        assert_eq!(field(RoadQuery::parse(&q("limit=5"), None)).as_deref(), Some("limit"));
        assert_eq!(field(LiveQuery::parse(&q("roads=a%20b"))).as_deref(), Some("roads"));
        assert_eq!(field(LiveQuery::parse(&q("horizon=30"))).as_deref(), Some("horizon"));
        assert_eq!(field(PredictionsQuery::parse(&q("horizon=0"))).as_deref(), Some("horizon"));
        assert_eq!(field(PredictionsQuery::parse(&q("road_id=%2F"))).as_deref(), Some("road_id"));
        assert_eq!(field(AccuracyQuery::parse(&q("cycles=0"))).as_deref(), Some("cycles"));
        assert_eq!(field(AccuracyQuery::parse(&q("cycles=101"))).as_deref(), Some("cycles"));
        assert_eq!(field(ReroutesQuery::parse(&q("active=yes"), None)).as_deref(), Some("active"));
        assert_eq!(field(ReroutesQuery::parse(&q("format=kml"), None)).as_deref(), Some("format"));
    }

    #[test]
    fn a_prediction_cursor_is_refused_by_reroutes() {
        let ts = DateTime::from_timestamp(1_736_937_000, 0).unwrap();
        let cursor = TsIdCursor { ts, id: 9 }.encode(TsIdList::Predictions);
        let p = PredictionsQuery::parse(&q(&format!("cursor={cursor}"))).unwrap();
        assert_eq!(p.before, Some(TsIdCursor { ts, id: 9 }));
        assert_eq!(field(ReroutesQuery::parse(&q(&format!("cursor={cursor}")), None)).as_deref(), Some("cursor"));
    }

    #[test]
    fn live_cache_keys_tell_filters_apart() {
        let a = LiveQuery::parse(&q("roads=a,b")).unwrap().cache_key();
        let b = LiveQuery::parse(&q("roads=a")).unwrap().cache_key();
        let c = LiveQuery::parse(&q("")).unwrap().cache_key();
        assert!(a != b && b != c && a != c);
    }
}

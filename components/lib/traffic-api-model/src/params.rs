//! Parameters several endpoints share. Every error names its parameter (HTTP 400).

use api_kit::{ApiError, Query, DEFAULT_LIMIT, MAX_LIMIT};
use traffic_model::ID_MAX_LEN;

/// Most road ids one `roads=` filter may list.
pub const MAX_ROADS_FILTER: usize = 100;

/// The prediction horizons the predictor produces, minutes.
pub const HORIZONS: [i32; 3] = [15, 30, 60];

/// Same rule as the ingest component's (`traffic-model`): 1–64 bytes of `A-Za-z0-9-_.:`, so
/// an id that could never have been stored is an error rather than an empty answer.
pub fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > ID_MAX_LEN {
        return Err(format!("must be 1 to {ID_MAX_LEN} characters long"));
    }
    match id.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))) {
        Some(c) => Err(format!("contains {c:?}; ids use only A-Z a-z 0-9 - _ . :")),
        None => Ok(()),
    }
}

/// `limit` in 1..=1000, default 100.
pub fn limit(query: &Query) -> Result<i64, ApiError> {
    let limit = query.get_i64("limit")?.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_param("limit", format!("query parameter `limit` must be between 1 and {MAX_LIMIT}")));
    }
    Ok(limit)
}

/// A single road id parameter (`road_id`, `route_id`).
pub fn id(query: &Query, name: &str) -> Result<Option<String>, ApiError> {
    query.get_with(name, |raw| check_id(raw).map(|()| raw.to_string()))
}

/// `roads=a,b,c`: distinct ids, at most [`MAX_ROADS_FILTER`].
pub fn road_list(query: &Query, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    query.get_with(name, |raw| {
        let mut ids: Vec<String> = Vec::new();
        for id in raw.split(',').map(str::trim) {
            check_id(id).map_err(|why| format!("has a road id that {why}"))?;
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        }
        if ids.len() > MAX_ROADS_FILTER {
            return Err(format!("lists more than {MAX_ROADS_FILTER} road ids"));
        }
        Ok(ids)
    })
}

/// `horizon` in minutes: one of [`HORIZONS`].
pub fn horizon(query: &Query) -> Result<Option<i32>, ApiError> {
    query.get_with("horizon", |raw| {
        raw.parse::<i32>()
            .ok()
            .filter(|h| HORIZONS.contains(h))
            .ok_or_else(|| "must be one of 15, 30, 60 (minutes)".to_string())
    })
}

/// Response body format of the lists that have a map form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    GeoJson,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::GeoJson => "geojson",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::GeoJson => "application/geo+json",
        }
    }

    /// `?format=json|geojson` wins; otherwise GeoJSON when `Accept` asks for
    /// `application/geo+json` at least as much as for `application/json`.
    pub fn negotiate(query: &Query, accept: Option<&str>) -> Result<Format, ApiError> {
        let explicit = query.get_with("format", |raw| match raw {
            "json" => Ok(Format::Json),
            "geojson" => Ok(Format::GeoJson),
            _ => Err("must be json or geojson".to_string()),
        })?;
        if let Some(format) = explicit {
            return Ok(format);
        }
        let Some(accept) = accept else { return Ok(Format::Json) };
        let (geo, json) = (quality(accept, "application/geo+json"), quality(accept, "application/json"));
        Ok(if geo > 0.0 && geo >= json { Format::GeoJson } else { Format::Json })
    }
}

/// The `q` an `Accept` header gives to exactly `media_type` (0 when not listed).
fn quality(accept: &str, media_type: &str) -> f64 {
    accept
        .split(',')
        .filter_map(|range| {
            let mut parts = range.split(';');
            let name = parts.next()?.trim();
            if !name.eq_ignore_ascii_case(media_type) {
                return None;
            }
            let q = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(Some(1.0), |(_, v)| v.trim().parse::<f64>().ok())?;
            Some(q.clamp(0.0, 1.0))
        })
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(raw: &str) -> Query {
        Query::parse(raw).unwrap()
    }

    #[test]
    fn ids_follow_the_ingest_rule() {
        assert!(check_id("PARIS-4264").is_ok());
        assert!(check_id("a.b:c_d-e").is_ok());
        for bad in ["", "a b", "é", "a/b", &"x".repeat(65)] {
            assert!(check_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limit_bounds() {
        assert_eq!(limit(&q("")).unwrap(), 100);
        assert_eq!(limit(&q("limit=1000")).unwrap(), 1000);
        for raw in ["limit=0", "limit=1001", "limit=x", "limit=-5"] {
            assert_eq!(limit(&q(raw)).unwrap_err().field(), Some("limit"), "{raw}");
        }
    }

    #[test]
    fn road_lists() {
        assert_eq!(road_list(&q("roads=a,b,%20a"), "roads").unwrap(), Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(road_list(&q(""), "roads").unwrap(), None);
        assert_eq!(road_list(&q("roads=a,,b"), "roads").unwrap_err().field(), Some("roads"));
        assert_eq!(road_list(&q("roads=a%20b"), "roads").unwrap_err().field(), Some("roads"));
        let many = (0..101).map(|i| format!("r{i}")).collect::<Vec<_>>().join(",");
        assert!(road_list(&q(&format!("roads={many}")), "roads").unwrap_err().message().contains("100"));
    }

    #[test]
    fn horizons() {
        assert_eq!(horizon(&q("horizon=15")).unwrap(), Some(15));
        assert_eq!(horizon(&q("")).unwrap(), None);
        for raw in ["horizon=20", "horizon=abc", "horizon=-30", "horizon=30.0"] {
            assert_eq!(horizon(&q(raw)).unwrap_err().field(), Some("horizon"), "{raw}");
        }
    }

    #[test]
    fn format_negotiation() {
        let none = q("");
        assert_eq!(Format::negotiate(&none, None).unwrap(), Format::Json);
        assert_eq!(Format::negotiate(&none, Some("application/geo+json")).unwrap(), Format::GeoJson);
        assert_eq!(Format::negotiate(&none, Some("application/json, application/geo+json;q=0.5")).unwrap(), Format::Json);
        assert_eq!(Format::negotiate(&none, Some("application/json;q=0.2, application/geo+json")).unwrap(), Format::GeoJson);
        assert_eq!(Format::negotiate(&none, Some("application/geo+json;q=0")).unwrap(), Format::Json);
        assert_eq!(Format::negotiate(&none, Some("*/*")).unwrap(), Format::Json);
        assert_eq!(Format::negotiate(&q("format=geojson"), Some("application/json")).unwrap(), Format::GeoJson);
        assert_eq!(Format::negotiate(&q("format=json"), Some("application/geo+json")).unwrap(), Format::Json);
        assert_eq!(Format::negotiate(&q("format=xml"), None).unwrap_err().field(), Some("format"));
    }
}

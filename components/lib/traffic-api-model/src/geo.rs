//! GeoJSON (RFC 7946) forms of the road and reroute lists, for maps. Properties are the JSON
//! items' fields; the page's `next_cursor` is a foreign member of the FeatureCollection.

use std::collections::HashMap;

use geojson::{Feature, FeatureCollection, Geometry, JsonObject};
use serde::Serialize;
use serde_json::Value;

use crate::items::{Page, Reroute, Road};

/// A road's midpoint, `(lat, lng)`.
pub type Positions = HashMap<String, (f64, f64)>;

fn properties<T: Serialize>(item: &T) -> JsonObject {
    match serde_json::to_value(item) {
        Ok(Value::Object(map)) => map,
        // Items are structs: they always serialise to objects.
        _ => JsonObject::new(),
    }
}

fn collection(features: Vec<Feature>, next_cursor: &Option<String>) -> FeatureCollection {
    let mut members = JsonObject::new();
    members.insert("next_cursor".to_string(), next_cursor.clone().map_or(Value::Null, Value::String));
    FeatureCollection { bbox: None, features, foreign_members: Some(members) }
}

/// Roads as Point features at their midpoints; a road without a position has a `null`
/// geometry (an unlocated feature, allowed by RFC 7946 §3.2).
pub fn roads(page: &Page<Road>) -> FeatureCollection {
    let features = page.items.iter().map(road).collect();
    collection(features, &page.next_cursor)
}

/// One road as a Feature.
pub fn road(road: &Road) -> Feature {
    let geometry = match (road.lat, road.lng) {
        (Some(lat), Some(lng)) => Some(Geometry::new_point([lng, lat])),
        _ => None,
    };
    Feature {
        geometry,
        id: Some(geojson::feature::Id::String(road.road_id.clone())),
        properties: Some(properties(road)),
        ..Feature::default()
    }
}

/// Reroutes as LineStrings through the midpoints of their detour's roads, in order; roads
/// without a position are skipped, and a detour with fewer than two positioned roads has a
/// `null` geometry.
pub fn reroutes(page: &Page<Reroute>, positions: &Positions) -> FeatureCollection {
    let features = page
        .items
        .iter()
        .map(|reroute| {
            let line: Vec<[f64; 2]> = reroute
                .alt_path
                .iter()
                .filter_map(|road| positions.get(road))
                .map(|&(lat, lng)| [lng, lat])
                .collect();
            let geometry = (line.len() >= 2).then(|| Geometry::new_line_string(line));
            Feature {
                geometry,
                id: Some(geojson::feature::Id::Number(reroute.id.into())),
                properties: Some(properties(reroute)),
                ..Feature::default()
            }
        })
        .collect();
    collection(features, &page.next_cursor)
}

/// The road ids a page of reroutes needs positions for.
pub fn path_roads(page: &Page<Reroute>) -> Vec<String> {
    let mut ids: Vec<String> = page.items.iter().flat_map(|r| r.alt_path.iter().cloned()).collect();
    ids.sort();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;
    use serde_json::json;

    fn road_at(id: &str, at: Option<(f64, f64)>) -> Road {
        Road {
            road_id: id.into(),
            label: "Rue".into(),
            lat: at.map(|p| p.0),
            lng: at.map(|p| p.1),
            from_node: None,
            to_node: None,
            length_m: None,
            free_flow_kmh: None,
            latest: None,
            prediction: None,
        }
    }

    #[test]
    fn roads_are_points_in_lng_lat_order() {
        let page = Page { items: vec![road_at("R1", Some((48.85, 2.35))), road_at("R2", None)], next_cursor: Some("abc".into()) };
        let v = serde_json::to_value(roads(&page)).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert_eq!(v["next_cursor"], "abc");
        assert_eq!(v["features"][0]["geometry"], json!({"type": "Point", "coordinates": [2.35, 48.85]}));
        assert_eq!(v["features"][0]["id"], "R1");
        assert_eq!(v["features"][0]["properties"]["road_id"], "R1");
        assert_eq!(v["features"][0]["properties"]["latest"], Value::Null);
        assert_eq!(v["features"][1]["geometry"], Value::Null);
    }

    #[test]
    fn reroutes_are_lines_through_positioned_roads() {
        let reroute = |id: i64, path: &[&str]| Reroute {
            id,
            ts: parse_rfc3339("2025-01-15T10:30:00Z").unwrap(),
            route_id: "INC".into(),
            alt_route_id: path.join(">"),
            alt_path: path.iter().map(|s| s.to_string()).collect(),
            reason: "r".into(),
            estimated_co2_gain: Some(0.1),
            eta_gain_min: Some(2.0),
        };
        let page = Page { items: vec![reroute(1, &["A", "X", "B"]), reroute(2, &["A", "X"])], next_cursor: None };
        let positions: Positions = [("A".to_string(), (48.0, 2.0)), ("B".to_string(), (48.1, 2.1))].into();
        assert_eq!(path_roads(&page), vec!["A", "B", "X"]);
        let v = serde_json::to_value(reroutes(&page, &positions)).unwrap();
        assert_eq!(v["next_cursor"], Value::Null);
        assert_eq!(v["features"][0]["geometry"], json!({"type": "LineString", "coordinates": [[2.0, 48.0], [2.1, 48.1]]}));
        assert_eq!(v["features"][0]["id"], 1);
        assert_eq!(v["features"][0]["properties"]["alt_path"], json!(["A", "X", "B"]));
        assert_eq!(v["features"][1]["geometry"], Value::Null, "one positioned road is no line");
    }
}

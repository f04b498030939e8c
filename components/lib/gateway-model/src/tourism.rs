//! The tourism service over GraphQL (`POST /graphql`): the queries and their replies.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Every attraction (10 in the seed; the page size is the service's maximum).
pub const ALL_QUERY: &str = "{ attractions(first: 100) { id name type status zone } }";

/// The attractions of one zone; the zone travels as a variable, never spliced into the query.
pub const BY_ZONE_QUERY: &str =
    "query($zone: String!) { attractionsByZone(zone: $zone, first: 100) { id name type status zone } }";

pub const OPEN: &str = "OPEN";

/// Every attraction with every field, for the read pass-through.
pub const FULL_QUERY: &str = "{ attractions(first: 100) { id name type address latitude longitude status openingHours description zone } }";

pub fn full_request() -> String {
    json!({ "query": FULL_QUERY }).to_string()
}

/// `data.<field>` of a reply as it is (a JSON list), or the failure.
pub fn data_list(field: &str, status: u16, body: &[u8]) -> Result<Value, String> {
    let reply: Value = serde_json::from_slice(body).map_err(|e| format!("tourism reply is not JSON: {e}"))?;
    if let Some(first) = reply.get("errors").and_then(Value::as_array).and_then(|e| e.first()) {
        let message = first.get("message").and_then(Value::as_str).unwrap_or("unknown error");
        return Err(format!("GraphQL error: {message}"));
    }
    if status != 200 {
        return Err(format!("tourism answered HTTP {status}"));
    }
    match reply.get("data").and_then(|d| d.get(field)) {
        Some(list @ Value::Array(_)) => Ok(list.clone()),
        _ => Err(format!("tourism reply has no data.{field} list")),
    }
}

pub fn all_request() -> String {
    json!({ "query": ALL_QUERY }).to_string()
}

pub fn by_zone_request(zone: &str) -> String {
    json!({ "query": BY_ZONE_QUERY, "variables": { "zone": zone } }).to_string()
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Attraction {
    pub id: i64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub zone: String,
}

impl Attraction {
    pub fn is_open(&self) -> bool {
        self.status == OPEN
    }
}

/// Reads `{"data": {<field>: [Attraction]}}`; a reply with `errors` and no data is a failure.
pub fn parse_attractions(field: &str, status: u16, body: &[u8]) -> Result<Vec<Attraction>, String> {
    let list = data_list(field, status, body)?;
    serde_json::from_value(list).map_err(|e| format!("tourism data.{field} is not a list of attractions: {e}"))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TourismSummary {
    pub currently_open: usize,
    pub total_attractions: usize,
}

pub fn summarize(attractions: &[Attraction]) -> TourismSummary {
    TourismSummary {
        currently_open: attractions.iter().filter(|a| a.is_open()).count(),
        total_attractions: attractions.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &[u8] = br#"{"data":{"attractions":[
        {"id":1,"name":"Louvre","type":"MUSEUM","status":"OPEN","zone":"paris-01"},
        {"id":2,"name":"Notre-Dame","type":"CHURCH","status":"TEMPORARILY_CLOSED","zone":"paris-04"}]}}"#;

    #[test]
    fn a_data_reply_is_read_and_counted() {
        let list = parse_attractions("attractions", 200, REPLY).unwrap();
        assert_eq!(list[1].kind, "CHURCH");
        assert_eq!(summarize(&list), TourismSummary { currently_open: 1, total_attractions: 2 });
    }

    #[test]
    fn errors_echoes_and_missing_fields_are_failures() {
        let errors = br#"{"errors":[{"message":"Unknown field"}],"data":null}"#;
        assert_eq!(parse_attractions("attractions", 200, errors).unwrap_err(), "GraphQL error: Unknown field");
        assert!(parse_attractions("attractions", 200, br#"{"method":"POST","path":"/graphql"}"#).unwrap_err().contains("no data.attractions"));
        assert!(parse_attractions("attractionsByZone", 200, REPLY).is_err());
        assert!(parse_attractions("attractions", 200, b"<html>").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn the_zone_is_a_variable() {
        let body: Value = serde_json::from_str(&by_zone_request("paris-08\" }")).unwrap();
        assert_eq!(body["variables"]["zone"], "paris-08\" }");
        assert_eq!(body["query"], BY_ZONE_QUERY);
    }
}

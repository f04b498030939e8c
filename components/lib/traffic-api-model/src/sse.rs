//! `GET /api/stream`: Server-Sent Events from the three Redis streams the pipeline appends
//! to. Each event's `id:` is the position in all three streams just after it, so a client
//! reconnecting with `Last-Event-ID` resumes every stream exactly where it stopped.

use api_kit::{ApiError, Query};
use serde_json::{Map, Value};

use crate::params;

/// Reconnection delay suggested to clients (`retry:`), milliseconds.
pub const RETRY_MS: u32 = 3000;
/// A comment goes out after this much silence, so proxies and clients see the stream alive.
pub const HEARTBEAT_MS: u64 = 15_000;
/// Entries read from Redis per blocking read, at most.
pub const READ_COUNT: u32 = 200;

/// The three event kinds, in the order of the composite id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    Traffic,
    Prediction,
    Reroute,
}

pub const FEEDS: [Feed; 3] = [Feed::Traffic, Feed::Prediction, Feed::Reroute];

impl Feed {
    /// The SSE `event:` name.
    pub fn event(self) -> &'static str {
        match self {
            Feed::Traffic => "traffic",
            Feed::Prediction => "prediction",
            Feed::Reroute => "reroute",
        }
    }

    /// The stream key below the Redis prefix, as the publishers name it.
    pub fn stream(self) -> &'static str {
        match self {
            Feed::Traffic => traffic_model::live::STREAM,
            Feed::Prediction => prediction_model::event::STREAM,
            Feed::Reroute => routing_model::event::STREAM,
        }
    }

    /// The event field `?roads=` filters on: a reroute is about the congested road it avoids.
    fn road_field(self) -> &'static str {
        match self {
            Feed::Traffic | Feed::Prediction => "road_id",
            Feed::Reroute => "route_id",
        }
    }

    fn index(self) -> usize {
        match self {
            Feed::Traffic => 0,
            Feed::Prediction => 1,
            Feed::Reroute => 2,
        }
    }
}

/// The stream keys under `prefix`, in [`FEEDS`] order.
pub fn stream_keys(prefix: &str) -> [String; 3] {
    FEEDS.map(|feed| format!("{prefix}{}", feed.stream()))
}

/// A Redis stream entry id, `<milliseconds>-<sequence>`.
pub fn is_stream_id(raw: &str) -> bool {
    match raw.split_once('-') {
        Some((ms, seq)) => [ms, seq].iter().all(|part| !part.is_empty() && part.len() <= 20 && part.bytes().all(|b| b.is_ascii_digit()) && part.parse::<u64>().is_ok()),
        None => false,
    }
}

/// A position in the three streams: `<traffic-id>,<prediction-id>,<reroute-id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Positions([String; 3]);

impl Positions {
    pub fn new(ids: [String; 3]) -> Result<Positions, String> {
        match ids.iter().find(|id| !is_stream_id(id)) {
            Some(bad) => Err(format!("{bad:?} is not a stream id")),
            None => Ok(Positions(ids)),
        }
    }

    pub fn parse(raw: &str) -> Result<Positions, String> {
        let parts: Vec<&str> = raw.trim().split(',').collect();
        let invalid = || "must be an event id this stream sent (<traffic-id>,<prediction-id>,<reroute-id>)".to_string();
        let [t, p, r] = parts.as_slice() else { return Err(invalid()) };
        Positions::new([t.to_string(), p.to_string(), r.to_string()]).map_err(|_| invalid())
    }

    pub fn get(&self, feed: Feed) -> &str {
        &self.0[feed.index()]
    }

    pub fn set(&mut self, feed: Feed, id: String) {
        self.0[feed.index()] = id;
    }

    pub fn ids(&self) -> &[String; 3] {
        &self.0
    }
}

impl std::fmt::Display for Positions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{},{},{}", self.0[0], self.0[1], self.0[2])
    }
}

/// What `GET /api/stream` accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamQuery {
    /// Only events about these roads (traffic and predictions by `road_id`, reroutes by the
    /// `route_id` they avoid); all events when `None`.
    pub roads: Option<Vec<String>>,
    /// Where to resume; `None` starts at the streams' current ends.
    pub resume: Option<Positions>,
}

impl StreamQuery {
    pub const PARAMS: [&'static str; 2] = ["roads", "last_event_id"];

    /// `last_event_id_header` is the `Last-Event-ID` header, which wins over the
    /// `last_event_id` parameter: a browser reconnecting an EventSource opened with the
    /// parameter sends the newer position in the header and the stale one in the URL.
    pub fn parse(query: &Query, last_event_id_header: Option<&str>) -> Result<StreamQuery, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        let roads = params::road_list(query, "roads")?;
        let from_query = query.get_with("last_event_id", Positions::parse)?;
        let resume = match last_event_id_header.map(str::trim).filter(|v| !v.is_empty()) {
            Some(header) => Some(Positions::parse(header).map_err(|why| ApiError::bad_request(format!("header Last-Event-ID {why}")))?),
            None => from_query,
        };
        Ok(StreamQuery { roads, resume })
    }

    /// Whether an event of `feed` about the road in `event` passes the `roads` filter.
    pub fn admits(&self, feed: Feed, event: &Map<String, Value>) -> bool {
        match &self.roads {
            None => true,
            Some(roads) => event.get(feed.road_field()).and_then(Value::as_str).is_some_and(|road| roads.iter().any(|r| r == road)),
        }
    }
}

/// An entry's `data` as one event payload: a JSON object on one line (the publishers write
/// compact JSON; anything else is re-serialised compactly). `None` when it is not a JSON
/// object, which no publisher sends: such entries are skipped.
pub fn event_object(data: &str) -> Option<(Map<String, Value>, String)> {
    let object: Map<String, Value> = serde_json::from_str(data).ok()?;
    let line = if data.contains(['\n', '\r']) { Value::Object(object.clone()).to_string() } else { data.to_string() };
    Some((object, line))
}

/// First frame: the reconnection delay, and the starting position as an id-only block so a
/// client that disconnects before any event still resumes from here.
pub fn opening(positions: &Positions) -> String {
    format!("retry: {RETRY_MS}\nid: {positions}\n\n")
}

/// One event; `line` is a single-line JSON object (see [`event_object`]).
pub fn event(feed: Feed, positions: &Positions, line: &str) -> String {
    format!("event: {}\nid: {positions}\ndata: {line}\n\n", feed.event())
}

/// Keeps the connection alive; with `positions` when they moved past filtered-out events
/// since the last id sent, so a reconnect does not re-read them.
pub fn heartbeat(moved_to: Option<&Positions>) -> String {
    match moved_to {
        Some(positions) => format!(": heartbeat\nid: {positions}\n\n"),
        None => ": heartbeat\n\n".to_string(),
    }
}

/// A stream id's order: (milliseconds, sequence); `None` for what is not a stream id.
fn id_order(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// The feeds whose entries after `resume` may have been trimmed before the client came back:
/// `first_kept` holds each stream's oldest kept entry when older ones were dropped (`0-0`
/// otherwise), and a position older than that lost what lay between. (When the position is
/// exactly the last dropped entry nothing was lost, but Redis does not say which that was: the
/// client then only reads the state once more than it needed.)
pub fn gaps(resume: &Positions, first_kept: &Positions) -> Vec<Feed> {
    FEEDS.into_iter().filter(|&feed| id_order(first_kept.get(feed)) > id_order(resume.get(feed))).collect()
}

/// The `gap` event, sent after the opening frame of a resumed stream that lost events: the
/// feeds named missed some (the streams keep only the newest entries), so the client should
/// read the current state again (`/api/traffic/live`, `/api/predictions`, `/api/reroutes`).
pub fn gap(feeds: &[Feed]) -> String {
    let names: Vec<&str> = feeds.iter().map(|f| f.event()).collect();
    let data = serde_json::json!({
        "feeds": names,
        "message": "events were missed since Last-Event-ID (the streams keep only the newest); read the current state again",
    });
    format!("event: gap\ndata: {data}\n\n")
}

/// The `error` event before a clean close: `data` is the API's JSON error object. It carries
/// the `retry:` hint too, since it may be the only frame a client gets (Redis down from the
/// start).
pub fn error(err: &ApiError) -> String {
    format!("event: error\nretry: {RETRY_MS}\ndata: {}\n\n", err.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn positions() -> Positions {
        Positions::parse("1736937000000-0,0-0,1736937000001-5").unwrap()
    }

    #[test]
    fn a_gap_is_a_resume_position_older_than_the_first_kept_entry() {
        let resume = Positions::parse("1736937000000-0,0-0,1736937000001-5").unwrap();
        let none = Positions::parse("0-0,0-0,0-0").unwrap();
        assert!(gaps(&resume, &none).is_empty());
        let older = Positions::parse("1736936999999-9,0-0,1736937000001-5").unwrap();
        assert!(gaps(&resume, &older).is_empty(), "entries kept from before the resume position: nothing lost");
        let trimmed = Positions::parse("1736937000000-1,5-0,1736937000001-6").unwrap();
        assert_eq!(gaps(&resume, &trimmed), vec![Feed::Traffic, Feed::Prediction, Feed::Reroute]);
        // Numeric, not textual, order.
        let wide = Positions::parse("10000000000000-0,0-0,0-0").unwrap();
        assert_eq!(gaps(&Positions::parse("9999999999999-0,0-0,0-0").unwrap(), &wide), vec![Feed::Traffic]);
        let frame = gap(&[Feed::Traffic, Feed::Reroute]);
        assert!(frame.starts_with("event: gap\ndata: {") && frame.ends_with("}\n\n"), "{frame}");
        let data: Value = serde_json::from_str(frame.lines().nth(1).unwrap().strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["feeds"], serde_json::json!(["traffic", "reroute"]));
    }

    #[test]
    fn stream_ids() {
        for ok in ["0-0", "1736937000000-12", "18446744073709551615-0"] {
            assert!(is_stream_id(ok), "{ok}");
        }
        for bad in ["", "0", "-0", "0-", "a-1", "1-b", "1-2-3", "$", ">", "18446744073709551616-0", " 1-0"] {
            assert!(!is_stream_id(bad), "{bad}");
        }
    }

    #[test]
    fn composite_ids_round_trip() {
        let p = positions();
        assert_eq!(p.to_string(), "1736937000000-0,0-0,1736937000001-5");
        assert_eq!(p.get(Feed::Reroute), "1736937000001-5");
        assert_eq!(Positions::parse(&p.to_string()).unwrap(), p);
        for bad in ["", "1-0", "1-0,2-0", "1-0,2-0,3-0,4-0", "1-0,x,3-0", "$,$,$"] {
            assert!(Positions::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_the_publishers_streams() {
        assert_eq!(stream_keys("p:"), ["p:stream:traffic".to_string(), "p:stream:predictions".to_string(), "p:stream:reroutes".to_string()]);
    }

    #[test]
    fn the_header_wins_over_the_parameter() {
        let query = Query::parse("last_event_id=1-0,1-0,1-0").unwrap();
        let q = StreamQuery::parse(&query, Some("2-0,2-0,2-0")).unwrap();
        assert_eq!(q.resume.unwrap().to_string(), "2-0,2-0,2-0");
        let q = StreamQuery::parse(&query, None).unwrap();
        assert_eq!(q.resume.unwrap().to_string(), "1-0,1-0,1-0");
        assert_eq!(StreamQuery::parse(&Query::parse("").unwrap(), None).unwrap().resume, None);
    }

    #[test]
    fn bad_parameters_are_400s() {
        let err = StreamQuery::parse(&Query::parse("last_event_id=nope").unwrap(), None).unwrap_err();
        assert_eq!((err.status(), err.field()), (400, Some("last_event_id")));
        let err = StreamQuery::parse(&Query::parse("").unwrap(), Some("nope")).unwrap_err();
        assert_eq!(err.status(), 400);
        let err = StreamQuery::parse(&Query::parse("road=R1").unwrap(), None).unwrap_err();
        assert_eq!(err.field(), Some("road"));
        let err = StreamQuery::parse(&Query::parse("roads=a%20b").unwrap(), None).unwrap_err();
        assert_eq!(err.field(), Some("roads"));
    }

    #[test]
    fn the_filter_matches_roads_and_the_routes_reroutes_avoid() {
        let q = StreamQuery::parse(&Query::parse("roads=R1,R2").unwrap(), None).unwrap();
        let obj = |v: Value| v.as_object().unwrap().clone();
        assert!(q.admits(Feed::Traffic, &obj(serde_json::json!({"road_id": "R1"}))));
        assert!(!q.admits(Feed::Prediction, &obj(serde_json::json!({"road_id": "R3"}))));
        assert!(q.admits(Feed::Reroute, &obj(serde_json::json!({"route_id": "R2", "alt_path": ["R9"]}))));
        assert!(!q.admits(Feed::Reroute, &obj(serde_json::json!({"road_id": "R2"}))));
        let all = StreamQuery::parse(&Query::parse("").unwrap(), None).unwrap();
        assert!(all.admits(Feed::Traffic, &obj(serde_json::json!({}))));
    }

    #[test]
    fn payloads_are_one_line_json_objects() {
        let (obj, line) = event_object(r#"{"road_id":"R1","speed_kmh":4.5}"#).unwrap();
        assert_eq!(obj["road_id"], "R1");
        assert_eq!(line, r#"{"road_id":"R1","speed_kmh":4.5}"#);
        let (_, line) = event_object("{\n  \"road_id\": \"R1\"\n}").unwrap();
        assert_eq!(line, r#"{"road_id":"R1"}"#);
        assert!(event_object("\"a string\"").is_none());
        assert!(event_object("[1,2]").is_none());
        assert!(event_object("not json").is_none());
    }

    #[test]
    fn frames() {
        let p = positions();
        assert_eq!(opening(&p), "retry: 3000\nid: 1736937000000-0,0-0,1736937000001-5\n\n");
        assert_eq!(
            event(Feed::Traffic, &p, r#"{"road_id":"R1"}"#),
            "event: traffic\nid: 1736937000000-0,0-0,1736937000001-5\ndata: {\"road_id\":\"R1\"}\n\n"
        );
        assert_eq!(heartbeat(None), ": heartbeat\n\n");
        assert!(heartbeat(Some(&p)).ends_with("id: 1736937000000-0,0-0,1736937000001-5\n\n"));
        let e = error(&ApiError::service_unavailable("live updates are unavailable"));
        assert!(e.starts_with("event: error\nretry: 3000\ndata: {\"error\":{\"code\":\"service_unavailable\""), "{e}");
        assert!(e.ends_with("}\n\n") && e.matches('\n').count() == 4);
    }
}

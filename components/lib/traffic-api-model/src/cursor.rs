//! Opaque keyset cursors. A cursor is the position of the last item of a page, so the next
//! page starts strictly after it: no row is skipped or repeated however many rows share a
//! timestamp (the seed paged on `ts` alone and lost them).
//!
//! On the wire: URL-safe base64 of `<list>:<position>`. Clients must treat it as opaque;
//! the list tag makes a cursor of one list an error on another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

/// Longest cursor accepted, in characters (a road id is at most 64 bytes).
const MAX_LEN: usize = 200;

const ROAD: &str = "road";

/// The lists paged by `(ts, id)`, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsIdList {
    Predictions,
    Reroutes,
}

impl TsIdList {
    fn tag(self) -> &'static str {
        match self {
            TsIdList::Predictions => "pred",
            TsIdList::Reroutes => "rrt",
        }
    }
}

/// After this road id (lists ordered by `road_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadCursor(pub String);

/// Before this `(ts, id)` (lists ordered by `ts DESC, id DESC`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsIdCursor {
    pub ts: DateTime<Utc>,
    pub id: i64,
}

fn encode(tag: &str, position: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{tag}:{position}"))
}

/// The position inside a cursor of list `tag`; the error completes "query parameter `cursor` ...".
fn decode<'a>(raw: &str, tag: &str, buf: &'a mut String) -> Result<&'a str, String> {
    const INVALID: &str = "is not a cursor this API issued (pass next_cursor back unchanged)";
    if raw.len() > MAX_LEN {
        return Err(INVALID.to_string());
    }
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| INVALID.to_string())?;
    *buf = String::from_utf8(bytes).map_err(|_| INVALID.to_string())?;
    let (found, position) = buf.split_once(':').ok_or_else(|| INVALID.to_string())?;
    if found != tag {
        return Err("belongs to another list; use the next_cursor this list returned".to_string());
    }
    Ok(position)
}

impl RoadCursor {
    pub fn encode(&self) -> String {
        encode(ROAD, &self.0)
    }

    pub fn decode(raw: &str) -> Result<RoadCursor, String> {
        let mut buf = String::new();
        let road = decode(raw, ROAD, &mut buf)?;
        crate::params::check_id(road).map_err(|_| "is not a cursor this API issued (pass next_cursor back unchanged)".to_string())?;
        Ok(RoadCursor(road.to_string()))
    }
}

impl TsIdCursor {
    pub fn encode(&self, list: TsIdList) -> String {
        encode(list.tag(), &format!("{}:{}", self.ts.timestamp_micros(), self.id))
    }

    pub fn decode(raw: &str, list: TsIdList) -> Result<TsIdCursor, String> {
        let mut buf = String::new();
        let position = decode(raw, list.tag(), &mut buf)?;
        let invalid = || "is not a cursor this API issued (pass next_cursor back unchanged)".to_string();
        let (micros, id) = position.split_once(':').ok_or_else(invalid)?;
        let micros: i64 = micros.parse().map_err(|_| invalid())?;
        let id: i64 = id.parse().map_err(|_| invalid())?;
        let ts = DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?;
        Ok(TsIdCursor { ts, id })
    }

    /// The timestamp as the SQL parameter (`$n::text::timestamptz`), exact to the microsecond.
    pub fn ts_param(&self) -> String {
        crate::time::rfc3339_micros(&self.ts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn road_cursors_round_trip() {
        let c = RoadCursor("PARIS-4264:a.b_c".to_string());
        let raw = c.encode();
        assert!(raw.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_'), "{raw}");
        assert_eq!(RoadCursor::decode(&raw).unwrap(), c);
    }

    #[test]
    fn ts_id_cursors_round_trip_to_the_microsecond() {
        let ts = DateTime::from_timestamp_micros(1_736_937_000_123_456).unwrap();
        let c = TsIdCursor { ts, id: 42 };
        let raw = c.encode(TsIdList::Predictions);
        let back = TsIdCursor::decode(&raw, TsIdList::Predictions).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.ts_param(), "2025-01-15T10:30:00.123456Z");
    }

    #[test]
    fn a_cursor_of_another_list_is_refused() {
        let ts = DateTime::from_timestamp(1_736_937_000, 0).unwrap();
        let raw = TsIdCursor { ts, id: 1 }.encode(TsIdList::Predictions);
        assert!(TsIdCursor::decode(&raw, TsIdList::Reroutes).unwrap_err().contains("another list"));
        assert!(RoadCursor::decode(&raw).is_err());
        assert!(TsIdCursor::decode(&RoadCursor("R1".into()).encode(), TsIdList::Predictions).is_err());
    }

    #[test]
    fn garbage_is_refused() {
        let long = "A".repeat(300);
        for raw in ["!!", "cHJlZDp4Onk", "cHJlZA", "cm9hZDo", long.as_str(), "cm9hZDpiYWQgaWQ"] {
            assert!(RoadCursor::decode(raw).is_err(), "{raw}");
            assert!(TsIdCursor::decode(raw, TsIdList::Predictions).is_err(), "{raw}");
        }
    }
}

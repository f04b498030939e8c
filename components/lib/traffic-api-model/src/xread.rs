//! Reading the live streams through Spin's Redis `execute`, which answers one flat list of
//! scalars: Spin flattens nested replies, so `XREAD`'s
//! `[[key, [[id, [field, value, ...]], ...]], ...]` arrives as
//! `key, id, field, value, ..., id, ..., key, ...`. The parser rebuilds the structure from
//! what each scalar can be: one of our stream keys, an entry id, or a field/value pair.

use crate::sse::{is_stream_id, Feed, Positions, FEEDS};

/// A scalar of a flattened reply (`spin_sdk::redis::RedisResult` without the SDK).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Nil,
    Bytes(Vec<u8>),
    Int(i64),
    Status(String),
}

impl Reply {
    fn text(&self) -> Option<&str> {
        match self {
            Reply::Bytes(b) => std::str::from_utf8(b).ok(),
            Reply::Status(s) => Some(s),
            Reply::Nil | Reply::Int(_) => None,
        }
    }
}

/// One stream entry: its feed, id and `data` field (the event JSON), if it has one.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub feed: Feed,
    pub id: String,
    pub data: Option<String>,
}

/// The field every publisher writes the event under.
const DATA_FIELD: &str = "data";

/// `XREAD BLOCK <block_ms> COUNT <count> STREAMS <k1> <k2> <k3> <id1> <id2> <id3>`, the
/// arguments after the command name.
pub fn read_args(keys: &[String; 3], from: &Positions, block_ms: u64, count: u32) -> Vec<String> {
    let mut args = vec!["BLOCK".to_string(), block_ms.to_string(), "COUNT".to_string(), count.to_string(), "STREAMS".to_string()];
    args.extend(keys.iter().cloned());
    args.extend(from.ids().iter().cloned());
    args
}

/// Parses a flattened `XREAD` reply (a lone Nil when the block timed out).
pub fn parse_read(reply: &[Reply], keys: &[String; 3]) -> Result<Vec<Entry>, String> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut feed: Option<Feed> = None;
    let mut i = 0;
    while i < reply.len() {
        let item = &reply[i];
        if *item == Reply::Nil {
            i += 1;
            continue;
        }
        let text = item.text().ok_or_else(|| format!("unexpected {item:?} in an XREAD reply"))?;
        if let Some(index) = keys.iter().position(|k| k == text) {
            feed = Some(FEEDS[index]);
            i += 1;
        } else if is_stream_id(text) {
            let feed = feed.ok_or_else(|| format!("entry {text} before any stream key in an XREAD reply"))?;
            entries.push(Entry { feed, id: text.to_string(), data: None });
            i += 1;
        } else {
            // A field name and its value, inside the last entry.
            let entry = entries.last_mut().ok_or_else(|| format!("field {text:?} outside an entry in an XREAD reply"))?;
            let value = reply.get(i + 1).ok_or_else(|| format!("field {text:?} without a value in an XREAD reply"))?;
            if text == DATA_FIELD {
                entry.data = value.text().map(str::to_string);
            }
            i += 2;
        }
    }
    Ok(entries)
}

/// `EVAL LAST_IDS_LUA 3 <k1> <k2> <k3>`: the id of each stream's newest entry (`0-0` for an
/// empty or missing stream), read in one round trip so the stream starts exactly at "now"
/// (`$` in a loop of XREADs would lose what arrives between two reads).
pub const LAST_IDS_LUA: &str = "\
local ids = {}
for i, key in ipairs(KEYS) do
  local last = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
  if last[1] then ids[i] = last[1][1] else ids[i] = '0-0' end
end
return ids";

/// `EVAL FIRST_KEPT_LUA 3 <k1> <k2> <k3>`: each stream's oldest kept entry id when the cap
/// has dropped older ones (`entries-added` above `length`), else `0-0`. A client resuming from
/// an id older than it missed events. (`max-deleted-entry-id` would be exact, but trimming
/// does not update it; only XDEL does, which nothing here uses.)
pub const FIRST_KEPT_LUA: &str = "\
local ids = {}
for i, key in ipairs(KEYS) do
  ids[i] = '0-0'
  local ok, info = pcall(redis.call, 'XINFO', 'STREAM', key)
  if ok then
    local fields = {}
    for j = 1, #info - 1, 2 do fields[info[j]] = info[j + 1] end
    local first = fields['first-entry']
    if first and fields['entries-added'] and fields['entries-added'] > fields['length'] then ids[i] = first[1] end
  end
end
return ids";

/// The reply of [`LAST_IDS_LUA`] or [`FIRST_KEPT_LUA`]: one id per stream.
pub fn parse_last_ids(reply: &[Reply]) -> Result<Positions, String> {
    let ids: Vec<String> = reply.iter().filter_map(|r| r.text().map(str::to_string)).collect();
    let ids: [String; 3] = ids.try_into().map_err(|ids| format!("expected three stream ids, got {ids:?}"))?;
    Positions::new(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Reply {
        Reply::Bytes(s.as_bytes().to_vec())
    }

    fn keys() -> [String; 3] {
        crate::sse::stream_keys("t:")
    }

    #[test]
    fn read_arguments() {
        let from = Positions::parse("1-0,2-0,3-0").unwrap();
        assert_eq!(
            read_args(&keys(), &from, 15000, 200).join(" "),
            "BLOCK 15000 COUNT 200 STREAMS t:stream:traffic t:stream:predictions t:stream:reroutes 1-0 2-0 3-0"
        );
    }

    #[test]
    fn a_timeout_is_no_entries() {
        assert_eq!(parse_read(&[Reply::Nil], &keys()).unwrap(), vec![]);
        assert_eq!(parse_read(&[], &keys()).unwrap(), vec![]);
    }

    #[test]
    fn rebuilds_entries_of_several_streams() {
        let reply = vec![
            b("t:stream:traffic"),
            b("10-0"),
            b("data"),
            b(r#"{"road_id":"R1"}"#),
            b("10-1"),
            b("data"),
            b(r#"{"road_id":"R2"}"#),
            b("t:stream:reroutes"),
            b("11-0"),
            b("other"),
            b("12-0"),
            b("data"),
            b(r#"{"route_id":"R1"}"#),
        ];
        let entries = parse_read(&reply, &keys()).unwrap();
        assert_eq!(
            entries,
            vec![
                Entry { feed: Feed::Traffic, id: "10-0".into(), data: Some(r#"{"road_id":"R1"}"#.into()) },
                Entry { feed: Feed::Traffic, id: "10-1".into(), data: Some(r#"{"road_id":"R2"}"#.into()) },
                Entry { feed: Feed::Reroute, id: "11-0".into(), data: Some(r#"{"route_id":"R1"}"#.into()) },
            ]
        );
    }

    #[test]
    fn a_value_that_looks_like_an_id_stays_a_value() {
        let reply = vec![b("t:stream:predictions"), b("5-0"), b("data"), b("6-0"), b("5-1"), b("data"), b("{}")];
        let entries = parse_read(&reply, &keys()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].data.as_deref(), Some("6-0"));
        assert_eq!(entries[1].id, "5-1");
    }

    #[test]
    fn malformed_replies_are_errors() {
        assert!(parse_read(&[b("5-0")], &keys()).is_err(), "entry before a key");
        assert!(parse_read(&[b("t:stream:traffic"), b("data")], &keys()).is_err(), "field outside an entry");
        assert!(parse_read(&[b("t:stream:traffic"), b("5-0"), b("data")], &keys()).is_err(), "field without value");
        assert!(parse_read(&[Reply::Int(3)], &keys()).is_err());
    }

    #[test]
    fn last_ids() {
        let p = parse_last_ids(&[b("5-0"), b("0-0"), Reply::Status("7-1".into())]).unwrap();
        assert_eq!(p.to_string(), "5-0,0-0,7-1");
        assert!(parse_last_ids(&[b("5-0"), b("0-0")]).is_err());
        assert!(parse_last_ids(&[b("5-0"), b("0-0"), b("x")]).is_err());
    }
}

//! `GET /api/stream`: Server-Sent Events read from the Redis streams with blocking reads
//! (`XREAD BLOCK`), each written to the response body as soon as it is read.
//!
//! Redis is the feed itself here: when it cannot be reached, at the start or mid-stream, the
//! client gets an `error` event and a clean end of the response, and its EventSource
//! reconnects (after `retry:`) with `Last-Event-ID`, losing nothing the streams still hold;
//! when they no longer hold everything since that id (capped streams), a `gap` event says so.

use std::time::{Duration, Instant};

use api_kit::{ApiError, Query};
use futures::{Sink, SinkExt};
use spin_sdk::http::{Fields, OutgoingResponse, Request, ResponseOutparam};
use spin_sdk::redis::{Connection, RedisParameter, RedisResult};
use traffic_api_model::sse::{self, Positions, StreamQuery, HEARTBEAT_MS, READ_COUNT};
use traffic_api_model::xread::{self, Entry, Reply};

use crate::reply;

/// A stream is closed cleanly after this long, before any host limit cuts it; the client
/// reconnects with `Last-Event-ID` and misses nothing.
const MAX_STREAM: Duration = Duration::from_secs(30 * 60);

pub async fn serve(req: &Request, out: ResponseOutparam) {
    let last_event_id = req.header("last-event-id").and_then(|v| v.as_str());
    let query = match Query::parse(req.query()).and_then(|q| StreamQuery::parse(&q, last_event_id)) {
        Ok(query) => query,
        Err(err) => return reply::send(out, reply::error(&err)).await,
    };
    let headers = Fields::from_list(&[
        ("content-type".to_string(), b"text/event-stream".to_vec()),
        ("cache-control".to_string(), b"no-cache".to_vec()),
        // Proxies such as nginx would otherwise buffer the stream.
        ("x-accel-buffering".to_string(), b"no".to_vec()),
    ]);
    let head = match headers {
        Ok(headers) => OutgoingResponse::new(headers),
        Err(e) => {
            eprintln!("traffic-api: stream headers: {e:?}");
            return reply::send(out, reply::error(&ApiError::internal("internal error"))).await;
        }
    };
    let _ = head.set_status_code(200);
    let mut body = head.take_body();
    out.set(head);
    pump(&query, &mut body).await;
}

/// Why the stream ends.
enum End {
    /// The client went away (a write failed).
    Gone,
    /// Redis failed; the detail is for the log.
    Redis(String),
    /// [`MAX_STREAM`] reached.
    Expired,
}

async fn pump(query: &StreamQuery, body: &mut (impl Sink<Vec<u8>> + Unpin)) {
    match run(query, body).await {
        End::Gone | End::Expired => {}
        End::Redis(detail) => {
            eprintln!("traffic-api: live stream ended: {detail}");
            let err = ApiError::service_unavailable("live updates are unavailable (Redis cannot be reached); reconnect later");
            let _ = body.send(sse::error(&err).into_bytes()).await;
        }
    }
}

async fn write(body: &mut (impl Sink<Vec<u8>> + Unpin), frame: String) -> Result<(), End> {
    body.send(frame.into_bytes()).await.map_err(|_| End::Gone)
}

async fn run(query: &StreamQuery, body: &mut (impl Sink<Vec<u8>> + Unpin)) -> End {
    let started = Instant::now();
    let feed = match Feed::open() {
        Ok(feed) => feed,
        Err(detail) => return End::Redis(detail),
    };
    let mut positions = match &query.resume {
        Some(resume) => resume.clone(),
        None => match feed.ends() {
            Ok(ends) => ends,
            Err(detail) => return End::Redis(detail),
        },
    };
    if let Err(end) = write(body, sse::opening(&positions)).await {
        return end;
    }
    if query.resume.is_some() {
        // Advisory: when it cannot be read (Redis just back, say), the stream goes on and the
        // reads below decide whether Redis is really down.
        let missed = match feed.first_kept() {
            Ok(first_kept) => sse::gaps(&positions, &first_kept),
            Err(detail) => {
                eprintln!("traffic-api: resumed stream not checked for a gap: {detail}");
                Vec::new()
            }
        };
        if !missed.is_empty() {
            if let Err(end) = write(body, sse::gap(&missed)).await {
                return end;
            }
        }
    }
    let mut sent = positions.clone();
    let mut last_write = Instant::now();
    loop {
        if started.elapsed() >= MAX_STREAM {
            return End::Expired;
        }
        // Wake up in time for the next heartbeat; BLOCK 0 would mean "forever".
        let quiet = u64::try_from(last_write.elapsed().as_millis()).unwrap_or(u64::MAX);
        let block_ms = HEARTBEAT_MS.saturating_sub(quiet).max(1);
        let entries = match feed.read(&positions, block_ms) {
            Ok(entries) => entries,
            Err(detail) => return End::Redis(detail),
        };
        for Entry { feed: kind, id, data } in entries {
            positions.set(kind, id);
            let Some((object, line)) = data.as_deref().and_then(sse::event_object) else {
                eprintln!("traffic-api: skipped a {} stream entry that is not a JSON object", kind.event());
                continue;
            };
            if !query.admits(kind, &object) {
                continue;
            }
            if let Err(end) = write(body, sse::event(kind, &positions, &line)).await {
                return end;
            }
            sent = positions.clone();
            last_write = Instant::now();
        }
        if last_write.elapsed() >= Duration::from_millis(HEARTBEAT_MS) {
            let moved = (positions != sent).then_some(&positions);
            if let Err(end) = write(body, sse::heartbeat(moved)).await {
                return end;
            }
            sent = positions.clone();
            last_write = Instant::now();
        }
    }
}

/// The three streams on one Redis connection (the runtime gives blocking reads a
/// connection of their own per opened connection, so one is opened per SSE client).
struct Feed {
    redis: Connection,
    keys: [String; 3],
}

fn bytes(s: &str) -> RedisParameter {
    RedisParameter::Binary(s.as_bytes().to_vec())
}

fn replies(results: Vec<RedisResult>) -> Vec<Reply> {
    results
        .into_iter()
        .map(|r| match r {
            RedisResult::Nil => Reply::Nil,
            RedisResult::Status(s) => Reply::Status(s),
            RedisResult::Int64(i) => Reply::Int(i),
            RedisResult::Binary(b) => Reply::Bytes(b),
        })
        .collect()
}

impl Feed {
    fn open() -> Result<Feed, String> {
        let url = spin_kit::variable("redis_url")?;
        let redis = Connection::open(&url).map_err(|e| format!("cannot connect to redis: {e}"))?;
        Ok(Feed { redis, keys: sse::stream_keys(&spin_kit::redis_prefix()) })
    }

    /// Each stream's newest entry id: where a stream without `Last-Event-ID` starts.
    fn ends(&self) -> Result<Positions, String> {
        self.ids(xread::LAST_IDS_LUA, "the stream ends")
    }

    /// Each stream's oldest kept entry when the cap dropped older ones: a resume position
    /// older than it missed events.
    fn first_kept(&self) -> Result<Positions, String> {
        self.ids(xread::FIRST_KEPT_LUA, "the streams' first kept ids")
    }

    /// One id per stream from `script` (see `xread`), in one round trip.
    fn ids(&self, script: &str, what: &str) -> Result<Positions, String> {
        let mut args = vec![bytes(script), RedisParameter::Int64(3)];
        args.extend(self.keys.iter().map(|k| bytes(k)));
        let reply = self.redis.execute("EVAL", &args).map_err(|e| format!("reading {what} failed: {e}"))?;
        xread::parse_last_ids(&replies(reply))
    }

    /// The entries after `from`, waiting up to `block_ms` for the first.
    fn read(&self, from: &Positions, block_ms: u64) -> Result<Vec<Entry>, String> {
        let args: Vec<RedisParameter> = xread::read_args(&self.keys, from, block_ms, READ_COUNT).iter().map(|a| bytes(a)).collect();
        let reply = self.redis.execute("XREAD", &args).map_err(|e| format!("XREAD failed: {e}"))?;
        xread::parse_read(&replies(reply), &self.keys)
    }
}

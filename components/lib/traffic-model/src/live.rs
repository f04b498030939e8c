//! Redis names and the script that publishes live events.

/// The Redis side of a message in one round trip: `EVAL PUBLISH_EVENTS 1 <stream>
/// <channel> <maxlen> <event>...` publishes each event on the channel and appends it to the
/// capped stream (`XADD <stream> MAXLEN ~ <maxlen> * data <event>`, the field SSE replay
/// reads). Redis 7 replicates script effects, so `XADD *` is allowed in a script.
pub const PUBLISH_EVENTS_LUA: &str = "\
local channel, maxlen = ARGV[1], ARGV[2]
for i = 3, #ARGV do
  redis.call('PUBLISH', channel, ARGV[i])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'data', ARGV[i])
end
return #ARGV - 2";

/// Entries kept in the live stream (`MAXLEN ~`, so Redis trims in whole nodes).
pub const STREAM_MAXLEN: u32 = 10_000;

/// Default prefix of every Redis key and channel (`cityflow:live`, as the seed);
/// tests set their own so parallel runs stay apart.
pub const DEFAULT_PREFIX: &str = "cityflow:";

/// Pub/sub channel of live readings, below the prefix.
pub const CHANNEL: &str = "live";

/// Capped stream of the same events for SSE replay (`Last-Event-ID`), below the prefix.
pub const STREAM: &str = "stream:traffic";

//! Redis names and the script that publishes live events.

/// The Redis side of a message or a job cycle in one round trip:
/// `EVAL PUBLISH_EVENTS 2 <stream> <metrics> <channel> <maxlen> <n> (<command> <field> <value>)×n <event>...`
/// first applies the `n` metric updates to the hash `<metrics>` (`app_metrics::Update`: only
/// `HINCRBY`, `HINCRBYFLOAT` and `HSET`, checked before anything is written), then publishes
/// each event on the channel and appends it to the capped stream (`XADD <stream> MAXLEN ~
/// <maxlen> * data <event>`, the field SSE replay reads). A script runs atomically, so the
/// counters never disagree with the events. Redis 7 replicates script effects, so `XADD *`
/// is allowed in a script. Returns the number of events.
pub const PUBLISH_EVENTS_LUA: &str = "\
local channel, maxlen, updates = ARGV[1], ARGV[2], tonumber(ARGV[3])
local first_event = 4 + 3 * updates
for i = 4, first_event - 1, 3 do
  local command = ARGV[i]
  if command ~= 'HINCRBY' and command ~= 'HINCRBYFLOAT' and command ~= 'HSET' then
    return redis.error_reply('not a metric command: ' .. command)
  end
end
for i = 4, first_event - 1, 3 do
  redis.call(ARGV[i], KEYS[2], ARGV[i + 1], ARGV[i + 2])
end
for i = first_event, #ARGV do
  redis.call('PUBLISH', channel, ARGV[i])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', 'data', ARGV[i])
end
return #ARGV - first_event + 1";

/// Entries kept in the live stream (`MAXLEN ~`, so Redis trims in whole nodes).
pub const STREAM_MAXLEN: u32 = 10_000;

/// Default prefix of every Redis key and channel (`cityflow:live`, as the seed);
/// tests set their own so parallel runs stay apart.
pub const DEFAULT_PREFIX: &str = "cityflow:";

/// Pub/sub channel of live readings, below the prefix.
pub const CHANNEL: &str = "live";

/// Capped stream of the same events for SSE replay (`Last-Event-ID`), below the prefix.
pub const STREAM: &str = "stream:traffic";

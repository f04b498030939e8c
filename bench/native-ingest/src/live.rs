//! Live events, exactly as the ingest component publishes them (`spin_kit::publish_events`):
//! one `EVAL PUBLISH_EVENTS_LUA 2 <stream> <metrics> <channel> <maxlen> <n> <update>... <event>...`
//! per message, with the same counter updates (`app_metrics::message_stored`).

use redis::aio::MultiplexedConnection;
use traffic_model::live::{CHANNEL, PUBLISH_EVENTS_LUA, STREAM, STREAM_MAXLEN};
use traffic_model::Reading;

#[derive(Clone)]
pub struct Live {
    connection: MultiplexedConnection,
    stream: String,
    metrics: String,
    channel: String,
}

impl Live {
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<Live> {
        let connection = redis::Client::open(url)?
            .get_multiplexed_async_connection()
            .await?;
        Ok(Live {
            connection,
            stream: format!("{prefix}{STREAM}"),
            metrics: format!("{prefix}{}", app_metrics::HASH),
            channel: format!("{prefix}{CHANNEL}"),
        })
    }

    /// Publishes a stored message's readings, of which `inserted` were new.
    pub async fn publish(&self, readings: &[Reading], inserted: u64) -> redis::RedisResult<()> {
        let duplicates = (readings.len() as u64).saturating_sub(inserted);
        let updates = app_metrics::message_stored(inserted, duplicates);
        let mut eval = redis::cmd("EVAL");
        eval.arg(PUBLISH_EVENTS_LUA)
            .arg(2)
            .arg(&self.stream)
            .arg(&self.metrics)
            .arg(&self.channel)
            .arg(STREAM_MAXLEN)
            .arg(updates.len());
        for update in &updates {
            eval.arg(update.command()).arg(update.field()).arg(update.value());
        }
        for reading in readings {
            eval.arg(reading.event_json());
        }
        let _published: i64 = eval.query_async(&mut self.connection.clone()).await?;
        Ok(())
    }
}

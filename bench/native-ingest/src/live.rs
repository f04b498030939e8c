//! Live events, exactly as the ingest component publishes them (`spin_kit::publish_events`):
//! one `EVAL PUBLISH_EVENTS_LUA 1 <stream> <channel> <maxlen> <event>...` per message.

use redis::aio::MultiplexedConnection;
use traffic_model::live::{CHANNEL, PUBLISH_EVENTS_LUA, STREAM, STREAM_MAXLEN};
use traffic_model::Reading;

#[derive(Clone)]
pub struct Live {
    connection: MultiplexedConnection,
    stream: String,
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
            channel: format!("{prefix}{CHANNEL}"),
        })
    }

    pub async fn publish(&self, readings: &[Reading]) -> redis::RedisResult<()> {
        let mut eval = redis::cmd("EVAL");
        eval.arg(PUBLISH_EVENTS_LUA)
            .arg(1)
            .arg(&self.stream)
            .arg(&self.channel)
            .arg(STREAM_MAXLEN);
        for reading in readings {
            eval.arg(reading.event_json());
        }
        let _published: i64 = eval.query_async(&mut self.connection.clone()).await?;
        Ok(())
    }
}

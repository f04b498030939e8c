//! `native-ingest`: the reference subscribers of `bench/ingest.sh`.
//!
//! Subscribes like the runtime's MQTT trigger (persistent session, manual acks sent only
//! after the rows are committed, messages of one topic handled in order by one of
//! `--concurrency` workers) and stores each message either with the ingest component's own
//! validation and statement (`--mode ceiling`) or the seed's way (`--mode seed`). With
//! `--redis-url`, each stored message's readings are then published to Redis with the
//! component's very EVAL (a tenth of the CPU of the batch case, so the ceiling does it too).
//! Prints `subscribed` once the broker confirmed the subscription.
//!
//! `--database-only` takes no broker at all: see [`database`].

mod database;
mod live;
mod store;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use clap::Parser;
use deadpool_postgres::Pool;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use tokio::sync::mpsc;
use traffic_model::parse_message;

use store::Mode;

#[derive(Parser, Debug)]
#[command(about = "Native MQTT → Postgres ingest subscriber (benchmark reference)")]
struct Args {
    /// PostgreSQL URL of the (migrated) database to fill.
    #[arg(long, env = "DB_URL")]
    database_url: String,
    #[arg(long, default_value = "127.0.0.1")]
    mqtt_host: String,
    #[arg(long, default_value_t = 1883)]
    mqtt_port: u16,
    /// Topic filter, e.g. `bench/123/traffic/#`.
    #[arg(long, required_unless_present = "database_only")]
    topic: Option<String>,
    /// MQTT client id (the session is persistent, like the trigger's: end it afterwards).
    #[arg(long, required_unless_present = "database_only")]
    client_id: Option<String>,
    #[arg(long, value_enum, default_value = "ceiling")]
    mode: Mode,
    /// Messages handled at once (the runtime's `--mqtt-concurrency`).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Publish live events here after storing, as the ingest component does (none if unset).
    #[arg(long)]
    redis_url: Option<String>,
    /// Prefix of the Redis stream and channel (the component's `redis_prefix` variable).
    #[arg(long, default_value = traffic_model::live::DEFAULT_PREFIX)]
    redis_prefix: String,
    /// Store `--messages` generated messages with the ingest statement and exit: Postgres
    /// alone, no MQTT, no Redis.
    #[arg(long)]
    database_only: bool,
    /// Messages to store (`--database-only`).
    #[arg(long, default_value_t = 10_000)]
    messages: usize,
    /// Readings per message (`--database-only`).
    #[arg(long, default_value_t = 1)]
    batch: usize,
    /// Roads of the generated city (`--database-only`).
    #[arg(long, default_value_t = 1000)]
    sensors: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let concurrency = args.concurrency.max(1);
    let pool = store::pool(&args.database_url, concurrency)?;
    if args.database_only {
        return database::run(pool, concurrency, args.messages, args.batch, args.sensors).await;
    }
    let (Some(topic), Some(client_id)) = (args.topic.clone(), args.client_id.clone()) else {
        anyhow::bail!("--topic and --client-id are required with MQTT");
    };
    let live = match &args.redis_url {
        Some(url) => Some(live::Live::connect(url, &args.redis_prefix).await?),
        None => None,
    };

    let mut options = MqttOptions::new(
        client_id,
        args.mqtt_host.clone(),
        args.mqtt_port,
    );
    options
        .set_keep_alive(Duration::from_secs(30))
        .set_clean_session(false)
        .set_manual_acks(true)
        .set_max_packet_size(4 << 20, 4 << 20);
    let (client, mut eventloop) = AsyncClient::new(options, 256);

    // Unbounded on purpose, unlike the runtime's 1024-slot queues: a worker's `ack` waits for
    // room in the client's request channel, which only the event loop below drains. Were this
    // loop blocked on a full worker queue, acks would stop, the worker would stop, and the
    // subscriber would deadlock with a backlog at the broker (what bench/ingest.sh found in
    // the runtime). The broker's backlog is bounded by what was published.
    let workers: Vec<mpsc::UnboundedSender<Publish>> = (0..concurrency)
        .map(|_| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(work(
                pool.clone(),
                live.clone(),
                args.mode,
                client.clone(),
                rx,
            ));
            tx
        })
        .collect();

    let mut backoff = Duration::from_millis(100);
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            event = eventloop.poll() => match event {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    backoff = Duration::from_millis(100);
                    client.try_subscribe(topic.clone(), QoS::AtLeastOnce)?;
                }
                Ok(Event::Incoming(Packet::SubAck(_))) => println!("subscribed"),
                Ok(Event::Incoming(Packet::Publish(publish))) => {
                    let worker = &workers[worker_for(&publish.topic, workers.len())];
                    worker.send(publish)?;
                }
                Ok(_) => {}
                Err(e) => {
                    eprintln!("native-ingest: mqtt connection lost ({e}); reconnecting in {backoff:?}");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                }
            },
        }
    }
}

/// Messages of one topic always go to the same worker, as in the runtime.
fn worker_for(topic: &str, workers: usize) -> usize {
    let mut h = DefaultHasher::new();
    topic.hash(&mut h);
    (h.finish() % workers as u64) as usize
}

async fn work(
    pool: Pool,
    live: Option<live::Live>,
    mode: Mode,
    client: AsyncClient,
    mut rx: mpsc::UnboundedReceiver<Publish>,
) {
    while let Some(publish) = rx.recv().await {
        let readings = match parse_message(&publish.payload, chrono::Utc::now()) {
            Ok(readings) => readings,
            Err(rejection) => {
                // Same contract as the component: an invalid message is acknowledged.
                eprintln!(
                    "native-ingest: rejected message on {}: {rejection}",
                    publish.topic
                );
                let _ = client.ack(&publish).await;
                continue;
            }
        };
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match store::save(&pool, mode, &readings).await {
                Ok(inserted) => {
                    // As the component: a Redis failure is logged, the message still acked.
                    if let Some(live) = &live {
                        if let Err(e) = live.publish(&readings, inserted).await {
                            eprintln!(
                                "native-ingest: {} readings stored but not published live: {e}",
                                readings.len()
                            );
                        }
                    }
                    break;
                }
                Err(e) => {
                    eprintln!(
                        "native-ingest: message on {} not stored (attempt {attempt}): {e:#}",
                        publish.topic
                    );
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt.min(20))))
                        .await;
                }
            }
        }
        if let Err(e) = client.ack(&publish).await {
            eprintln!("native-ingest: ack failed: {e}");
        }
    }
}

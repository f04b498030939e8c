//! The ingest component: traffic sensor readings from the MQTT trigger (topic
//! `cityflow/traffic/#`) into Postgres, then live events into Redis.
//!
//! Acknowledgement contract (QoS 1): the runtime acknowledges a message only when
//! `handle-message` returns Ok. So:
//! - an invalid message is logged with its reason and answered Ok — redelivering it would
//!   only fail again;
//! - a transient database failure (unreachable, restarting, overloaded, deadlock) is answered
//!   Err, so the broker redelivers it (the insert ignores duplicates: redelivery is harmless);
//! - a permanent one (the database refuses the data, which validation should have caught) is
//!   logged as a dropped message and answered Ok, so one bad message cannot block the queue;
//! - a Redis failure is logged and answered Ok: the readings are committed, only the live
//!   view and the message's counters miss them.
//!
//! Counters (`app_metrics`, the `<redis_prefix>metrics` hash) are written once a message is
//! answered Ok, in the Redis round trip that publishes its events: every reading is
//! `received`, then `stored` (the insert's row count), `duplicate` (its `(ts, sensor_id)` was
//! already stored) or `rejected` (its message was refused). A message sent back for
//! redelivery is counted when it is finally answered, so nothing is counted twice.

mod live;
mod store;

use traffic_model::parse_message;

spin_sdk::wit_bindgen::generate!({
    path: "../../wit/mqtt-trigger",
    world: "spin-mqtt",
    runtime_path: "spin_sdk::wit_bindgen::rt",
});
// The world `use`s `error`, `metadata` and `payload`, so `Error`, `Metadata` and `Payload`
// are in scope here.

struct Ingest;

impl Guest for Ingest {
    fn handle_message(message: Payload, metadata: Metadata) -> Result<(), Error> {
        let topic = metadata.topic;
        let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
        let readings = match parse_message(&message, now) {
            Ok(readings) => readings,
            Err(rejection) => {
                eprintln!("ingest: rejected message on {topic} ({} bytes): {rejection}", message.len());
                live::count_rejected(&topic, rejection.readings);
                return Ok(());
            }
        };
        let inserted = match store::save(&readings) {
            Ok(inserted) => inserted,
            Err(store::StoreError::Transient(e)) => {
                eprintln!("ingest: message on {topic} not stored, asking for redelivery: {e}");
                return Err(Error::Other(e));
            }
            Err(store::StoreError::Permanent(e)) => {
                // Validation mirrors the table's constraints, so this is a bug or a schema
                // drift: drop the message loudly rather than block the queue forever.
                eprintln!("ingest: DROPPED message on {topic} ({} readings), the database refused it: {e}", readings.len());
                live::count_rejected(&topic, readings.len());
                return Ok(());
            }
        };
        let duplicates = readings.len() - inserted;
        if duplicates > 0 {
            println!("ingest: {topic}: {inserted} readings stored, {duplicates} duplicates ignored");
        }
        if let Err(e) = live::publish(&readings, inserted) {
            eprintln!("ingest: {topic}: {} readings stored but not published live nor counted: {e}", readings.len());
        }
        Ok(())
    }
}

export!(Ingest);

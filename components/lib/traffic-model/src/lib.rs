//! Traffic sensor readings as CityFlow's ingest component receives them over MQTT
//! (topic `cityflow/traffic/{sensor_id}`, DESIGN.md §4), made strict.
//!
//! Everything here is protocol-independent and runs natively, so it carries the unit tests;
//! the `ingest` component only moves bytes between MQTT, this crate, Postgres and Redis.
//!
//! The seed's collector accepted anything with two non-empty ids, replaced unparseable
//! timestamps by "now" and re-broadcast the raw payload. Here a message is parsed and every
//! reading validated; one bad reading rejects the whole message with a reason naming the
//! reading and the field, and only the validated, re-serialised reading is published.

mod columns;
mod limits;
pub mod live;
mod parse;
pub mod partitions;
#[cfg(test)]
mod parse_properties;
mod reading;
mod rejection;
pub mod sql;

pub use columns::{ingest_parameters, road_rows, RoadRow, PARAMETER_COUNT};
pub use limits::*;
pub use parse::parse_message;
pub use reading::Reading;
pub use rejection::Rejection;

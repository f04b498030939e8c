//! The traffic API's rules, apart from Spin: what each endpoint accepts (every parameter
//! validated, unknown ones refused), the opaque keyset cursors, the SQL it runs, the JSON and
//! GeoJSON it answers, and the Server-Sent Events it streams from the Redis streams the
//! ingest, predictor and rerouter components append to.
//!
//! Native Rust with unit tests; the `traffic-api` component only moves bytes between HTTP,
//! Postgres, Redis and this crate.

pub mod bbox;
pub mod cache;
pub mod cursor;
pub mod geo;
pub mod history;
pub mod items;
pub mod openapi;
pub mod params;
pub mod queries;
pub mod routes;
pub mod sql;
pub mod sse;
pub mod time;
pub mod xread;

pub use bbox::BBox;
pub use cursor::{RoadCursor, TsIdCursor};
pub use items::Page;
pub use params::Format;
pub use routes::Route;

//! Physical and practical bounds a reading must respect. Values outside them are sensor
//! faults or forged messages, never traffic.

/// Most readings one message may carry (a gateway's batch). The bench uses batches of 100,
/// the end-to-end test 500.
pub const MAX_READINGS: usize = 1000;

/// Longest sensor, road or node id, in bytes.
pub const ID_MAX_LEN: usize = 64;

/// Longest road label, in characters.
pub const LABEL_MAX_CHARS: usize = 200;

/// Speed range in km/h: a stopped vehicle up to well beyond any legal urban speed.
pub const SPEED_MAX_KMH: f64 = 250.0;

/// Flow in vehicles per hour. A motorway lane carries about 2,000 veh/h, so 20,000 bounds
/// any arc of the city with a margin.
pub const FLOW_MAX_VEH_H: f64 = 20_000.0;

/// Longest road arc, in metres.
pub const LENGTH_MAX_M: f64 = 100_000.0;

/// How far ahead of the receiver's clock a timestamp may be (sensor clock drift).
pub const MAX_FUTURE_SECS: i64 = 5 * 60;

/// How old a reading may be: a gateway that buffered through an outage delivers late, but
/// nothing older than the retention window is worth storing.
pub const MAX_AGE_SECS: i64 = 30 * 24 * 3600;

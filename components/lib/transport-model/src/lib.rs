//! The transport line model of CityFlow (the Smart City seed's REST service, made strict).
//!
//! Everything here is protocol-independent and runs natively, so it carries the unit tests;
//! the `transport` component only moves bytes between HTTP, this crate and Postgres.

mod filter;
mod fold;
mod input;
mod resource;
pub mod sql;
mod transport;
mod vocab;

pub use filter::ListFilter;
pub use input::{TransportInput, Write, ROUTE_MAX_CHARS};
pub use resource::{resolve, Target, COLLECTION_METHODS, ITEM_METHODS, MOUNT};
pub use transport::Transport;
pub use vocab::{Mode, Status};

/// Largest request body accepted: a line is three short strings, so anything bigger is a
/// mistake or abuse and is refused before parsing.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

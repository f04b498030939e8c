//! HTTP helpers shared by CityFlow's components.
//!
//! Pure Rust with no HTTP framework underneath, so it compiles natively (where the unit tests
//! run) and for `wasm32-wasip2` alike. Components turn an [`ApiError`] into a response with
//! [`ApiError::status`], [`ApiError::allow`] and [`ApiError::to_json`].

mod body;
mod error;
mod paging;
mod query;
mod sqlstate;

pub use body::{json_object, require_json_content_type};
pub use error::ApiError;
pub use paging::{Paging, DEFAULT_LIMIT, MAX_LIMIT};
pub use query::Query;
pub use sqlstate::is_transient_sqlstate;

//! CityFlow tourism: attractions as a GraphQL schema (async-graphql), independent of Spin so
//! it runs and is tested natively. The `tourism` component supplies the Postgres-backed
//! [`AttractionStore`] and the HTTP plumbing.

mod attraction;
mod auth;
pub mod cursor;
pub mod errors;
pub mod http;
mod input;
mod schema;
pub mod sql;
mod store;
mod vocab;

#[cfg(test)]
mod memory_store;
#[cfg(test)]
mod schema_tests;

pub use async_graphql;
pub use attraction::Attraction;
pub use auth::Caller;
pub use input::{AttractionInput, NewAttraction};
pub use schema::{build, sdl, TourismSchema, DEFAULT_PAGE, MAX_COMPLEXITY, MAX_DEPTH, MAX_PAGE};
pub use store::{AttractionStore, Page, Selection, StoreError};
pub use vocab::{AttractionStatus, AttractionType};

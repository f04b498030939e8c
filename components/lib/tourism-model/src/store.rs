//! Where attractions live. The wasm component implements this over Postgres; unit tests use
//! an in-memory implementation. Methods are synchronous: Spin's Postgres interface is.

use crate::attraction::Attraction;
use crate::input::NewAttraction;
use crate::vocab::{AttractionStatus, AttractionType};

/// Which attractions a list holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Selection {
    All,
    OfType(AttractionType),
    InZone(String),
}

/// A window of a list ordered by id: the first `limit` attractions with an id above `after_id`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Page {
    pub after_id: Option<i32>,
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    /// The store cannot serve now (connection lost, overloaded); retrying may succeed.
    Unavailable(String),
    /// The zone of a new attraction is not one of the city's zones.
    UnknownZone(String),
    /// The store refused the data (a constraint the input rules did not foresee).
    Rejected(String),
    /// Anything else: a bug or a broken deployment. The detail is for logs, not clients.
    Internal(String),
}

pub trait AttractionStore: Send + Sync + 'static {
    fn list(&self, selection: &Selection, page: Page) -> Result<Vec<Attraction>, StoreError>;
    fn get(&self, id: i32) -> Result<Option<Attraction>, StoreError>;
    fn insert(&self, new: &NewAttraction) -> Result<Attraction, StoreError>;
    /// The updated attraction, or `None` when there is no attraction `id`.
    fn set_status(
        &self,
        id: i32,
        status: AttractionStatus,
    ) -> Result<Option<Attraction>, StoreError>;
    /// Whether an attraction was deleted.
    fn delete(&self, id: i32) -> Result<bool, StoreError>;
}

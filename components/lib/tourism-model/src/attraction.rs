use async_graphql::{ComplexObject, SimpleObject};

use crate::cursor;
use crate::vocab::{AttractionStatus, AttractionType};

/// A place visitors go to: a museum, a monument, a park…
#[derive(SimpleObject, Clone, Debug, PartialEq)]
#[graphql(complex)]
pub struct Attraction {
    pub id: i32,
    pub name: String,
    #[graphql(name = "type")]
    pub kind: AttractionType,
    pub address: String,
    /// WGS 84 degrees.
    pub latitude: f64,
    /// WGS 84 degrees.
    pub longitude: f64,
    pub status: AttractionStatus,
    /// Free text, e.g. "9h-18h, fermé le mardi".
    pub opening_hours: Option<String>,
    pub description: Option<String>,
    /// The city zone the attraction is in: `paris-01` to `paris-20`, the zones every
    /// CityFlow service shares (the air-quality service's `GetZones`).
    pub zone: String,
}

#[ComplexObject]
impl Attraction {
    /// Opaque position of this attraction in any list: pass it as `after` to get the
    /// attractions that follow it.
    async fn cursor(&self) -> String {
        cursor::encode(self.id)
    }
}

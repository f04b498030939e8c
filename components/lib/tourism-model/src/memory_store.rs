//! An in-memory [`AttractionStore`] for the schema's unit tests only; the end-to-end tests
//! run against Postgres through the real component.

use std::sync::Mutex;

use crate::attraction::Attraction;
use crate::input::NewAttraction;
use crate::store::{AttractionStore, Page, Selection, StoreError};
use crate::vocab::AttractionStatus;

#[derive(Default)]
pub struct MemoryStore {
    rows: Mutex<Vec<Attraction>>,
}

impl MemoryStore {
    pub fn with(rows: Vec<Attraction>) -> Self {
        Self {
            rows: Mutex::new(rows),
        }
    }

    pub fn snapshot(&self) -> Vec<Attraction> {
        self.rows.lock().unwrap().clone()
    }
}

impl AttractionStore for MemoryStore {
    fn list(&self, selection: &Selection, page: Page) -> Result<Vec<Attraction>, StoreError> {
        let mut rows: Vec<Attraction> = self
            .rows
            .lock()
            .unwrap()
            .iter()
            .filter(|a| match selection {
                Selection::All => true,
                Selection::OfType(kind) => a.kind == *kind,
                Selection::InZone(zone) => &a.zone == zone,
            })
            .filter(|a| page.after_id.is_none_or(|after| a.id > after))
            .cloned()
            .collect();
        rows.sort_by_key(|a| a.id);
        rows.truncate(page.limit as usize);
        Ok(rows)
    }

    fn get(&self, id: i32) -> Result<Option<Attraction>, StoreError> {
        Ok(self
            .rows
            .lock()
            .unwrap()
            .iter()
            .find(|a| a.id == id)
            .cloned())
    }

    fn insert(&self, new: &NewAttraction) -> Result<Attraction, StoreError> {
        // As the database's foreign key to the shared zones (paris-01 .. paris-20).
        let arrondissement = new
            .zone
            .strip_prefix("paris-")
            .and_then(|n| n.parse::<u8>().ok());
        if new.zone.len() != 8 || !arrondissement.is_some_and(|n| (1..=20).contains(&n)) {
            return Err(StoreError::UnknownZone(new.zone.clone()));
        }
        let mut rows = self.rows.lock().unwrap();
        let id = rows.iter().map(|a| a.id).max().unwrap_or(0) + 1;
        let row = Attraction {
            id,
            name: new.name.clone(),
            kind: new.kind,
            address: new.address.clone(),
            latitude: new.latitude,
            longitude: new.longitude,
            status: new.status,
            opening_hours: new.opening_hours.clone(),
            description: new.description.clone(),
            zone: new.zone.clone(),
        };
        rows.push(row.clone());
        Ok(row)
    }

    fn set_status(
        &self,
        id: i32,
        status: AttractionStatus,
    ) -> Result<Option<Attraction>, StoreError> {
        let mut rows = self.rows.lock().unwrap();
        Ok(rows.iter_mut().find(|a| a.id == id).map(|a| {
            a.status = status;
            a.clone()
        }))
    }

    fn delete(&self, id: i32) -> Result<bool, StoreError> {
        let mut rows = self.rows.lock().unwrap();
        let before = rows.len();
        rows.retain(|a| a.id != id);
        Ok(rows.len() < before)
    }
}

//! `createAttraction`'s input and the rules it must meet before anything is stored.

use async_graphql::InputObject;

use crate::errors::bad_input;
use crate::vocab::{AttractionStatus, AttractionType};

pub const MAX_NAME: usize = 200;
pub const MAX_ADDRESS: usize = 300;
pub const MAX_OPENING_HOURS: usize = 200;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_ZONE: usize = 64;

/// A new attraction.
#[derive(InputObject, Clone, Debug)]
pub struct AttractionInput {
    pub name: String,
    #[graphql(name = "type")]
    pub kind: AttractionType,
    pub address: String,
    /// WGS 84 degrees, -90 to 90.
    pub latitude: f64,
    /// WGS 84 degrees, -180 to 180.
    pub longitude: f64,
    #[graphql(default_with = "AttractionStatus::Open")]
    pub status: AttractionStatus,
    pub opening_hours: Option<String>,
    pub description: Option<String>,
    /// One of the city's zones, `paris-01` to `paris-20`.
    pub zone: String,
}

/// An input that passed [`AttractionInput::validate`]: text trimmed, empty optionals as null.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAttraction {
    pub name: String,
    pub kind: AttractionType,
    pub address: String,
    pub latitude: f64,
    pub longitude: f64,
    pub status: AttractionStatus,
    pub opening_hours: Option<String>,
    pub description: Option<String>,
    pub zone: String,
}

impl AttractionInput {
    pub fn validate(self) -> async_graphql::Result<NewAttraction> {
        let name = required_text("name", &self.name, MAX_NAME)?;
        let address = required_text("address", &self.address, MAX_ADDRESS)?;
        let opening_hours = optional_text("openingHours", self.opening_hours, MAX_OPENING_HOURS)?;
        let description = optional_text("description", self.description, MAX_DESCRIPTION)?;
        if !(self.latitude.is_finite() && (-90.0..=90.0).contains(&self.latitude)) {
            return Err(bad_input("latitude", "latitude must be between -90 and 90"));
        }
        if !(self.longitude.is_finite() && (-180.0..=180.0).contains(&self.longitude)) {
            return Err(bad_input(
                "longitude",
                "longitude must be between -180 and 180",
            ));
        }
        let zone = validate_zone(&self.zone)?;
        Ok(NewAttraction {
            name,
            kind: self.kind,
            address,
            latitude: self.latitude,
            longitude: self.longitude,
            status: self.status,
            opening_hours,
            description,
            zone,
        })
    }
}

/// Zone ids are short slugs; anything else cannot be a zone.
pub fn validate_zone(zone: &str) -> async_graphql::Result<String> {
    let ok = !zone.is_empty()
        && zone.len() <= MAX_ZONE
        && zone
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(zone.to_string())
    } else {
        Err(bad_input(
            "zone",
            format!(
                "zone must be 1 to {MAX_ZONE} lowercase letters, digits or hyphens, e.g. paris-07"
            ),
        ))
    }
}

fn required_text(field: &str, value: &str, max: usize) -> async_graphql::Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(bad_input(field, format!("{field} must not be empty")));
    }
    if trimmed.chars().count() > max {
        return Err(bad_input(
            field,
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(trimmed.to_string())
}

fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> async_graphql::Result<Option<String>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) if text.chars().count() > max => Err(bad_input(
            field,
            format!("{field} is longer than {max} characters"),
        )),
        Some(text) => Ok(Some(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn louvre() -> AttractionInput {
        AttractionInput {
            name: "  Musée du Louvre ".into(),
            kind: AttractionType::Museum,
            address: "Rue de Rivoli, 75001 Paris".into(),
            latitude: 48.8606,
            longitude: 2.3376,
            status: AttractionStatus::Open,
            opening_hours: Some("   ".into()),
            description: Some(" Le plus grand musée du monde ".into()),
            zone: "paris-01".into(),
        }
    }

    fn field_of(err: async_graphql::Error) -> String {
        let ext = err.extensions.expect("extensions");
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
        match ext.get("field") {
            Some(async_graphql::Value::String(f)) => f.clone(),
            other => panic!("field: {other:?}"),
        }
    }

    #[test]
    fn trims_and_nulls_empty_optionals() {
        let new = louvre().validate().unwrap();
        assert_eq!(new.name, "Musée du Louvre");
        assert_eq!(new.opening_hours, None);
        assert_eq!(
            new.description.as_deref(),
            Some("Le plus grand musée du monde")
        );
    }

    /// Spoils one field of a valid input.
    type Spoil = Box<dyn Fn(&mut AttractionInput)>;

    #[test]
    fn rejects_each_bad_field() {
        let cases: Vec<(&str, Spoil)> = vec![
            ("name", Box::new(|i| i.name = " ".into())),
            ("name", Box::new(|i| i.name = "x".repeat(MAX_NAME + 1))),
            ("address", Box::new(|i| i.address = String::new())),
            ("latitude", Box::new(|i| i.latitude = 90.5)),
            ("latitude", Box::new(|i| i.latitude = f64::NAN)),
            ("longitude", Box::new(|i| i.longitude = -181.0)),
            (
                "openingHours",
                Box::new(|i| i.opening_hours = Some("h".repeat(201))),
            ),
            (
                "description",
                Box::new(|i| i.description = Some("d".repeat(2001))),
            ),
            ("zone", Box::new(|i| i.zone = "Paris 7".into())),
            ("zone", Box::new(|i| i.zone = String::new())),
            ("zone", Box::new(|i| i.zone = "z".repeat(65))),
        ];
        for (field, spoil) in cases {
            let mut input = louvre();
            spoil(&mut input);
            assert_eq!(field_of(input.validate().unwrap_err()), field);
        }
    }
}

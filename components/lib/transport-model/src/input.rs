use crate::{Mode, Status};
use api_kit::ApiError;
use serde_json::{Map, Value};

pub const ROUTE_MAX_CHARS: usize = 200;

/// What a body is written for; PUT may repeat the line's own id, POST may not choose one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    Create,
    Replace(i64),
}

/// The writable fields of a line, validated and normalised (canonical labels, trimmed route).
///
/// Both POST and PUT take all three fields: PUT replaces the line (RFC 9110 semantics),
/// unlike the seed's partial PUT, so a client can never half-update a line by accident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportInput {
    pub mode: Mode,
    pub route: String,
    pub status: Status,
}

const WRITABLE: [&str; 3] = ["mode", "route", "status"];
/// Server-managed fields, tolerated so a client can PUT back what it GOT.
const READ_ONLY: [&str; 3] = ["id", "created_at", "updated_at"];

impl TransportInput {
    /// Validates a JSON object body; the error names the first offending field, checked in
    /// the order: unknown fields, `id`, `mode`, `route`, `status`.
    pub fn from_json(body: &Map<String, Value>, write: Write) -> Result<Self, ApiError> {
        if let Some(unknown) = body
            .keys()
            .find(|k| !WRITABLE.contains(&k.as_str()) && !READ_ONLY.contains(&k.as_str()))
        {
            return Err(ApiError::validation(
                unknown,
                format!(
                    "unknown field `{unknown}`; writable fields: {}",
                    WRITABLE.join(", ")
                ),
            ));
        }
        check_id(body.get("id"), write)?;
        let mode = required_str(body, "mode")?;
        let mode = Mode::parse(mode)
            .ok_or_else(|| ApiError::validation("mode", format!("`mode` {}", Mode::expected())))?;
        let route = route(required_str(body, "route")?)?;
        let status = required_str(body, "status")?;
        let status = Status::parse(status).ok_or_else(|| {
            ApiError::validation("status", format!("`status` {}", Status::expected()))
        })?;
        Ok(Self {
            mode,
            route,
            status,
        })
    }
}

fn check_id(id: Option<&Value>, write: Write) -> Result<(), ApiError> {
    match (id, write) {
        (None | Some(Value::Null), _) => Ok(()),
        (Some(_), Write::Create) => Err(ApiError::validation(
            "id",
            "`id` is assigned by the server; leave it out",
        )),
        (Some(given), Write::Replace(id)) if given.as_i64() == Some(id) => Ok(()),
        (Some(_), Write::Replace(id)) => Err(ApiError::validation(
            "id",
            format!("`id` does not match the line in the URL ({id})"),
        )),
    }
}

fn required_str<'a>(body: &'a Map<String, Value>, field: &str) -> Result<&'a str, ApiError> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiError::validation(
            field,
            format!("`{field}` is required"),
        )),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(ApiError::validation(
            field,
            format!("`{field}` must be a string"),
        )),
    }
}

fn route(raw: &str) -> Result<String, ApiError> {
    let route = raw.trim();
    if route.is_empty() {
        return Err(ApiError::validation("route", "`route` must not be empty"));
    }
    if route.chars().count() > ROUTE_MAX_CHARS {
        return Err(ApiError::validation(
            "route",
            format!("`route` must be at most {ROUTE_MAX_CHARS} characters"),
        ));
    }
    if route.chars().any(char::is_control) {
        return Err(ApiError::validation(
            "route",
            "`route` must not contain control characters",
        ));
    }
    Ok(route.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value, write: Write) -> Result<TransportInput, ApiError> {
        TransportInput::from_json(body.as_object().unwrap(), write)
    }

    fn field_of(body: Value, write: Write) -> String {
        let err = parse(body, write).unwrap_err();
        assert_eq!((err.status(), err.code()), (422, "validation_failed"));
        err.field().unwrap().to_string()
    }

    #[test]
    fn valid_input_is_normalised() {
        let input = parse(
            json!({"mode": "metro", "route": "  Ligne 1 - La Défense → Château de Vincennes ", "status": "Retard"}),
            Write::Create,
        )
        .unwrap();
        assert_eq!(
            input,
            TransportInput {
                mode: Mode::Metro,
                route: "Ligne 1 - La Défense → Château de Vincennes".into(),
                status: Status::Retard,
            }
        );
    }

    #[test]
    fn every_field_is_required() {
        let full = json!({"mode": "Bus", "route": "Ligne 38", "status": "operationnel"});
        for field in ["mode", "route", "status"] {
            let mut missing = full.clone();
            missing.as_object_mut().unwrap().remove(field);
            assert_eq!(field_of(missing, Write::Create), field);
            let mut null = full.clone();
            null[field] = Value::Null;
            assert_eq!(field_of(null, Write::Replace(1)), field);
            let mut wrong_type = full.clone();
            wrong_type[field] = json!(42);
            assert_eq!(field_of(wrong_type, Write::Create), field);
        }
    }

    #[test]
    fn first_error_follows_field_order() {
        assert_eq!(field_of(json!({}), Write::Create), "mode");
        assert_eq!(field_of(json!({"mode": "Bus"}), Write::Create), "route");
        assert_eq!(
            field_of(json!({"mode": "Bateau", "route": ""}), Write::Create),
            "mode"
        );
    }

    #[test]
    fn enums_are_checked() {
        let err = parse(
            json!({"mode": "Bateau", "route": "Seine", "status": "operationnel"}),
            Write::Create,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("mode"));
        assert!(err.message().contains("Métro"));
        assert_eq!(
            field_of(
                json!({"mode": "Bus", "route": "Ligne 38", "status": "closed"}),
                Write::Create
            ),
            "status"
        );
    }

    #[test]
    fn route_rules() {
        let with_route = |route: &str| json!({"mode": "Bus", "route": route, "status": "retard"});
        assert_eq!(field_of(with_route("   "), Write::Create), "route");
        assert_eq!(field_of(with_route("Ligne\n38"), Write::Create), "route");
        let longest = "é".repeat(ROUTE_MAX_CHARS);
        assert!(parse(with_route(&longest), Write::Create).is_ok());
        let too_long = format!("{longest}x");
        assert_eq!(field_of(with_route(&too_long), Write::Create), "route");
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let body =
            json!({"mode": "Bus", "route": "Ligne 38", "statut": "retard", "status": "retard"});
        assert_eq!(field_of(body, Write::Create), "statut");
    }

    #[test]
    fn read_only_fields_round_trip_on_put() {
        let body = json!({
            "id": 7, "mode": "Bus", "route": "Ligne 38", "status": "retard",
            "created_at": "2025-01-01T00:00:00.000000Z", "updated_at": "x"
        });
        assert!(parse(body.clone(), Write::Replace(7)).is_ok());
        assert_eq!(field_of(body.clone(), Write::Replace(8)), "id");
        assert_eq!(field_of(body, Write::Create), "id");
        let null_id = json!({"id": null, "mode": "Bus", "route": "Ligne 38", "status": "retard"});
        assert!(parse(null_id, Write::Create).is_ok());
    }
}

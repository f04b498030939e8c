use crate::{Mode, Status};
use serde::Serialize;

/// A transport line as the API returns it. Timestamps are RFC 3339 UTC strings formatted by
/// Postgres (see `sql`), so no date library is needed here or in the component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transport {
    pub id: i64,
    pub mode: Mode,
    pub route: String,
    pub status: Status,
    pub created_at: String,
    pub updated_at: String,
}

impl Transport {
    /// Builds a line from a database row in `sql::COLUMNS` order. An unknown mode or status
    /// means the table and this crate disagree (the CHECK constraints should make it
    /// impossible), which the caller reports as an internal error.
    pub fn from_row(
        id: i64,
        mode: &str,
        route: String,
        status: &str,
        created_at: String,
        updated_at: String,
    ) -> Result<Self, String> {
        Ok(Self {
            id,
            mode: Mode::parse(mode).ok_or_else(|| format!("row {id}: unknown mode {mode:?}"))?,
            route,
            status: Status::parse(status)
                .ok_or_else(|| format!("row {id}: unknown status {status:?}"))?,
            created_at,
            updated_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_shape() {
        let t = Transport::from_row(
            3,
            "Métro",
            "Ligne 14 - Saint-Denis Pleyel → Aéroport d'Orly".into(),
            "operationnel",
            "2025-11-21T18:54:00.123456Z".into(),
            "2025-11-21T18:54:00.123456Z".into(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            json!({
                "id": 3,
                "mode": "Métro",
                "route": "Ligne 14 - Saint-Denis Pleyel → Aéroport d'Orly",
                "status": "operationnel",
                "created_at": "2025-11-21T18:54:00.123456Z",
                "updated_at": "2025-11-21T18:54:00.123456Z"
            })
        );
    }

    #[test]
    fn rejects_unknown_stored_values() {
        let row = |mode: &str, status: &str| {
            Transport::from_row(1, mode, "r".into(), status, String::new(), String::new())
        };
        assert!(row("Bateau", "operationnel")
            .unwrap_err()
            .contains("Bateau"));
        assert!(row("Bus", "ok").unwrap_err().contains("ok"));
    }
}

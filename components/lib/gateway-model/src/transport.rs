//! The transport service's REST/JSON reply (`GET /transports`).

use serde::{Deserialize, Serialize};

/// The whole list in one page (the service's maximum page size).
pub const LIST_PATH: &str = "/transports?limit=1000";

/// The status label of a line in service.
pub const OPERATIONAL: &str = "operationnel";

/// Modes that are public transport: shared, enclosed, scheduled. Vélo and Taxi are not.
pub const PUBLIC_MODES: [&str; 4] = ["Métro", "Bus", "Tramway", "Train"];

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Line {
    pub id: i64,
    pub mode: String,
    pub route: String,
    pub status: String,
}

impl Line {
    pub fn is_operational(&self) -> bool {
        self.status == OPERATIONAL
    }

    pub fn is_public(&self) -> bool {
        PUBLIC_MODES.contains(&self.mode.as_str())
    }
}

/// Reads a `GET /transports` reply: HTTP 200 with a JSON array of lines.
pub fn parse_lines(status: u16, body: &[u8]) -> Result<Vec<Line>, String> {
    if status != 200 {
        return Err(format!("transport answered HTTP {status}"));
    }
    serde_json::from_slice(body).map_err(|e| format!("transport reply is not a list of lines: {e}"))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransportSummary {
    pub operational: usize,
    pub total_lines: usize,
    /// Share of lines in service, in whole percent.
    pub availability_percent: u32,
    /// `normal` when more than 80 % of the lines run (the seed's rule), else `disrupted`.
    pub status: &'static str,
}

pub fn summarize(lines: &[Line]) -> TransportSummary {
    let operational = lines.iter().filter(|l| l.is_operational()).count();
    let total_lines = lines.len();
    let share = if total_lines == 0 { 0.0 } else { operational as f64 / total_lines as f64 };
    TransportSummary {
        operational,
        total_lines,
        availability_percent: (share * 100.0).floor() as u32,
        status: if share > 0.8 { "normal" } else { "disrupted" },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(id: i64, mode: &str, status: &str) -> Line {
        Line { id, mode: mode.into(), route: format!("Ligne {id}"), status: status.into() }
    }

    #[test]
    fn the_service_reply_is_read_ignoring_extra_fields() {
        let body = br#"[{"id":1,"mode":"M\u00e9tro","route":"Ligne 1","status":"operationnel","created_at":"x","updated_at":"y"}]"#;
        let lines = parse_lines(200, body).unwrap();
        assert_eq!(lines, [Line { id: 1, mode: "Métro".into(), route: "Ligne 1".into(), status: "operationnel".into() }]);
    }

    #[test]
    fn a_non_list_or_an_error_status_is_refused() {
        assert!(parse_lines(200, br#"{"echo":true}"#).unwrap_err().contains("not a list"));
        assert_eq!(parse_lines(503, b"[]").unwrap_err(), "transport answered HTTP 503");
    }

    #[test]
    fn nine_of_thirteen_lines_is_a_disrupted_network() {
        let mut lines: Vec<Line> = (0..9).map(|i| line(i, "Bus", "operationnel")).collect();
        lines.extend((9..13).map(|i| line(i, "Bus", "en_maintenance")));
        let s = summarize(&lines);
        assert_eq!((s.operational, s.total_lines, s.availability_percent, s.status), (9, 13, 69, "disrupted"));
        let s = summarize(&lines[..9]);
        assert_eq!((s.availability_percent, s.status), (100, "normal"));
        assert_eq!(summarize(&[]).availability_percent, 0);
    }

    #[test]
    fn public_modes_are_metro_bus_tramway_and_train() {
        assert!(line(1, "Tramway", "operationnel").is_public());
        assert!(!line(1, "Vélo", "operationnel").is_public());
        assert!(!line(1, "Taxi", "operationnel").is_public());
    }
}

//! The eco-route between two zones: the air along the way and the low-emission lines.
//!
//! The seed dropped zones it could not find (and divided by zero when it found none), and its
//! score could pass 100; here an unknown zone is refused before scoring, a zone without a
//! measure makes the score unknown, and the score is kept within 0..=100.

use crate::transport::Line;
use serde::Serialize;

/// Modes that emit nothing locally or run on electricity.
pub const ECO_MODES: [&str; 3] = ["Vélo", "Métro", "Tramway"];

/// `100 + 10 when an eco line runs − 20 when the mean AQI is above 100 − ⌊mean / 5⌋`,
/// kept within 0..=100 (seed B4.4b). `None` without any AQI.
pub fn eco_score(aqis: &[u16], eco_line_running: bool) -> Option<u8> {
    if aqis.is_empty() {
        return None;
    }
    let mean = aqis.iter().map(|a| f64::from(*a)).sum::<f64>() / aqis.len() as f64;
    let mut score = 100.0 - (mean / 5.0).floor();
    if eco_line_running {
        score += 10.0;
    }
    if mean > 100.0 {
        score -= 20.0;
    }
    Some(score.clamp(0.0, 100.0) as u8)
}

pub fn eco_lines(lines: &[Line]) -> Vec<&Line> {
    lines.iter().filter(|l| l.is_operational() && ECO_MODES.contains(&l.mode.as_str())).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub zone: String,
    pub aqi: Option<u16>,
    pub action: String,
}

/// Start on the first eco line (or on foot), arrive at the end zone.
pub fn path(start: (&str, Option<u16>), end: (&str, Option<u16>), eco: &[&Line]) -> Vec<Step> {
    let leave = match eco.first() {
        Some(line) => format!("Take {} {}", line.mode, line.route),
        None => "Walk".to_string(),
    };
    vec![
        Step { zone: start.0.to_string(), aqi: start.1, action: leave },
        Step { zone: end.0.to_string(), aqi: end.1, action: "Arrive".to_string() },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_scores_95() {
        assert_eq!(eco_score(&[45, 95, 85], true), Some(95));
    }

    #[test]
    fn the_score_stays_within_bounds_and_needs_a_figure() {
        assert_eq!(eco_score(&[10], true), Some(100));
        assert_eq!(eco_score(&[500, 500], false), Some(0));
        assert_eq!(eco_score(&[122, 130], false), Some(55));
        assert_eq!(eco_score(&[], true), None);
    }

    #[test]
    fn eco_lines_are_running_bikes_metros_and_trams() {
        let line = |id, mode: &str, status: &str| Line { id, mode: mode.into(), route: "r".into(), status: status.into() };
        let lines = [line(1, "Bus", "operationnel"), line(2, "Tramway", "operationnel"), line(3, "Vélo", "hors_service")];
        let eco = eco_lines(&lines);
        assert_eq!(eco.iter().map(|l| l.id).collect::<Vec<_>>(), [2]);
        assert_eq!(path(("paris-01", Some(88)), ("paris-08", None), &eco)[0].action, "Take Tramway r");
        assert_eq!(path(("paris-01", Some(88)), ("paris-08", None), &[])[0].action, "Walk");
    }
}

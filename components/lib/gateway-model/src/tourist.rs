//! The tourist day in a zone: what to visit given the air, and how to get around.
//!
//! The seed filtered polluted days on French category labels its data never used, so it
//! always proposed nothing; here the filter is on the schema's `AttractionType` values.

use crate::soap::Measure;
use crate::tourism::Attraction;
use crate::transport::Line;
use crate::trip::POLLUTED_AQI;
use crate::Section;
use serde_json::{json, Value};

/// Attraction types visited indoors, kept on a polluted day.
pub const INDOOR_TYPES: [&str; 4] = ["MUSEUM", "CHURCH", "THEATRE", "RESTAURANT"];

/// At most this many attractions in a day.
pub const MAX_VISITS: usize = 8;

pub struct DayInputs {
    pub zone: String,
    pub air: Section<Option<Measure>>,
    pub lines: Section<Vec<Line>>,
    pub attractions: Section<Vec<Attraction>>,
}

/// The open attractions worth the day: indoor ones only when the air is polluted.
pub fn visits<'a>(attractions: &'a [Attraction], zone: &str, aqi: Option<u16>) -> Vec<&'a Attraction> {
    let polluted = aqi.is_some_and(|aqi| aqi > POLLUTED_AQI);
    attractions
        .iter()
        .filter(|a| a.is_open() && a.zone == zone)
        .filter(|a| !polluted || INDOOR_TYPES.contains(&a.kind.as_str()))
        .take(MAX_VISITS)
        .collect()
}

/// The line to get around on: the first operational public line on a polluted day,
/// otherwise the first operational Vélo line, otherwise any operational line.
pub fn suggested_line(lines: &[Line], aqi: Option<u16>) -> Option<&Line> {
    let running = || lines.iter().filter(|l| l.is_operational());
    let preferred = if aqi.is_some_and(|aqi| aqi > POLLUTED_AQI) {
        running().find(|l| l.is_public())
    } else {
        running().find(|l| l.mode == "Vélo")
    };
    preferred.or_else(|| running().next())
}

impl DayInputs {
    pub fn degraded(&self) -> bool {
        !(self.air.is_ready() && self.lines.is_ready() && self.attractions.is_ready())
    }

    pub fn to_json(&self) -> Value {
        let aqi = self.air.ready().and_then(|m| m.as_ref()).map(|m| m.aqi);
        let polluted = aqi.is_some_and(|aqi| aqi > POLLUTED_AQI);
        let air_quality = match &self.air {
            Section::Ready(Some(m)) => json!({ "aqi": m.aqi, "category": m.category, "measured_at": m.measured_at }),
            Section::Ready(None) => json!({ "status": "no_data", "error": "the zone has no measure yet" }),
            unavailable => unavailable.to_json(),
        };
        let attractions = match &self.attractions {
            Section::Ready(list) => json!(visits(list, &self.zone, aqi)),
            Section::Unavailable(e) => Section::<()>::Unavailable(e.clone()).to_json(),
        };
        let line = match &self.lines {
            Section::Ready(lines) => json!(suggested_line(lines, aqi)),
            Section::Unavailable(e) => Section::<()>::Unavailable(e.clone()).to_json(),
        };
        let getting_around = match self.lines.ready().and_then(|l| suggested_line(l, aqi)) {
            Some(line) => format!("Get around with {} {}", line.mode, line.route),
            None => "Get around on foot".to_string(),
        };
        let advice = match aqi {
            Some(_) if polluted => "Poor air: indoor visits only, avoid cycling",
            Some(_) => "Acceptable air: every open attraction is on the list",
            None => "Air quality unknown: every open attraction is on the list",
        };
        json!({
            "zone": self.zone,
            "degraded": self.degraded(),
            "air_quality": air_quality,
            "advice": advice,
            "attractions": attractions,
            "suggested_transport": line,
            "day_plan": {
                "morning": "Visit the main attractions",
                "lunch": "Lunch break in a low-AQI zone",
                "afternoon": getting_around,
                "evening": "Return by public transport",
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attraction(id: i64, kind: &str, status: &str) -> Attraction {
        Attraction { id, name: format!("A{id}"), kind: kind.into(), status: status.into(), zone: "paris-08".into() }
    }

    fn line(id: i64, mode: &str, status: &str) -> Line {
        Line { id, mode: mode.into(), route: format!("L{id}"), status: status.into() }
    }

    #[test]
    fn a_polluted_day_keeps_open_indoor_attractions() {
        let list = [attraction(1, "PARK", "OPEN"), attraction(2, "MUSEUM", "OPEN"), attraction(3, "THEATRE", "CLOSED")];
        let ids = |aqi| visits(&list, "paris-08", aqi).iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(Some(122)), [2]);
        assert_eq!(ids(Some(60)), [1, 2]);
        assert_eq!(ids(None), [1, 2]);
        assert!(visits(&list, "paris-01", Some(60)).is_empty());
    }

    #[test]
    fn the_line_follows_the_air() {
        let lines = [line(1, "Vélo", "operationnel"), line(2, "Bus", "en_maintenance"), line(3, "Métro", "operationnel")];
        assert_eq!(suggested_line(&lines, Some(130)).unwrap().id, 3);
        assert_eq!(suggested_line(&lines, Some(40)).unwrap().id, 1);
        assert_eq!(suggested_line(&lines[1..], Some(40)).unwrap().id, 3);
        assert!(suggested_line(&lines[1..2], Some(40)).is_none());
    }

    #[test]
    fn the_plan_says_how_to_get_around() {
        let day = DayInputs {
            zone: "paris-08".into(),
            air: Section::Ready(Some(Measure { zone_id: "paris-08".into(), aqi: 122, category: "x".into(), measured_at: "t".into() })),
            lines: Section::Ready(vec![line(3, "Métro", "operationnel")]),
            attractions: Section::Unavailable("timed out".into()),
        };
        let doc = day.to_json();
        assert_eq!(doc["day_plan"]["afternoon"], "Get around with Métro L3");
        assert_eq!(doc["attractions"]["status"], "unavailable");
        assert_eq!(doc["degraded"], true);
    }
}

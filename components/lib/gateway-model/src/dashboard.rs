//! The city dashboard: one section per service, the city's status from the sections that
//! answered with data, and the alerts worth a look.

use crate::emergency::EmergencySummary;
use crate::soap::AirQualitySummary;
use crate::tourism::TourismSummary;
use crate::transport::TransportSummary;
use crate::Section;
use serde::Serialize;
use serde_json::{json, Value};

pub struct Sections {
    pub transport: Section<TransportSummary>,
    pub air_quality: Section<AirQualitySummary>,
    pub tourism: Section<TourismSummary>,
    pub emergency: Section<EmergencySummary>,
}

/// More than this many active interventions raise an alert (the seed's threshold).
pub const BUSY_INTERVENTIONS: usize = 2;

/// The city's status, from how many of the four services answered with data (seed B4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CityStatus {
    /// All four services answered with data.
    AllSystemsOperational,
    /// Three did.
    Operational,
    /// Two did.
    Disrupted,
    /// One or none did.
    SeverelyDisrupted,
}

impl CityStatus {
    pub fn from_healthy_count(healthy: usize) -> CityStatus {
        match healthy {
            4.. => CityStatus::AllSystemsOperational,
            3 => CityStatus::Operational,
            2 => CityStatus::Disrupted,
            _ => CityStatus::SeverelyDisrupted,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// `info`, `warning` or `critical`.
    pub level: &'static str,
    /// The section it is about, or `city`.
    pub source: &'static str,
    pub message: String,
}

fn alert(level: &'static str, source: &'static str, message: String) -> Alert {
    Alert { level, source, message }
}

impl Sections {
    /// A service counts as healthy when it answered and has something to count: lines,
    /// monitored zones, attractions, vehicles. An empty service is not a working one.
    pub fn healthy_count(&self) -> usize {
        [
            self.transport.ready().is_some_and(|t| t.total_lines > 0),
            self.air_quality.ready().is_some_and(|a| a.zones_monitored > 0),
            self.tourism.ready().is_some_and(|t| t.total_attractions > 0),
            self.emergency.ready().is_some_and(|e| e.total_vehicles > 0),
        ]
        .into_iter()
        .filter(|ok| *ok)
        .count()
    }

    pub fn degraded(&self) -> bool {
        !(self.transport.is_ready() && self.air_quality.is_ready() && self.tourism.is_ready() && self.emergency.is_ready())
    }

    pub fn alerts(&self) -> Vec<Alert> {
        let mut alerts = Vec::new();
        let answered = [
            ("transport", self.transport.is_ready()),
            ("air_quality", self.air_quality.is_ready()),
            ("tourism", self.tourism.is_ready()),
            ("emergency", self.emergency.is_ready()),
        ];
        for (source, ready) in answered {
            if !ready {
                alerts.push(alert("warning", source, format!("the {source} service is unavailable")));
            }
        }
        if let Some(t) = self.transport.ready().filter(|t| t.status != "normal") {
            alerts.push(alert("warning", "transport", format!("{} of {} lines operational", t.operational, t.total_lines)));
        }
        if let Some(a) = self.air_quality.ready().filter(|a| !a.polluted_zones.is_empty()) {
            let zones: Vec<&str> = a.polluted_zones.iter().map(|z| z.zone_id.as_str()).collect();
            alerts.push(alert(
                "warning",
                "air_quality",
                format!("{} zone(s) with AQI above 100: {}", zones.len(), zones.join(", ")),
            ));
        }
        if let Some(e) = self.emergency.ready() {
            if e.active_interventions > BUSY_INTERVENTIONS {
                alerts.push(alert("info", "emergency", format!("{} active interventions", e.active_interventions)));
            }
            if e.total_vehicles > 0 && e.available_vehicles == 0 {
                alerts.push(alert("critical", "emergency", "no emergency vehicle is available".into()));
            }
        }
        if self.healthy_count() < 2 {
            alerts.push(alert("critical", "city", "several services need attention".into()));
        }
        alerts
    }

    /// The dashboard document.
    pub fn to_json(&self, timestamp: &str) -> Value {
        json!({
            "timestamp": timestamp,
            "city_status": CityStatus::from_healthy_count(self.healthy_count()),
            "services_healthy": self.healthy_count(),
            "degraded": self.degraded(),
            "transport": self.transport.to_json(),
            "air_quality": self.air_quality.to_json(),
            "tourism": self.tourism.to_json(),
            "emergency": self.emergency.to_json(),
            "alerts": self.alerts(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::PollutedZone;

    fn seed() -> Sections {
        Sections {
            transport: Section::Ready(TransportSummary { operational: 9, total_lines: 13, availability_percent: 69, status: "disrupted" }),
            air_quality: Section::Ready(AirQualitySummary {
                average_aqi: 91.0,
                category: "Moderate",
                zones_monitored: 20,
                polluted_zones: vec![PollutedZone { zone_id: "paris-10".into(), aqi: 130 }],
            }),
            tourism: Section::Ready(TourismSummary { currently_open: 9, total_attractions: 10 }),
            emergency: Section::Ready(EmergencySummary { available_vehicles: 5, on_mission: 3, total_vehicles: 8, active_interventions: 4 }),
        }
    }

    #[test]
    fn all_four_answering_is_all_systems_operational() {
        let doc = seed().to_json("2026-11-21T07:00:00Z");
        assert_eq!(doc["city_status"], "all_systems_operational");
        assert_eq!(doc["degraded"], false);
        assert_eq!(doc["transport"]["operational"], 9);
        let messages: Vec<&str> = doc["alerts"].as_array().unwrap().iter().map(|a| a["message"].as_str().unwrap()).collect();
        assert_eq!(messages, ["9 of 13 lines operational", "1 zone(s) with AQI above 100: paris-10", "4 active interventions"]);
    }

    #[test]
    fn one_missing_section_degrades_without_inventing_figures() {
        let mut sections = seed();
        sections.tourism = Section::Unavailable("timed out after 2000 ms".into());
        let doc = sections.to_json("t");
        assert_eq!(doc["city_status"], "operational");
        assert_eq!(doc["degraded"], true);
        assert_eq!(doc["tourism"], json!({"status": "unavailable", "error": "timed out after 2000 ms"}));
        assert_eq!(doc["alerts"][0]["message"], "the tourism service is unavailable");
    }

    #[test]
    fn the_status_follows_the_healthy_count() {
        assert_eq!(CityStatus::from_healthy_count(2), CityStatus::Disrupted);
        assert_eq!(CityStatus::from_healthy_count(1), CityStatus::SeverelyDisrupted);
        assert_eq!(CityStatus::from_healthy_count(0), CityStatus::SeverelyDisrupted);
        let mut sections = seed();
        sections.transport = Section::Unavailable("x".into());
        sections.air_quality = Section::Unavailable("x".into());
        // An empty fleet answered, but it is not a working emergency service.
        sections.emergency = Section::Ready(EmergencySummary { available_vehicles: 0, on_mission: 0, total_vehicles: 0, active_interventions: 0 });
        assert_eq!(sections.healthy_count(), 1);
        let doc = sections.to_json("t");
        assert_eq!(doc["city_status"], "severely_disrupted");
        assert_eq!(doc["alerts"].as_array().unwrap().last().unwrap()["level"], "critical");
    }
}

//! Replay of a Paris Open Data export of `comptages-routiers-permanents` (hourly counts per
//! road arc): the CSV with French headers (`;`-separated) or the Explore API's JSON
//! (`{"results": [...]}` or a bare array of records).
//!
//! Records become readings with the seed's model (seed-systems.md §A4.1): flow = `q` (veh/h),
//! occupancy = `k`/100, speed = 50·(1 − k/30) clamped to [5, 90]. Records without `q` or `k`
//! (the export's "Inconnu" rows) cannot make a reading and are skipped, as the seed's query
//! skipped them; so are records with an out-of-range `k`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde_json::Value;
use traffic_model::Reading;

/// One usable hourly record of one arc.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayRecord {
    /// When it was counted (`t_1h`, "Date et heure de comptage").
    pub counted_at: DateTime<Utc>,
    /// `PARIS-{iu_ac}`: sensor and road id, as the seed's simulator named them.
    pub sensor_id: String,
    pub label: Option<String>,
    pub flow_veh_h: f64,
    pub occupancy_pct: f64,
    pub lat_lng: Option<(f64, f64)>,
    /// `PARIS-N{iu_nd_amont}` → `PARIS-N{iu_nd_aval}`.
    pub from_node: Option<String>,
    pub to_node: Option<String>,
}

/// A loaded export: usable records in counting order, and how many rows were skipped.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    pub records: Vec<ReplayRecord>,
    pub skipped: usize,
}

/// The seed's speed model (Greenshields with `k` as a percentage, free flow 50 km/h, jam at
/// 30 %): 50·(1 − k/30) clamped to [5, 90]; 50 when `k` is unknown or ≤ 0.
pub fn speed_from_occupancy_pct(k: Option<f64>) -> f64 {
    match k {
        Some(k) if k > 0.0 => (50.0 * (1.0 - k / 30.0)).clamp(5.0, 90.0),
        _ => 50.0,
    }
}

impl ReplayRecord {
    /// The reading this record becomes, stamped `ts`.
    pub fn reading(&self, ts: DateTime<Utc>) -> Reading {
        Reading {
            ts,
            sensor_id: self.sensor_id.clone(),
            road_id: self.sensor_id.clone(),
            speed_kmh: round(speed_from_occupancy_pct(Some(self.occupancy_pct)), 1),
            flow_rate: round(self.flow_veh_h, 1),
            occupancy: round(self.occupancy_pct / 100.0, 3),
            label: self.label.clone(),
            lat: self.lat_lng.map(|p| p.0),
            lng: self.lat_lng.map(|p| p.1),
            from_node: self.from_node.clone(),
            to_node: self.to_node.clone(),
            length_m: None,
            free_flow_kmh: None,
        }
    }
}

/// Loads a CSV or JSON export (told apart by its first non-blank character).
pub fn load(path: &Path) -> Result<Replay> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let text = String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut replay = match text.trim_start().chars().next() {
        Some('{' | '[') => from_json(text),
        Some(_) => from_csv(text),
        None => bail!("{} is empty", path.display()),
    }
    .with_context(|| format!("cannot load {}", path.display()))?;
    replay.records.sort_by(|a, b| a.counted_at.cmp(&b.counted_at).then_with(|| a.sensor_id.cmp(&b.sensor_id)));
    replay.records.dedup_by(|a, b| a.counted_at == b.counted_at && a.sensor_id == b.sensor_id);
    if replay.records.is_empty() {
        bail!("{} has no usable record (all {} lacked q, k or a valid time)", path.display(), replay.skipped);
    }
    Ok(replay)
}

/// The fields of one record, whatever the format it came from.
#[derive(Default)]
struct Raw {
    iu_ac: Option<String>,
    libelle: Option<String>,
    t_1h: Option<String>,
    q: Option<f64>,
    k: Option<f64>,
    point: Option<(f64, f64)>,
    amont: Option<String>,
    aval: Option<String>,
}

impl Raw {
    fn record(self) -> Option<ReplayRecord> {
        let iu_ac = self.iu_ac.filter(|s| is_id(s))?;
        let counted_at = parse_time(self.t_1h.as_deref()?)?;
        let flow = self.q.filter(|q| q.is_finite() && (0.0..=traffic_model::FLOW_MAX_VEH_H).contains(q))?;
        let k = self.k.filter(|k| k.is_finite() && (0.0..=100.0).contains(k))?;
        let node = |n: Option<String>| n.filter(|s| is_id(s)).map(|s| format!("PARIS-N{s}"));
        let (from_node, to_node) = match (node(self.amont), node(self.aval)) {
            (Some(a), Some(b)) if a == b => (None, None),
            other => other,
        };
        let label = self.libelle.map(|l| l.replace('_', " ").trim().to_string()).filter(|l| !l.is_empty());
        let point = self.point.filter(|&(lat, lng)| {
            (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng) && !(lat == 0.0 && lng == 0.0)
        });
        Some(ReplayRecord {
            counted_at,
            sensor_id: format!("PARIS-{iu_ac}"),
            label: label.map(|l| l.chars().take(traffic_model::LABEL_MAX_CHARS).collect()),
            flow_veh_h: flow,
            occupancy_pct: k,
            lat_lng: point,
            from_node,
            to_node,
        })
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `2024-01-04T18:00:00+01:00`, `2024-01-04 17:00:00+00:00`; a time without offset is
/// Paris local time (as the portal displays it).
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S%:z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Paris.from_local_datetime(&t).earliest().map(|t| t.with_timezone(&Utc));
        }
    }
    None
}

/// `"48.87153587897717, 2.3017227924560615"` or `"48.87,2.30"` (lat first).
fn parse_point(text: &str) -> Option<(f64, f64)> {
    let (lat, lng) = text.split_once(',')?;
    Some((lat.trim().parse().ok()?, lng.trim().parse().ok()?))
}

/// French decimal commas happen in spreadsheet re-exports: accept `1137,5` as well.
fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    text.parse().ok().or_else(|| text.replace(',', ".").parse().ok())
}

const CSV_ARC: &str = "Identifiant arc";
const CSV_LABEL: &str = "Libelle";
const CSV_TIME: &str = "Date et heure de comptage";
const CSV_FLOW: &str = "Débit horaire";
const CSV_OCCUPANCY: &str = "Taux d'occupation";
const CSV_FROM: &str = "Identifiant noeud amont";
const CSV_TO: &str = "Identifiant noeud aval";
const CSV_POINT: &str = "geo_point_2d";

fn from_csv(text: &str) -> Result<Replay> {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').flexible(true).from_reader(text.as_bytes());
    let headers = reader.headers().context("no header line")?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let required = |name: &str| column(name).with_context(|| format!("no {name:?} column (is this the comptages-routiers-permanents export, ';'-separated?)"));
    let (arc, time, flow, occupancy) = (required(CSV_ARC)?, required(CSV_TIME)?, required(CSV_FLOW)?, required(CSV_OCCUPANCY)?);
    let (label, from, to, point) = (column(CSV_LABEL), column(CSV_FROM), column(CSV_TO), column(CSV_POINT));
    let mut replay = Replay::default();
    for (line, row) in reader.records().enumerate() {
        let row = row.with_context(|| format!("CSV record {}", line + 1))?;
        let get = |i: Option<usize>| i.and_then(|i| row.get(i)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let raw = Raw {
            iu_ac: get(Some(arc)),
            libelle: get(label),
            t_1h: get(Some(time)),
            q: get(Some(flow)).and_then(|s| parse_number(&s)),
            k: get(Some(occupancy)).and_then(|s| parse_number(&s)),
            point: get(point).and_then(|s| parse_point(&s)),
            amont: get(from),
            aval: get(to),
        };
        match raw.record() {
            Some(record) => replay.records.push(record),
            None => replay.skipped += 1,
        }
    }
    Ok(replay)
}

fn from_json(text: &str) -> Result<Replay> {
    let value: Value = serde_json::from_str(text).context("invalid JSON")?;
    let records = match &value {
        Value::Array(items) => items,
        Value::Object(obj) => match obj.get("results") {
            Some(Value::Array(items)) => items,
            _ => bail!("a JSON export must be an array of records or an object with a \"results\" array"),
        },
        _ => bail!("a JSON export must be an array or an object"),
    };
    let mut replay = Replay::default();
    for item in records {
        // Ids come as strings or numbers depending on the export.
        let text = |key: &str| match item.get(key) {
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let number = |key: &str| match item.get(key) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => parse_number(s),
            _ => None,
        };
        let point = item.get("geo_point_2d").and_then(|p| match p {
            Value::Object(o) => Some((o.get("lat")?.as_f64()?, o.get("lon")?.as_f64()?)),
            Value::String(s) => parse_point(s),
            _ => None,
        });
        let raw = Raw {
            iu_ac: text("iu_ac"),
            libelle: text("libelle"),
            t_1h: text("t_1h"),
            q: number("q"),
            k: number("k"),
            point,
            amont: text("iu_nd_amont"),
            aval: text("iu_nd_aval"),
        };
        match raw.record() {
            Some(record) => replay.records.push(record),
            None => replay.skipped += 1,
        }
    }
    Ok(replay)
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

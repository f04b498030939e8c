//! The air-quality service over SOAP 1.1: request envelopes and a streaming reader of its
//! replies (measures or a Fault), on quick-xml's namespace-aware reader. Values are read by
//! qualified name, so any prefixes the service picks are fine.

use air_quality_model::aqi::Category;
use air_quality_model::soap::{ENVELOPE_NS, TNS};
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use serde::Serialize;

/// Replies larger than this are refused: the whole city's measures are far below it.
pub const MAX_REPLY_BYTES: usize = 4 << 20;

pub const CONTENT_TYPE: &str = air_quality_model::soap::CONTENT_TYPE;

/// The envelope and `SOAPAction` of `GetAirQualityMeasures` (every measure, latest first).
pub fn all_measures_request() -> (String, String) {
    request("GetAirQualityMeasures", "")
}

/// The envelope and `SOAPAction` of `GetZones` (the health check's question).
pub fn zones_request() -> (String, String) {
    request("GetZones", "")
}

/// The envelope and `SOAPAction` of `GetMeasuresByZone(zone_id)` (latest first).
pub fn zone_measures_request(zone_id: &str) -> (String, String) {
    let zone = quick_xml::escape::escape(zone_id);
    request("GetMeasuresByZone", &format!("<tns:zone_id>{zone}</tns:zone_id>"))
}

fn request(operation: &str, arguments: &str) -> (String, String) {
    let envelope = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
         <soap:Envelope xmlns:soap=\"{ENVELOPE_NS}\" xmlns:tns=\"{TNS}\"><soap:Body>\
         <tns:{operation}>{arguments}</tns:{operation}></soap:Body></soap:Envelope>"
    );
    (envelope, format!("\"{TNS}/{operation}\""))
}

/// One measure as the gateway uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub zone_id: String,
    pub aqi: u16,
    pub category: String,
    pub measured_at: String,
}

/// Why a reply carries no measures.
#[derive(Debug, Clone, PartialEq)]
pub enum SoapError {
    /// A SOAP Fault: `code` is the local part of `faultcode` (`Client`, `Server`, …).
    Fault { code: String, message: String },
    /// Not a SOAP reply of the expected operation.
    Invalid(String),
}

impl std::fmt::Display for SoapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SoapError::Fault { code, message } => write!(f, "SOAP fault {code}: {message}"),
            SoapError::Invalid(why) => write!(f, "invalid SOAP reply: {why}"),
        }
    }
}

/// Reads the reply to `operation` (e.g. `GetMeasuresByZone`): its measures, or its Fault.
pub fn parse_measures(operation: &str, body: &[u8]) -> Result<Vec<Measure>, SoapError> {
    parse_records(operation, "measure", body)?
        .into_iter()
        .map(|fields| measure_of(&fields).map_err(SoapError::Invalid))
        .collect()
}

/// One `<tns:{record}>` element of a reply: its child elements' (local name, text), in order.
pub type Record = Vec<(String, String)>;

/// Reads the reply to `operation`: the `{TNS}{record}` children of its wrapper element, or
/// its Fault. Every reply of the service has this shape (a list of flat records).
pub fn parse_records(operation: &str, record: &str, body: &[u8]) -> Result<Vec<Record>, SoapError> {
    let invalid = |why: String| SoapError::Invalid(why);
    if body.len() > MAX_REPLY_BYTES {
        return Err(invalid(format!("larger than {MAX_REPLY_BYTES} bytes")));
    }
    let text = std::str::from_utf8(body).map_err(|_| invalid("not UTF-8".into()))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;

    let wrapper = format!("{operation}Response");
    // Namespaces of the open elements (their local names come with their end tags, which
    // the reader checks against the start tags), and whether the open child of the Envelope
    // is the Body.
    let mut path: Vec<Ns> = Vec::new();
    let mut in_body = false;
    let mut text_buf = String::new();
    let mut records = Vec::new();
    let mut current: Option<Record> = None;
    let (mut saw_envelope, mut saw_wrapper) = (false, false);
    let (mut fault_code, mut fault_message, mut in_fault) = (String::new(), String::new(), false);

    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|e| invalid(e.to_string()))?;
        let ns = Ns::of(resolved)?;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let local = name_text(start.local_name().into_inner())?;
                let depth = path.len();
                let in_tns = ns == Ns::Service;
                match depth {
                    0 if ns == Ns::Envelope && local == "Envelope" => saw_envelope = true,
                    0 => return Err(invalid(format!("document element <{local}> is not a SOAP 1.1 Envelope"))),
                    2 if ns == Ns::Envelope && local == "Fault" => in_fault = true,
                    2 if in_tns && local == wrapper => saw_wrapper = true,
                    2 if in_body => return Err(invalid(format!("unexpected body element <{local}>"))),
                    3 if saw_wrapper && in_tns && local == record => current = Some(Vec::new()),
                    _ => {}
                }
                text_buf.clear();
                if matches!(event, Event::Start(_)) {
                    if depth == 1 {
                        in_body = local == "Body";
                    }
                    path.push(ns);
                } else if depth == 3 && current.is_some() {
                    records.extend(current.take());
                } else if depth == 4 && in_tns {
                    if let Some(fields) = current.as_mut() {
                        fields.push((local.to_string(), String::new()));
                    }
                }
            }
            Event::End(ref end) => {
                let local = name_text(end.local_name().into_inner())?;
                path.pop().ok_or_else(|| invalid("unexpected end tag".into()))?;
                let value = text_buf.trim();
                match path.len() {
                    3 if in_fault && local == "faultcode" => fault_code = value.to_string(),
                    3 if in_fault && local == "faultstring" => fault_message = value.to_string(),
                    4 if ns == Ns::Service => {
                        if let Some(fields) = current.as_mut() {
                            fields.push((local.to_string(), value.to_string()));
                        }
                    }
                    3 if local == record => records.extend(current.take()),
                    _ => {}
                }
                // Cleared, not taken: the buffer keeps its capacity for the next element.
                text_buf.clear();
            }
            Event::Text(t) => text_buf.push_str(&t.xml_content().map_err(|e| invalid(e.to_string()))?),
            Event::CData(c) => text_buf.push_str(&c.decode().map_err(|e| invalid(e.to_string()))?),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref().map_err(|e| invalid(e.to_string()))? {
                    Some(ch) => ch.to_string(),
                    None => predefined(&r.decode().map_err(|e| invalid(e.to_string()))?)
                        .ok_or_else(|| invalid("undefined entity".into()))?
                        .to_string(),
                };
                text_buf.push_str(&ch);
            }
            Event::DocType(_) => return Err(invalid("a DOCTYPE is not allowed".into())),
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_envelope {
        return Err(invalid("no SOAP Envelope".into()));
    }
    if in_fault {
        // `soap:Client` → `Client`: the prefix is the service's choice, the local part is the code.
        let code = fault_code.rsplit(':').next().unwrap_or_default().to_string();
        return Err(SoapError::Fault { code, message: fault_message });
    }
    if !saw_wrapper {
        return Err(invalid(format!("no {wrapper} element in the Body")));
    }
    Ok(records)
}

/// An element's local name; the reader reads a `&str`, so this never fails in practice.
fn name_text(bytes: &[u8]) -> Result<&str, SoapError> {
    std::str::from_utf8(bytes).map_err(|_| SoapError::Invalid("an element name is not UTF-8".into()))
}

/// The namespace of an element, compared as bytes: a reply has thousands of elements, and
/// turning each one's namespace into a `String` was most of the gateway's parsing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Envelope,
    Service,
    Other,
    Unbound,
}

impl Ns {
    fn of(resolved: ResolveResult<'_>) -> Result<Ns, SoapError> {
        Ok(match resolved {
            ResolveResult::Bound(ns) if ns.as_ref() == ENVELOPE_NS.as_bytes() => Ns::Envelope,
            ResolveResult::Bound(ns) if ns.as_ref() == TNS.as_bytes() => Ns::Service,
            ResolveResult::Bound(_) => Ns::Other,
            ResolveResult::Unbound => Ns::Unbound,
            ResolveResult::Unknown(prefix) => {
                return Err(SoapError::Invalid(format!("undeclared prefix {:?}", String::from_utf8_lossy(&prefix))))
            }
        })
    }
}

fn field<'a>(fields: &'a Record, name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn measure_of(fields: &Record) -> Result<Measure, String> {
    let zone_id = field(fields, "zone_id").ok_or("a measure has no zone_id")?.to_string();
    let aqi_text = field(fields, "aqi").ok_or("a measure has no aqi")?;
    let aqi = aqi_text.parse().map_err(|_| format!("aqi {aqi_text:?} is not a whole number"))?;
    Ok(Measure {
        zone_id,
        aqi,
        category: field(fields, "category").map_or_else(|| Category::of(aqi).as_str().to_string(), str::to_string),
        measured_at: field(fields, "measured_at").unwrap_or_default().to_string(),
    })
}

/// A record as a JSON object: the fields named in `numbers` become JSON numbers (and must be
/// numbers), every other field stays a string. For the read pass-throughs.
pub fn record_json(fields: &Record, numbers: &[&str]) -> Result<serde_json::Value, String> {
    let mut object = serde_json::Map::new();
    for (name, text) in fields {
        let value = if numbers.contains(&name.as_str()) {
            let number: f64 = text.parse().map_err(|_| format!("{name} {text:?} is not a number"))?;
            if number.fract() == 0.0 && number.abs() < 9.0e15 {
                serde_json::Value::from(number as i64)
            } else {
                serde_json::Value::from(number)
            }
        } else {
            serde_json::Value::from(text.as_str())
        };
        object.insert(name.clone(), value);
    }
    Ok(serde_json::Value::Object(object))
}

/// Numeric fields of the service's `measure` and `zone` records.
pub const MEASURE_NUMBERS: [&str; 7] = ["measure_id", "pm25", "pm10", "o3", "no2", "co", "aqi"];
pub const ZONE_NUMBERS: [&str; 2] = ["latitude", "longitude"];

fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

/// The latest measure of each zone, from a latest-first list (the service's order).
pub fn latest_per_zone(measures: &[Measure]) -> Vec<&Measure> {
    let mut seen = std::collections::HashSet::new();
    measures.iter().filter(|m| seen.insert(m.zone_id.as_str())).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PollutedZone {
    pub zone_id: String,
    pub aqi: u16,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AirQualitySummary {
    /// Mean of each zone's latest AQI, to one decimal.
    pub average_aqi: f64,
    /// US EPA category of the rounded mean.
    pub category: &'static str,
    pub zones_monitored: usize,
    /// Zones whose latest AQI is above 100, worst first.
    pub polluted_zones: Vec<PollutedZone>,
}

/// `None` when no zone has a measure: an average of nothing is not a figure.
pub fn summarize(measures: &[Measure]) -> Option<AirQualitySummary> {
    let latest = latest_per_zone(measures);
    if latest.is_empty() {
        return None;
    }
    let mean = latest.iter().map(|m| f64::from(m.aqi)).sum::<f64>() / latest.len() as f64;
    let mut polluted: Vec<PollutedZone> = latest
        .iter()
        .filter(|m| m.aqi > 100)
        .map(|m| PollutedZone { zone_id: m.zone_id.clone(), aqi: m.aqi })
        .collect();
    polluted.sort_by(|a, b| b.aqi.cmp(&a.aqi).then_with(|| a.zone_id.cmp(&b.zone_id)));
    Some(AirQualitySummary {
        average_aqi: (mean * 10.0).round() / 10.0,
        category: Category::of(mean.round() as u16).as_str(),
        zones_monitored: latest.len(),
        polluted_zones: polluted,
    })
}

#[cfg(test)]
mod tests;

//! The service's operations: which one a Body element names, and its validated arguments.

use super::envelope::display_name;
use super::fault::Fault;
use super::tree::Element;
use super::{TNS, XSI_NS};
use crate::measure::{InvalidInput, MeasureInput, RawMeasure, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationName {
    GetAirQualityMeasures,
    GetMeasuresByZone,
    GetZones,
    CreateMeasure,
    GetAirQuality,
    UpdateMeasureStatus,
}

impl OperationName {
    pub const ALL: [OperationName; 6] = [
        Self::GetAirQualityMeasures,
        Self::GetMeasuresByZone,
        Self::GetZones,
        Self::CreateMeasure,
        Self::GetAirQuality,
        Self::UpdateMeasureStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GetAirQualityMeasures => "GetAirQualityMeasures",
            Self::GetMeasuresByZone => "GetMeasuresByZone",
            Self::GetZones => "GetZones",
            Self::CreateMeasure => "CreateMeasure",
            Self::GetAirQuality => "GetAirQuality",
            Self::UpdateMeasureStatus => "UpdateMeasureStatus",
        }
    }

    /// Whether the operation writes (and so needs an operator token).
    pub fn writes(self) -> bool {
        matches!(self, Self::CreateMeasure | Self::UpdateMeasureStatus)
    }

    /// The `soapAction` the WSDL declares for it.
    pub fn soap_action(self) -> String {
        format!("{TNS}/{}", self.as_str())
    }

    /// The operation a Body element requests: `{TNS}OperationName`.
    pub fn of(element: &Element) -> Result<OperationName, Fault> {
        let known = Self::ALL.into_iter().find(|op| op.as_str() == element.name);
        match known {
            Some(op) if element.ns.as_deref() == Some(TNS) => Ok(op),
            Some(op) => Err(Fault::client(format!(
                "operation element {} must be in the namespace {TNS} (as {{{TNS}}}{})",
                display_name(element),
                op.as_str()
            ))),
            None => Err(Fault::client(format!("unknown operation {}", display_name(element)))),
        }
    }

    /// Checks a `SOAPAction` HTTP header against the Body. SOAP 1.1 §6.1.1: the value is a
    /// quoted URI; `""` means "the request URI" and says nothing about the operation.
    pub fn check_soap_action(self, header: Option<&str>) -> Result<(), Fault> {
        let Some(raw) = header else { return Ok(()) };
        let action = raw.trim().trim_matches('"');
        if action.is_empty() || action == self.soap_action() {
            return Ok(());
        }
        Err(Fault::client(format!(
            "SOAPAction {raw:?} does not match the Body's operation {} (expected \"{}\")",
            self.as_str(),
            self.soap_action()
        )))
    }
}

/// A request with its validated arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    GetAirQualityMeasures,
    GetMeasuresByZone { zone_id: String },
    GetZones,
    CreateMeasure(MeasureInput),
    GetAirQuality { measure_id: i64 },
    UpdateMeasureStatus { measure_id: i64, status: Status },
}

impl Request {
    pub fn parse(op: OperationName, element: &Element) -> Result<Request, Fault> {
        Ok(match op {
            OperationName::GetAirQualityMeasures => {
                Args::new(element, &[])?;
                Request::GetAirQualityMeasures
            }
            OperationName::GetZones => {
                Args::new(element, &[])?;
                Request::GetZones
            }
            OperationName::GetMeasuresByZone => {
                let args = Args::new(element, &["zone_id"])?;
                let zone_id = args.required("zone_id")?.to_string();
                Request::GetMeasuresByZone { zone_id }
            }
            OperationName::GetAirQuality => {
                let args = Args::new(element, &["measure_id"])?;
                Request::GetAirQuality { measure_id: measure_id(&args)? }
            }
            OperationName::UpdateMeasureStatus => {
                let args = Args::new(element, &["measure_id", "status"])?;
                let measure_id = measure_id(&args)?;
                let status = Status::parse(args.required("status")?).map_err(invalid)?;
                Request::UpdateMeasureStatus { measure_id, status }
            }
            OperationName::CreateMeasure => {
                let args = Args::new(element, &["data"])?;
                let data = args.child("data").ok_or_else(|| Fault::client("data is required").with_field("data"))?;
                let fields = Args::new(data, &["zone_id", "pm25", "pm10", "o3", "no2", "co", "measured_at"])?;
                let raw = RawMeasure {
                    zone_id: fields.value("zone_id"),
                    pm25: fields.value("pm25"),
                    pm10: fields.value("pm10"),
                    o3: fields.value("o3"),
                    no2: fields.value("no2"),
                    co: fields.value("co"),
                    measured_at: fields.value("measured_at"),
                };
                Request::CreateMeasure(MeasureInput::parse(&raw).map_err(invalid)?)
            }
        })
    }
}

fn invalid(err: InvalidInput) -> Fault {
    Fault::client(err.message).with_field(err.field)
}

fn measure_id(args: &Args<'_>) -> Result<i64, Fault> {
    let text = args.required("measure_id")?;
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(Fault::client(format!("measure_id must be a positive integer (got {text:?})")).with_field("measure_id")),
    }
}

/// The child elements of an operation or structure, checked against the names it may have.
/// Children may be qualified with the service namespace (as the schema says) or unqualified
/// (as hand-written requests often are); anything else is refused rather than ignored.
struct Args<'a> {
    children: Vec<&'a Element>,
}

impl<'a> Args<'a> {
    fn new(element: &'a Element, allowed: &[&str]) -> Result<Args<'a>, Fault> {
        let mut children = Vec::new();
        for child in &element.children {
            let in_our_ns = matches!(child.ns.as_deref(), None | Some(TNS));
            if !in_our_ns || !allowed.contains(&child.name.as_str()) {
                let hint = if child.name == "aqi" || child.name == "category" {
                    " (the AQI and its category are computed by the service)"
                } else {
                    ""
                };
                return Err(Fault::client(format!(
                    "unexpected element {} in {}{hint}",
                    display_name(child),
                    element.name
                ))
                .with_field(child.name.clone()));
            }
            if children.iter().any(|c: &&Element| c.name == child.name) {
                return Err(Fault::client(format!("{} is given more than once", child.name)).with_field(child.name.clone()));
            }
            children.push(child);
        }
        if element.children.is_empty() && !element.text.trim().is_empty() {
            return Err(Fault::client(format!("unexpected text in {}", element.name)));
        }
        Ok(Args { children })
    }

    fn child(&self, name: &str) -> Option<&'a Element> {
        self.children.iter().copied().find(|c| c.name == name)
    }

    /// The text of a leaf child; `None` when absent or `xsi:nil="true"`.
    fn value(&self, name: &str) -> Option<&'a str> {
        let child = self.child(name)?;
        let nil = child.attr(Some(XSI_NS), "nil").map(str::trim);
        if matches!(nil, Some("true" | "1")) {
            return None;
        }
        Some(child.text.trim())
    }

    fn required(&self, name: &'static str) -> Result<&'a str, Fault> {
        self.value(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Fault::client(format!("{name} is required")).with_field(name))
    }
}

//! Response envelopes for each operation (document/literal wrapped, elements qualified).

use super::operation::OperationName;
use super::xml::{double, envelope, leaf};
use crate::measure::{Measure, Zone};

fn wrapped(op: OperationName, inner: &str) -> String {
    let name = op.as_str();
    envelope(&format!("<tns:{name}Response>{inner}</tns:{name}Response>"))
}

pub fn measures(op: OperationName, measures: &[Measure]) -> String {
    let mut inner = String::with_capacity(measures.len() * 512);
    for m in measures {
        write_measure(&mut inner, m);
    }
    wrapped(op, &inner)
}

pub fn measure(op: OperationName, m: &Measure) -> String {
    let mut inner = String::with_capacity(512);
    write_measure(&mut inner, m);
    wrapped(op, &inner)
}

pub fn zones(zones: &[Zone]) -> String {
    let mut inner = String::with_capacity(zones.len() * 160);
    for z in zones {
        inner.push_str("<tns:zone>");
        leaf(&mut inner, "zone_id", &z.id);
        leaf(&mut inner, "name", &z.name);
        leaf(&mut inner, "latitude", double(z.latitude));
        leaf(&mut inner, "longitude", double(z.longitude));
        inner.push_str("</tns:zone>");
    }
    wrapped(OperationName::GetZones, &inner)
}

fn write_measure(out: &mut String, m: &Measure) {
    out.push_str("<tns:measure>");
    leaf(out, "measure_id", m.id);
    leaf(out, "zone_id", &m.zone_id);
    leaf(out, "zone_name", &m.zone_name);
    leaf(out, "pm25", double(m.pm25));
    leaf(out, "pm10", double(m.pm10));
    leaf(out, "o3", double(m.o3));
    leaf(out, "no2", double(m.no2));
    leaf(out, "co", double(m.co));
    leaf(out, "measured_at", &m.measured_at);
    leaf(out, "aqi", m.aqi);
    leaf(out, "category", &m.category);
    let label = crate::aqi::Category::parse(&m.category).map(|c| c.label_fr()).unwrap_or("");
    leaf(out, "category_fr", label);
    leaf(out, "dominant_pollutant", &m.dominant_pollutant);
    leaf(out, "status", &m.status);
    out.push_str("</tns:measure>");
}

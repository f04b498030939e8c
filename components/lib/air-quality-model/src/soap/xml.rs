//! Writing response envelopes. Responses are small and fixed in shape, so they are built as
//! text with every value escaped; quick-xml's `escape` handles `< > & ' "`.

use super::{ENVELOPE_NS, TNS};
use std::fmt::Write;

pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// A SOAP 1.1 envelope around `body` (already XML). `tns` is bound for response elements.
pub fn envelope(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <soap:Envelope xmlns:soap=\"{ENVELOPE_NS}\" xmlns:tns=\"{TNS}\"><soap:Body>{body}</soap:Body></soap:Envelope>"
    )
}

/// Appends `<tns:name>value</tns:name>` with the value escaped.
pub fn leaf(out: &mut String, name: &str, value: impl std::fmt::Display) {
    let text = value.to_string();
    let _ = write!(out, "<tns:{name}>{}</tns:{name}>", escape(&text));
}

/// xsd:double lexical form of a finite value (Rust's shortest round-trip form is valid XSD).
pub fn double(value: f64) -> String {
    if value.is_finite() {
        format!("{value:?}")
    } else if value.is_nan() {
        "NaN".into()
    } else if value > 0.0 {
        "INF".into()
    } else {
        "-INF".into()
    }
}

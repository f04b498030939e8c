//! SOAP 1.1 envelopes: from a request body to the one operation element in its Body.

use super::fault::Fault;
use super::tree::{self, Element};
use super::{ENVELOPE_NS, SOAP12_ENVELOPE_NS};

/// Reads a request body as a SOAP 1.1 envelope and returns the single element of its Body.
///
/// Headers are allowed but none is understood, so a header with `mustUnderstand="1"` is a
/// `MustUnderstand` fault, as SOAP 1.1 §4.2.3 requires.
pub fn body_element(bytes: &[u8]) -> Result<Element, Fault> {
    let root = tree::parse(bytes).map_err(|e| Fault::client(e.to_string()))?;
    if root.is(SOAP12_ENVELOPE_NS, "Envelope") {
        return Err(Fault::version_mismatch("this endpoint speaks SOAP 1.1; the envelope is SOAP 1.2"));
    }
    if root.name != "Envelope" || root.ns.as_deref() != Some(ENVELOPE_NS) {
        return Err(Fault::version_mismatch(format!(
            "the document element must be {{{ENVELOPE_NS}}}Envelope, not {}",
            display_name(&root)
        )));
    }
    let mut header = None;
    let mut body = None;
    for child in root.children {
        match (child.ns.as_deref(), child.name.as_str()) {
            (Some(ENVELOPE_NS), "Header") if header.is_none() && body.is_none() => header = Some(child),
            (Some(ENVELOPE_NS), "Body") if body.is_none() => body = Some(child),
            _ => return Err(Fault::client(format!("unexpected {} in the SOAP Envelope", display_name(&child)))),
        }
    }
    if let Some(header) = header {
        for entry in &header.children {
            let must = entry.attr(Some(ENVELOPE_NS), "mustUnderstand").map(str::trim);
            if must == Some("1") || must == Some("true") {
                return Err(Fault::must_understand(format!("header {} is not understood", display_name(entry))));
            }
        }
    }
    let mut body = body.ok_or_else(|| Fault::client("the SOAP Envelope has no Body"))?;
    if body.children.len() != 1 {
        return Err(Fault::client(format!(
            "the SOAP Body must hold exactly one operation element, found {}",
            body.children.len()
        )));
    }
    Ok(body.children.remove(0))
}

/// `{ns}name` or `name`, for messages.
pub fn display_name(element: &Element) -> String {
    match &element.ns {
        Some(ns) => format!("{{{ns}}}{}", element.name),
        None => element.name.clone(),
    }
}

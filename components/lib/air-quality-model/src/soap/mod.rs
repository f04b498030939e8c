//! SOAP 1.1 for the air-quality service: a bounded, DTD-free envelope reader on quick-xml,
//! operations and their arguments, response and fault writers, and the WSDL.

pub mod envelope;
pub mod fault;
pub mod operation;
pub mod response;
pub mod tree;
pub mod wsdl;
pub mod xml;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;

/// SOAP 1.1 envelope namespace.
pub const ENVELOPE_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// SOAP 1.2 envelope namespace (recognised only to answer VersionMismatch).
pub const SOAP12_ENVELOPE_NS: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// The service's target namespace.
pub const TNS: &str = "urn:cityflow:air-quality";
/// `Content-Type` of SOAP 1.1 messages.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

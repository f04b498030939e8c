//! SOAP 1.1 Faults (§4.4). Every fault is sent with HTTP 500, as SOAP 1.1 §6.2 requires.

use super::xml::{envelope, escape};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    VersionMismatch,
    MustUnderstand,
    /// The message was wrong: bad XML, unknown operation, invalid value, unknown id, no right.
    Client,
    /// The service failed (database unavailable or broken); the same message may succeed later.
    Server,
}

impl FaultCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VersionMismatch => "VersionMismatch",
            Self::MustUnderstand => "MustUnderstand",
            Self::Client => "Client",
            Self::Server => "Server",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub code: FaultCode,
    pub message: String,
    /// Optional `<detail>` text: the request element the fault is about (e.g. `pm25`).
    pub field: Option<String>,
}

impl Fault {
    fn new(code: FaultCode, message: impl Into<String>) -> Fault {
        Fault { code, message: message.into(), field: None }
    }

    pub fn client(message: impl Into<String>) -> Fault {
        Self::new(FaultCode::Client, message)
    }

    pub fn server(message: impl Into<String>) -> Fault {
        Self::new(FaultCode::Server, message)
    }

    pub fn version_mismatch(message: impl Into<String>) -> Fault {
        Self::new(FaultCode::VersionMismatch, message)
    }

    pub fn must_understand(message: impl Into<String>) -> Fault {
        Self::new(FaultCode::MustUnderstand, message)
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Fault {
        self.field = Some(field.into());
        self
    }

    /// HTTP status for this fault: always 500 (SOAP 1.1 §6.2).
    pub fn http_status(&self) -> u16 {
        500
    }

    /// The complete response envelope.
    pub fn to_xml(&self) -> String {
        let mut body = format!(
            "<soap:Fault><faultcode>soap:{}</faultcode><faultstring>{}</faultstring>",
            self.code.as_str(),
            escape(&self.message)
        );
        if let Some(field) = &self.field {
            body.push_str(&format!("<detail><tns:field>{}</tns:field></detail>", escape(field)));
        }
        body.push_str("</soap:Fault>");
        envelope(&body)
    }
}

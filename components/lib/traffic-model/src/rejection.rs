use std::fmt;

/// Why a message was rejected. It names the reading (its index in a batch) and the field
/// when the fault is in one, so an operator can find the faulty sensor from the log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Index of the faulty reading in the message (0 for a single reading); `None` when the
    /// message as a whole is malformed.
    pub index: Option<usize>,
    pub field: Option<&'static str>,
    pub reason: String,
}

impl Rejection {
    pub fn message(reason: impl Into<String>) -> Rejection {
        Rejection { index: None, field: None, reason: reason.into() }
    }

    pub fn reading(index: usize, reason: impl Into<String>) -> Rejection {
        Rejection { index: Some(index), field: None, reason: reason.into() }
    }

    pub fn field(index: usize, field: &'static str, reason: impl Into<String>) -> Rejection {
        Rejection { index: Some(index), field: Some(field), reason: reason.into() }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.index, self.field) {
            (Some(i), Some(field)) => write!(f, "reading {i}, field {field}: {}", self.reason),
            (Some(i), None) => write!(f, "reading {i}: {}", self.reason),
            _ => f.write_str(&self.reason),
        }
    }
}

impl std::error::Error for Rejection {}

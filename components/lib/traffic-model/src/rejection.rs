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
    /// Readings the refused message carried, for the `readings_rejected` counter: a batch's
    /// length, or 1 for a message that is not an array (even one that is not JSON: it was
    /// meant as a reading).
    pub readings: usize,
}

impl Rejection {
    pub fn message(reason: impl Into<String>) -> Rejection {
        Rejection { index: None, field: None, reason: reason.into(), readings: 1 }
    }

    pub fn reading(index: usize, reason: impl Into<String>) -> Rejection {
        Rejection { index: Some(index), field: None, reason: reason.into(), readings: 1 }
    }

    pub fn field(index: usize, field: &'static str, reason: impl Into<String>) -> Rejection {
        Rejection { index: Some(index), field: Some(field), reason: reason.into(), readings: 1 }
    }

    /// The same rejection of a message that carried `readings` readings.
    pub fn of_readings(self, readings: usize) -> Rejection {
        Rejection { readings, ..self }
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

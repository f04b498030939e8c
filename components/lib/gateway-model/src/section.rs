//! One service's part of an orchestrated answer: its figures, or why they are missing.

use serde::Serialize;
use serde_json::{json, Value};

/// The outcome of calling one service. A failed or timed-out call is reported as such,
/// never replaced by made-up figures.
#[derive(Debug, Clone, PartialEq)]
pub enum Section<T> {
    Ready(T),
    Unavailable(String),
}

impl<T> Section<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Section::Ready(value) => Some(value),
            Section::Unavailable(_) => None,
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self, Section::Ready(_))
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Section<U> {
        match self {
            Section::Ready(value) => Section::Ready(f(value)),
            Section::Unavailable(error) => Section::Unavailable(error),
        }
    }

    pub fn from_result(result: Result<T, String>) -> Section<T> {
        result.map_or_else(Section::Unavailable, Section::Ready)
    }
}

impl<T: Serialize> Section<T> {
    /// The section's figures, or `{"status":"unavailable","error":...}`.
    pub fn to_json(&self) -> Value {
        match self {
            Section::Ready(value) => serde_json::to_value(value).unwrap_or(Value::Null),
            Section::Unavailable(error) => json!({ "status": "unavailable", "error": error }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unavailable_section_says_why_and_has_no_figures() {
        let section: Section<u32> = Section::Unavailable("timed out after 2000 ms".into());
        assert_eq!(section.to_json(), json!({"status": "unavailable", "error": "timed out after 2000 ms"}));
        assert!(section.ready().is_none());
    }

    #[test]
    fn a_ready_section_is_its_value() {
        assert_eq!(Section::Ready(json!({"a": 1})).to_json(), json!({"a": 1}));
    }
}

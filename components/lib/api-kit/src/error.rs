use serde::Serialize;
use std::fmt;

/// An HTTP error answered as `{"error": {"code", "message", "field"?}}`.
///
/// `code` is a stable machine-readable token (clients branch on it); `message` is for humans
/// and may change; `field` names the body field or query parameter at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: u16,
    code: &'static str,
    message: String,
    field: Option<String>,
    allow: Option<String>,
}

impl ApiError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            allow: None,
        }
    }

    fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// 400 `bad_request`: the request cannot be understood (malformed JSON, bad query string).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "bad_request", message)
    }

    /// 400 `bad_request` naming the query parameter at fault.
    pub fn bad_param(param: &str, message: impl Into<String>) -> Self {
        Self::bad_request(message).with_field(param)
    }

    /// 422 `validation_failed` naming the body field at fault.
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::new(422, "validation_failed", message).with_field(field)
    }

    /// 422 `validation_failed` about the body as a whole (e.g. an array where an object is due).
    pub fn invalid_body(message: impl Into<String>) -> Self {
        Self::new(422, "validation_failed", message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found", message)
    }

    /// 405 `method_not_allowed`; the response must carry `allow` (RFC 9110 §15.5.6).
    pub fn method_not_allowed(method: &str, allowed: &[&str]) -> Self {
        let allow = allowed.join(", ");
        let mut err = Self::new(
            405,
            "method_not_allowed",
            format!("method {method} is not allowed here; allowed: {allow}"),
        );
        err.allow = Some(allow);
        err
    }

    /// 413 `payload_too_large`.
    pub fn payload_too_large(limit_bytes: usize) -> Self {
        Self::new(
            413,
            "payload_too_large",
            format!("request body exceeds {limit_bytes} bytes"),
        )
    }

    /// 415 `unsupported_media_type`.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(415, "unsupported_media_type", message)
    }

    /// 500 `internal_error`. Keep the message generic; log the cause instead.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "internal_error", message)
    }

    /// 503 `service_unavailable`. Keep the message generic; log the cause instead.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(503, "service_unavailable", message)
    }

    /// 401 `unauthenticated`: no credentials, or credentials that prove nothing. Responses
    /// should carry `www-authenticate: Bearer` (RFC 6750 §3).
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(401, "unauthenticated", message)
    }

    /// 403 `forbidden`: a known caller whose role is too low.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(403, "forbidden", message)
    }

    /// 409 `conflict`, naming the field whose value is taken.
    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::new(409, "conflict", message).with_field(field)
    }

    /// 429 `too_many_requests`; the response should carry `retry-after`.
    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self::new(429, "too_many_requests", message)
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn code(&self) -> &str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The value of the `allow` header, set only on 405 errors.
    pub fn allow(&self) -> Option<&str> {
        self.allow.as_deref()
    }

    /// The response body.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Envelope<'a> {
            error: Body<'a>,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            code: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            field: Option<&'a str>,
        }
        let envelope = Envelope {
            error: Body {
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
            },
        };
        // Serialising borrowed strings into a String cannot fail.
        serde_json::to_string(&envelope).unwrap_or_default()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)?;
        if let Some(field) = &self.field {
            write!(f, " (field `{field}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn body(err: &ApiError) -> Value {
        serde_json::from_str(&err.to_json()).unwrap()
    }

    #[test]
    fn field_is_omitted_when_absent() {
        let err = ApiError::not_found("transport 7 not found");
        assert_eq!(err.status(), 404);
        assert_eq!(
            body(&err),
            json!({"error": {"code": "not_found", "message": "transport 7 not found"}})
        );
    }

    #[test]
    fn validation_names_the_field() {
        let err = ApiError::validation("mode", "is required");
        assert_eq!(err.status(), 422);
        assert_eq!(
            body(&err),
            json!({"error": {"code": "validation_failed", "message": "is required", "field": "mode"}})
        );
    }

    #[test]
    fn bad_param_is_a_400_naming_the_parameter() {
        let err = ApiError::bad_param("limit", "must be an integer");
        assert_eq!(err.status(), 400);
        assert_eq!(err.code(), "bad_request");
        assert_eq!(err.field(), Some("limit"));
    }

    #[test]
    fn method_not_allowed_carries_allow() {
        let err = ApiError::method_not_allowed("PATCH", &["GET", "PUT", "DELETE"]);
        assert_eq!(err.status(), 405);
        assert_eq!(err.allow(), Some("GET, PUT, DELETE"));
        assert!(err.message().contains("PATCH"));
        assert_eq!(ApiError::not_found("x").allow(), None);
    }

    #[test]
    fn messages_are_escaped() {
        let err = ApiError::bad_request("quote \" and newline \n");
        assert_eq!(body(&err)["error"]["message"], "quote \" and newline \n");
    }
}

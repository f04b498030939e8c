use crate::ApiError;
use serde_json::{Map, Value};

/// Checks that `content-type` is `application/json` (parameters allowed; a `charset`, if
/// given, must be UTF-8 since RFC 8259 allows nothing else).
pub fn require_json_content_type(content_type: Option<&str>) -> Result<(), ApiError> {
    let unsupported = || {
        ApiError::unsupported_media_type(
            "request body must be sent with content-type: application/json",
        )
    };
    let mut parts = content_type.ok_or_else(unsupported)?.split(';');
    let media_type = parts.next().unwrap_or("").trim();
    if !media_type.eq_ignore_ascii_case("application/json") {
        return Err(unsupported());
    }
    for param in parts {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        if name.trim().eq_ignore_ascii_case("charset") {
            let charset = value.trim().trim_matches('"');
            if !(charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")) {
                return Err(ApiError::unsupported_media_type(
                    "JSON request bodies must be UTF-8",
                ));
            }
        }
    }
    Ok(())
}

/// Reads a JSON object request body: 415 for another media type, 413 above `max_len` bytes,
/// 400 when it is not JSON at all, 422 when it is JSON but not an object.
pub fn json_object(
    content_type: Option<&str>,
    body: &[u8],
    max_len: usize,
) -> Result<Map<String, Value>, ApiError> {
    require_json_content_type(content_type)?;
    if body.len() > max_len {
        return Err(ApiError::payload_too_large(max_len));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "request body is empty; expected a JSON object",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid_body("request body must be a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!("malformed JSON: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: Option<&str> = Some("application/json");

    #[test]
    fn accepts_json_media_types() {
        for ct in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
        ] {
            assert!(require_json_content_type(Some(ct)).is_ok(), "{ct}");
        }
    }

    #[test]
    fn rejects_other_media_types() {
        for ct in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
            Some("application/json; charset=latin1"),
        ] {
            assert_eq!(
                require_json_content_type(ct).unwrap_err().status(),
                415,
                "{ct:?}"
            );
        }
    }

    #[test]
    fn parses_an_object() {
        let map = json_object(JSON, br#"{"mode":"Bus"}"#, 1024).unwrap();
        assert_eq!(map["mode"], "Bus");
    }

    #[test]
    fn status_per_failure() {
        assert_eq!(
            json_object(Some("text/plain"), b"{}", 1024)
                .unwrap_err()
                .status(),
            415
        );
        assert_eq!(
            json_object(JSON, &[b' '; 2048], 1024).unwrap_err().status(),
            413
        );
        assert_eq!(json_object(JSON, b"", 1024).unwrap_err().status(), 400);
        assert_eq!(json_object(JSON, b"  \n", 1024).unwrap_err().status(), 400);
        assert_eq!(
            json_object(JSON, b"{\"mode\":", 1024).unwrap_err().status(),
            400
        );
        assert_eq!(
            json_object(JSON, b"\xff\xfe", 1024).unwrap_err().status(),
            400
        );
        assert_eq!(json_object(JSON, b"{} {}", 1024).unwrap_err().status(), 400);
        let err = json_object(JSON, b"[1,2]", 1024).unwrap_err();
        assert_eq!((err.status(), err.code()), (422, "validation_failed"));
    }
}

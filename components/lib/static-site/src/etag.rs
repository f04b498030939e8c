//! `If-None-Match` (RFC 9110 §13.1.2): weak comparison, a list of tags or `*`.

/// Whether the client's cached copy (`if_none_match`) is the current one (`etag`).
pub fn not_modified(if_none_match: Option<&str>, etag: &str) -> bool {
    let Some(header) = if_none_match else { return false };
    let current = etag.trim_start_matches("W/");
    header.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_weak_comparison_in_a_list() {
        let etag = "\"abc\"";
        assert!(not_modified(Some("\"abc\""), etag));
        assert!(not_modified(Some("W/\"abc\""), etag));
        assert!(not_modified(Some("\"x\", \"abc\""), etag));
        assert!(not_modified(Some("*"), etag));
        assert!(!not_modified(Some("\"abd\""), etag));
        assert!(!not_modified(Some("abc"), etag));
        assert!(!not_modified(Some(""), etag));
        assert!(!not_modified(None, etag));
    }
}

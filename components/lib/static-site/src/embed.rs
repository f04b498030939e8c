//! What the web component's build script needs to describe a file it embeds.

use sha2::{Digest, Sha256};

/// The `content-type` of a file by its extension, with `charset=utf-8` for text; the dashboard
/// is all UTF-8.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = match mime.essence_str() {
        // RFC 9239: JavaScript is text/javascript, whatever older tables say.
        "application/javascript" | "application/x-javascript" => "text/javascript",
        other => other,
    };
    let textual = essence.starts_with("text/") || matches!(essence, "application/json" | "image/svg+xml");
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// A strong ETag from the file's bytes: the first 128 bits of its SHA-256, quoted.
pub fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// The URL path of a file at `relative` (below the site root, `/`-separated on every OS).
pub fn url_path(relative: &str) -> String {
    format!("/{}", relative.trim_start_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_of_the_dashboard_files() {
        assert_eq!(content_type("/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("/js/main.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("/css/app.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("/favicon.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("/vendor/leaflet-1.9.4/images/layers.png"), "image/png");
        assert_eq!(content_type("/data.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("/no-extension"), "application/octet-stream");
    }

    #[test]
    fn etags_are_quoted_and_follow_the_content() {
        let a = etag(b"hello");
        assert_eq!(a, "\"2cf24dba5fb0a30e26e83b2ac5b9e29e\"");
        assert_ne!(a, etag(b"hello!"));
    }

    #[test]
    fn url_paths_start_with_one_slash() {
        assert_eq!(url_path("js/main.js"), "/js/main.js");
        assert_eq!(url_path("/index.html"), "/index.html");
    }
}

//! From a request path to an embedded file. Only exact paths of the embedded table are ever
//! served (there is no file system behind it); anything that looks like an attempt to walk
//! out of it is refused by name before the lookup, so it is a 404 whatever the table holds.

use crate::Asset;

/// The page served for `/`.
pub const INDEX: &str = "/index.html";

/// The asset at `path` (no query string), if it is a plain path to one.
pub fn find<'a>(assets: &'a [Asset], path: &str) -> Option<&'a Asset> {
    let path = if path.is_empty() || path == "/" { INDEX } else { path };
    if !path.starts_with('/') || path.contains(['\\', '%', '\0']) || path.contains("//") {
        return None;
    }
    if path.split('/').any(|segment| segment == ".." || segment == ".") {
        return None;
    }
    assets.iter().find(|asset| asset.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASSETS: [Asset; 2] = [
        Asset { path: "/index.html", body: b"<!doctype html>", content_type: "text/html", etag: "\"1\"" },
        Asset { path: "/js/main.js", body: b"", content_type: "text/javascript", etag: "\"2\"" },
    ];

    #[test]
    fn the_root_is_the_index_page() {
        assert_eq!(find(&ASSETS, "/").unwrap().path, "/index.html");
        assert_eq!(find(&ASSETS, "").unwrap().path, "/index.html");
        assert_eq!(find(&ASSETS, "/js/main.js").unwrap().path, "/js/main.js");
    }

    #[test]
    fn traversal_and_unknown_paths_find_nothing() {
        for path in [
            "/js/../index.html",
            "/./index.html",
            "/../Cargo.toml",
            "/%2e%2e/spin.toml",
            "/js/%2E%2E/index.html",
            "/js\\..\\index.html",
            "//index.html",
            "/js/",
            "/js",
            "/nowhere",
            "index.html",
            "/index.html\0",
        ] {
            assert!(find(&ASSETS, path).is_none(), "{path:?} should not be served");
        }
    }
}

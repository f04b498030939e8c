//! One request, one reply: the whole serving policy.

use api_kit::ApiError;

use crate::csp::{content_security_policy, tile_source};
use crate::etag::not_modified;
use crate::lookup::find;
use crate::Asset;

/// Generated per request from the component's variables, never embedded.
pub const CONFIG_PATH: &str = "/config.json";
/// Files under here carry their version in the path, so browsers may keep them for good.
const VERSIONED_PREFIX: &str = "/vendor/";
const ALLOWED: [&str; 2] = ["GET", "HEAD"];
const MAX_ATTRIBUTION_CHARS: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method<'a> {
    Get,
    Head,
    Other(&'a str),
}

#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: Method<'a>,
    /// The path below the component's route, without the query string.
    pub path: &'a str,
    pub if_none_match: Option<&'a str>,
}

/// The deployment's map settings, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteConfig {
    tile_url: String,
    tile_source: Option<String>,
    tile_attribution: String,
}

impl SiteConfig {
    /// From the `map_tile_url` and `map_tile_attribution` variables. An unusable tile URL
    /// leaves the map without tiles (the roads still show) and is returned as a warning for
    /// the log.
    pub fn new(tile_url: &str, tile_attribution: &str) -> (SiteConfig, Option<String>) {
        let attribution: String = tile_attribution.trim().chars().filter(|c| !c.is_control()).take(MAX_ATTRIBUTION_CHARS).collect();
        match tile_source(tile_url) {
            Ok(source) => {
                let tile_url = if source.is_some() { tile_url.trim().to_string() } else { String::new() };
                (SiteConfig { tile_url, tile_source: source, tile_attribution: attribution }, None)
            }
            Err(problem) => (
                SiteConfig { tile_url: String::new(), tile_source: None, tile_attribution: String::new() },
                Some(format!("map_tile_url ignored, the map has no tiles: {problem}")),
            ),
        }
    }

    fn json(&self) -> String {
        serde_json::json!({ "map_tile_url": self.tile_url, "map_tile_attribution": self.tile_attribution }).to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn security_headers(config: &SiteConfig) -> Vec<(&'static str, String)> {
    vec![
        ("content-security-policy", content_security_policy(config.tile_source.as_deref())),
        ("x-content-type-options", "nosniff".into()),
        ("x-frame-options", "DENY".into()),
        // The origin only, and only over HTTPS: tile servers ask for a referrer.
        ("referrer-policy", "strict-origin-when-cross-origin".into()),
        ("cross-origin-opener-policy", "same-origin".into()),
        ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()".into()),
    ]
}

fn error(err: &ApiError, config: &SiteConfig) -> Reply {
    let mut headers = security_headers(config);
    headers.push(("content-type", "application/json".into()));
    headers.push(("cache-control", "no-store".into()));
    if let Some(allow) = err.allow() {
        headers.push(("allow", allow.into()));
    }
    Reply { status: err.status(), headers, body: err.to_json().into_bytes() }
}

fn cache_control(path: &str) -> &'static str {
    if path.starts_with(VERSIONED_PREFIX) {
        "public, max-age=31536000, immutable"
    } else {
        // Revalidate every time (a 304 when unchanged): a new build shows at once.
        "no-cache"
    }
}

/// The reply to `req` from the embedded `assets`.
pub fn respond(req: &Request, assets: &[Asset], config: &SiteConfig) -> Reply {
    let head = match req.method {
        Method::Get => false,
        Method::Head => true,
        Method::Other(method) => return error(&ApiError::method_not_allowed(method, &ALLOWED), config),
    };
    let mut headers = security_headers(config);
    if req.path == CONFIG_PATH {
        headers.push(("content-type", "application/json".into()));
        headers.push(("cache-control", "no-store".into()));
        let body = if head { Vec::new() } else { config.json().into_bytes() };
        return Reply { status: 200, headers, body };
    }
    let Some(asset) = find(assets, req.path) else {
        return error(&ApiError::not_found(format!("no page or file at {}", req.path)), config);
    };
    headers.push(("etag", asset.etag.into()));
    headers.push(("cache-control", cache_control(asset.path).into()));
    if not_modified(req.if_none_match, asset.etag) {
        return Reply { status: 304, headers, body: Vec::new() };
    }
    headers.push(("content-type", asset.content_type.into()));
    let body = if head { Vec::new() } else { asset.body.to_vec() };
    Reply { status: 200, headers, body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    const ASSETS: [Asset; 2] = [
        Asset { path: "/index.html", body: b"<!doctype html><p>hi</p>", content_type: "text/html; charset=utf-8", etag: "\"i1\"" },
        Asset { path: "/vendor/leaflet-1.9.4/leaflet.js", body: b"L", content_type: "text/javascript; charset=utf-8", etag: "\"l1\"" },
    ];

    fn get(path: &str) -> Request<'_> {
        Request { method: Method::Get, path, if_none_match: None }
    }

    fn plain() -> SiteConfig {
        SiteConfig::new("", "").0
    }

    #[test]
    fn the_index_page_with_its_headers() {
        let reply = respond(&get("/"), &ASSETS, &plain());
        assert_eq!(reply.status, 200);
        assert_eq!(reply.body, b"<!doctype html><p>hi</p>");
        assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(reply.header("etag"), Some("\"i1\""));
        assert_eq!(reply.header("cache-control"), Some("no-cache"));
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert!(reply.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"));
        assert!(reply.header("referrer-policy").is_some());
    }

    #[test]
    fn versioned_files_are_cached_for_good_and_revalidation_gives_304() {
        let reply = respond(&get("/vendor/leaflet-1.9.4/leaflet.js"), &ASSETS, &plain());
        assert_eq!(reply.header("cache-control"), Some("public, max-age=31536000, immutable"));
        let again = Request { if_none_match: Some("\"l1\""), ..get("/vendor/leaflet-1.9.4/leaflet.js") };
        let reply = respond(&again, &ASSETS, &plain());
        assert_eq!(reply.status, 304);
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("etag"), Some("\"l1\""));
        let stale = Request { if_none_match: Some("\"old\""), ..get("/index.html") };
        assert_eq!(respond(&stale, &ASSETS, &plain()).status, 200);
    }

    #[test]
    fn head_has_the_headers_and_no_body() {
        let reply = respond(&Request { method: Method::Head, ..get("/index.html") }, &ASSETS, &plain());
        assert_eq!(reply.status, 200);
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
    }

    #[test]
    fn other_methods_and_unknown_paths_are_json_errors() {
        let reply = respond(&Request { method: Method::Other("POST"), ..get("/index.html") }, &ASSETS, &plain());
        assert_eq!(reply.status, 405);
        assert_eq!(reply.header("allow"), Some("GET, HEAD"));
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed");
        for path in ["/nowhere", "/js/../index.html", "/%2e%2e/spin.toml"] {
            let reply = respond(&get(path), &ASSETS, &plain());
            assert_eq!(reply.status, 404, "{path}");
            assert_eq!(reply.header("content-type"), Some("application/json"));
            assert!(reply.header("content-security-policy").is_some());
        }
    }

    #[test]
    fn config_json_carries_the_checked_tile_settings() {
        let (config, warning) = SiteConfig::new("https://{s}.tile.example.org/{z}/{x}/{y}.png", " © Example contributors ");
        assert_eq!(warning, None);
        let reply = respond(&get(CONFIG_PATH), &ASSETS, &config);
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        let body: Value = serde_json::from_slice(&reply.body).unwrap();
        assert_eq!(body["map_tile_url"], "https://{s}.tile.example.org/{z}/{x}/{y}.png");
        assert_eq!(body["map_tile_attribution"], "© Example contributors");
        assert!(reply.header("content-security-policy").unwrap().contains("img-src 'self' https://*.tile.example.org;"));
    }

    #[test]
    fn an_unusable_tile_url_means_no_tiles_and_a_warning() {
        let (config, warning) = SiteConfig::new("javascript:alert(1)//{z}/{x}/{y}", "x");
        assert!(warning.unwrap().contains("map_tile_url ignored"));
        let body: Value = serde_json::from_slice(&respond(&get(CONFIG_PATH), &ASSETS, &config).body).unwrap();
        assert_eq!(body["map_tile_url"], "");
        let policy = respond(&get("/"), &ASSETS, &config).header("content-security-policy").unwrap().to_string();
        assert!(policy.contains("img-src 'self';"), "{policy}");
    }
}

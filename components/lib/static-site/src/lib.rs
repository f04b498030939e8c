//! Serving the dashboard's static files from memory.
//!
//! The `web` component embeds `web/dist` at compile time (its build script uses [`embed`] to
//! give every file a content type and an ETag) and hands each request to [`respond`], which
//! decides everything — the file, 304/404/405, caching and security headers — so all of it is
//! testable natively.

pub mod csp;
#[cfg(feature = "embed")]
pub mod embed;
mod etag;
mod lookup;
pub mod respond;

pub use csp::{content_security_policy, tile_source};
pub use respond::{respond, Method, Reply, Request, SiteConfig};

/// One embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// The URL path, `/index.html`, `/js/main.js`.
    pub path: &'static str,
    pub body: &'static [u8],
    pub content_type: &'static str,
    /// A strong validator, quoted: `"3f2a…"`.
    pub etag: &'static str,
}

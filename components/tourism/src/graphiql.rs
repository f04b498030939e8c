//! The GraphiQL IDE a browser gets on `GET /graphql` (no `query`, `accept: text/html`). A
//! developer convenience only: the page loads GraphiQL from a public CDN.
//!
//! A static page rather than async-graphql's `GraphiQLSource` helper: in async-graphql 7 that
//! helper pulls in the handlebars template engine, 300 KB of the component (1.50 MB → 1.20 MB)
//! for a page with nothing to fill in.

use spin_sdk::http::Response;

const PAGE: &str = include_str!("graphiql.html");

pub fn page() -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "no-cache")
        .body(PAGE)
        .build()
}

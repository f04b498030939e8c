//! The tourism component: attractions over GraphQL at `/graphql`.
//!
//! A thin adapter: HTTP in and out here, the schema and its rules in `tourism-model`,
//! storage in `store`. The engine runs on the component's own executor (the SDK drives this
//! async handler), so no async runtime is bundled.

mod graphiql;
mod store;

use std::sync::Arc;

use spin_sdk::http::{Method, Request, Response};
use spin_sdk::http_component;
use tourism_model::async_graphql;
use tourism_model::http::{from_get, from_post, wants_html, HttpError};
use tourism_model::{build, Caller};

#[http_component]
async fn handle(req: Request) -> Response {
    match graphql_request(&req) {
        Ok(Incoming::Run(request)) => run(&req, request).await,
        Ok(Incoming::Ide) => graphiql::page(),
        Err(err) => error(&err),
    }
}

enum Incoming {
    Run(async_graphql::Request),
    Ide,
}

fn graphql_request(req: &Request) -> Result<Incoming, HttpError> {
    match req.method() {
        Method::Post => Ok(Incoming::Run(from_post(
            header(req, "content-type"),
            req.body(),
        )?)),
        Method::Get => match from_get(req.query())? {
            Some(request) => Ok(Incoming::Run(request)),
            None if wants_html(header(req, "accept")) => Ok(Incoming::Ide),
            None => Err(HttpError::missing_query()),
        },
        _ => Err(HttpError::method_not_allowed(
            "use POST, or GET for queries",
        )),
    }
}

async fn run(req: &Request, request: async_graphql::Request) -> Response {
    let caller = Caller {
        authorization: header(req, "authorization").map(str::to_string),
        secret: spin_sdk::variables::get("jwt_secret")
            .ok()
            .map(String::into_bytes),
        now_unix: cityflow_auth::now_unix(),
    };
    let schema = build(Arc::new(store::PgStore));
    let response = schema.execute(request.data(caller)).await;
    match serde_json::to_vec(&response) {
        Ok(body) => json(200, body),
        Err(e) => {
            eprintln!("tourism: cannot serialise a response: {e}");
            error(&HttpError::internal())
        }
    }
}

fn error(err: &HttpError) -> Response {
    let mut builder = Response::builder();
    builder
        .status(err.status)
        .header("content-type", "application/json");
    if err.status == 405 {
        builder.header("allow", "GET, POST");
    }
    builder.body(err.to_json()).build()
}

fn json(status: u16, body: Vec<u8>) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body)
        .build()
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.header(name).and_then(|v| v.as_str())
}

//! End-to-end tests of the tourism component (GraphQL at `/graphql`) on the real runtime and
//! a freshly migrated database per test (10 seeded Paris attractions, 9 open). The stock
//! clients (gql + graphql-core, tests/python/graphql_client.py) do most of the checking; the
//! tests here look at the database itself.

use cityflow_auth::Role;
use cityflow_tests::{component_wasm, root, run_python, token, App};
use reqwest::StatusCode;
use serde_json::{json, Value};

const SEEDED: i64 = 10;
const SEEDED_OPEN: i64 = 9;

/// Only the tourism component, so these tests do not depend on other components being built.
async fn start() -> App {
    let manifest = format!(
        r#"spin_manifest_version = 2
[application]
name = "tourism-test"
[variables]
db_url = {{ required = true, secret = true }}
jwt_secret = {{ required = true, secret = true }}
pg_host = {{ default = "127.0.0.1" }}
pg_port = {{ default = "5432" }}
[[trigger.http]]
route = "/graphql"
component = "tourism"
[component.tourism]
source = "{}"
allowed_outbound_hosts = ["postgres://{{{{ pg_host }}}}:{{{{ pg_port }}}}"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}" }}
"#,
        component_wasm("tourism")
    );
    App::builder().manifest(manifest).start().await
}

async fn counts(app: &App) -> (i64, i64) {
    let row = app
        .db()
        .await
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE status = 'open') FROM attractions",
            &[],
        )
        .await
        .expect("count attractions");
    (row.get(0), row.get(1))
}

async fn post(app: &App, body: Value, role: Option<Role>) -> (StatusCode, Value) {
    let mut request = app
        .client()
        .post(app.url("/graphql"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(role) = role {
        request = request.bearer_auth(token(role));
    }
    let resp = request.send().await.expect("POST /graphql");
    let status = resp.status();
    let text = resp.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")),
    )
}

#[tokio::test]
async fn stock_graphql_clients_pass() {
    let app = start().await;
    let schema = root().join("components/tourism/schema.graphql");
    let out = run_python(
        "graphql_client.py",
        &[
            app.base(),
            schema.to_str().expect("utf-8 path"),
            &token(Role::Operator),
            &token(Role::Admin),
            &token(Role::Viewer),
        ],
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}\nruntime log:\n{}", app.logs()));
    print!("{out}");
    // The client created and deleted one attraction; the seed is as it was.
    assert_eq!(counts(&app).await, (SEEDED, SEEDED_OPEN));
}

#[tokio::test]
async fn seed_is_ten_paris_attractions_nine_open_each_in_a_zone() {
    let app = start().await;
    assert_eq!(counts(&app).await, (SEEDED, SEEDED_OPEN));
    let (status, body) = post(
        &app,
        json!({"query": "{ attractions { id name status zone } }"}),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let list = body["data"]["attractions"].as_array().expect("a list");
    assert_eq!(list.len() as i64, SEEDED);
    assert!(
        list.iter()
            .all(|a| a["zone"].as_str().unwrap().starts_with("paris-")),
        "{body}"
    );
    let closed: Vec<_> = list.iter().filter(|a| a["status"] != "OPEN").collect();
    assert_eq!(closed.len(), 1, "{body}");
    assert_eq!(closed[0]["status"], "TEMPORARILY_CLOSED");
    assert!(
        closed[0]["name"].as_str().unwrap().contains("Notre-Dame"),
        "{body}"
    );
}

#[tokio::test]
async fn unauthenticated_or_underprivileged_mutations_store_nothing() {
    let app = start().await;
    let create = json!({
        "query": "mutation($i: AttractionInput!) { createAttraction(input: $i) { id } }",
        "variables": {"i": {"name": "Panthéon", "type": "MONUMENT", "address": "Place du Panthéon",
                            "latitude": 48.8462, "longitude": 2.3464, "zone": "paris-05"}}
    });
    let (status, body) = post(&app, create.clone(), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
    assert_eq!(body["data"], Value::Null, "{body}");
    let (_, body) = post(&app, create, Some(Role::Viewer)).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let (_, body) = post(
        &app,
        json!({"query": "mutation { deleteAttraction(id: 1) }"}),
        Some(Role::Operator),
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{body}"
    );
    let (_, body) = post(
        &app,
        json!({"query": "mutation { updateAttractionStatus(id: 3, status: OPEN) { id } }"}),
        None,
    )
    .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{body}"
    );
    assert_eq!(counts(&app).await, (SEEDED, SEEDED_OPEN));
}

#[tokio::test]
async fn writes_reach_the_database() {
    let app = start().await;
    let (_, body) = post(
        &app,
        json!({"query": "mutation { updateAttractionStatus(id: 3, status: OPEN) { id status } }"}),
        Some(Role::Operator),
    )
    .await;
    assert_eq!(
        body["data"]["updateAttractionStatus"],
        json!({"id": 3, "status": "OPEN"}),
        "{body}"
    );
    assert_eq!(counts(&app).await, (SEEDED, SEEDED_OPEN + 1));
    let (_, body) = post(
        &app,
        json!({"query": "mutation { deleteAttraction(id: 10) }"}),
        Some(Role::Admin),
    )
    .await;
    assert_eq!(body["data"]["deleteAttraction"], true, "{body}");
    assert_eq!(counts(&app).await, (SEEDED - 1, SEEDED_OPEN));
}

//! The schema end to end over an in-memory store: every query and mutation, paging, auth,
//! limits and error codes. (The e2e tests repeat the essentials against Postgres.)

use std::sync::Arc;

use async_graphql::{Request, Response, Variables};
use cityflow_auth::{issue, Role};
use serde_json::{json, Value};

use crate::memory_store::MemoryStore;
use crate::{build, sdl, Attraction, AttractionStatus, AttractionType, Caller};

const SECRET: &[u8] = b"unit-test-signing-key-0123456789abcdef";
const NOW: u64 = 1_800_000_000;

fn seed() -> Vec<Attraction> {
    let row = |id, name: &str, kind, status, zone: &str| Attraction {
        id,
        name: name.into(),
        kind,
        address: format!("{id} rue de Paris"),
        latitude: 48.85,
        longitude: 2.35,
        status,
        opening_hours: Some("9h-18h".into()),
        description: None,
        zone: zone.into(),
    };
    use AttractionStatus::*;
    use AttractionType::*;
    vec![
        row(1, "Musée du Louvre", Museum, Open, "paris-01"),
        row(2, "Tour Eiffel", Monument, Open, "paris-07"),
        row(3, "Notre-Dame", Monument, TemporarilyClosed, "paris-04"),
        row(4, "Musée d'Orsay", Museum, Open, "paris-07"),
        row(5, "Jardin du Luxembourg", Garden, Closed, "paris-06"),
    ]
}

struct Fixture {
    store: Arc<MemoryStore>,
}

impl Fixture {
    fn new() -> Self {
        Self {
            store: Arc::new(MemoryStore::with(seed())),
        }
    }

    fn run(&self, query: &str, variables: Value, role: Option<Role>) -> Response {
        let authorization =
            role.map(|r| format!("Bearer {}", issue("tester", r, SECRET, NOW, 600).unwrap()));
        let caller = Caller {
            authorization,
            secret: Some(SECRET.to_vec()),
            now_unix: NOW,
        };
        let schema = build(self.store.clone());
        let request = Request::new(query)
            .variables(Variables::from_json(variables))
            .data(caller);
        futures_executor::block_on(schema.execute(request))
    }

    fn data(&self, query: &str, variables: Value, role: Option<Role>) -> Value {
        let response = self.run(query, variables, role);
        assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
        response.data.into_json().unwrap()
    }

    /// The codes of the errors, in order.
    fn codes(&self, query: &str, variables: Value, role: Option<Role>) -> Vec<String> {
        let body = serde_json::to_value(self.run(query, variables, role)).unwrap();
        body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{query}: no errors in {body}"))
            .iter()
            .map(|e| {
                e["extensions"]["code"]
                    .as_str()
                    .unwrap_or("<none>")
                    .to_string()
            })
            .collect()
    }
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn committed_schema_file_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tourism/schema.graphql");
    let current = sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "components/tourism/schema.graphql is out of date; regenerate it with \
         UPDATE_SCHEMA=1 cargo test --release -p tourism-model committed_schema_file"
    );
}

#[test]
fn gateway_query_lists_every_attraction_with_status_enums() {
    let data = Fixture::new().data("{ attractions { id name status } }", json!({}), None);
    assert_eq!(ids(&data["attractions"]), [1, 2, 3, 4, 5]);
    assert_eq!(data["attractions"][2]["status"], "TEMPORARILY_CLOSED");
    assert_eq!(data["attractions"][0]["status"], "OPEN");
}

#[test]
fn pages_with_first_and_after() {
    let f = Fixture::new();
    let q = "query($after: String) { attractions(first: 2, after: $after) { id cursor } }";
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = f.data(q, json!({ "after": after }), None);
        let page = data["attractions"].as_array().unwrap().clone();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        seen.extend(ids(&data["attractions"]));
        after = page.last().unwrap()["cursor"].clone();
    }
    assert_eq!(seen, [1, 2, 3, 4, 5]);
}

#[test]
fn one_attraction_by_id_or_null() {
    let f = Fixture::new();
    let data = f.data(
        "query($id: Int!) { attraction(id: $id) { name type zone openingHours description } }",
        json!({"id": 2}),
        None,
    );
    assert_eq!(
        data["attraction"],
        json!({"name": "Tour Eiffel", "type": "MONUMENT", "zone": "paris-07",
               "openingHours": "9h-18h", "description": null})
    );
    assert_eq!(
        f.data("{ attraction(id: 99) { id } }", json!({}), None)["attraction"],
        Value::Null
    );
}

#[test]
fn filters_by_type_and_zone() {
    let f = Fixture::new();
    let data = f.data(
        "{ attractionsByType(type: MUSEUM) { id } }",
        json!({}),
        None,
    );
    assert_eq!(ids(&data["attractionsByType"]), [1, 4]);
    let data = f.data(
        "query($z: String!) { attractionsByZone(zone: $z, first: 1) { id } }",
        json!({"z": "paris-07"}),
        None,
    );
    assert_eq!(ids(&data["attractionsByZone"]), [2]);
    let data = f.data(
        r#"{ attractionsByZone(zone: "paris-20") { id } }"#,
        json!({}),
        None,
    );
    assert_eq!(ids(&data["attractionsByZone"]), Vec::<i64>::new());
}

#[test]
fn bad_arguments_are_bad_user_input() {
    let f = Fixture::new();
    for query in [
        "{ attractions(first: 0) { id } }",
        "{ attractions(first: 101) { id } }",
        r#"{ attractions(after: "bm9wZQ") { id } }"#,
        r#"{ attractionsByZone(zone: "Paris 7") { id } }"#,
    ] {
        assert_eq!(
            f.codes(query, json!({}), None),
            ["BAD_USER_INPUT"],
            "{query}"
        );
    }
}

#[test]
fn invalid_enum_values_are_graphql_errors() {
    let f = Fixture::new();
    assert_eq!(
        f.codes(
            "{ attractionsByType(type: CASTLE) { id } }",
            json!({}),
            None
        ),
        ["GRAPHQL_VALIDATION_FAILED"]
    );
    // Variables are checked against their declared types before anything runs.
    let codes = f.codes(
        "query($t: AttractionType!) { attractionsByType(type: $t) { id } }",
        json!({"t": "castle"}),
        None,
    );
    assert_eq!(codes, ["GRAPHQL_VALIDATION_FAILED"]);
}

const CREATE: &str = r#"mutation($input: AttractionInput!) {
  createAttraction(input: $input) { id name type status zone }
}"#;

fn new_input() -> Value {
    json!({"input": {"name": "Panthéon", "type": "MONUMENT", "address": "Place du Panthéon",
                     "latitude": 48.8462, "longitude": 2.3464, "zone": "paris-05"}})
}

#[test]
fn operators_create_attractions_open_by_default() {
    let f = Fixture::new();
    let data = f.data(CREATE, new_input(), Some(Role::Operator));
    assert_eq!(
        data["createAttraction"],
        json!({"id": 6, "name": "Panthéon", "type": "MONUMENT", "status": "OPEN", "zone": "paris-05"})
    );
    assert_eq!(f.store.snapshot().len(), 6);
}

#[test]
fn mutations_need_a_token_and_the_right_role() {
    let f = Fixture::new();
    assert_eq!(f.codes(CREATE, new_input(), None), ["UNAUTHENTICATED"]);
    assert_eq!(
        f.codes(CREATE, new_input(), Some(Role::Viewer)),
        ["FORBIDDEN"]
    );
    let delete = "mutation { deleteAttraction(id: 1) }";
    assert_eq!(
        f.codes(delete, json!({}), Some(Role::Operator)),
        ["FORBIDDEN"]
    );
    let status = "mutation { updateAttractionStatus(id: 1, status: CLOSED) { status } }";
    assert_eq!(f.codes(status, json!({}), None), ["UNAUTHENTICATED"]);
    assert_eq!(
        f.store.snapshot(),
        seed(),
        "a refused mutation changes nothing"
    );
}

#[test]
fn a_token_signed_with_another_secret_is_unauthenticated() {
    let f = Fixture::new();
    let forged = issue(
        "x",
        Role::Admin,
        b"some-other-signing-key-0123456789abc",
        NOW,
        600,
    )
    .unwrap();
    let caller = Caller {
        authorization: Some(format!("Bearer {forged}")),
        secret: Some(SECRET.to_vec()),
        now_unix: NOW,
    };
    let request = Request::new("mutation { deleteAttraction(id: 1) }").data(caller);
    let response = futures_executor::block_on(build(f.store.clone()).execute(request));
    let body = serde_json::to_value(response).unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    assert_eq!(f.store.snapshot().len(), 5);
}

#[test]
fn invalid_input_is_refused_and_stores_nothing() {
    let f = Fixture::new();
    let mut input = new_input();
    input["input"]["latitude"] = json!(123.0);
    let body = serde_json::to_value(f.run(CREATE, input, Some(Role::Admin))).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({"code": "BAD_USER_INPUT", "field": "latitude"})
    );
    let mut input = new_input();
    input["input"]["zone"] = json!("paris-21");
    let body = serde_json::to_value(f.run(CREATE, input, Some(Role::Admin))).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"],
        json!({"code": "BAD_USER_INPUT", "field": "zone"})
    );
    let mut input = new_input();
    input["input"]["type"] = json!("CASTLE");
    assert_eq!(f.codes(CREATE, input, Some(Role::Admin)).len(), 1);
    assert_eq!(f.store.snapshot().len(), 5);
}

#[test]
fn status_updates_and_deletes() {
    let f = Fixture::new();
    let data = f.data(
        "mutation($id: Int!, $s: AttractionStatus!) { updateAttractionStatus(id: $id, status: $s) { id status } }",
        json!({"id": 3, "s": "OPEN"}),
        Some(Role::Operator),
    );
    assert_eq!(
        data["updateAttractionStatus"],
        json!({"id": 3, "status": "OPEN"})
    );
    assert_eq!(
        f.codes(
            "mutation { updateAttractionStatus(id: 42, status: OPEN) { id } }",
            json!({}),
            Some(Role::Operator)
        ),
        ["NOT_FOUND"]
    );
    let data = f.data(
        "mutation { deleteAttraction(id: 5) }",
        json!({}),
        Some(Role::Admin),
    );
    assert_eq!(data["deleteAttraction"], true);
    assert_eq!(
        f.codes(
            "mutation { deleteAttraction(id: 5) }",
            json!({}),
            Some(Role::Admin)
        ),
        ["NOT_FOUND"]
    );
    assert_eq!(f.store.snapshot().len(), 4);
}

#[test]
fn syntax_errors_are_parse_failures() {
    assert_eq!(
        Fixture::new().codes("{ attractions { id ", json!({}), None),
        ["GRAPHQL_PARSE_FAILED"]
    );
}

#[test]
fn unknown_fields_and_operations_are_validation_failures() {
    let f = Fixture::new();
    assert_eq!(
        f.codes("{ attractions { rating } }", json!({}), None),
        ["GRAPHQL_VALIDATION_FAILED"]
    );
    assert_eq!(
        f.codes(
            "query A { attractions { id } } query B { attraction(id: 1) { id } }",
            json!({}),
            None
        ),
        ["GRAPHQL_VALIDATION_FAILED"]
    );
}

#[test]
fn fragments_work() {
    let data = Fixture::new().data(
        "query { attraction(id: 4) { ...Card } } fragment Card on Attraction { name type }",
        json!({}),
        None,
    );
    assert_eq!(
        data["attraction"],
        json!({"name": "Musée d'Orsay", "type": "MUSEUM"})
    );
}

/// graphql-js's / graphql-core's standard introspection query (the one GraphiQL and `gql`
/// send), which must fit the depth and complexity limits.
const INTROSPECTION: &str = include_str!("../tests/introspection_query.graphql");

#[test]
fn the_standard_introspection_query_fits_the_limits() {
    let data = Fixture::new().data(INTROSPECTION, json!({}), None);
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
}

#[test]
fn over_deep_queries_are_refused() {
    let mut query = String::from("{ __schema { types { fields { type ");
    for _ in 0..12 {
        query.push_str("{ ofType ");
    }
    query.push_str("{ name }");
    query.push_str(&" }".repeat(12 + 4));
    let body = serde_json::to_value(Fixture::new().run(&query, json!({}), None)).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too deep"),
        "{body}"
    );
}

#[test]
fn over_complex_queries_are_refused() {
    let fields =
        "id name type address latitude longitude status openingHours description zone cursor";
    let query = format!(
        "{{ a: attractions(first: 100) {{ {fields} }} b: attractions(first: 100) {{ {fields} }} \
           c: attractions(first: 100) {{ {fields} }} }}"
    );
    let body = serde_json::to_value(Fixture::new().run(&query, json!({}), None)).unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("too complex"),
        "{body}"
    );
    // One full page of everything is fine.
    let one = format!("{{ attractions(first: 100) {{ {fields} }} }}");
    Fixture::new().data(&one, json!({}), None);
}

//! End-to-end tests of the transport component (REST/JSON at `/transports`) on the real
//! runtime and a freshly migrated database per test (13 seeded Paris lines, 9 operational).
//! Writes carry test tokens: POST/PUT an operator's, DELETE an admin's.

use cityflow_auth::Role;
use cityflow_tests::{token, App};
use reqwest::{header, Response, StatusCode};
use serde_json::{json, Value};

const SEEDED: usize = 13;
const SEEDED_OPERATIONAL: usize = 9;

async fn body_json(resp: Response) -> Value {
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/json"),
        "content-type {content_type:?}"
    );
    let text = resp.text().await.expect("read body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

async fn get(app: &App, path: &str) -> (StatusCode, Value) {
    let resp = app.client().get(app.url(path)).send().await.expect("GET");
    let status = resp.status();
    (status, body_json(resp).await)
}

/// A write as an operator (the least role allowed to create and replace lines).
async fn send_json(app: &App, method: reqwest::Method, path: &str, body: &Value) -> Response {
    app.client()
        .request(method, app.url(path))
        .bearer_auth(token(Role::Operator))
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("send")
}

async fn row_count(app: &App) -> i64 {
    app.db()
        .await
        .query_one("SELECT count(*) FROM transports", &[])
        .await
        .expect("count rows")
        .get(0)
}

fn ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|t| t["id"].as_i64().expect("integer id"))
        .collect()
}

fn assert_error(body: &Value, code: &str, field: Option<&str>) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    match field {
        Some(field) => assert_eq!(body["error"]["field"], field, "{body}"),
        None => assert!(body["error"].get("field").is_none(), "{body}"),
    }
}

fn new_line() -> Value {
    json!({"mode": "Tramway", "route": "T3b - Porte de Vincennes → Porte Dauphine", "status": "operationnel"})
}

#[tokio::test]
async fn list_returns_the_seeded_lines_in_id_order() {
    let app = App::start().await;
    let (status, list) = get(&app, "/transports").await;
    assert_eq!(status, StatusCode::OK);
    let ids = ids(&list);
    assert_eq!(ids.len(), SEEDED);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    for line in list.as_array().unwrap() {
        let mut keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["created_at", "id", "mode", "route", "status", "updated_at"]
        );
        for ts in ["created_at", "updated_at"] {
            let ts = line[ts].as_str().unwrap();
            assert!(
                ts.len() == 27 && ts.ends_with('Z') && &ts[10..11] == "T",
                "{ts}"
            );
        }
    }
    let (status, same) = get(&app, "/transports/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(same, list);
}

#[tokio::test]
async fn status_filter_finds_the_nine_operational_lines() {
    let app = App::start().await;
    let (status, list) = get(&app, "/transports?status=operationnel").await;
    assert_eq!(status, StatusCode::OK);
    let lines = list.as_array().unwrap();
    assert_eq!(lines.len(), SEEDED_OPERATIONAL);
    assert!(lines.iter().all(|t| t["status"] == "operationnel"));
}

#[tokio::test]
async fn mode_filter_accepts_the_label_and_its_ascii_alias() {
    let app = App::start().await;
    let (status, metro) = get(&app, "/transports?mode=M%C3%A9tro").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(metro.as_array().unwrap().len(), 3);
    assert!(metro
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["mode"] == "Métro"));

    let (_, alias) = get(&app, "/transports?mode=metro").await;
    assert_eq!(alias, metro);

    let (_, trains) = get(&app, "/transports?mode=Train&status=operationnel").await;
    let trains = trains.as_array().unwrap();
    assert_eq!(trains.len(), 2);
    assert!(trains
        .iter()
        .all(|t| t["mode"] == "Train" && t["status"] == "operationnel"));

    let (_, empty_means_any) = get(&app, "/transports?mode=&status=").await;
    assert_eq!(empty_means_any.as_array().unwrap().len(), SEEDED);
}

#[tokio::test]
async fn skip_and_limit_page_through_the_list() {
    let app = App::start().await;
    let (_, all) = get(&app, "/transports").await;
    let all = ids(&all);

    let (status, page) = get(&app, "/transports?skip=2&limit=3").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&page), all[2..5]);

    let (_, page) = get(&app, "/transports?status=operationnel&skip=8&limit=5").await;
    assert_eq!(page.as_array().unwrap().len(), SEEDED_OPERATIONAL - 8);

    let (status, beyond) = get(&app, "/transports?skip=100&limit=1000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(beyond, json!([]));
}

#[tokio::test]
async fn bad_query_parameters_are_400_naming_the_parameter() {
    let app = App::start().await;
    for (query, param) in [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=2.5", "limit"),
        ("skip=-1", "skip"),
        ("mode=Bateau", "mode"),
        ("status=ferme", "status"),
        ("mode=Bus&mode=Taxi", "mode"),
        ("stauts=retard", "stauts"),
        ("mode=%ZZ", "mode"),
    ] {
        let (status, body) = get(&app, &format!("/transports?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_error(&body, "bad_request", Some(param));
    }
}

#[tokio::test]
async fn create_returns_201_with_location_then_get_finds_it() {
    let app = App::start().await;
    let resp = send_json(&app, reqwest::Method::POST, "/transports", &new_line()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let location = resp
        .headers()
        .get(header::LOCATION)
        .expect("location header")
        .to_str()
        .unwrap()
        .to_string();
    let created = body_json(resp).await;
    let id = created["id"].as_i64().unwrap();
    assert!(id > 0);
    assert_eq!(location, format!("/transports/{id}"));
    assert_eq!(created["mode"], "Tramway");
    assert_eq!(
        created["route"],
        "T3b - Porte de Vincennes → Porte Dauphine"
    );
    assert_eq!(created["status"], "operationnel");
    assert_eq!(created["created_at"], created["updated_at"]);

    let (status, fetched) = get(&app, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);
    assert_eq!(row_count(&app).await, SEEDED as i64 + 1);

    let row = app
        .db()
        .await
        .query_one("SELECT mode, route FROM transports WHERE id = $1", &[&id])
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "Tramway");
    assert_eq!(
        row.get::<_, String>(1),
        "T3b - Porte de Vincennes → Porte Dauphine"
    );
}

#[tokio::test]
async fn create_normalises_aliases_and_trims_the_route() {
    let app = App::start().await;
    let body = json!({"mode": "velo", "route": "  Vélib' Station Bastille  ", "status": "Retard"});
    let resp = send_json(&app, reqwest::Method::POST, "/transports", &body).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created = body_json(resp).await;
    assert_eq!(created["mode"], "Vélo");
    assert_eq!(created["route"], "Vélib' Station Bastille");
    assert_eq!(created["status"], "retard");
}

#[tokio::test]
async fn put_replaces_the_line() {
    let app = App::start().await;
    let (_, before) = get(&app, "/transports/5").await;
    let replacement = json!({"mode": "Train", "route": "RER B - Mitry-Claye → Robinson", "status": "operationnel"});
    let resp = send_json(&app, reqwest::Method::PUT, "/transports/5", &replacement).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let updated = body_json(resp).await;
    assert_eq!(updated["id"], 5);
    assert_eq!(updated["route"], "RER B - Mitry-Claye → Robinson");
    assert_eq!(updated["status"], "operationnel");
    assert_eq!(updated["created_at"], before["created_at"]);
    assert!(updated["updated_at"].as_str() > before["updated_at"].as_str());

    let (_, fetched) = get(&app, "/transports/5").await;
    assert_eq!(fetched, updated);

    // What a client GETs it may PUT back, server-managed fields included.
    let mut round_trip = fetched.clone();
    round_trip["status"] = json!("retard");
    let resp = send_json(&app, reqwest::Method::PUT, "/transports/5", &round_trip).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(body_json(resp).await["status"], "retard");
}

#[tokio::test]
async fn put_errors_change_nothing() {
    let app = App::start().await;
    let (_, before) = get(&app, "/transports/1").await;

    let partial = json!({"status": "retard"});
    let resp = send_json(&app, reqwest::Method::PUT, "/transports/1", &partial).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body_json(resp).await, "validation_failed", Some("mode"));

    let other_id = json!({"id": 2, "mode": "Bus", "route": "Ligne 38", "status": "retard"});
    let resp = send_json(&app, reqwest::Method::PUT, "/transports/1", &other_id).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_error(&body_json(resp).await, "validation_failed", Some("id"));

    let (_, after) = get(&app, "/transports/1").await;
    assert_eq!(after, before);

    let resp = send_json(
        &app,
        reqwest::Method::PUT,
        "/transports/999999",
        &new_line(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_error(&body_json(resp).await, "not_found", None);
    assert_eq!(row_count(&app).await, SEEDED as i64);
}

#[tokio::test]
async fn delete_returns_204_then_404() {
    let app = App::start().await;
    let resp = app
        .client()
        .delete(app.url("/transports/13"))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.bytes().await.unwrap().is_empty());
    assert_eq!(row_count(&app).await, SEEDED as i64 - 1);

    let (status, body) = get(&app, "/transports/13").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&body, "not_found", None);

    let resp = app
        .client()
        .delete(app.url("/transports/13"))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert_error(&body_json(resp).await, "not_found", None);
}

#[tokio::test]
async fn unknown_or_malformed_ids_are_404_json() {
    let app = App::start().await;
    for path in [
        "/transports/999999",
        "/transports/abc",
        "/transports/0",
        "/transports/-1",
        "/transports/1/stops",
        "/transports/99999999999999999999",
    ] {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_error(&body, "not_found", None);
    }
}

#[tokio::test]
async fn invalid_bodies_are_422_naming_the_field_and_store_nothing() {
    let app = App::start().await;
    let cases = [
        (
            json!({"route": "Ligne 1", "status": "operationnel"}),
            "mode",
        ),
        (json!({"mode": "Bus", "status": "operationnel"}), "route"),
        (json!({"mode": "Bus", "route": "Ligne 38"}), "status"),
        (
            json!({"mode": "Bateau", "route": "Seine", "status": "operationnel"}),
            "mode",
        ),
        (
            json!({"mode": "Bus", "route": "Ligne 38", "status": "ferme"}),
            "status",
        ),
        (
            json!({"mode": "Bus", "route": "   ", "status": "retard"}),
            "route",
        ),
        (
            json!({"mode": "Bus", "route": "x".repeat(201), "status": "retard"}),
            "route",
        ),
        (
            json!({"mode": 3, "route": "Ligne 38", "status": "retard"}),
            "mode",
        ),
        (
            json!({"mode": "Bus", "route": "Ligne 38", "status": "retard", "statut": "x"}),
            "statut",
        ),
        (
            json!({"id": 77, "mode": "Bus", "route": "Ligne 38", "status": "retard"}),
            "id",
        ),
    ];
    for (body, field) in cases {
        let resp = send_json(&app, reqwest::Method::POST, "/transports", &body).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_error(&body_json(resp).await, "validation_failed", Some(field));
    }
    let resp = send_json(
        &app,
        reqwest::Method::POST,
        "/transports",
        &json!([new_line()]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(row_count(&app).await, SEEDED as i64);
}

#[tokio::test]
async fn malformed_json_is_400_and_wrong_media_type_is_415() {
    let app = App::start().await;
    for raw in ["{\"mode\": \"Bus\",", "", "not json"] {
        let resp = app
            .client()
            .post(app.url("/transports"))
            .bearer_auth(token(Role::Operator))
            .header(header::CONTENT_TYPE, "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{raw:?}");
        assert_error(&body_json(resp).await, "bad_request", None);
    }
    let resp = app
        .client()
        .post(app.url("/transports"))
        .bearer_auth(token(Role::Operator))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(new_line().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error(&body_json(resp).await, "unsupported_media_type", None);
    assert_eq!(row_count(&app).await, SEEDED as i64);
}

#[tokio::test]
async fn unsupported_methods_are_405_with_allow() {
    let app = App::start().await;
    for (method, path, allow) in [
        (
            reqwest::Method::PATCH,
            "/transports/1",
            "GET, PUT, DELETE, OPTIONS",
        ),
        (reqwest::Method::DELETE, "/transports", "GET, POST, OPTIONS"),
        (reqwest::Method::PUT, "/transports", "GET, POST, OPTIONS"),
    ] {
        let resp = app
            .client()
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(resp.headers()[header::ALLOW], allow);
        assert_error(&body_json(resp).await, "method_not_allowed", None);
    }
    let resp = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/transports/1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(resp.headers()[header::ALLOW], "GET, PUT, DELETE, OPTIONS");
    assert_eq!(row_count(&app).await, SEEDED as i64);
}

#[tokio::test]
async fn h2c_get_works() {
    let app = App::start().await;
    let resp = app
        .h2_client()
        .get(app.url("/transports?status=operationnel"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        body_json(resp).await.as_array().unwrap().len(),
        SEEDED_OPERATIONAL
    );
}

async fn line_row(app: &App, id: i64) -> Option<(String, String, String)> {
    app.db()
        .await
        .query_opt("SELECT mode, route, status FROM transports WHERE id = $1", &[&id])
        .await
        .expect("read line")
        .map(|row| (row.get(0), row.get(1), row.get(2)))
}

/// Sends a write with the given `authorization` header (or none).
async fn write_as(app: &App, method: reqwest::Method, path: &str, authorization: Option<&str>) -> Response {
    let mut request = app.client().request(method, app.url(path));
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    request.header(header::CONTENT_TYPE, "application/json").body(new_line().to_string()).send().await.expect("send")
}

#[tokio::test]
async fn writes_without_a_valid_token_are_401_and_change_nothing() {
    let app = App::start().await;
    let before = line_row(&app, 1).await.expect("seeded line 1");
    let bad_headers = [
        None,
        Some("Bearer".to_string()),
        Some("Bearer not.a.token".to_string()),
        Some(format!("Basic {}", "YWRtaW46YWRtaW4xMjM=")),
        Some(format!("Bearer {}", cityflow_auth::issue("x", Role::Admin, b"some-other-signing-key-0123456789abcdef", cityflow_auth::now_unix(), 3600).unwrap())),
    ];
    for header in &bad_headers {
        for (method, path) in [
            (reqwest::Method::POST, "/transports"),
            (reqwest::Method::PUT, "/transports/1"),
            (reqwest::Method::DELETE, "/transports/1"),
        ] {
            let resp = write_as(&app, method.clone(), path, header.as_deref()).await;
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{method} {path} with {header:?}");
            assert!(resp.headers()[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Bearer"));
            assert_error(&body_json(resp).await, "unauthenticated", None);
        }
    }
    assert_eq!(line_row(&app, 1).await, Some(before));
    assert_eq!(row_count(&app).await, SEEDED as i64);
}

#[tokio::test]
async fn roles_below_the_minimum_are_403_and_change_nothing() {
    let app = App::start().await;
    let before = line_row(&app, 1).await.expect("seeded line 1");
    let viewer = format!("Bearer {}", token(Role::Viewer));
    let operator = format!("Bearer {}", token(Role::Operator));
    for (method, path, who) in [
        (reqwest::Method::POST, "/transports", &viewer),
        (reqwest::Method::PUT, "/transports/1", &viewer),
        (reqwest::Method::DELETE, "/transports/1", &viewer),
        (reqwest::Method::DELETE, "/transports/1", &operator),
    ] {
        let resp = write_as(&app, method.clone(), path, Some(who)).await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{method} {path}");
        assert_error(&body_json(resp).await, "forbidden", None);
    }
    assert_eq!(line_row(&app, 1).await, Some(before));
    assert_eq!(row_count(&app).await, SEEDED as i64);
    // Reads stay public.
    let (status, _) = get(&app, "/transports/1").await;
    assert_eq!(status, StatusCode::OK);
}

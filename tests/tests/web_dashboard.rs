//! Issue 11 end to end: the web dashboard served by the real runtime, with seed data, read in
//! a real browser (Debian's Chromium driven by playwright-core, scripts in tests/browser/).
//!
//! Each test runs the repo's spin.toml with three changes that isolate it from parallel
//! tests: sources made absolute (the manifest is written elsewhere), the MQTT subscription
//! moved under a topic prefix of its own, and no cron triggers (the jobs run when the test
//! calls `POST /jobs/predict|reroute`, so what the page shows follows the test's steps).
//! Redis keys live under a prefix of their own, removed at the end. Screenshots go to
//! target/test-output/web/.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use cityflow_auth::Role;
use cityflow_tests::{cityflow_bin, component_wasm, redis_url, root, token, unique_name, App};
use redis::AsyncCommands;
use reqwest::StatusCode;
use rumqttc::{AsyncClient, MqttOptions, QoS};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// The repo's spin.toml, isolated as the module docs say; `probe_for` serves one component
/// with the test probe instead (a service answering in the wrong protocol).
fn manifest(topic_prefix: &str, probe_for: Option<&str>) -> String {
    let text = std::fs::read_to_string(root().join("spin.toml")).expect("spin.toml");
    let mut manifest: toml::Table = text.parse().expect("spin.toml parses");
    let trigger = manifest.get_mut("trigger").and_then(|t| t.as_table_mut()).expect("[trigger]");
    trigger.remove("cron");
    for mqtt in trigger.get_mut("mqtt").and_then(|m| m.as_array_mut()).expect("[[trigger.mqtt]]") {
        let topic = mqtt["topic"].as_str().expect("topic").replacen("cityflow/", &format!("{topic_prefix}/"), 1);
        mqtt.as_table_mut().unwrap().insert("topic".into(), topic.into());
    }
    for (name, component) in manifest.get_mut("component").and_then(|c| c.as_table_mut()).expect("[component]") {
        let component = component.as_table_mut().unwrap();
        let source = if Some(name.as_str()) == probe_for {
            component_wasm("probe")
        } else {
            root().join(component["source"].as_str().unwrap()).display().to_string()
        };
        component.insert("source".into(), source.into());
    }
    toml::to_string(&manifest).expect("manifest serializes")
}

/// One running app, its MQTT topic prefix and Redis prefix, and a publisher.
struct Dashboard {
    app: App,
    topic_prefix: String,
    redis_prefix: String,
    mqtt: AsyncClient,
}

impl Dashboard {
    async fn start() -> Dashboard {
        Dashboard::start_with(None, &[]).await
    }

    async fn start_with(probe_for: Option<&str>, env: &[(&str, &str)]) -> Dashboard {
        let topic_prefix = unique_name("web");
        let redis_prefix = format!("{}:", unique_name("web"));
        // The repo's runtime config with a small Postgres pool: a page makes few calls at once,
        // and parallel test apps share one server's connection slots.
        let mut runtime_config: toml::Table =
            std::fs::read_to_string(root().join("runtime-config.toml")).expect("runtime-config.toml").parse().expect("TOML");
        if let Some(pg) = runtime_config.get_mut("outbound_pg").and_then(|p| p.as_table_mut()) {
            pg.insert("max_connections".into(), 4.into());
        }
        let runtime_config = toml::to_string(&runtime_config).expect("runtime config serializes");
        let mut builder = App::builder()
            .manifest(manifest(&topic_prefix, probe_for))
            .runtime_config(runtime_config)
            .env("SPIN_VARIABLE_REDIS_PREFIX", &redis_prefix);
        for (key, value) in env {
            builder = builder.env(key, value);
        }
        let app = builder.start().await;
        let mut options = MqttOptions::new(unique_name("web-test"), "127.0.0.1", 1883);
        options.set_keep_alive(Duration::from_secs(10));
        let (mqtt, mut eventloop) = AsyncClient::new(options, 64);
        tokio::spawn(async move { while eventloop.poll().await.is_ok() {} });
        Dashboard { app, topic_prefix, redis_prefix, mqtt }
    }

    async fn publish(&self, reading: Value) {
        let topic = format!("{}/traffic/{}", self.topic_prefix, reading["sensor_id"].as_str().unwrap());
        self.mqtt.publish(topic, QoS::AtLeastOnce, false, reading.to_string()).await.expect("publish");
    }

    /// The MQTT trigger subscribes once the app is up: publish a reading of a road with no
    /// position (so no marker) until one is stored.
    async fn until_subscribed(&self) {
        let started = Instant::now();
        let db = self.app.db().await;
        loop {
            self.publish(json!({"ts": now(0), "sensor_id": "S-READY", "road_id": "READY", "speed_kmh": 40.0, "flow_rate": 30.0, "occupancy": 0.1})).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let n: i64 = db.query_one("SELECT count(*) FROM traffic_raw WHERE road_id = 'READY'", &[]).await.unwrap().get(0);
            if n > 0 {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the MQTT trigger never stored a reading:\n{}", self.app.logs());
        }
    }

    async fn cleanup(self) {
        let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
        let keys: Vec<String> = conn.keys(format!("{}*", self.redis_prefix)).await.unwrap();
        if !keys.is_empty() {
            let _: i64 = conn.del(keys).await.unwrap();
        }
    }
}

fn now(seconds_ago: i64) -> String {
    (Utc::now() - chrono::Duration::seconds(seconds_ago)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An account made the way the README says, with `cityflow user add` (password on stdin).
async fn add_user(app: &App, email: &str, role: &str, password: &str) {
    let mut child = tokio::process::Command::new(cityflow_bin())
        .args(["user", "add", "--email", email, "--role", role, "--database-url", &app.database().unwrap().url])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cityflow user add");
    child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).await.unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

async fn login(app: &App, email: &str, password: &str) -> String {
    let resp = app.client().post(app.url("/api/auth/login")).json(&json!({"email": email, "password": password})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
}

/// A browser script from tests/browser/ running against the app.
struct Browser {
    child: tokio::process::Child,
    stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    transcript: String,
}

/// What a script reported: the values it read, and the page's console errors.
struct Outcome {
    result: Value,
    problems: Vec<String>,
    transcript: String,
}

impl Browser {
    async fn start(script: &str, args: &[&str]) -> Browser {
        let web = root().join("web");
        assert!(
            web.join("node_modules/playwright-core").is_dir(),
            "web/node_modules/playwright-core is missing: run `npm ci` in web/ (make setup-tests does)"
        );
        let chromium = std::env::var("CITYFLOW_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        assert!(PathBuf::from(&chromium).exists(), "{chromium} is missing: install Debian's chromium (scripts/setup.sh --for-tests)");
        let output = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target")).join("test-output/web");
        let mut child = tokio::process::Command::new("node")
            .arg(root().join("tests/browser").join(format!("{script}.mjs")))
            .args(args)
            .env("CITYFLOW_TEST_OUTPUT", output)
            .env("CITYFLOW_CHROMIUM", chromium)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("node (scripts/setup.sh installs it)");
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Browser { child, stdout, transcript: String::new() }
    }

    async fn next_line(&mut self) -> Option<String> {
        let line = tokio::time::timeout(Duration::from_secs(180), self.stdout.next_line())
            .await
            .unwrap_or_else(|_| panic!("the browser script said nothing for 180 s:\n{}", self.transcript))
            .expect("reading the script's output")?;
        self.transcript.push_str(&line);
        self.transcript.push('\n');
        Some(line)
    }

    /// Waits for the script's `WAIT <step>`.
    async fn until(&mut self, step: &str) {
        while let Some(line) = self.next_line().await {
            if line == format!("WAIT {step}") {
                return;
            }
        }
        panic!("the script ended before step {step}:\n{}", self.transcript);
    }

    async fn resume(&mut self) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(b"go\n").await.unwrap();
        stdin.flush().await.unwrap();
    }

    /// Reads to the end; fails with the transcript unless the script succeeded.
    async fn finish(mut self) -> Outcome {
        let (mut result, mut problems) = (None, None);
        while let Some(line) = self.next_line().await {
            if let Some(json) = line.strip_prefix("RESULT ") {
                result = Some(serde_json::from_str(json).expect("RESULT is JSON"));
            }
            if let Some(json) = line.strip_prefix("PROBLEMS ") {
                problems = Some(serde_json::from_str(json).expect("PROBLEMS is JSON"));
            }
        }
        let status = self.child.wait().await.unwrap();
        assert!(status.success(), "the browser script failed ({status}):\n{}", self.transcript);
        Outcome { result: result.expect("a RESULT line"), problems: problems.unwrap_or_default(), transcript: self.transcript }
    }
}

async fn browse(script: &str, args: &[&str]) -> Outcome {
    Browser::start(script, args).await.finish().await
}

fn assert_no_problems(outcome: &Outcome) {
    assert!(outcome.problems.is_empty(), "console errors or CSP violations: {:?}\n{}", outcome.problems, outcome.transcript);
}

#[tokio::test]
async fn the_dashboard_is_served_with_strict_headers_and_only_its_files() {
    let t = Dashboard::start_with(None, &[("SPIN_VARIABLE_MAP_TILE_URL", "https://{s}.tile.example.org/{z}/{x}/{y}.png")]).await;
    let (app, client) = (&t.app, t.app.client());

    let resp = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let headers = resp.headers().clone();
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str().unwrap();
    for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' https://*.tile.example.org;", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(directive), "{directive} missing from {csp}");
    }
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin");
    assert_eq!(headers["cache-control"], "no-cache");
    let html = resp.text().await.unwrap();
    assert!(html.contains("<script type=\"module\" src=\"/js/main.js\"></script>"), "{html}");
    assert!(!html.contains("<script>") && !html.contains("style="), "no inline script or style: {html}");
    assert!(!html.contains("//unpkg") && !html.contains("cdn"), "no CDN: {html}");

    // Revalidation: the same ETag gives 304 without a body.
    let etag = headers["etag"].to_str().unwrap().to_string();
    let resp = client.get(app.url("/index.html")).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert!(resp.text().await.unwrap().is_empty());

    // Leaflet is vendored under its version, cached for good; modules and styles are typed.
    let leaflet = html.split('"').find(|s| s.starts_with("/vendor/leaflet-") && s.ends_with("/leaflet.js")).expect("Leaflet script tag");
    let resp = client.get(app.url(leaflet)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(resp.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(resp.text().await.unwrap().contains("Leaflet"), "the real Leaflet");
    let resp = client.get(app.url("/css/app.css")).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "text/css; charset=utf-8");
    let resp = client.head(app.url("/js/main.js")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/javascript; charset=utf-8");

    // The map settings reach the page as JSON, not inline script.
    let config: Value = client.get(app.url("/config.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["map_tile_url"], "https://{s}.tile.example.org/{z}/{x}/{y}.png");

    // Only GET and HEAD; unknown paths, and any attempt to climb out, are JSON 404s.
    let resp = client.post(app.url("/index.html")).body("x").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(resp.headers()["allow"], "GET, HEAD");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    for path in ["/nowhere.html", "/js/", "/api/nowhere", "/%2e%2e/spin.toml", "/js/%2E%2E/%2E%2E/Cargo.toml"] {
        let resp = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    // Dot segments sent as they are (an HTTP client would resolve them first).
    for raw in ["/js/../index.html", "/../Cargo.toml", "/./index.html"] {
        let status = raw_get_status(app.base(), raw).await;
        assert_eq!(status, 404, "{raw}");
    }
    // Every more specific route still wins over the catch-all.
    let lines: Value = client.get(app.url("/transports")).send().await.unwrap().json().await.unwrap();
    assert_eq!(lines.as_array().unwrap().len(), 13);
    let health = client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().get("content-security-policy").is_none(), "the gateway answered, not the web component");
    t.cleanup().await;
}

/// The status line of a GET whose path goes on the wire byte for byte.
async fn raw_get_status(base: &str, path: &str) -> u16 {
    use tokio::io::AsyncReadExt;
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    reply.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status line: {reply}"))
}

#[tokio::test]
async fn the_overview_shows_the_seeded_city_in_french_and_english() {
    let t = Dashboard::start().await;
    let outcome = browse("overview", &[t.app.base()]).await;
    assert_no_problems(&outcome);
    let r = &outcome.result;
    assert_eq!(r["lang"], "fr");
    assert_eq!(r["cards"]["transport"]["value"], "9/13", "{r}");
    assert_eq!(r["cards"]["tourism"]["value"], "9/10", "{r}");
    assert_eq!(r["cards"]["emergency"]["value"], "5/8", "{r}");
    // The gateway's average AQI is 91.0, a "Moderate" (yellow) figure.
    assert_eq!(r["cards"]["air"]["value"], "91", "{r}");
    assert!(r["cards"]["air"]["detail"].as_str().unwrap().starts_with("Modéré"), "{r}");
    for card in ["transport", "air", "tourism", "emergency"] {
        assert_eq!(r["cards"][card]["unavailable"], false, "{r}");
    }
    assert_eq!(r["status"], "État général : tous les services fonctionnent");
    let alerts = r["alerts"].to_string();
    assert!(alerts.contains("4 active interventions") && alerts.contains("9 of 13 lines operational"), "{alerts}");
    assert_eq!(r["english"]["lang"], "en");
    assert_eq!(r["english"]["status"], "City status: all systems operational");
    assert_eq!(r["english"]["cards"]["transport"]["value"], "9/13");
    assert_eq!(r["firstFocus"], "skip-link");
    assert_eq!(r["keyboardPage"], "services");
    assert_eq!(r["phoneOverflow"], json!({"overview": false, "services": false, "map": false}), "nothing wider than a phone");
    t.cleanup().await;
}

#[tokio::test]
async fn a_degraded_service_reads_unavailable_never_zero() {
    // Tourism answers in the wrong protocol: the gateway marks its section unavailable.
    let t = Dashboard::start_with(Some("tourism"), &[]).await;
    let outcome = browse("overview", &[t.app.base()]).await;
    // The one failure is the one expected: the services page's attractions pass-through.
    for problem in &outcome.problems {
        let expected = problem == "http: 503 /api/tourism/attractions" || problem.contains("status of 503");
        assert!(expected, "unexpected: {problem}\n{}", outcome.transcript);
    }
    assert!(outcome.problems.iter().any(|p| p == "http: 503 /api/tourism/attractions"), "{:?}", outcome.problems);
    let cards = &outcome.result["cards"];
    assert_eq!(cards["tourism"]["value"], "indisponible", "{cards}");
    assert_eq!(cards["tourism"]["unavailable"], true);
    assert!(!cards["tourism"]["detail"].as_str().unwrap().is_empty(), "the reason is shown: {cards}");
    assert!(!cards.to_string().contains("0/"), "no zero stands in for a missing figure: {cards}");
    assert_eq!(cards["transport"]["value"], "9/13");
    assert_eq!(cards["emergency"]["value"], "5/8");
    assert_eq!(outcome.result["status"], "État général : opérationnel");
    assert_eq!(outcome.result["english"]["cards"]["tourism"]["value"], "unavailable");
    t.cleanup().await;
}

#[tokio::test]
async fn an_operator_signs_in_edits_a_line_and_dispatches_a_vehicle() {
    let t = Dashboard::start().await;
    let app = &t.app;
    add_user(app, "operator@example.org", "operator", "operator password 42").await;
    let db = app.db().await;
    let line_id: i64 = db.query_one("SELECT min(id) FROM transports WHERE status = 'en_maintenance'", &[]).await.unwrap().get(0);
    let new_route = "Ligne 72 - Hôtel de Ville → Parc de Saint-Cloud (déviée)";
    let interventions_before: i64 = db.query_one("SELECT count(*) FROM interventions", &[]).await.unwrap().get(0);

    let outcome = browse("operator", &[app.base(), "operator@example.org", "operator password 42", &line_id.to_string(), new_route]).await;
    assert_no_problems(&outcome);
    let r = &outcome.result;
    assert_eq!(r["role"], "opérateur");
    assert_eq!(r["storage"], json!({"sessionToken": true, "localKeys": []}), "the token is in sessionStorage, never localStorage");
    assert_eq!(r["deleteButtons"], 0, "deleting is the admins'");

    let row = db.query_one("SELECT route, status FROM transports WHERE id = $1", &[&line_id]).await.unwrap();
    assert_eq!((row.get::<_, String>(0), row.get::<_, String>(1)), (new_route.to_string(), "retard".to_string()));
    assert_eq!(r["editedRow"][2], new_route);
    assert_eq!(r["editedRow"][3], "retardée");

    let interventions_after: i64 = db.query_one("SELECT count(*) FROM interventions", &[]).await.unwrap().get(0);
    assert_eq!(interventions_after, interventions_before + 1);
    let dispatched = db
        .query_one(
            "SELECT i.id, i.status, i.intervention_type, i.priority, i.zone, v.identifier, v.vehicle_type, v.status
             FROM interventions i JOIN vehicles v ON v.id = i.assigned_vehicle_id
             WHERE i.address = '5 rue Oberkampf, 75011 Paris'",
            &[],
        )
        .await
        .expect("the new intervention has a vehicle");
    let (id, identifier): (i32, String) = (dispatched.get(0), dispatched.get(5));
    assert_eq!(dispatched.get::<_, String>(1), "in_progress");
    assert_eq!((dispatched.get::<_, String>(2), dispatched.get::<_, String>(3)), ("fire".into(), "critical".into()));
    assert_eq!(dispatched.get::<_, String>(4), "paris-11");
    assert_eq!((dispatched.get::<_, String>(6), dispatched.get::<_, String>(7)), ("fire_truck".into(), "on_mission".into()));
    assert_eq!(r["dispatch"]["status"], "dispatched");
    let text = r["dispatch"]["text"].as_str().unwrap();
    assert!(text.contains(&format!("Intervention n° {id}")) && text.contains(&identifier), "{text}");
    let listed = r["interventions"].as_array().unwrap().iter().find(|row| row[0] == id.to_string()).expect("listed");
    assert_eq!(listed[6], identifier.as_str());

    assert_eq!(r["afterSignOut"], json!({"sessionToken": null, "editButtons": 0}));
    t.cleanup().await;
}

#[tokio::test]
async fn a_viewer_is_offered_no_write_action_and_the_api_refuses_them() {
    let t = Dashboard::start().await;
    let app = &t.app;
    add_user(app, "viewer@example.org", "viewer", "viewer password 42").await;
    let outcome = browse("viewer", &[app.base(), "viewer@example.org", "viewer password 42"]).await;
    assert_no_problems(&outcome);
    let r = &outcome.result;
    let hidden = |who: &Value| who["lineForm"] == 0 && who["rowActions"] == 0 && who["dispatchForm"] == 0;
    assert!(hidden(&r["anonymous"]), "{r}");
    assert!(hidden(&r["viewer"]), "{r}");
    assert_eq!(r["role"], "lecteur");
    assert_eq!(r["viewer"]["linesHint"], "Votre rôle permet la consultation seulement.");
    assert_eq!(r["anonymous"]["emergencyHint"], "Les opérateurs connectés peuvent envoyer des véhicules.");

    // The services refuse the viewer's own token, whatever a page shows.
    let viewer = login(app, "viewer@example.org", "viewer password 42").await;
    let client = app.client();
    let put = client
        .put(app.url("/transports/1"))
        .bearer_auth(&viewer)
        .json(&json!({"mode": "Bus", "route": "hijacked", "status": "hors_service"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::FORBIDDEN);
    let dispatch = client
        .post(app.url("/api/orchestration/emergency-response"))
        .bearer_auth(&viewer)
        .json(&json!({"zone": "paris-11", "emergency_type": "fire", "address": "1 rue X", "latitude": 48.86, "longitude": 2.37}))
        .send()
        .await
        .unwrap();
    assert_eq!(dispatch.status(), StatusCode::FORBIDDEN);
    let db = app.db().await;
    let route: String = db.query_one("SELECT route FROM transports WHERE id = 1", &[]).await.unwrap().get(0);
    assert_ne!(route, "hijacked");
    let n: i64 = db.query_one("SELECT count(*) FROM interventions WHERE address = '1 rue X'", &[]).await.unwrap().get(0);
    assert_eq!(n, 0);
    t.cleanup().await;
}

#[tokio::test]
async fn labels_full_of_markup_are_shown_as_text() {
    let t = Dashboard::start().await;
    let app = &t.app;
    let label = r#"<img src=x onerror="window.__xss=1">Ligne <b>piégée</b>"#;
    let resp = app
        .client()
        .post(app.url("/transports"))
        .bearer_auth(token(Role::Operator))
        .json(&json!({"mode": "Bus", "route": label, "status": "operationnel"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let line_id = resp.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let road_label = r#"<img src=x onerror="window.__xss=2"> Rue <script>window.__xss=3</script>"#;
    app.db()
        .await
        .execute(
            "INSERT INTO roads (road_id, label, lat, lng, from_node, to_node, length_m, free_flow_kmh) VALUES ('XSS', $1, 48.8606, 2.3376, 'X1', 'X2', 300, 30)",
            &[&road_label],
        )
        .await
        .unwrap();

    let outcome = browse("xss", &[app.base(), &line_id.to_string(), "XSS"]).await;
    assert_no_problems(&outcome);
    let r = &outcome.result;
    assert_eq!(r["cell"], label);
    assert!(r["trip"].as_array().unwrap().iter().any(|l| l == label), "{r}");
    assert_eq!(r["option"], road_label);
    assert_eq!(r["tooltip"], road_label);
    assert_eq!(r["title"], road_label);
    assert_eq!(r["imagesOnServices"], 0);
    assert_eq!(r["imagesOnMap"], 0);
    assert_eq!(r["injected"], Value::Null);
    t.cleanup().await;
}

/// A small piece of Paris: arc INC (A→B, the Champs-Élysées) with a detour A→C→B and a long
/// one A→D→B. 30 minutes of readings up to a minute ago: the detours free-flowing, INC
/// slowing from 45 to 20 km/h (dense, not yet congested).
async fn seed_roads(app: &App) {
    app.db()
        .await
        .batch_execute(
            "INSERT INTO roads (road_id, label, lat, lng, from_node, to_node, length_m, free_flow_kmh) VALUES
                ('INC', 'Avenue des Champs-Élysées', 48.8697, 2.3081, 'A', 'B', 1000, 50),
                ('AC', 'Rue du Faubourg Saint-Honoré', 48.8723, 2.3181, 'A', 'C', 800, 50),
                ('CB', 'Avenue de Friedland', 48.8764, 2.3050, 'C', 'B', 800, 50),
                ('AD', 'Cours la Reine', 48.8623, 2.3101, 'A', 'D', 2000, 50),
                ('DB', 'Avenue Marceau', 48.8664, 2.2970, 'D', 'B', 2000, 50),
                ('BA', 'Avenue Montaigne', 48.8680, 2.3060, 'B', 'A', 1000, 50);
             INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
             SELECT now() - interval '60 seconds' - g * interval '10 seconds', 'S-' || r.road_id, r.road_id,
                    CASE WHEN r.road_id = 'INC' THEN 45 - 25 * (1 - g / 180.0) ELSE 45 END,
                    30 + (g % 7),
                    CASE WHEN r.road_id = 'INC' THEN 0.1 + 0.35 * (1 - g / 180.0) ELSE 0.1 END
             FROM roads r, generate_series(0, 180) AS g
             WHERE r.road_id <> 'READY';",
        )
        .await
        .expect("seed roads and readings");
}

#[tokio::test]
async fn the_map_shows_the_roads_updates_live_and_draws_the_reroute_around_an_incident() {
    let t = Dashboard::start().await;
    t.until_subscribed().await;
    seed_roads(&t.app).await;
    let mut browser = Browser::start("map", &[t.app.base(), "6", "AC", "INC"]).await;

    browser.until("reading").await;
    t.publish(json!({"ts": now(0), "sensor_id": "S-AC", "road_id": "AC", "speed_kmh": 31.5, "flow_rate": 32.0, "occupancy": 0.15})).await;
    browser.resume().await;

    browser.until("incident").await;
    for (ago, speed) in [(6, 12.0), (4, 8.0), (2, 5.0)] {
        t.publish(json!({"ts": now(ago), "sensor_id": "S-INC", "road_id": "INC", "speed_kmh": speed, "flow_rate": 30.0, "occupancy": 0.9})).await;
    }
    browser.resume().await;

    browser.until("jobs").await;
    let operator = token(Role::Operator);
    for job in ["/jobs/predict", "/jobs/reroute"] {
        let resp = t.app.client().post(t.app.url(job)).bearer_auth(&operator).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{job}: {}", resp.text().await.unwrap());
    }
    browser.resume().await;

    let outcome = browser.finish().await;
    assert_no_problems(&outcome);
    let r = &outcome.result;
    assert_eq!(r["markers"], 6, "one marker per positioned road: {r}");
    assert_eq!(r["badge"], "En direct");
    assert_eq!(r["levels"]["AC"], "free", "{r}");
    assert_eq!(r["levels"]["INC"], "moderate", "{r}");
    assert!(r["chartLabel"].as_str().unwrap().contains("intervalles de 5 min"), "{r}");
    assert_eq!(r["liveSpeed"], "31,5 km/h");
    assert_eq!(r["incidentFill"], "#d32f2f", "red");
    assert_eq!(r["topRoad"], "INC", "the most congested road heads the list");
    assert_eq!(r["predicted"]["INC"], "congested", "{r}");

    let db = t.app.db().await;
    let row = db
        .query_one("SELECT alt_path, eta_gain_min FROM reroutes WHERE route_id = 'INC' ORDER BY eta_gain_min DESC LIMIT 1", &[])
        .await
        .expect("a reroute around INC");
    let alt_path: Vec<String> = row.get(0);
    let reroute = r["reroute"].as_str().unwrap();
    assert!(reroute.starts_with("Contourner Avenue des Champs-Élysées"), "{reroute}");
    let labels: Vec<String> = {
        let mut labels = Vec::new();
        for road in &alt_path {
            labels.push(db.query_one("SELECT label FROM roads WHERE road_id = $1", &[road]).await.unwrap().get(0));
        }
        labels
    };
    assert!(reroute.contains(&labels.join(" → ")), "{reroute} should go via {labels:?}");
    assert!(reroute.contains("min gagnées"), "{reroute}");
    let score: f64 = db
        .query_one("SELECT congestion_score FROM predictions WHERE road_id = 'INC' AND horizon_min = 30 ORDER BY ts DESC LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    assert!(r["prediction"].as_str().unwrap().starts_with(&format!("Congestion {} %", (score * 100.0).round())), "{r}");
    t.cleanup().await;
}

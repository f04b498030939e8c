//! Issue 9 end to end: congestion prediction and rerouting, on the cron trigger and on the
//! HTTP job routes, against real Postgres and Redis.
//!
//! A small graph A→B with one incident arc (`INC`, slowing from 40 to 8 km/h over the last
//! 30 minutes), a quick detour A→C→B and a long one A→D→B. Readings go straight into
//! `traffic_raw` (every 10 s for 30 minutes).

use std::time::{Duration, Instant};

use cityflow_auth::Role;
use cityflow_tests::{component_wasm, redis_url, token, unique_name, App};

/// Both jobs, with the cron expression given (the repo's spin.toml runs them every minute).
fn manifest(cron: &str) -> String {
    let (predictor, rerouter) = (component_wasm("predictor"), component_wasm("rerouter"));
    let redis = redis_url();
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "prediction"
[variables]
db_url = {{ required = true, secret = true }}
jwt_secret = {{ required = true, secret = true }}
prefix = {{ required = true }}
[[trigger.cron]]
component = "predictor"
cron_expression = "{cron}"
[[trigger.cron]]
component = "rerouter"
cron_expression = "{cron}"
[[trigger.http]]
route = "/jobs/predict"
component = "predictor"
[[trigger.http]]
route = "/jobs/reroute"
component = "rerouter"
[component.predictor]
source = "{predictor}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432", "redis://127.0.0.1:6379"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}", redis_url = "{redis}", redis_prefix = "{{{{ prefix }}}}", model_version = "ewma-lr-v3", city_timezone = "Europe/Paris" }}
[component.rerouter]
source = "{rerouter}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432", "redis://127.0.0.1:6379"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}", redis_url = "{redis}", redis_prefix = "{{{{ prefix }}}}", congestion_threshold = "0.5", reroute_min_gain_min = "0.5", reroute_alternatives = "2", reroute_horizon_min = "30", cycle_seconds = "5" }}
"#
    )
}

/// Never fires while a test runs (midnight on January 1st).
const NEVER: &str = "0 0 0 1 1 *";

async fn start(cron: &str) -> (App, String) {
    let prefix = format!("{}:", unique_name("prediction"));
    let app = App::builder().manifest(manifest(cron)).env("SPIN_VARIABLE_PREFIX", &prefix).start().await;
    (app, prefix)
}

/// The graph and 30 minutes of readings up to now.
async fn seed(app: &App) {
    let db = app.db().await;
    db.batch_execute(
        "INSERT INTO roads (road_id, label, from_node, to_node, length_m, free_flow_kmh) VALUES
            ('INC', 'incident arc', 'A', 'B', 1000, 50),
            ('AC', 'detour, first half', 'A', 'C', 800, 50),
            ('CB', 'detour, second half', 'C', 'B', 800, 50),
            ('AD', 'long detour, first half', 'A', 'D', 2000, 50),
            ('DB', 'long detour, second half', 'D', 'B', 2000, 50),
            ('BA', 'way back', 'B', 'A', 1000, 50);
         INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
         SELECT now() - g * interval '10 seconds', 'S-' || r.road_id, r.road_id,
                CASE WHEN r.road_id = 'INC' THEN 40 - 32 * (1 - g / 180.0) ELSE 45 END,
                400 + (g % 7) * 10,
                CASE WHEN r.road_id = 'INC' THEN 0.2 + 0.6 * (1 - g / 180.0) ELSE 0.1 END
         FROM roads r, generate_series(1, 180) AS g;",
    )
    .await
    .expect("seed graph and readings");
}

struct Latest {
    score: f64,
    model_version: String,
    horizons: i64,
}

async fn latest_prediction(app: &App, road: &str) -> Option<Latest> {
    let db = app.db().await;
    let row = db
        .query_opt(
            "SELECT congestion_score, model_version,
                    (SELECT count(*) FROM predictions q WHERE q.road_id = p.road_id AND q.ts = p.ts)
             FROM predictions p WHERE road_id = $1 AND horizon_min = 30 ORDER BY ts DESC LIMIT 1",
            &[&road],
        )
        .await
        .unwrap()?;
    Some(Latest { score: row.get(0), model_version: row.get(1), horizons: row.get(2) })
}

/// alt_path of the best (largest ETA gain) reroute of the latest cycle around `road`.
async fn best_reroute(app: &App, road: &str) -> Option<(Vec<String>, f64, f64)> {
    let db = app.db().await;
    let row = db
        .query_opt(
            "SELECT alt_path, eta_gain_min, estimated_co2_gain FROM reroutes WHERE route_id = $1
             ORDER BY ts DESC, eta_gain_min DESC LIMIT 1",
            &[&road],
        )
        .await
        .unwrap()?;
    Some((row.get(0), row.get(1), row.get(2)))
}

async fn stream_len(key: &str) -> i64 {
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let n: i64 = redis::cmd("XLEN").arg(key).query_async(&mut conn).await.unwrap();
    let _: i64 = redis::cmd("DEL").arg(key).query_async(&mut conn).await.unwrap();
    n
}

#[tokio::test]
async fn cron_predicts_the_incident_and_reroutes_around_it() {
    let (app, prefix) = start("*/5 * * * * *").await;
    seed(&app).await;
    // Two periods of 5 s, plus slack for a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(25);
    let reroute = loop {
        if let Some(found) = best_reroute(&app, "INC").await {
            break found;
        }
        assert!(Instant::now() < deadline, "no reroute around INC in time:\n{}", app.logs());
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let inc = latest_prediction(&app, "INC").await.expect("INC predicted");
    assert!(inc.score > 0.5, "incident arc predicted at {}", inc.score);
    assert_eq!(inc.model_version, "ewma-lr-v3");
    assert_eq!(inc.horizons, 3, "15, 30 and 60 minutes");
    let detour = latest_prediction(&app, "AC").await.expect("AC predicted");
    assert!(detour.score < 0.5, "free-flowing detour predicted at {}", detour.score);

    let (path, eta_gain, _co2) = reroute;
    assert_eq!(path, vec!["AC", "CB"], "the quick detour");
    assert!(!path.contains(&"INC".to_string()));
    assert!(eta_gain >= 0.5, "{eta_gain}");
    // Only the incident arc is congested: nothing else is rerouted.
    let db = app.db().await;
    let others: i64 = db.query_one("SELECT count(*) FROM reroutes WHERE route_id <> 'INC'", &[]).await.unwrap().get(0);
    assert_eq!(others, 0);

    assert!(stream_len(&format!("{prefix}stream:predictions")).await >= 18, "6 roads × 3 horizons published");
    assert!(stream_len(&format!("{prefix}stream:reroutes")).await >= 1);
}

#[tokio::test]
async fn http_jobs_give_the_same_result_and_need_an_operator() {
    let (app, prefix) = start(NEVER).await;
    seed(&app).await;
    let client = app.client();
    let operator = token(Role::Operator);

    // Refusals first: nothing may be written by them.
    let anonymous = client.post(app.url("/jobs/predict")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let viewer = client.post(app.url("/jobs/predict")).bearer_auth(token(Role::Viewer)).send().await.unwrap();
    assert_eq!(viewer.status(), 403);
    let get = client.get(app.url("/jobs/reroute")).bearer_auth(&operator).send().await.unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");
    let body: serde_json::Value = get.json().await.unwrap();
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let db = app.db().await;
    let stored: i64 = db.query_one("SELECT count(*) FROM predictions", &[]).await.unwrap().get(0);
    assert_eq!(stored, 0);

    let predicted = client.post(app.url("/jobs/predict")).bearer_auth(&operator).send().await.unwrap();
    assert_eq!(predicted.status(), 200);
    let summary: serde_json::Value = predicted.json().await.unwrap();
    assert_eq!(summary["roads"], 6, "{summary}");
    assert_eq!(summary["predictions"], 18, "{summary}");
    assert_eq!(summary["published"], 18, "{summary}");
    assert_eq!(summary["model_version"], "ewma-lr-v3");
    assert_eq!(summary["capacities_refreshed"], 6, "{summary}");
    assert!(latest_prediction(&app, "INC").await.unwrap().score > 0.5);

    // A stale prediction (older than two 5-second cycles) of a jam on the way back is ignored.
    db.execute(
        "INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, confidence, model_version)
         VALUES (now() + interval '1 hour', 'BA', 15, 0.99, 0.9, 'ewma-lr-v3'),
                (now() - interval '1 minute', 'BA', 30, 0.99, 0.9, 'ewma-lr-v3')",
        &[],
    )
    .await
    .unwrap();
    db.execute("DELETE FROM predictions WHERE road_id = 'BA' AND ts > now() - interval '30 seconds' AND horizon_min = 30", &[]).await.unwrap();
    let rerouted = client.post(app.url("/jobs/reroute")).bearer_auth(&operator).send().await.unwrap();
    assert_eq!(rerouted.status(), 200);
    let summary: serde_json::Value = rerouted.json().await.unwrap();
    assert_eq!(summary["arcs"], 6, "{summary}");
    assert_eq!(summary["congested"], 1, "{summary}");
    assert!(summary["reroutes"].as_u64().unwrap() >= 1, "{summary}");
    let around_ba: i64 = db.query_one("SELECT count(*) FROM reroutes WHERE route_id = 'BA'", &[]).await.unwrap().get(0);
    assert_eq!(around_ba, 0, "stale or other-horizon predictions are not acted on");
    let (path, eta_gain, co2_gain) = best_reroute(&app, "INC").await.expect("a reroute");
    assert_eq!(path, vec!["AC", "CB"]);
    assert!(eta_gain >= 0.5);
    // 1 km in stop-and-go (280 g/km) against 1.6 km at ~46 km/h (180 g/km): a small loss.
    assert!(co2_gain.abs() < 0.1, "{co2_gain}");
    let reason: String = db.query_one("SELECT reason FROM reroutes WHERE route_id = 'INC' LIMIT 1", &[]).await.unwrap().get(0);
    assert!(reason.starts_with("high-congestion: ") && reason.contains("on INC, reroute via AC>CB"), "{reason}");
    assert_eq!(stream_len(&format!("{prefix}stream:predictions")).await, 18);
    assert!(stream_len(&format!("{prefix}stream:reroutes")).await >= 1);
}

#[tokio::test]
async fn accuracy_is_recorded_once_the_horizon_has_passed() {
    let (app, _prefix) = start(NEVER).await;
    seed(&app).await;
    let db = app.db().await;
    // Made 40 minutes ago for 15 minutes ahead: its target bucket (25 minutes ago) is observed.
    // Another for 60 minutes ahead is not due yet.
    db.batch_execute(
        "INSERT INTO predictions (ts, road_id, horizon_min, congestion_score, confidence, model_version) VALUES
            (now() - interval '40 minutes', 'AC', 15, 0.9, 0.8, 'ewma-lr-v2'),
            (now() - interval '40 minutes', 'INC', 60, 0.9, 0.8, 'ewma-lr-v3')",
    )
    .await
    .unwrap();
    let response = app.client().post(app.url("/jobs/predict")).bearer_auth(token(Role::Operator)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let summary: serde_json::Value = response.json().await.unwrap();
    assert_eq!(summary["evaluated"], 1, "{summary}");

    // The seed formula on AC's observed bucket (45 km/h, occupancy 0.1, flow ~430).
    let row = db
        .query_one(
            "SELECT p.observed_score, p.evaluated_at IS NOT NULL,
                    (SELECT avg(t.flow_rate) FROM traffic_raw t
                     WHERE t.road_id = 'AC'
                       AND t.ts >= date_bin('5 minutes', p.ts + interval '15 minutes', TIMESTAMPTZ '2000-01-01 00:00:00+00')
                       AND t.ts < date_bin('5 minutes', p.ts + interval '15 minutes', TIMESTAMPTZ '2000-01-01 00:00:00+00') + interval '5 minutes')
             FROM predictions p WHERE road_id = 'AC' AND horizon_min = 15 AND model_version = 'ewma-lr-v2'",
            &[],
        )
        .await
        .unwrap();
    let (observed, evaluated, flow): (f64, bool, f64) = (row.get(0), row.get(1), row.get(2));
    let expected = ((0.4 * (1.0 - 45.0 / 90.0) + 0.4 * 0.1 + 0.2 * flow / 120.0_f64).clamp(0.0, 1.0) * 1000.0).round() / 1000.0;
    assert!(evaluated);
    assert!((observed - expected).abs() < 1e-9, "observed {observed}, expected {expected}");
    let pending: Option<f64> = db
        .query_one("SELECT observed_score FROM predictions WHERE road_id = 'INC' AND horizon_min = 60 AND congestion_score = 0.9", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(pending, None);
    let summary = db
        .query_one("SELECT predictions, mean_abs_error FROM prediction_accuracy_summary WHERE model_version = 'ewma-lr-v2' AND horizon_min = 15", &[])
        .await
        .unwrap();
    assert_eq!(summary.get::<_, i64>(0), 1);
    assert!((summary.get::<_, f64>(1) - (0.9 - expected).abs()).abs() < 1e-4);
}

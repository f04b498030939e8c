//! Issue 8 end to end: the traffic partitions job keeps `traffic_raw`'s daily partitions
//! created ahead of time and drops those past retention, on the cron trigger and on
//! `POST /jobs/partitions`, against a real Postgres migrated like production (a week of
//! partitions back and ahead).

use std::time::{Duration, Instant};

use cityflow_auth::Role;
use cityflow_tests::{component_wasm, token, App};

/// The job alone, 10 days ahead and 3 days of retention, with the cron expression given.
fn manifest(cron: &str) -> String {
    let wasm = component_wasm("traffic_partitions");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "traffic-partitions"
[variables]
db_url = {{ required = true, secret = true }}
jwt_secret = {{ required = true, secret = true }}
[[trigger.cron]]
component = "traffic-partitions"
cron_expression = "{cron}"
[[trigger.http]]
route = "/jobs/partitions"
component = "traffic-partitions"
[component.traffic-partitions]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://127.0.0.1:5432"]
variables = {{ db_url = "{{{{ db_url }}}}", jwt_secret = "{{{{ jwt_secret }}}}", partition_days_ahead = "10", traffic_retention_days = "3" }}
"#
    )
}

/// Never fires while a test runs (midnight on January 1st).
const NEVER: &str = "0 0 0 1 1 *";

/// The days of `traffic_raw`'s daily partitions, as offsets from today (UTC).
async fn partition_days(db: &tokio_postgres::Client) -> Vec<i32> {
    db.query(
        "SELECT (to_date(substr(c.relname, 14), 'YYYYMMDD') - (now() AT TIME ZONE 'UTC')::date)::int4
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'traffic_raw'::regclass AND c.relname ~ '^traffic_raw_p[0-9]{8}$'
         ORDER BY 1",
        &[],
    )
    .await
    .expect("list partitions")
    .iter()
    .map(|row| row.get(0))
    .collect()
}

/// One reading `age` ago, for sensor `sensor`.
async fn insert_reading(db: &tokio_postgres::Client, sensor: &str, age: &str) {
    db.execute(
        "INSERT INTO traffic_raw (ts, sensor_id, road_id, speed_kmh, flow_rate, occupancy)
         VALUES (now() - $2::text::interval, $1, 'R1', 40, 300, 0.2)",
        &[&sensor, &age],
    )
    .await
    .expect("insert reading");
}

async fn readings_of(db: &tokio_postgres::Client, sensor: &str) -> i64 {
    db.query_one("SELECT count(*) FROM traffic_raw WHERE sensor_id = $1", &[&sensor]).await.unwrap().get(0)
}

#[tokio::test]
async fn cron_creates_days_ahead_and_drops_days_past_retention() {
    let app = App::builder().manifest(manifest("* * * * * *")).start().await;
    let db = app.db().await;
    // Older than any partition: kept in DEFAULT until retention drops it.
    insert_reading(&db, "OLD", "10 days").await;
    insert_reading(&db, "NOW", "1 minute").await;

    let expected: Vec<i32> = (-3..=10).collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    while partition_days(&db).await != expected {
        assert!(Instant::now() < deadline, "partitions {:?}, logs:\n{}", partition_days(&db).await, app.logs());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(readings_of(&db, "OLD").await, 0, "a reading past retention is dropped");
    assert_eq!(readings_of(&db, "NOW").await, 1, "a recent reading stays");
    assert!(app.logs().contains("traffic-partitions: 3 daily partitions created (up to 10 days ahead), 4 dropped (older than 3 days)"), "{}", app.logs());
}

#[tokio::test]
async fn http_job_needs_an_operator_and_is_idempotent() {
    let app = App::builder().manifest(manifest(NEVER)).start().await;
    let db = app.db().await;
    let before = partition_days(&db).await;
    assert_eq!(before, (-7..=7).collect::<Vec<_>>(), "the migration's partitions");
    let client = app.client();

    let anonymous = client.post(app.url("/jobs/partitions")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let viewer = client.post(app.url("/jobs/partitions")).bearer_auth(token(Role::Viewer)).send().await.unwrap();
    assert_eq!(viewer.status(), 403);
    let get = client.get(app.url("/jobs/partitions")).bearer_auth(token(Role::Operator)).send().await.unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(partition_days(&db).await, before, "a refused call changes nothing");

    let operator = token(Role::Operator);
    let first: serde_json::Value =
        client.post(app.url("/jobs/partitions")).bearer_auth(&operator).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        first,
        serde_json::json!({ "partitions_created": 3, "partitions_dropped": 4, "days_ahead": 10, "retention_days": 3 })
    );
    let again = client.post(app.url("/jobs/partitions")).bearer_auth(&operator).send().await.unwrap();
    assert_eq!(again.status(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!((again["partitions_created"].as_i64(), again["partitions_dropped"].as_i64()), (Some(0), Some(0)), "{again}");
    assert_eq!(partition_days(&db).await, (-3..=10).collect::<Vec<_>>());
}

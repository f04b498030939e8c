//! The cron trigger: firings on schedule with their timestamps, and a slow handler is never
//! overlapped by the next firing.

use std::time::Duration;

use cityflow_tests::{component_wasm, metric_value, redis_url, unique_name, App};

fn manifest(expression: &str, sleep_ms: u64) -> String {
    let probe = component_wasm("cron_probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "cron"
[variables]
prefix = {{ required = true }}
[[trigger.cron]]
component = "ticker"
cron_expression = "{expression}"
[component.ticker]
source = "{probe}"
allowed_outbound_hosts = ["redis://127.0.0.1:6379"]
variables = {{ redis_url = "{redis}", prefix = "{{{{ prefix }}}}", sleep_ms = "{sleep_ms}" }}
"#,
        redis = redis_url()
    )
}

async fn fired(prefix: &str) -> Vec<i64> {
    let mut conn = redis::Client::open(redis_url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let list: Vec<i64> = redis::cmd("LRANGE").arg(format!("{prefix}fired")).arg(0).arg(-1).query_async(&mut conn).await.unwrap();
    let _: i64 = redis::cmd("DEL").arg(format!("{prefix}fired")).query_async(&mut conn).await.unwrap();
    list
}

#[tokio::test]
async fn fires_every_second_with_the_firing_time() {
    let prefix = format!("{}:", unique_name("cron"));
    let app = App::builder().without_database().manifest(manifest("* * * * * *", 0)).env("SPIN_VARIABLE_PREFIX", &prefix).start().await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let stamps = fired(&prefix).await;
    assert!(stamps.len() >= 3, "{stamps:?}\n{}", app.logs());
    assert!(stamps.windows(2).all(|w| w[1] == w[0] + 1), "one firing per second: {stamps:?}");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - stamps[0]).abs() < 10, "timestamps are Unix seconds of the firing");

    let text = app.client().get(app.admin_url("/metrics")).send().await.unwrap().text().await.unwrap();
    let ok = metric_value(&text, "cityflow_trigger_invocations_total", &[("trigger", "cron"), ("component", "ticker"), ("outcome", "ok")]);
    assert!(ok >= stamps.len() as f64, "{ok} invocations counted for {} firings\n{text}", stamps.len());
    assert!(metric_value(&text, "cityflow_trigger_lag_seconds_count", &[("trigger", "cron"), ("component", "ticker")]) >= ok, "{text}");
}

#[tokio::test]
async fn a_slow_firing_makes_the_next_ones_skip() {
    let prefix = format!("{}:", unique_name("cron"));
    let app = App::builder().without_database().manifest(manifest("* * * * * *", 2500)).env("SPIN_VARIABLE_PREFIX", &prefix).start().await;
    tokio::time::sleep(Duration::from_millis(6000)).await;
    let stamps = fired(&prefix).await;
    assert!(!stamps.is_empty() && stamps.len() <= 3, "{stamps:?}");
    assert!(stamps.windows(2).all(|w| w[1] - w[0] >= 3), "never overlapped: {stamps:?}");
    assert!(app.wait_for_log("skipped", Duration::from_secs(2)).await, "{}", app.logs());
}

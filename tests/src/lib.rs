//! Harness for end-to-end tests: starts the real `cityflow` binary on a free port, against
//! a database created for the test and dropped after it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

pub mod fault_proxy;
pub mod traffic;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// The runtime binary `make test` builds before running the tests.
pub fn cityflow_bin() -> PathBuf {
    target_dir().join("release").join("cityflow")
}

/// Path of a built component, for inline test manifests.
pub fn component_wasm(crate_name: &str) -> String {
    target_dir().join("wasm32-wasip2").join("component").join(format!("{crate_name}.wasm")).display().to_string()
}

/// The Postgres server tests use; override with CITYFLOW_TEST_PG.
pub fn pg_server() -> String {
    std::env::var("CITYFLOW_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

pub fn redis_url() -> String {
    std::env::var("CITYFLOW_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string())
}

/// The JWT signing key every test runtime gets as `SPIN_VARIABLE_JWT_SECRET`.
pub const TEST_JWT_SECRET: &str = "test-only-signing-key-0123456789abcdef";

/// A token for `role`, valid for one hour, signed with the test key.
pub fn token(role: cityflow_auth::Role) -> String {
    cityflow_auth::issue(&format!("test-{role}"), role, TEST_JWT_SECRET.as_bytes(), cityflow_auth::now_unix(), 3600)
        .expect("test token")
}

/// A unique lowercase name for per-test databases and key prefixes.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}_{:08x}", std::process::id(), rand::random::<u32>())
}

/// A database of its own for one test, created and migrated with `cityflow migrate`,
/// dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn create() -> Result<TestDb> {
        let name = unique_name("cityflow_test");
        let url = format!("{}/{name}", pg_server());
        let output = Command::new(cityflow_bin())
            .current_dir(root())
            .args(["migrate", "--create-database", "--database-url", &url])
            .output()
            .context("running cityflow migrate")?;
        if !output.status.success() {
            bail!("cityflow migrate failed: {}", String::from_utf8_lossy(&output.stderr));
        }
        Ok(TestDb { name, url })
    }

    pub async fn client(&self) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls).await.expect("connect to test database");
        tokio::spawn(conn);
        client
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let server = format!("{}/postgres", pg_server());
        let name = self.name.clone();
        // Drop may run inside a tokio runtime, which must not block: use a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let (client, conn) = tokio_postgres::connect(&server, tokio_postgres::NoTls).await.ok()?;
                tokio::spawn(conn);
                let quoted: String = client.query_one("SELECT quote_ident($1)", &[&name]).await.ok()?.get(0);
                client.batch_execute(&format!("DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")).await.ok()
            })
        })
        .join();
    }
}

/// Options for starting the runtime.
pub struct AppBuilder {
    manifest: Option<String>,
    runtime_config: Option<String>,
    env: Vec<(String, String)>,
    args: Vec<String>,
    database: bool,
    mqtt_client_prefix: Option<String>,
}

impl Default for AppBuilder {
    fn default() -> Self {
        Self { manifest: None, runtime_config: None, env: Vec::new(), args: Vec::new(), database: true, mqtt_client_prefix: None }
    }
}

impl AppBuilder {
    /// Use this manifest text instead of the repository's spin.toml.
    pub fn manifest(mut self, toml: impl Into<String>) -> Self {
        self.manifest = Some(toml.into());
        self
    }

    pub fn runtime_config(mut self, toml: impl Into<String>) -> Self {
        self.runtime_config = Some(toml.into());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.to_string());
        self
    }

    /// MQTT client ids of this app; give the same prefix to a restarted app so the broker
    /// redelivers what the first one left unacknowledged. Unique per app by default, so
    /// apps of parallel tests never take over each other's sessions.
    pub fn mqtt_client_prefix(mut self, prefix: &str) -> Self {
        self.mqtt_client_prefix = Some(prefix.to_string());
        self
    }

    /// Start without creating a test database.
    pub fn without_database(mut self) -> Self {
        self.database = false;
        self
    }

    /// Starts the runtime; fails with its output if it does not come up.
    pub async fn try_start(self) -> Result<App> {
        let db = if self.database { Some(tokio::task::spawn_blocking(TestDb::create).await??) } else { None };
        let mqtt_prefix = self.mqtt_client_prefix.clone().unwrap_or_else(|| unique_name("cityflow-test"));
        let scratch = std::env::temp_dir().join(unique_name("cityflow_app"));
        std::fs::create_dir_all(&scratch)?;
        let manifest = match &self.manifest {
            Some(text) => {
                let path = scratch.join("spin.toml");
                std::fs::write(&path, text)?;
                path
            }
            None => root().join("spin.toml"),
        };
        let runtime_config = match &self.runtime_config {
            Some(text) => scratch.join("runtime-config.toml").tap_write(text)?,
            None if self.manifest.is_none() => root().join("runtime-config.toml"),
            None => scratch.join("runtime-config.toml").tap_write("")?,
        };
        // Sessions under a generated prefix belong to this app alone: remove them when it ends.
        let mqtt_sessions = match &self.mqtt_client_prefix {
            Some(_) => Vec::new(),
            None => mqtt_client_ids(&std::fs::read_to_string(&manifest)?, &mqtt_prefix),
        };
        let mut cmd = Command::new(cityflow_bin());
        // The scratch dir as working directory keeps a developer's .env out of tests.
        cmd.current_dir(&scratch)
            .arg("up")
            .args(["--listen", "127.0.0.1:0", "-f"])
            .arg(&manifest)
            .arg("--runtime-config-file")
            .arg(&runtime_config)
            .args(&self.args)
            .args(["--admin-listen", "127.0.0.1:0"])
            .arg("--mqtt-client-prefix")
            .arg(&mqtt_prefix)
            .env_remove("SPIN_VARIABLE_DB_URL")
            .env("SPIN_VARIABLE_JWT_SECRET", TEST_JWT_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(db) = &db {
            cmd.env("SPIN_VARIABLE_DB_URL", &db.url);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().context("starting cityflow up")?;
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut admin = String::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Admin ") {
                    admin = url.trim().to_string();
                }
                if let Some(url) = line.strip_prefix("Serving ") {
                    let _ = tx.send((url.trim().to_string(), admin.clone()));
                }
            }
        });
        let started = Instant::now();
        let (base, admin) = loop {
            if let Ok(urls) = rx.try_recv() {
                break urls;
            }
            if let Some(status) = child.try_wait()? {
                tokio::time::sleep(Duration::from_millis(100)).await;
                bail!("cityflow exited with {status}:\n{}", logs.lock().unwrap());
            }
            if started.elapsed() > Duration::from_secs(120) {
                let _ = child.kill();
                bail!("cityflow did not come up within 120 s:\n{}", logs.lock().unwrap());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        Ok(App { base, admin, db, child, logs, scratch, mqtt_sessions })
    }

    pub async fn start(self) -> App {
        self.try_start().await.expect("cityflow up")
    }
}

trait TapWrite {
    fn tap_write(self, text: &str) -> Result<PathBuf>;
}

impl TapWrite for PathBuf {
    fn tap_write(self, text: &str) -> Result<PathBuf> {
        std::fs::write(&self, text)?;
        Ok(self)
    }
}

/// A running `cityflow up`, killed when dropped.
pub struct App {
    base: String,
    admin: String,
    /// MQTT client ids whose persistent sessions are removed from the broker on drop.
    mqtt_sessions: Vec<String>,
    db: Option<TestDb>,
    child: Child,
    logs: Arc<Mutex<String>>,
    scratch: PathBuf,
}

impl App {
    /// The repository's spin.toml against a fresh, migrated database.
    pub async fn start() -> App {
        AppBuilder::default().start().await
    }

    pub fn builder() -> AppBuilder {
        AppBuilder::default()
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A URL on the admin listener (`/metrics`, `/healthz`, `/readyz`).
    pub fn admin_url(&self, path: &str) -> String {
        format!("{}{path}", self.admin)
    }

    /// An HTTP/1.1 client.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder().http1_only().timeout(Duration::from_secs(60)).build().expect("http client")
    }

    /// An HTTP/2 client with prior knowledge (h2c), as gRPC clients connect.
    pub fn h2_client(&self) -> reqwest::Client {
        reqwest::Client::builder().http2_prior_knowledge().timeout(Duration::from_secs(60)).build().expect("h2 client")
    }

    pub async fn db(&self) -> tokio_postgres::Client {
        self.db.as_ref().expect("this app was started with a database").client().await
    }

    pub fn database(&self) -> Option<&TestDb> {
        self.db.as_ref()
    }

    /// Everything the runtime wrote to stderr so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    /// Waits up to `within` for `needle` to appear in the runtime's stderr (log lines arrive
    /// through a pipe, a moment after the response that caused them).
    pub async fn wait_for_log(&self, needle: &str, within: Duration) -> bool {
        let started = Instant::now();
        loop {
            if self.logs().contains(needle) {
                return true;
            }
            if started.elapsed() > within {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the runtime with SIGTERM and returns its complete stderr.
    pub fn stop(mut self) -> String {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(100));
        self.logs()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let sessions = std::mem::take(&mut self.mqtt_sessions);
        if !sessions.is_empty() {
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                rt.block_on(async { futures_util::future::join_all(sessions.into_iter().map(end_mqtt_session)).await });
                Some(())
            })
            .join();
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// The sum of a Prometheus text-format metric's samples whose labels include all of
/// `labels` (`name{a="x",...} value` lines; comments skipped).
pub fn metric_value(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.split(|c| c == '{' || c == ' ').next() == Some(name))
        .filter(|l| labels.iter().all(|(k, v)| l.contains(&format!("{k}=\"{v}\""))))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// Runs a Python test client from `tests/python/` with the project's venv (set up by
/// `scripts/setup.sh`) and returns its stdout; fails with its output if it exits non-zero.
pub async fn run_python(script: &str, args: &[&str]) -> Result<String> {
    let python = root().join(".venv/bin/python");
    let output = tokio::process::Command::new(&python)
        .arg(root().join("tests/python").join(script))
        .args(args)
        .output()
        .await
        .with_context(|| format!("running {} (run scripts/setup.sh to create .venv)", python.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!("{script} failed ({}):\n{stdout}\n{}", output.status, String::from_utf8_lossy(&output.stderr));
    }
    Ok(stdout)
}

/// The client ids `cityflow up --mqtt-client-prefix <prefix>` uses for a manifest's MQTT
/// subscriptions: `<prefix>-<component>-<index>`, in manifest order.
fn mqtt_client_ids(manifest: &str, prefix: &str) -> Vec<String> {
    let Ok(doc) = manifest.parse::<toml::Table>() else { return Vec::new() };
    let triggers = doc.get("trigger").and_then(|t| t.get("mqtt")).and_then(|m| m.as_array()).cloned().unwrap_or_default();
    triggers
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some(format!("{prefix}-{}-{i}", t.get("component")?.as_str()?)))
        .collect()
}

/// Connects with a clean session under `client_id`, which makes the broker drop the
/// persistent session (and anything queued for it) that a test app left behind.
async fn end_mqtt_session(client_id: String) {
    let mut options = rumqttc::MqttOptions::new(client_id, "127.0.0.1", 1883);
    options.set_clean_session(true);
    let (client, mut eventloop) = rumqttc::AsyncClient::new(options, 4);
    let connected = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match eventloop.poll().await {
                Ok(rumqttc::Event::Incoming(rumqttc::Packet::ConnAck(_))) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
    })
    .await
    .unwrap_or(false);
    if connected {
        let _ = client.disconnect().await;
        let _ = tokio::time::timeout(Duration::from_millis(500), async { while eventloop.poll().await.is_ok() {} }).await;
    }
}

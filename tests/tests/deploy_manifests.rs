//! Everything under deploy/ is checked against what it deploys: Kubernetes documents have the
//! fields their kind needs and the SpinApp only fields the CRD knows (a typo fails), every
//! reference (Secret keys, routes, components, variables) resolves, the Grafana dashboard
//! queries only series the runtime exports, and a real Prometheus (when installed) loads the
//! scrape config, scrapes a live runtime and evaluates every dashboard query.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use cityflow_tests::{component_wasm, root, App};
use serde_yaml::Value;

/// `spec` fields of the SpinApp CRD (core.spinkube.dev/v1alpha1, spin-operator v0.6.1,
/// api/v1alpha1/spinapp_types.go).
const SPINAPP_SPEC_FIELDS: &[&str] = &[
    "image",
    "executor",
    "replicas",
    "enableAutoscaling",
    "imagePullSecrets",
    "checks",
    "runtimeConfig",
    "variables",
    "volumes",
    "volumeMounts",
    "resources",
    "components",
    "serviceAnnotations",
    "deploymentAnnotations",
    "podAnnotations",
    "podLabels",
    "serviceAccountName",
    "invocationLimits",
];

/// One parsed YAML document and the file it came from.
struct Doc {
    file: String,
    value: Value,
}

impl Doc {
    fn kind(&self) -> &str {
        self.value["kind"].as_str().unwrap_or("")
    }
    fn name(&self) -> &str {
        self.value["metadata"]["name"].as_str().unwrap_or("")
    }
    fn at(&self) -> String {
        format!("{} ({} {})", self.file, self.kind(), self.name())
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            out.push(path);
        }
    }
}

fn parse_documents(file: &str, text: &str) -> Vec<Doc> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text)
        .map(|d| Doc { file: file.to_string(), value: Value::deserialize(d).unwrap_or_else(|e| panic!("{file}: {e}")) })
        .filter(|d| !d.value.is_null())
        .collect()
}

/// Every Kubernetes document under deploy/ (prometheus.yml is checked on its own).
fn kubernetes_documents() -> Vec<Doc> {
    let mut files = Vec::new();
    yaml_files(&root().join("deploy"), &mut files);
    files.sort();
    let mut docs = Vec::new();
    for path in files.iter().filter(|p| !p.starts_with(root().join("deploy/prometheus"))) {
        let rel = path.strip_prefix(root()).unwrap().display().to_string();
        docs.extend(parse_documents(&rel, &std::fs::read_to_string(path).unwrap()));
    }
    assert!(!docs.is_empty(), "no Kubernetes documents under deploy/");
    docs
}

fn spin_manifest() -> toml::Table {
    std::fs::read_to_string(root().join("spin.toml")).unwrap().parse().unwrap()
}

/// What the manifests may refer to, gathered from spin.toml and the Secrets under deploy/.
struct Context {
    components: BTreeSet<String>,
    mqtt_components: BTreeSet<String>,
    /// Components with a `[[trigger.cron]]`: on the shim a CronJob must run each one.
    cron_components: BTreeSet<String>,
    /// component -> the components it calls through service chaining (`http://x.spin.internal`).
    chains_to: BTreeMap<String, Vec<String>>,
    /// (route, component) of every HTTP trigger.
    routes: Vec<(String, String)>,
    variables: toml::Table,
    secret_keys: BTreeMap<String, BTreeMap<String, String>>,
    spinapp_names: BTreeSet<String>,
}

impl Context {
    fn new(docs: &[Doc]) -> Context {
        let spin = spin_manifest();
        let triggers = |kind: &str| spin["trigger"].get(kind).and_then(|t| t.as_array()).cloned().unwrap_or_default();
        let mut secret_keys = BTreeMap::new();
        for d in docs.iter().filter(|d| d.kind() == "Secret") {
            let mut keys = BTreeMap::new();
            for field in ["stringData", "data"] {
                if let Some(map) = d.value[field].as_mapping() {
                    for (k, v) in map {
                        keys.insert(k.as_str().unwrap().to_string(), v.as_str().unwrap_or("").to_string());
                    }
                }
            }
            secret_keys.insert(d.name().to_string(), keys);
        }
        Context {
            components: spin["component"].as_table().unwrap().keys().cloned().collect(),
            chains_to: spin["component"]
                .as_table()
                .unwrap()
                .iter()
                .map(|(id, c)| {
                    let hosts = c.get("allowed_outbound_hosts").and_then(|h| h.as_array()).cloned().unwrap_or_default();
                    let targets = hosts
                        .iter()
                        .filter_map(|h| h.as_str()?.split_once("://")?.1.strip_suffix(".spin.internal").map(String::from))
                        .collect();
                    (id.clone(), targets)
                })
                .collect(),
            mqtt_components: triggers("mqtt").iter().map(|t| t["component"].as_str().unwrap().to_string()).collect(),
            cron_components: triggers("cron").iter().map(|t| t["component"].as_str().unwrap().to_string()).collect(),
            routes: triggers("http")
                .iter()
                .filter_map(|t| Some((t["route"].as_str()?.to_string(), t["component"].as_str()?.to_string())))
                .collect(),
            variables: spin["variables"].as_table().unwrap().clone(),
            secret_keys,
            spinapp_names: docs.iter().filter(|d| d.kind() == "SpinApp").map(|d| d.name().to_string()).collect(),
        }
    }

    /// The component serving `path`, by Spin's rules (exact route, or `prefix/...`). The
    /// dashboard's catch-all `/...` is left out: it answers any path (unknown ones with 404),
    /// so a probe or job path must name a more specific route.
    fn route_component(&self, path: &str) -> Option<&str> {
        self.routes.iter().filter(|(route, _)| route != "/...").find_map(|(route, component)| {
            let matches = match route.strip_suffix("/...") {
                Some(prefix) => path == prefix || path.starts_with(&format!("{prefix}/")),
                None => path == route,
            };
            matches.then_some(component.as_str())
        })
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(*k)).and_then(|v| v.as_str()).filter(|s| !s.trim().is_empty())
}

/// Every `secretKeyRef` anywhere in a document.
fn secret_refs(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                if k.as_str() == Some("secretKeyRef") {
                    out.push((v["name"].as_str().unwrap_or("").to_string(), v["key"].as_str().unwrap_or("").to_string()));
                } else {
                    secret_refs(v, out);
                }
            }
        }
        Value::Sequence(s) => s.iter().for_each(|v| secret_refs(v, out)),
        _ => {}
    }
}

fn check_containers(containers: Option<&Value>, at: &str, errors: &mut Vec<String>) {
    match containers.and_then(|c| c.as_sequence()) {
        Some(list) if !list.is_empty() => {
            for c in list {
                if str_at(c, &["name"]).is_none() || str_at(c, &["image"]).is_none() {
                    errors.push(format!("{at}: a container without name or image"));
                }
            }
        }
        _ => errors.push(format!("{at}: no containers")),
    }
}

fn check_spinapp(d: &Doc, cx: &Context, errors: &mut Vec<String>) {
    let at = d.at();
    let spec = &d.value["spec"];
    if d.value["apiVersion"].as_str() != Some("core.spinkube.dev/v1alpha1") {
        errors.push(format!("{at}: apiVersion must be core.spinkube.dev/v1alpha1"));
    }
    let Some(fields) = spec.as_mapping() else {
        errors.push(format!("{at}: no spec"));
        return;
    };
    for key in fields.keys() {
        let key = key.as_str().unwrap_or("");
        if !SPINAPP_SPEC_FIELDS.contains(&key) {
            errors.push(format!("{at}: unknown SpinApp spec field `{key}`"));
        }
    }
    if str_at(spec, &["image"]).is_none() {
        errors.push(format!("{at}: spec.image is required"));
    }
    if str_at(spec, &["executor"]) != Some("containerd-shim-spin") {
        errors.push(format!("{at}: spec.executor must be containerd-shim-spin"));
    }
    let replicas = spec["replicas"].as_u64();
    if !replicas.is_some_and(|r| r >= 1) {
        errors.push(format!("{at}: spec.replicas must be a positive integer"));
    }
    // The subset this SpinApp runs (all components when absent).
    let components: Vec<String> = match spec.get("components") {
        Some(list) => list.as_sequence().map(|s| s.iter().filter_map(|c| c.as_str().map(String::from)).collect()).unwrap_or_default(),
        None => cx.components.iter().cloned().collect(),
    };
    for c in &components {
        if !cx.components.contains(c) {
            errors.push(format!("{at}: component `{c}` is not in spin.toml"));
        }
        // Service chaining stays inside one app: the callee must run beside the caller.
        for callee in cx.chains_to.get(c).into_iter().flatten() {
            if !components.contains(callee) {
                errors.push(format!("{at}: `{c}` calls `{callee}` through service chaining but `{callee}` is not in this SpinApp"));
            }
        }
        if cx.mqtt_components.contains(c) && replicas != Some(1) {
            errors.push(format!("{at}: `{c}` has an MQTT trigger: every replica would handle every message; use replicas: 1"));
        }
    }
    for probe in ["readiness", "liveness"] {
        if let Some(check) = spec["checks"].get(probe) {
            match str_at(check, &["httpGet", "path"]) {
                Some(path) => match cx.route_component(path) {
                    Some(c) if components.iter().any(|x| x == c) => {}
                    Some(c) => errors.push(format!("{at}: {probe} probe {path} is served by `{c}`, not run by this SpinApp")),
                    None => errors.push(format!("{at}: {probe} probe {path} matches no route of spin.toml")),
                },
                None => errors.push(format!("{at}: checks.{probe} needs httpGet.path")),
            }
        }
    }
    if components.iter().any(|c| cx.routes.iter().any(|(_, rc)| rc == c)) && spec["checks"].get("readiness").is_none() {
        errors.push(format!("{at}: serves HTTP but has no readiness check"));
    }
    let mut given = BTreeSet::new();
    for var in spec["variables"].as_sequence().map(Vec::as_slice).unwrap_or_default() {
        let Some(name) = str_at(var, &["name"]) else {
            errors.push(format!("{at}: a variable without name"));
            continue;
        };
        given.insert(name.to_string());
        if !cx.variables.contains_key(name) {
            errors.push(format!("{at}: variable `{name}` is not declared in spin.toml [variables]"));
        }
        let secret = cx.variables.get(name).and_then(|v| v.get("secret")).and_then(|s| s.as_bool()) == Some(true);
        match (var.get("value"), var.get("valueFrom")) {
            (Some(_), None) if secret => errors.push(format!("{at}: secret variable `{name}` must come from a Secret")),
            (Some(v), None) if v.as_str().is_none() => errors.push(format!("{at}: variable `{name}`: value must be a string")),
            (Some(_), None) => {}
            (None, Some(from)) if from.get("secretKeyRef").is_some() || from.get("configMapKeyRef").is_some() => {}
            _ => errors.push(format!("{at}: variable `{name}` needs exactly one of value or valueFrom")),
        }
    }
    for (name, decl) in &cx.variables {
        let required = decl.get("required").and_then(|r| r.as_bool()) == Some(true);
        if required && !given.contains(name) {
            errors.push(format!("{at}: required variable `{name}` is not set"));
        }
    }
    match str_at(spec, &["runtimeConfig", "loadFromSecret"]) {
        Some(secret) => match cx.secret_keys.get(secret).and_then(|keys| keys.get("runtime-config.toml")) {
            Some(text) => match text.parse::<toml::Table>() {
                Ok(rc) => {
                    if rc.get("key_value_store").and_then(|k| k.get("default")).and_then(|d| d.get("type")).and_then(|t| t.as_str()) != Some("redis") {
                        errors.push(format!("{at}: runtime config `{secret}` must put the default key-value store on Redis"));
                    }
                }
                Err(e) => errors.push(format!("{at}: runtime config in `{secret}` is not TOML: {e}")),
            },
            None => errors.push(format!("{at}: Secret `{secret}` with key runtime-config.toml not found under deploy/")),
        },
        None => errors.push(format!("{at}: runtimeConfig.loadFromSecret is required")),
    }
}

/// Checks one CronJob; returns the components whose job routes it calls.
fn check_cronjob(d: &Doc, cx: &Context, errors: &mut Vec<String>) -> Vec<String> {
    let mut called = Vec::new();
    let at = d.at();
    let spec = &d.value["spec"];
    if d.value["apiVersion"].as_str() != Some("batch/v1") {
        errors.push(format!("{at}: apiVersion must be batch/v1"));
    }
    match str_at(spec, &["schedule"]) {
        Some(s) if s.split_whitespace().count() == 5 => {}
        other => errors.push(format!("{at}: schedule must have five fields, got {other:?}")),
    }
    let pod = &spec["jobTemplate"]["spec"]["template"]["spec"];
    if !matches!(str_at(pod, &["restartPolicy"]), Some("Never" | "OnFailure")) {
        errors.push(format!("{at}: restartPolicy must be Never or OnFailure"));
    }
    check_containers(pod.get("containers"), &at, errors);
    // Each job calls a job route of a SpinApp that exists, with an operator token.
    for c in pod["containers"].as_sequence().map(Vec::as_slice).unwrap_or_default() {
        let args: Vec<&str> = c["args"].as_sequence().map(|a| a.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
        let Some(url) = args.iter().find(|a| a.starts_with("http://") || a.starts_with("https://")) else {
            errors.push(format!("{at}: no URL in the container's args"));
            continue;
        };
        let rest = url.split_once("://").unwrap().1;
        let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, "/".into()));
        if !cx.spinapp_names.contains(host.split('.').next().unwrap()) {
            errors.push(format!("{at}: {url} does not name a SpinApp's Service"));
        }
        match cx.route_component(&path) {
            Some(component) if cx.cron_components.contains(component) && path.starts_with("/jobs/") => {
                called.push(component.to_string())
            }
            _ => errors.push(format!("{at}: {url} is not the job route of a cron component of spin.toml")),
        }
        if !args.windows(2).any(|w| w[0] == "-X" && w[1] == "POST") {
            errors.push(format!("{at}: job routes take POST"));
        }
        if !args.iter().any(|a| a.to_ascii_lowercase().starts_with("authorization: bearer $(")) {
            errors.push(format!("{at}: no bearer token from the environment"));
        }
    }
    called
}

fn check_deployment(d: &Doc, errors: &mut Vec<String>) {
    let at = d.at();
    let spec = &d.value["spec"];
    if d.value["apiVersion"].as_str() != Some("apps/v1") {
        errors.push(format!("{at}: apiVersion must be apps/v1"));
    }
    if !spec["replicas"].as_u64().is_some_and(|r| r >= 1) {
        errors.push(format!("{at}: spec.replicas must be a positive integer"));
    }
    let selector = spec["selector"]["matchLabels"].as_mapping();
    let labels = spec["template"]["metadata"]["labels"].as_mapping();
    match (selector, labels) {
        (Some(sel), Some(labels)) if !sel.is_empty() && sel.iter().all(|(k, v)| labels.get(k) == Some(v)) => {}
        _ => errors.push(format!("{at}: spec.selector.matchLabels must match the pod template's labels")),
    }
    check_containers(spec["template"]["spec"].get("containers"), &at, errors);
}

fn check_service(d: &Doc, docs: &[Doc], errors: &mut Vec<String>) {
    let at = d.at();
    let spec = &d.value["spec"];
    let ports = spec["ports"].as_sequence().map(Vec::as_slice).unwrap_or_default();
    if ports.is_empty() || ports.iter().any(|p| p["port"].as_u64().is_none()) {
        errors.push(format!("{at}: spec.ports needs entries with a port"));
    }
    let Some(selector) = spec["selector"].as_mapping() else {
        errors.push(format!("{at}: spec.selector is required"));
        return;
    };
    let selects_a_pod = docs.iter().filter(|x| x.kind() == "Deployment").any(|x| {
        let labels = &x.value["spec"]["template"]["metadata"]["labels"];
        selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    });
    if !selects_a_pod {
        errors.push(format!("{at}: the selector matches no Deployment's pods"));
    }
}

fn check_secret(d: &Doc, errors: &mut Vec<String>) {
    let at = d.at();
    let data = d.value.get("stringData").or_else(|| d.value.get("data")).and_then(|v| v.as_mapping());
    match data {
        Some(map) if !map.is_empty() => {
            for (k, v) in map {
                let (key, value) = (k.as_str().unwrap_or(""), v.as_str().unwrap_or(""));
                // Files under deploy/ are templates: a credential is a placeholder, never a value.
                let is_file = key.ends_with(".toml");
                if !is_file && !value.contains("REPLACE_ME") {
                    errors.push(format!("{at}: key `{key}` must hold a REPLACE_ME placeholder, not a value"));
                }
            }
        }
        _ => errors.push(format!("{at}: a Secret needs stringData or data")),
    }
}

/// All errors of all documents; empty when deploy/ is consistent.
fn validate(docs: &[Doc]) -> Vec<String> {
    let cx = Context::new(docs);
    let mut errors = Vec::new();
    let mut scheduled = BTreeSet::new();
    for d in docs {
        let at = d.at();
        if str_at(&d.value, &["apiVersion"]).is_none() || d.kind().is_empty() || d.name().is_empty() {
            errors.push(format!("{at}: apiVersion, kind and metadata.name are required"));
        }
        match d.kind() {
            "SpinApp" => check_spinapp(d, &cx, &mut errors),
            "CronJob" => scheduled.extend(check_cronjob(d, &cx, &mut errors)),
            "Deployment" => check_deployment(d, &mut errors),
            "Service" => check_service(d, docs, &mut errors),
            "Secret" => check_secret(d, &mut errors),
            "ConfigMap" => {
                if !d.value["data"].as_mapping().is_some_and(|m| !m.is_empty()) {
                    errors.push(format!("{at}: a ConfigMap needs data"));
                }
            }
            "PersistentVolumeClaim" => {
                if str_at(&d.value, &["spec", "resources", "requests", "storage"]).is_none() || d.value["spec"]["accessModes"].as_sequence().is_none() {
                    errors.push(format!("{at}: a PersistentVolumeClaim needs accessModes and resources.requests.storage"));
                }
            }
            other => errors.push(format!("{at}: kind `{other}` has no checks here; add them")),
        }
        let mut refs = Vec::new();
        secret_refs(&d.value, &mut refs);
        for (name, key) in refs {
            if !cx.secret_keys.get(&name).is_some_and(|keys| keys.contains_key(&key)) {
                errors.push(format!("{at}: secretKeyRef {name}/{key} is not defined under deploy/"));
            }
        }
    }
    // The shim has no cron trigger: each cron component needs a CronJob calling its job route.
    for c in cx.cron_components.difference(&scheduled) {
        errors.push(format!("component `{c}` has a cron trigger in spin.toml but no CronJob calls its job route"));
    }
    // Together the SpinApps run every component of spin.toml, each exactly once.
    let mut run: BTreeMap<String, usize> = BTreeMap::new();
    for d in docs.iter().filter(|d| d.kind() == "SpinApp") {
        let list: Vec<String> = match d.value["spec"].get("components").and_then(|c| c.as_sequence()) {
            Some(s) => s.iter().filter_map(|c| c.as_str().map(String::from)).collect(),
            None => cx.components.iter().cloned().collect(),
        };
        for c in list {
            *run.entry(c).or_default() += 1;
        }
    }
    for c in &cx.components {
        match run.get(c) {
            Some(1) => {}
            Some(n) => errors.push(format!("component `{c}` runs in {n} SpinApps")),
            None => errors.push(format!("component `{c}` runs in no SpinApp")),
        }
    }
    errors
}

#[test]
fn kubernetes_manifests_are_complete_and_consistent() {
    let docs = kubernetes_documents();
    let kinds: BTreeSet<&str> = docs.iter().map(|d| d.kind()).collect();
    for kind in ["SpinApp", "CronJob", "Secret", "Deployment", "Service"] {
        assert!(kinds.contains(kind), "no {kind} under deploy/ ({kinds:?})");
    }
    let errors = validate(&docs);
    assert!(errors.is_empty(), "deploy/ manifests:\n{}", errors.join("\n"));
}

/// The validator catches what it claims to: each mutation of the real manifests must fail.
#[test]
fn the_validator_rejects_typos_and_dangling_references() {
    let path = root().join("deploy/spinkube/spinapp.yaml");
    let original = std::fs::read_to_string(&path).unwrap();
    let others: Vec<Doc> = kubernetes_documents().into_iter().filter(|d| d.file != "deploy/spinkube/spinapp.yaml").collect();
    let cases = [
        ("  replicas: 2\n", "  replica: 2\n", "unknown SpinApp spec field `replica`"),
        ("  executor: containerd-shim-spin\n", "  exectuor: containerd-shim-spin\n", "unknown SpinApp spec field `exectuor`"),
        ("path: /transports\n", "path: /transport\n", "matches no route"),
        ("key: jwt_secret\n", "key: jwt_secrte\n", "secretKeyRef cityflow-variables/jwt_secrte"),
        ("  replicas: 1\n", "  replicas: 3\n", "has an MQTT trigger"),
        ("loadFromSecret: cityflow-runtime-config", "loadFromSecret: runtime-config", "Secret `runtime-config`"),
        (" tourism, gateway,", " gateway,", "calls `tourism` through service chaining"),
    ];
    for (from, to, expected) in cases {
        assert!(original.contains(from), "spinapp.yaml no longer contains {from:?}; update this test");
        let mut docs = parse_documents("deploy/spinkube/spinapp.yaml", &original.replacen(from, to, 1));
        docs.extend(others.iter().map(|d| Doc { file: d.file.clone(), value: d.value.clone() }));
        let errors = validate(&docs);
        assert!(errors.iter().any(|e| e.contains(expected)), "{from:?} -> {to:?} should fail with {expected:?}; got {errors:#?}");
    }
}

/// The image is pushed from spin.toml without its cron triggers: same HTTP and MQTT triggers
/// and components, and nothing the shim would refuse.
#[test]
fn the_cluster_manifest_is_spin_toml_without_cron() {
    let out = Command::new(root().join("deploy/spinkube/cluster-manifest.sh")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cluster: toml::Table = String::from_utf8(out.stdout).unwrap().parse().unwrap();
    let spin = spin_manifest();
    let triggers = |t: &toml::Table| t["trigger"].as_table().unwrap().clone();
    let (cluster_triggers, spin_triggers) = (triggers(&cluster), triggers(&spin));
    assert!(spin_triggers.contains_key("cron"), "spin.toml has no cron trigger any more; simplify cluster-manifest.sh");
    let supported = ["http", "redis", "sqs", "mqtt", "command"];
    for kind in cluster_triggers.keys() {
        assert!(supported.contains(&kind.as_str()), "containerd-shim-spin has no `{kind}` trigger");
    }
    for kind in ["http", "mqtt"] {
        assert_eq!(cluster_triggers.get(kind), spin_triggers.get(kind), "{kind} triggers differ");
    }
    assert_eq!(cluster.get("component"), spin.get("component"));
    assert_eq!(cluster.get("variables"), spin.get("variables"));
    assert_eq!(cluster.get("application"), spin.get("application"));
}

#[test]
fn prometheus_config_scrapes_the_admin_listener() {
    let path = root().join("deploy/prometheus/prometheus.yml");
    let docs = parse_documents("deploy/prometheus/prometheus.yml", &std::fs::read_to_string(&path).unwrap());
    assert_eq!(docs.len(), 1);
    let config = &docs[0].value;
    assert_eq!(config["global"]["scrape_interval"].as_str(), Some("15s"));
    let jobs = config["scrape_configs"].as_sequence().expect("scrape_configs");
    assert!(!jobs.is_empty());
    let mut targets = Vec::new();
    for job in jobs {
        assert!(str_at(job, &["job_name"]).is_some(), "a scrape config without job_name: {job:?}");
        assert!(matches!(job.get("metrics_path").and_then(|p| p.as_str()), None | Some("/metrics")));
        for sc in job["static_configs"].as_sequence().expect("static_configs") {
            for t in sc["targets"].as_sequence().expect("targets") {
                let t = t.as_str().expect("target is a string");
                let (_, port) = t.rsplit_once(':').unwrap_or_else(|| panic!("target {t} has no port"));
                port.parse::<u16>().unwrap_or_else(|_| panic!("target {t}: bad port"));
                targets.push(t.to_string());
            }
        }
    }
    // The runtime's default --admin-listen.
    assert!(targets.iter().any(|t| t == "127.0.0.1:9090"), "{targets:?}");
    match which("promtool") {
        Some(promtool) => {
            let out = Command::new(promtool).args(["check", "config"]).arg(&path).output().unwrap();
            assert!(out.status.success(), "promtool check config:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        }
        None => println!("note: promtool not installed (Debian package prometheus); skipped `promtool check config`"),
    }
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(tool)).find(|p| p.is_file())
}

/// Metric families the runtime registers, by name and type, read from its source.
fn exported_families() -> BTreeMap<String, &'static str> {
    let source = std::fs::read_to_string(root().join("triggers/src/metrics.rs")).unwrap();
    let mut families = BTreeMap::new();
    for (call, kind) in [("counter(&r, \"", "counter"), ("histogram(&r, \"", "histogram"), ("gauge(&r, \"", "gauge")] {
        for (i, _) in source.match_indices(call) {
            let rest = &source[i + call.len()..];
            families.insert(rest[..rest.find('"').unwrap()].to_string(), kind);
        }
    }
    assert!(families.len() >= 10, "could not read the metric families of triggers/src/metrics.rs: {families:?}");
    // The application's own counters, read from Redis and rendered by
    // components/lib/app-metrics/src/text.rs: `family("<name>", MetricType::<KIND>, ...)`.
    let source = std::fs::read_to_string(root().join("components/lib/app-metrics/src/text.rs")).unwrap();
    let mut app_families = 0;
    for (i, _) in source.match_indices("family(\"") {
        let rest = &source[i + "family(\"".len()..];
        let name = &rest[..rest.find('"').unwrap()];
        let kind = rest.split("MetricType::").nth(1).and_then(|k| k.split(',').next()).unwrap_or("");
        let kind = match kind {
            "COUNTER" => "counter",
            "GAUGE" => "gauge",
            "SUMMARY" => "summary",
            other => panic!("app-metrics text.rs: family {name} of unexpected type {other}"),
        };
        families.insert(name.to_string(), kind);
        app_families += 1;
    }
    assert!(app_families >= 6, "could not read the metric families of components/lib/app-metrics/src/text.rs: {families:?}");
    families
}

/// The series names a query may use: counters and gauges as named, histograms' three series.
fn exported_series(families: &BTreeMap<String, &'static str>) -> BTreeSet<String> {
    families
        .iter()
        .flat_map(|(name, kind)| match *kind {
            "histogram" => vec![format!("{name}_bucket"), format!("{name}_sum"), format!("{name}_count")],
            // Without quantiles: the application's cycle durations.
            "summary" => vec![format!("{name}_sum"), format!("{name}_count")],
            _ => vec![name.clone()],
        })
        .collect()
}

fn dashboard() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("deploy/grafana/cityflow.json")).unwrap()).unwrap()
}

/// Every (panel title, expr) of the dashboard, rows' nested panels included.
fn dashboard_queries(dash: &serde_json::Value) -> Vec<(String, String)> {
    let mut panels: Vec<&serde_json::Value> = Vec::new();
    for p in dash["panels"].as_array().unwrap() {
        panels.push(p);
        panels.extend(p["panels"].as_array().map(|v| v.iter()).into_iter().flatten());
    }
    let mut queries = Vec::new();
    for p in panels.into_iter().filter(|p| p["type"] != "row") {
        let title = p["title"].as_str().unwrap_or("").to_string();
        assert!(!title.is_empty(), "a panel without title: {p}");
        assert_eq!(p["datasource"]["uid"], "${datasource}", "{title}: use the datasource variable");
        let targets = p["targets"].as_array().filter(|t| !t.is_empty()).unwrap_or_else(|| panic!("{title}: no targets"));
        for t in targets {
            queries.push((title.clone(), t["expr"].as_str().unwrap_or_else(|| panic!("{title}: target without expr")).to_string()));
        }
    }
    queries
}

/// Identifiers in a PromQL expression outside strings, label matchers and `by (...)` lists:
/// metric names, functions and keywords.
fn promql_identifiers(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut braces, mut grouping, mut quoted) = (0, false, false);
    let mut chars = expr.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '{' => braces += 1,
            '}' => braces -= 1,
            ')' if grouping => grouping = false,
            c if braces == 0 && !grouping && (c.is_ascii_alphabetic() || c == '_' || c == ':') => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' || n == ':' {
                        end = j + n.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &expr[i..end];
                if matches!(word, "by" | "without") {
                    grouping = true;
                }
                out.push(word.to_string());
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_dashboard_queries_only_series_the_runtime_exports() {
    let dash = dashboard();
    assert!(dash["schemaVersion"].as_u64().is_some_and(|v| v >= 36), "schemaVersion >= 36");
    let vars = dash["templating"]["list"].as_array().unwrap();
    let ds = vars.iter().find(|v| v["name"] == "datasource").expect("a datasource template variable");
    assert_eq!(ds["type"], "datasource");
    assert_eq!(ds["query"], "prometheus");
    assert_eq!(ds["current"]["value"], "prometheus");

    let series = exported_series(&exported_families());
    let queries = dashboard_queries(&dash);
    assert!(queries.len() >= 15, "{} queries", queries.len());
    let mut titles = BTreeSet::new();
    for (title, expr) in &queries {
        titles.insert(title.clone());
        let metrics: Vec<String> = promql_identifiers(expr).into_iter().filter(|w| w.starts_with("cityflow_") || w.contains(':')).collect();
        assert!(!metrics.is_empty(), "{title}: `{expr}` queries no cityflow series");
        for m in metrics {
            assert!(series.contains(&m), "{title}: `{m}` is not exported by the runtime (triggers/src/metrics.rs, components/lib/app-metrics/src/text.rs)");
        }
        if expr.contains("histogram_quantile") {
            assert!(expr.contains("_bucket") && expr.contains("le"), "{title}: histogram_quantile needs _bucket series summed by le");
        }
    }
    // The operations and business views the issue asks for.
    let wanted = ["Request rate", "p99", "5xx", "Guest failures", "Instantiation", "in flight", "Trigger", "lag", "Outbound", "denials", "pool", "ingested", "Prediction cycles", "Reroute cycles", "stored, duplicate, rejected", "per cycle", "Job cycle duration"];
    for w in wanted {
        assert!(titles.iter().any(|t| t.to_lowercase().contains(&w.to_lowercase())), "no panel about {w}: {titles:?}");
    }
}

fn admin_manifest() -> String {
    let probe = component_wasm("probe");
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "deploy-check"
[[trigger.http]]
route = "/front/..."
component = "front"
[component.front]
source = "{probe}"
"#
    )
}

/// The names read from metrics.rs are the runtime's: every family a live runtime exposes after
/// some traffic is among them, with the same type.
#[tokio::test]
async fn metric_names_read_from_source_match_a_live_scrape() {
    let families = exported_families();
    let app = App::builder().without_database().manifest(admin_manifest()).start().await;
    let client = app.client();
    assert_eq!(client.get(app.url("/front/a")).send().await.unwrap().status(), 200);
    let text = client.get(app.admin_url("/metrics")).send().await.unwrap().text().await.unwrap();
    let live: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_once(' '))
        .collect();
    assert!(live.len() >= 3, "{text}");
    for (name, kind) in live {
        assert_eq!(families.get(name).copied(), Some(kind), "live family {name} ({kind}) is not what metrics.rs was read as");
    }
}

/// A real Prometheus (Debian package) loads deploy/prometheus/prometheus.yml pointed at a live
/// runtime, scrapes it, answers a request-rate query from the scraped data, and evaluates every
/// dashboard query without error.
#[tokio::test]
async fn prometheus_scrapes_the_runtime_and_evaluates_every_dashboard_query() {
    let Some(prometheus) = which("prometheus") else {
        println!("note: prometheus not installed (Debian package prometheus); skipped the live scrape");
        return;
    };
    let app = App::builder().without_database().manifest(admin_manifest()).start().await;
    let client = app.client();
    for _ in 0..5 {
        assert_eq!(client.get(app.url("/front/a")).send().await.unwrap().status(), 200);
    }
    let admin = app.admin_url("");
    let admin_host = admin.trim_start_matches("http://").trim_end_matches('/');

    // The committed config, with the test runtime's admin address and a fast interval.
    let config = std::fs::read_to_string(root().join("deploy/prometheus/prometheus.yml"))
        .unwrap()
        .replace("127.0.0.1:9090", admin_host)
        .replace("scrape_interval: 15s", "scrape_interval: 1s")
        .replace("scrape_timeout: 10s", "scrape_timeout: 1s");
    let scratch = std::env::temp_dir().join(cityflow_tests::unique_name("cityflow_prometheus"));
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("prometheus.yml"), config).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Prometheus(
        tokio::process::Command::new(prometheus)
            .arg(format!("--config.file={}", scratch.join("prometheus.yml").display()))
            .arg(format!("--storage.tsdb.path={}", scratch.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap(),
        scratch,
    );
    let api = format!("http://127.0.0.1:{port}/api/v1");
    let http = reqwest::Client::new();
    let query = |q: String| {
        let (http, api) = (http.clone(), api.clone());
        async move {
            let resp = http.get(format!("{api}/query")).query(&[("query", q.as_str())]).send().await.ok()?;
            resp.json::<serde_json::Value>().await.ok()
        }
    };

    // Requests counted by the runtime become a rate in Prometheus once two scrapes are in.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut last = None;
    loop {
        let rate = r#"sum(rate(cityflow_http_requests_total{job="cityflow",component="front"}[10s]))"#;
        if let Some(body) = query(rate.to_string()).await {
            let value = body["data"]["result"][0]["value"][1].as_str().and_then(|v| v.parse::<f64>().ok());
            if value.is_some_and(|v| v >= 0.0) {
                break;
            }
            last = Some(body);
        }
        assert!(Instant::now() < deadline, "no request rate from Prometheus within 30 s: {last:?}");
        // Keep traffic going so the rate is over scraped samples.
        let _ = client.get(app.url("/front/a")).send().await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let up = query(r#"up{job="cityflow"}"#.to_string()).await.unwrap();
    assert_eq!(up["data"]["result"][0]["value"][1], "1", "{up}");

    for (title, expr) in dashboard_queries(&dashboard()) {
        let q = expr.replace("$__rate_interval", "1m").replace("$__range", "1h");
        let body = query(q.clone()).await.unwrap_or_else(|| panic!("{title}: no answer for {q}"));
        assert_eq!(body["status"], "success", "{title}: Prometheus rejected `{q}`: {body}");
    }
    server.0.kill().await.ok();
}

/// The Prometheus process and its scratch directory, both gone when the test ends.
struct Prometheus(tokio::process::Child, PathBuf);

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.0.start_kill();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

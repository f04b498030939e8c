//! Loading `spin.toml` and the checks Spin makes before it runs anything.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use indexmap::IndexMap;
use serde::Deserialize;

use super::schema::*;
use crate::allowed_hosts::AllowedHosts;
use crate::router::{RouteSpec, Router};
use crate::template::{is_valid_variable_name, Template};

/// A manifest that parsed and passed validation, with paths resolved.
#[derive(Debug)]
pub struct LoadedManifest {
    pub app_name: String,
    pub variables: IndexMap<String, Variable>,
    pub components: IndexMap<String, ComponentDef>,
    pub http: HttpTriggerConfig,
    pub mqtt: Option<MqttConfig>,
    pub cron: Vec<CronSchedule>,
}

/// One `[[trigger.cron]]`, its expression already checked.
#[derive(Debug, Clone)]
pub struct CronSchedule {
    pub component: String,
    pub expression: String,
}

/// The MQTT trigger: broker settings and one subscription per `[[trigger.mqtt]]`.
#[derive(Debug)]
pub struct MqttConfig {
    pub address: Template,
    pub username: Template,
    pub password: Template,
    pub keep_alive_secs: u64,
    pub subscriptions: Vec<MqttSubscription>,
}

#[derive(Debug, Clone)]
pub struct MqttSubscription {
    pub component: String,
    pub topic: Template,
    pub qos: u8,
}

#[derive(Debug)]
pub struct ComponentDef {
    pub id: String,
    pub source: PathBuf,
    /// As written; `{{ variable }}` templates are expanded when the app is prepared.
    pub allowed_outbound_hosts: Vec<String>,
    pub key_value_stores: Vec<String>,
    pub variables: IndexMap<String, Template>,
    pub environment: IndexMap<String, String>,
}

#[derive(Debug, Default)]
pub struct HttpTriggerConfig {
    pub base: String,
    pub routes: Vec<HttpRouteDef>,
}

#[derive(Debug, Clone)]
pub struct HttpRouteDef {
    pub spec: RouteSpec,
    pub target: HttpTarget,
}

#[derive(Debug, Clone)]
pub enum HttpTarget {
    Component(String),
    Static(StaticResponse),
}

impl std::fmt::Display for HttpTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HttpTarget::Component(id) => write!(f, "component `{id}`"),
            HttpTarget::Static(_) => f.write_str("a static response"),
        }
    }
}

/// Reads and validates a manifest. Every error names the file and, where it can, the line.
pub fn load(path: &Path) -> Result<LoadedManifest> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read manifest {}", path.display()))?;
    let dir = path
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", path.display()))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    parse(&text, dir).with_context(|| format!("invalid manifest {}", path.display()))
}

pub(crate) fn parse(text: &str, dir: PathBuf) -> Result<LoadedManifest> {
    let manifest: Manifest = toml::from_str(text).map_err(|e| anyhow!("{e}"))?;
    let at = |span: std::ops::Range<usize>| line_of(text, span.start);

    if manifest.spin_manifest_version.get_ref() != &toml::Value::Integer(2) {
        bail!(
            "line {}: spin_manifest_version must be 2",
            at(manifest.spin_manifest_version.span())
        );
    }

    let mut variables = IndexMap::new();
    for (name, var) in manifest.variables {
        let line = at(var.span());
        let var = var.into_inner();
        if !is_valid_variable_name(&name) {
            bail!("line {line}: variable name `{name}` must be lower_snake_case (letters, digits, underscores, starting with a letter)");
        }
        if var.required && var.default.is_some() {
            bail!("line {line}: variable `{name}` cannot be both required and have a default");
        }
        if var.secret && var.default.is_some() {
            bail!("line {line}: secret variable `{name}` must not have a default in the manifest");
        }
        variables.insert(name, var);
    }

    let mut components = IndexMap::new();
    for (id, component) in manifest.component {
        let line = at(component.span());
        let def = component_def(&id, component.into_inner(), &dir, &variables)
            .map_err(|e| anyhow!("line {line}: component `{id}`: {e}"))?;
        components.insert(id, def);
    }

    let mut mqtt_settings = None;
    let mut http = HttpTriggerConfig {
        base: "/".to_string(),
        routes: Vec::new(),
    };
    for (kind, settings) in &manifest.application.trigger {
        match kind.as_str() {
            "http" => {
                let settings = HttpAppSettings::deserialize(toml::Value::Table(settings.clone()))
                    .map_err(|e| anyhow!("[application.trigger.http]: {e}"))?;
                if let Some(warning) = crate::router::check_trigger_base(settings.base.as_deref()).map_err(|e| anyhow!("[application.trigger.http]: {e}"))? {
                    tracing::warn!("{warning}");
                }
            }
            "mqtt" => {
                let settings = MqttAppSettings::deserialize(toml::Value::Table(settings.clone()))
                    .map_err(|e| anyhow!("[application.trigger.mqtt]: {e}"))?;
                mqtt_settings = Some(settings);
            }
            other => bail!("[application.trigger.{other}]: trigger type `{other}` is not supported by this runtime"),
        }
    }

    for trigger in manifest.trigger.http {
        http.routes.push(http_route(trigger, &http.base, &components, text)?);
    }
    let mqtt = mqtt_config(mqtt_settings, manifest.trigger.mqtt, &components, &variables, text)?;
    let mut cron = Vec::new();
    for trigger in manifest.trigger.cron {
        let line = line_of(text, trigger.component.span().start);
        let component = trigger.component.into_inner();
        if !components.contains_key(&component) {
            bail!("line {line}: [[trigger.cron]] refers to component `{component}`, which is not defined");
        }
        crate::cron::parse_schedule(&trigger.cron_expression).map_err(|e| anyhow!("line {line}: {e}"))?;
        cron.push(CronSchedule { component, expression: trigger.cron_expression });
    }

    Ok(LoadedManifest {
        app_name: manifest.application.name,
        variables,
        components,
        http,
        mqtt,
        cron,
    })
}

fn mqtt_config(
    settings: Option<MqttAppSettings>,
    triggers: Vec<MqttTrigger>,
    components: &IndexMap<String, ComponentDef>,
    variables: &IndexMap<String, Variable>,
    text: &str,
) -> Result<Option<MqttConfig>> {
    let Some(settings) = settings else {
        if let Some(t) = triggers.first() {
            bail!("line {}: [[trigger.mqtt]] needs [application.trigger.mqtt] with the broker address", line_of(text, t.component.span().start));
        }
        return Ok(None);
    };
    let template = |what: &str, value: &str| -> Result<Template> {
        let t = Template::parse(value).map_err(|e| anyhow!("[application.trigger.mqtt] {what}: {e}"))?;
        for name in t.references() {
            if !variables.contains_key(name) {
                bail!("[application.trigger.mqtt] {what} refers to `{{{{ {name} }}}}`, which is not an application variable");
            }
        }
        Ok(t)
    };
    let keep_alive_secs = settings
        .keep_alive_interval
        .trim()
        .parse::<u64>()
        .map_err(|_| anyhow!("[application.trigger.mqtt] keep_alive_interval must be a number of seconds, got {:?}", settings.keep_alive_interval))?;
    let mut subscriptions = Vec::new();
    for trigger in triggers {
        let line = line_of(text, trigger.component.span().start);
        let component = trigger.component.into_inner();
        if !components.contains_key(&component) {
            bail!("line {line}: [[trigger.mqtt]] refers to component `{component}`, which is not defined");
        }
        let qos = match trigger.qos.trim() {
            "0" => 0,
            "1" => 1,
            "2" => 2,
            other => bail!("line {line}: qos must be \"0\", \"1\" or \"2\", got {other:?}"),
        };
        let topic = template("topic", &trigger.topic).map_err(|e| anyhow!("line {line}: {e}"))?;
        subscriptions.push(MqttSubscription { component, topic, qos });
    }
    Ok(Some(MqttConfig {
        address: template("address", &settings.address)?,
        username: template("username", &settings.username)?,
        password: template("password", &settings.password)?,
        keep_alive_secs,
        subscriptions,
    }))
}

fn component_def(
    id: &str,
    component: Component,
    dir: &Path,
    app_variables: &IndexMap<String, Variable>,
) -> Result<ComponentDef> {
    if !is_valid_component_id(id) {
        bail!("component ids must be lower-kebab-case (letters, digits, dashes)");
    }
    let source = match component.source {
        ComponentSource::Local(path) => dir.join(path),
        ComponentSource::Remote { url, .. } => {
            bail!("remote source {url} cannot be fetched by this runtime; build it locally")
        }
        ComponentSource::Registry { package, .. } => {
            bail!("registry source {package} cannot be fetched by this runtime; build it locally")
        }
    };
    if !component.allowed_http_hosts.is_empty() {
        bail!("`allowed_http_hosts` is deprecated; use `allowed_outbound_hosts`");
    }
    if !component.sqlite_databases.is_empty() {
        bail!("`sqlite_databases` is not supported by this runtime");
    }
    if !component.ai_models.is_empty() {
        bail!("`ai_models` is not supported by this runtime");
    }
    if component.dependencies.is_some() {
        bail!("component `dependencies` are not supported by this runtime");
    }
    let check_refs = |template: &Template, what: &str| -> Result<()> {
        for name in template.references() {
            if !app_variables.contains_key(name) {
                bail!("{what} refers to `{{{{ {name} }}}}`, which is not an application variable");
            }
        }
        Ok(())
    };
    for entry in &component.allowed_outbound_hosts {
        let template = Template::parse(entry).map_err(|e| anyhow!("allowed_outbound_hosts: {e}"))?;
        check_refs(&template, "allowed_outbound_hosts")?;
    }
    // Entries without templates are checked now; templated ones once variables resolve.
    AllowedHosts::parse_with_templates(&component.allowed_outbound_hosts, |_| Ok::<_, std::convert::Infallible>(String::new()))
        .map_err(|e| anyhow!("allowed_outbound_hosts: {e}"))?;
    let allowed_outbound_hosts = component.allowed_outbound_hosts;
    let mut variables = IndexMap::new();
    for (name, value) in component.variables {
        if !is_valid_variable_name(&name) {
            bail!("variable name `{name}` must be lower_snake_case");
        }
        let template = Template::parse(&value).map_err(|e| anyhow!("variable `{name}`: {e}"))?;
        check_refs(&template, &format!("variable `{name}`"))?;
        variables.insert(name, template);
    }
    Ok(ComponentDef {
        id: id.to_string(),
        source,
        allowed_outbound_hosts,
        key_value_stores: component.key_value_stores,
        variables,
        environment: component.environment,
    })
}

fn http_route(
    trigger: HttpTrigger,
    base: &str,
    components: &IndexMap<String, ComponentDef>,
    text: &str,
) -> Result<HttpRouteDef> {
    let line = line_of(text, trigger.route.span().start);
    let spec = match trigger.route.into_inner() {
        HttpRoute::Path(path) => RouteSpec::Path(path),
        HttpRoute::Private(PrivateRoute { private: true }) => RouteSpec::Private,
        HttpRoute::Private(PrivateRoute { private: false }) => {
            bail!("line {line}: `route = {{ private = false }}` is not a route; give a path")
        }
    };
    Router::build(base, vec![(spec.clone(), "this route")]).map_err(|e| anyhow!("line {line}: {e}"))?;
    if let Some(executor) = &trigger.executor {
        if !matches!(executor.kind.as_str(), "http" | "spin") {
            bail!(
                "line {line}: executor `{}` is not supported by this runtime (supported: http)",
                executor.kind
            );
        }
    }
    let target = match (trigger.component, trigger.static_response) {
        (Some(ComponentRef::Id(id)), None) => {
            if !components.contains_key(&id) {
                bail!("line {line}: trigger refers to component `{id}`, which is not defined");
            }
            HttpTarget::Component(id)
        }
        (Some(ComponentRef::Inline(_)), None) => {
            bail!("line {line}: inline components are not supported by this runtime; use [component.<id>]")
        }
        (None, Some(response)) => HttpTarget::Static(response),
        (Some(_), Some(_)) => {
            bail!("line {line}: a trigger has either `component` or `static_response`, not both")
        }
        (None, None) => bail!("line {line}: trigger needs `component` or `static_response`"),
    };
    Ok(HttpRouteDef { spec, target })
}

fn is_valid_component_id(id: &str) -> bool {
    let mut parts = id.split('-');
    parts.all(|p| {
        !p.is_empty()
            && p.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<LoadedManifest> {
        parse(text, PathBuf::from("/app"))
    }

    const MINIMAL: &str = r#"
spin_manifest_version = 2
[application]
name = "demo"
[variables]
db_url = { required = true, secret = true }
[[trigger.http]]
route = "/hello/..."
component = "hello"
[component.hello]
source = "hello.wasm"
variables = { db_url = "{{ db_url }}" }
"#;

    #[test]
    fn minimal_manifest_loads() {
        let m = parse_str(MINIMAL).unwrap();
        assert_eq!(m.app_name, "demo");
        assert_eq!(m.components["hello"].source, PathBuf::from("/app/hello.wasm"));
        assert_eq!(m.http.routes.len(), 1);
    }

    #[test]
    fn unknown_key_names_its_line() {
        let text = MINIMAL.replace("source = \"hello.wasm\"", "source = \"hello.wasm\"\nsorce = 1");
        let err = format!("{:#}", parse_str(&text).unwrap_err());
        assert!(err.contains("unknown field `sorce`"), "{err}");
        assert!(err.contains("line 12"), "{err}");
    }

    #[test]
    fn bad_route_names_its_line() {
        let text = MINIMAL.replace("/hello/...", "hello");
        let err = format!("{:#}", parse_str(&text).unwrap_err());
        assert!(err.contains("line 8"), "{err}");
    }

    #[test]
    fn undefined_component_is_an_error() {
        let text = MINIMAL.replace("component = \"hello\"", "component = \"nope\"");
        let err = format!("{:#}", parse_str(&text).unwrap_err());
        assert!(err.contains("`nope`"), "{err}");
    }

    #[test]
    fn template_must_name_an_app_variable() {
        let text = MINIMAL.replace("{{ db_url }}", "{{ missing }}");
        let err = format!("{:#}", parse_str(&text).unwrap_err());
        assert!(err.contains("missing"), "{err}");
    }

    #[test]
    fn secret_default_is_refused() {
        let text = MINIMAL.replace("{ required = true, secret = true }", "{ default = \"x\", secret = true }");
        assert!(parse_str(&text).is_err());
    }

    #[test]
    fn mqtt_trigger_is_read_like_the_plugin() {
        let text = format!(
            "{MINIMAL}\n[application.trigger.mqtt]\naddress = \"mqtt://{{{{ db_url }}}}:1883\"\nusername = \"\"\npassword = \"\"\nkeep_alive_interval = \"30\"\n[[trigger.mqtt]]\ncomponent = \"hello\"\ntopic = \"city/#\"\nqos = \"1\"\n"
        );
        let m = parse_str(&text).unwrap();
        let mqtt = m.mqtt.unwrap();
        assert_eq!(mqtt.keep_alive_secs, 30);
        assert_eq!(mqtt.subscriptions[0].qos, 1);
        let bad = text.replace("qos = \"1\"", "qos = 1");
        assert!(parse_str(&bad).is_err(), "qos must be a string, as in the plugin");
    }

    #[test]
    fn cron_expressions_are_checked_at_load() {
        let ok = format!("{MINIMAL}\n[[trigger.cron]]\ncomponent = \"hello\"\ncron_expression = \"*/5 * * * * *\"\n");
        assert_eq!(parse_str(&ok).unwrap().cron.len(), 1);
        let bad = ok.replace("*/5 * * * * *", "*/5 * * * *");
        let err = format!("{:#}", parse_str(&bad).unwrap_err());
        assert!(err.contains("line") && err.contains("cron_expression"), "{err}");
    }

    #[test]
    fn unsupported_trigger_type_is_refused() {
        let text = format!("{MINIMAL}\n[[trigger.sqs]]\ncomponent = \"hello\"\n");
        let err = format!("{:#}", parse_str(&text).unwrap_err());
        assert!(err.contains("sqs") && err.contains("line"), "{err}");
    }
}

//! Serde shapes of `spin.toml` v2, field for field with Spin's schema.

// Every key Spin's schema defines is accepted so a genuine manifest parses; this runtime
// reads only the ones it serves, hence fields that are deserialized but never read.
#![allow(dead_code)]

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub spin_manifest_version: Spanned<toml::Value>,
    pub application: Application,
    #[serde(default)]
    pub variables: IndexMap<String, Spanned<Variable>>,
    #[serde(default)]
    pub trigger: Triggers,
    #[serde(default)]
    pub component: IndexMap<String, Spanned<Component>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    #[serde(default)]
    pub targets: Vec<String>,
    /// Application-level trigger settings, e.g. `[application.trigger.http] base = "/"`.
    #[serde(default)]
    pub trigger: IndexMap<String, toml::Table>,
    #[serde(default)]
    pub tool: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    #[serde(default)]
    pub default: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub source: ComponentSource,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    /// Deprecated by Spin in favour of `allowed_outbound_hosts`; still accepted and refused if set.
    #[serde(default)]
    pub allowed_http_hosts: Vec<String>,
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    #[serde(default)]
    pub ai_models: Vec<String>,
    #[serde(default)]
    pub variables: IndexMap<String, String>,
    #[serde(default)]
    pub environment: IndexMap<String, String>,
    #[serde(default)]
    pub files: Vec<toml::Value>,
    #[serde(default)]
    pub exclude_files: Vec<String>,
    #[serde(default)]
    pub build: Option<ComponentBuild>,
    #[serde(default)]
    pub targets: Option<Vec<String>>,
    #[serde(default)]
    pub dependencies_inherit_configuration: bool,
    #[serde(default)]
    pub dependencies: Option<toml::Table>,
    #[serde(default)]
    pub tool: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ComponentSource {
    Local(String),
    Remote { url: String, digest: String },
    Registry { registry: Option<String>, package: String, version: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentBuild {
    pub command: BuildCommand,
    #[serde(default)]
    pub workdir: Option<String>,
    #[serde(default)]
    pub watch: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum BuildCommand {
    One(String),
    Many(Vec<String>),
}

/// The trigger tables this runtime serves; any other trigger type is an error naming its line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    #[serde(default)]
    pub http: Vec<HttpTrigger>,
    #[serde(default)]
    pub mqtt: Vec<MqttTrigger>,
    #[serde(default)]
    pub cron: Vec<CronTrigger>,
}

/// One `[[trigger.cron]]` entry, as the Spin cron trigger plugin reads it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CronTrigger {
    #[serde(default)]
    pub id: Option<String>,
    pub component: Spanned<String>,
    pub cron_expression: String,
}

/// `[application.trigger.mqtt]`, as the Spin MQTT trigger plugin reads it: every value is a
/// string and may hold `{{ variable }}` templates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttAppSettings {
    pub address: String,
    pub username: String,
    pub password: String,
    pub keep_alive_interval: String,
}

/// One `[[trigger.mqtt]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MqttTrigger {
    #[serde(default)]
    pub id: Option<String>,
    pub component: Spanned<String>,
    pub topic: String,
    pub qos: String,
}

/// One `[[trigger.http]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpTrigger {
    #[serde(default)]
    pub id: Option<String>,
    pub route: Spanned<HttpRoute>,
    #[serde(default)]
    pub component: Option<ComponentRef>,
    #[serde(default)]
    pub executor: Option<HttpExecutor>,
    #[serde(default)]
    pub static_response: Option<StaticResponse>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HttpRoute {
    Path(String),
    Private(PrivateRoute),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateRoute {
    pub private: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ComponentRef {
    Id(String),
    Inline(toml::Table),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpExecutor {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub argv: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaticResponse {
    #[serde(default)]
    pub status_code: Option<u16>,
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    #[serde(default)]
    pub body: Option<String>,
}

/// `[application.trigger.http]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpAppSettings {
    #[serde(default)]
    pub base: Option<String>,
}

//! The prepared application: every component compiled once and pre-linked, the
//! capabilities built from the runtime config, and the router. Requests and events only
//! ever instantiate from this.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Engine, Store, StoreLimitsBuilder, UpdateDeadline};
use wasmtime_wasi::WasiCtxBuilder;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::WasiHttpCtx;

use crate::allowed_hosts::AllowedHosts;
use crate::host::key_value::KeyValueCapability;
use crate::host::postgres::PostgresCapability;
use crate::host::redis::{RedisCapability, RedisClients};
use crate::host::variables::{self, VariableResolver, VariablesInstance};
use crate::http::outbound::OutboundHttp;
use crate::host::mqtt::MqttCapability;
use crate::manifest::{self, ComponentDef, HttpTarget, LoadedManifest, MqttConfig};
use crate::cron::SpinCronPre;
use crate::guest_clock::GuestClock;
use crate::mqtt::SpinMqttPre;
use crate::output::PrefixedOutput;
use crate::router::Router;
use crate::runtime_config::RuntimeConfig;
use crate::state::InstanceState;
use crate::stats::Stats;

/// Spin's default when `max_instance_memory` is not configured is unlimited; a city
/// platform wants one runaway request to cost at most this much.
pub const DEFAULT_MAX_INSTANCE_MEMORY: u64 = 128 << 20;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Until the response head (HTTP) or the handler's return (events), and the most guest
    /// execution time any instance gets.
    pub request_timeout: Duration,
    /// How long a response body may keep streaming after its head was sent.
    pub stream_timeout: Duration,
    /// Largest request body handed to a component, in bytes.
    pub max_request_body: u64,
    /// The address this process serves HTTP on, for `http://self` requests.
    pub listen: std::net::SocketAddr,
}

pub struct PreparedComponent {
    pub id: String,
    /// Set when the component exports `wasi:http/incoming-handler`.
    pub http: Option<ProxyPre<InstanceState>>,
    /// Set when the component exports the MQTT trigger's `handle-message`.
    pub mqtt: Option<SpinMqttPre<InstanceState>>,
    /// Set when the component exports the cron trigger's `handle-cron-event`.
    pub cron: Option<SpinCronPre<InstanceState>>,
    allowed_hosts: Arc<AllowedHosts>,
    variables: Arc<HashMap<String, String>>,
    environment: Vec<(String, String)>,
    key_value_stores: Vec<String>,
}

/// `[application.trigger.mqtt]` and its subscriptions with every template rendered.
#[derive(Debug, Clone)]
pub struct ResolvedMqtt {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    pub keep_alive_secs: u64,
    pub subscriptions: Vec<ResolvedSubscription>,
}

#[derive(Debug, Clone)]
pub struct ResolvedSubscription {
    pub component: String,
    pub topic: String,
    pub qos: u8,
}

/// A `[[trigger.cron]]` with its expression parsed.
#[derive(Debug, Clone)]
pub struct ResolvedSchedule {
    pub component: String,
    pub expression: String,
    pub cron: croner::Cron,
}

pub struct App {
    pub name: String,
    pub mqtt: Option<ResolvedMqtt>,
    pub cron: Vec<ResolvedSchedule>,
    pub engine: Engine,
    pub router: Router<HttpTarget>,
    pub base: String,
    pub settings: Settings,
    pub stats: Stats,
    components: HashMap<String, Arc<PreparedComponent>>,
    max_instance_memory: u64,
    key_value: KeyValueCapability,
    redis: RedisCapability,
    pub(crate) redis_clients: Arc<RedisClients>,
    pub(crate) postgres: Arc<PostgresCapability>,
    outbound_mqtt: Arc<MqttCapability>,
    /// What `/readyz` checks besides the MQTT session.
    pub(crate) readiness: ReadinessTargets,
    /// Whether the MQTT trigger's broker session is up (false when there is no trigger).
    pub mqtt_connected: Arc<std::sync::atomic::AtomicBool>,
}

/// Dependencies the app is configured to use: the Postgres at the `db_url` variable, and
/// Redis at the `redis_url` variable and behind every Redis key-value store.
#[derive(Debug, Default)]
pub struct ReadinessTargets {
    pub postgres: Vec<String>,
    pub redis: Vec<String>,
}

impl App {
    pub async fn load(manifest_path: &Path, runtime_config: Option<&Path>, settings: Settings) -> Result<Arc<App>> {
        let manifest = manifest::load(manifest_path)?;
        let runtime_config = RuntimeConfig::load(runtime_config)?;
        let dotenv = variables::read_dotenv(Path::new(".env"))?;
        let resolver = VariableResolver::resolve(&manifest.variables, |k| std::env::var(k).ok(), &dotenv)?;

        let max_instance_memory = runtime_config.max_instance_memory.unwrap_or(DEFAULT_MAX_INSTANCE_MEMORY);
        let engine = crate::engine::build(max_instance_memory)?;
        let redis_clients = Arc::new(RedisClients::default());
        let key_value = KeyValueCapability::from_config(&runtime_config.key_value_store, redis_clients.clone());
        let redis = RedisCapability::new(redis_clients.clone());
        let postgres = Arc::new(PostgresCapability::new(runtime_config.outbound_pg.max_connections));
        let outbound_mqtt = Arc::new(MqttCapability::default());

        let linker = build_linker(&engine)?;
        let components = prepare_components(&engine, &linker, &manifest, &resolver, &key_value).await?;

        check_trigger_exports(&manifest, &components)?;
        let mqtt = manifest.mqtt.as_ref().map(|m| resolve_mqtt(m, &resolver)).transpose()?;
        let cron = manifest
            .cron
            .iter()
            .map(|c| Ok(ResolvedSchedule { component: c.component.clone(), expression: c.expression.clone(), cron: crate::cron::parse_schedule(&c.expression)? }))
            .collect::<Result<Vec<_>>>()?;

        let routes = manifest.http.routes.iter().map(|r| (r.spec.clone(), r.target.clone())).collect();
        let (router, warnings) = Router::build(&manifest.http.base, routes).map_err(|e| anyhow!("{e}"))?;
        for warning in warnings {
            tracing::warn!("{warning}");
        }

        Ok(Arc::new(App {
            name: manifest.app_name,
            mqtt,
            cron,
            engine,
            router,
            base: manifest.http.base,
            settings,
            stats: Stats::default(),
            components,
            max_instance_memory,
            key_value,
            redis,
            redis_clients,
            postgres,
            outbound_mqtt,
            readiness: readiness_targets(&resolver, &runtime_config),
            mqtt_connected: Arc::default(),
        }))
    }

    pub fn component(&self, id: &str) -> Option<Arc<PreparedComponent>> {
        self.components.get(id).cloned()
    }

    /// Every component's resolved variables (the admin listener finds the application metrics' Redis hashes in them).
    pub(crate) fn component_variables(&self) -> impl Iterator<Item = &HashMap<String, String>> + '_ { self.components.values().map(|c| &*c.variables) }

    /// A fresh store for one request or event, with its deadline and memory cap armed.
    pub fn new_store(self: &Arc<Self>, component: &PreparedComponent, request_id: Option<String>) -> Store<InstanceState> {
        let output = PrefixedOutput::new(&component.id);
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(output.clone()).stderr(output).envs(&component.environment);
        let state = InstanceState {
            component_id: component.id.clone(),
            started: Instant::now(),
            clock: GuestClock::default(),
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            outbound_http: OutboundHttp::new(self.clone(), component.allowed_hosts.clone(), request_id),
            limits: StoreLimitsBuilder::new()
                .memory_size(self.max_instance_memory as usize)
                .trap_on_grow_failure(true)
                .build(),
            variables: VariablesInstance::new(component.variables.clone()),
            key_value: self.key_value.instance(&component.key_value_stores),
            redis: self.redis.instance(component.allowed_hosts.clone()),
            postgres: self.postgres.instance(component.allowed_hosts.clone()),
            mqtt: self.outbound_mqtt.instance(component.allowed_hosts.clone()),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        store.call_hook(|mut ctx, hook| {
            ctx.data_mut().clock.transition(hook);
            Ok(())
        });
        let deadline = self.settings.request_timeout;
        // Check the deadline every epoch tick and yield to the executor meanwhile, so a
        // guest spinning on the CPU cannot starve other requests on this worker thread.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |ctx| {
            let state = ctx.data();
            let waited_too_long = !state.clock.responded() && state.started.elapsed() >= deadline;
            if waited_too_long || state.clock.guest_time() >= deadline {
                Ok(UpdateDeadline::Interrupt)
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        store
    }
}

fn readiness_targets(resolver: &VariableResolver, runtime_config: &RuntimeConfig) -> ReadinessTargets {
    let mut redis: Vec<String> = resolver.get("redis_url").into_iter().collect();
    for store in runtime_config.key_value_store.values() {
        if let crate::runtime_config::KeyValueStoreConfig::Redis { url } = store {
            if !redis.contains(url) {
                redis.push(url.clone());
            }
        }
    }
    ReadinessTargets { postgres: resolver.get("db_url").into_iter().collect(), redis }
}

/// Every trigger must name a component that exports what the trigger calls.
fn check_trigger_exports(manifest: &LoadedManifest, components: &HashMap<String, Arc<PreparedComponent>>) -> Result<()> {
    for route in &manifest.http.routes {
        if let HttpTarget::Component(id) = &route.target {
            if components[id].http.is_none() {
                bail!("component `{id}` is routed by an HTTP trigger but does not export wasi:http/incoming-handler");
            }
        }
    }
    for sub in manifest.mqtt.iter().flat_map(|m| &m.subscriptions) {
        if components[&sub.component].mqtt.is_none() {
            bail!("component `{}` has an MQTT trigger but does not export handle-message (world spin:mqtt-trigger/spin-mqtt)", sub.component);
        }
    }
    for schedule in &manifest.cron {
        if components[&schedule.component].cron.is_none() {
            bail!("component `{}` has a cron trigger but does not export handle-cron-event (world fermyon:spin-cron/spin-cron)", schedule.component);
        }
    }
    Ok(())
}

fn resolve_mqtt(config: &MqttConfig, resolver: &VariableResolver) -> Result<ResolvedMqtt> {
    let address = resolver.render(&config.address).context("[application.trigger.mqtt] address")?;
    let (host, port) = crate::mqtt::parse_broker_address(&address)?;
    let subscriptions = config
        .subscriptions
        .iter()
        .map(|s| {
            Ok(ResolvedSubscription {
                component: s.component.clone(),
                topic: resolver.render(&s.topic).context("[[trigger.mqtt]] topic")?,
                qos: s.qos,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ResolvedMqtt {
        host,
        port,
        username: resolver.render(&config.username)?,
        password: resolver.render(&config.password)?,
        keep_alive_secs: config.keep_alive_secs,
        subscriptions,
    })
}

fn build_linker(engine: &Engine) -> Result<Linker<InstanceState>> {
    let mut linker: Linker<InstanceState> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    variables::add_to_linker(&mut linker, |s| &mut s.variables)?;
    KeyValueCapability::add_to_linker(&mut linker, |s| &mut s.key_value)?;
    RedisCapability::add_to_linker(&mut linker, |s| &mut s.redis)?;
    PostgresCapability::add_to_linker(&mut linker, |s| &mut s.postgres)?;
    MqttCapability::add_to_linker(&mut linker, |s| &mut s.mqtt)?;
    Ok(linker)
}

async fn prepare_components(
    engine: &Engine,
    linker: &Linker<InstanceState>,
    manifest: &LoadedManifest,
    resolver: &VariableResolver,
    key_value: &KeyValueCapability,
) -> Result<HashMap<String, Arc<PreparedComponent>>> {
    // Compile in parallel: start-up time is dominated by code generation.
    let mut compiling = Vec::new();
    for def in manifest.components.values() {
        let engine = engine.clone();
        let source = def.source.clone();
        let id = def.id.clone();
        compiling.push(tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let component = Component::from_file(&engine, &source)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("component `{id}`: cannot load {}", source.display()))?;
            tracing::info!(component = %id, ms = started.elapsed().as_millis() as u64, "compiled");
            anyhow::Ok(component)
        }));
    }
    let mut prepared = HashMap::new();
    for (def, compiled) in manifest.components.values().zip(compiling) {
        let component = compiled.await??;
        prepared.insert(def.id.clone(), Arc::new(prepare(def, &component, linker, resolver, key_value)?));
    }
    Ok(prepared)
}

fn prepare(
    def: &ComponentDef,
    component: &Component,
    linker: &Linker<InstanceState>,
    resolver: &VariableResolver,
    key_value: &KeyValueCapability,
) -> Result<PreparedComponent> {
    let id = &def.id;
    let instance_pre = linker
        .instantiate_pre(component)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("component `{id}` imports something this runtime does not provide"))?;
    let http = ProxyPre::new(instance_pre.clone()).ok();
    let mqtt = SpinMqttPre::new(instance_pre.clone()).ok();
    let cron = SpinCronPre::new(instance_pre).ok();
    let allowed_hosts = AllowedHosts::parse_with_templates(&def.allowed_outbound_hosts, |entry| {
        crate::template::Template::parse(entry).map_err(anyhow::Error::from).and_then(|t| resolver.render(&t))
    })
    .map_err(|e| anyhow!("component `{id}`: allowed_outbound_hosts: {e}"))?;
    for label in &def.key_value_stores {
        if !key_value.has_store(label) {
            bail!("component `{id}` uses key-value store `{label}`, which the runtime config does not define");
        }
    }
    Ok(PreparedComponent {
        id: id.clone(),
        http,
        mqtt,
        cron,
        allowed_hosts: Arc::new(allowed_hosts),
        variables: Arc::new(resolver.component_values(def).with_context(|| format!("component `{id}`"))?),
        environment: def.environment.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        key_value_stores: def.key_value_stores.clone(),
    })
}

//! What a store holds for one component instance: WASI, wasi:http with our outbound
//! hooks, the Spin capabilities, and the limits enforced on it.

use std::time::Instant;

use wasmtime::component::ResourceTable;
use wasmtime::StoreLimits;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::guest_clock::GuestClock;
use crate::host::key_value::KeyValueInstance;
use crate::host::mqtt::MqttInstance;
use crate::host::postgres::PgInstance;
use crate::host::redis::RedisInstance;
use crate::host::variables::VariablesInstance;
use crate::http::outbound::OutboundHttp;

pub struct InstanceState {
    pub component_id: String,
    pub started: Instant,
    pub clock: GuestClock,
    pub wasi: WasiCtx,
    pub http: WasiHttpCtx,
    pub table: ResourceTable,
    pub outbound_http: OutboundHttp,
    pub limits: StoreLimits,
    pub variables: VariablesInstance,
    pub key_value: KeyValueInstance,
    pub redis: RedisInstance,
    pub postgres: PgInstance,
    pub mqtt: MqttInstance,
}

impl WasiView for InstanceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl WasiHttpView for InstanceState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView { ctx: &mut self.http, table: &mut self.table, hooks: &mut self.outbound_http }
    }
}

//! The wasmtime engine: compilation settings, the pooling allocator and the epoch ticker
//! that enforces per-request deadlines.

use std::time::Duration;

use anyhow::Result;
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ProfilingStrategy};

/// Set to `1` to let `perf record`/`perf report` name guest (Wasm) functions.
pub const PERF_MAP_ENV: &str = "CITYFLOW_PERF_MAP";

/// How often the epoch advances. Deadlines are checked, and long-running guests yield to
/// other requests, at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Instance slots the pooling allocator reserves. Requests beyond this many concurrent
/// instances wait for a slot to free up rather than failing.
const POOLED_INSTANCES: u32 = 256;

/// Bytes at the start of each pooled linear memory kept resident between instances (when the
/// kernel can tell which pages were dirtied): a guest's stack, static data and the heap a
/// request typically uses. Only pages actually touched stay resident.
const KEEP_RESIDENT: usize = 4 << 20;

pub fn build(max_instance_memory: u64) -> Result<Engine> {
    let mut config = base_config();
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(POOLED_INSTANCES)
        .total_core_instances(POOLED_INSTANCES * 4)
        .total_memories(POOLED_INSTANCES * 2)
        .total_tables(POOLED_INSTANCES * 4)
        .total_stacks(POOLED_INSTANCES)
        .max_memory_size(max_instance_memory as usize)
        .max_component_instance_size(1 << 20)
        .max_core_instances_per_component(32)
        .max_tables_per_component(32)
        .max_memories_per_component(4)
        // Return freed slots' pages to the kernel in batches: one madvise and TLB shootdown
        // per 32 instances instead of one each.
        .table_keep_resident(64 << 10)
        .async_stack_keep_resident(64 << 10)
        .decommit_batch_size(32);
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        // Keep a reused slot's pages mapped and reset only those the last instance dirtied
        // (found with Linux's PAGEMAP_SCAN), instead of `madvise` plus a page fault per page
        // on the next request: that was ~28 faults and ~10 % of the CPU of a GET /transports.
        // Without the scan, keeping memory resident would `memset` all of it on every reuse
        // (the 1 MiB guest stack comes first and is mostly untouched), so it stays off.
        pool.pagemap_scan(Enabled::Yes).linear_memory_keep_resident(KEEP_RESIDENT);
    }
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    let engine = match Engine::new(&config) {
        Ok(engine) => engine,
        Err(e) => {
            // Some hosts cap virtual memory too low for the pool's reservations; the
            // on-demand allocator is slower per instance but always works.
            tracing::warn!("pooling allocator unavailable ({e:#}); instantiating on demand");
            Engine::new(&base_config())?
        }
    };
    start_epoch_ticker(&engine);
    Ok(engine)
}

fn base_config() -> Config {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_component_model(true);
    // `perf` sees guest code only as anonymous JIT pages unless wasmtime writes a symbol map
    // (/tmp/perf-<pid>.map); opt-in, since it costs a file write per compiled function.
    if std::env::var_os(PERF_MAP_ENV).is_some_and(|v| v == "1") {
        config.profiler(ProfilingStrategy::PerfMap);
    }
    match wasmtime::Cache::new(wasmtime::CacheConfig::new()) {
        Ok(cache) => {
            config.cache(Some(cache));
        }
        Err(e) => tracing::warn!("compilation cache disabled: {e:#}"),
    }
    config
}

fn start_epoch_ticker(engine: &Engine) {
    let engine = engine.weak();
    std::thread::Builder::new()
        .name("epoch-ticker".into())
        .spawn(move || {
            while let Some(engine) = engine.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .expect("spawning the epoch ticker thread");
}

//! The wasmtime engine: compilation settings, the pooling allocator and the epoch ticker
//! that enforces per-request deadlines.

use std::time::Duration;

use anyhow::Result;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances. Deadlines are checked, and long-running guests yield to
/// other requests, at this granularity.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Instance slots the pooling allocator reserves. Requests beyond this many concurrent
/// instances wait for a slot to free up rather than failing.
const POOLED_INSTANCES: u32 = 256;

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
        // per 32 instances instead of one each. (Keeping linear memory resident instead
        // costs a memset of the kept bytes per instance, which measured slower here: the
        // guest's shadow stack makes its first MiB mostly untouched.)
        .table_keep_resident(64 << 10)
        .async_stack_keep_resident(64 << 10)
        .decommit_batch_size(32);
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

//! Spin runtime configuration (`runtime-config.toml`): the same file `spin up
//! --runtime-config-file` reads. Only keys Spin defines are accepted.
//!
//! ```toml
//! max_instance_memory = 134217728   # bytes per component instance
//!
//! [key_value_store.default]
//! type = "redis"
//! url = "redis://127.0.0.1:6379"
//!
//! [outbound_pg]
//! max_connections = 16
//!
//! [outbound_redis]
//! max_connections = 16
//! ```

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use indexmap::IndexMap;
use serde::Deserialize;

/// Keys Spin defines but this runtime does not act on (`state_dir`, `log_dir`, the outbound
/// tables other than `outbound_pg`) are accepted, so the same file serves `spin up`.
#[allow(dead_code)]
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeConfig {
    #[serde(default)]
    pub max_instance_memory: Option<u64>,
    #[serde(default)]
    pub state_dir: Option<String>,
    #[serde(default)]
    pub log_dir: Option<String>,
    #[serde(default)]
    pub key_value_store: IndexMap<String, KeyValueStoreConfig>,
    #[serde(default)]
    pub outbound_pg: PoolConfig,
    #[serde(default)]
    pub outbound_redis: PoolConfig,
    #[serde(default)]
    pub outbound_http: Option<toml::Table>,
    #[serde(default)]
    pub outbound_networking: Option<toml::Table>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum KeyValueStoreConfig {
    /// Spin's built-in store. Spin backs it with SQLite; this runtime keeps it in memory
    /// for the life of the process unless `path` is set, which it refuses.
    Spin {
        #[serde(default)]
        path: Option<String>,
    },
    Redis {
        url: String,
    },
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolConfig {
    #[serde(default)]
    pub max_connections: Option<usize>,
}

impl RuntimeConfig {
    pub fn load(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read runtime config {}", path.display()))?;
        let config: Self = toml::from_str(&text)
            .map_err(|e| anyhow!("invalid runtime config {}: {e}", path.display()))?;
        for (label, store) in &config.key_value_store {
            if let KeyValueStoreConfig::Spin { path: Some(p) } = store {
                anyhow::bail!(
                    "key_value_store.{label}: file-backed stores (path = {p:?}) are not supported by this runtime; use type = \"redis\""
                );
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spin_runtime_config() {
        let config: RuntimeConfig = toml::from_str(
            r#"
max_instance_memory = 1048576
[key_value_store.default]
type = "redis"
url = "redis://127.0.0.1:6379"
[outbound_pg]
max_connections = 4
"#,
        )
        .unwrap();
        assert_eq!(config.max_instance_memory, Some(1048576));
        assert!(matches!(config.key_value_store["default"], KeyValueStoreConfig::Redis { .. }));
        assert_eq!(config.outbound_pg.max_connections, Some(4));
    }

    #[test]
    fn unknown_key_is_refused() {
        assert!(toml::from_str::<RuntimeConfig>("max_memory = 1").is_err());
    }
}

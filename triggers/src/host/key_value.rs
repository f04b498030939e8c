//! `fermyon:spin/key-value@2.0.0`: labelled stores from the runtime config.
//!
//! A component may open only the labels listed in its `key_value_stores`. `default`
//! exists even without configuration (in memory, for the life of the process), as in Spin.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Result;
use indexmap::IndexMap;
use wasmtime::component::{HasSelf, Linker, Resource, ResourceTable};

use super::fermyon::spin::key_value::{self as wit, Error};
use super::redis::RedisClients;
use crate::runtime_config::KeyValueStoreConfig;

enum Backend {
    Memory(Mutex<HashMap<String, Vec<u8>>>),
    Redis { url: String, clients: Arc<RedisClients> },
}

pub struct KeyValueCapability {
    stores: HashMap<String, Arc<Backend>>,
}

impl KeyValueCapability {
    pub fn from_config(config: &IndexMap<String, KeyValueStoreConfig>, clients: Arc<RedisClients>) -> Self {
        let mut stores: HashMap<String, Arc<Backend>> = config
            .iter()
            .map(|(label, store)| {
                let backend = match store {
                    KeyValueStoreConfig::Spin { .. } => Backend::Memory(Mutex::default()),
                    KeyValueStoreConfig::Redis { url } => Backend::Redis { url: url.clone(), clients: clients.clone() },
                };
                (label.clone(), Arc::new(backend))
            })
            .collect();
        stores
            .entry("default".to_string())
            .or_insert_with(|| Arc::new(Backend::Memory(Mutex::default())));
        Self { stores }
    }

    /// Labels a manifest may name; anything else is a start-up error.
    pub fn has_store(&self, label: &str) -> bool {
        self.stores.contains_key(label)
    }

    pub fn add_to_linker<T: Send + 'static>(linker: &mut Linker<T>, get: fn(&mut T) -> &mut KeyValueInstance) -> Result<()> {
        Ok(wit::add_to_linker::<T, HasSelf<KeyValueInstance>>(linker, get)?)
    }

    pub fn instance(&self, allowed_labels: &[String]) -> KeyValueInstance {
        let stores = allowed_labels
            .iter()
            .filter_map(|l| self.stores.get(l).map(|b| (l.clone(), b.clone())))
            .collect();
        KeyValueInstance { stores, table: ResourceTable::new() }
    }
}

pub struct OpenStore {
    backend: Arc<Backend>,
}

pub struct KeyValueInstance {
    stores: HashMap<String, Arc<Backend>>,
    table: ResourceTable,
}

impl KeyValueInstance {
    fn backend(&self, rep: &Resource<OpenStore>) -> wasmtime::Result<Arc<Backend>> {
        Ok(self.table.get(rep)?.backend.clone())
    }
}

fn other(e: impl std::fmt::Display) -> Error {
    Error::Other(e.to_string())
}

async fn redis_call<V: redis::FromRedisValue>(url: &str, clients: &RedisClients, cmd: redis::Cmd) -> Result<V, Error> {
    let mut conn = clients.connect(url).await.map_err(other)?;
    cmd.query_async(&mut conn).await.map_err(other)
}

impl wit::Host for KeyValueInstance {}

impl wit::HostStore for KeyValueInstance {
    async fn open(&mut self, label: String) -> wasmtime::Result<Result<Resource<OpenStore>, Error>> {
        let Some(backend) = self.stores.get(&label).cloned() else {
            return Ok(Err(Error::AccessDenied));
        };
        match self.table.push(OpenStore { backend }) {
            Ok(r) => Ok(Ok(r)),
            Err(_) => Ok(Err(Error::StoreTableFull)),
        }
    }

    async fn get(&mut self, rep: Resource<OpenStore>, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, Error>> {
        Ok(match &*self.backend(&rep)? {
            Backend::Memory(m) => Ok(m.lock().unwrap().get(&key).cloned()),
            Backend::Redis { url, clients } => redis_call(url, clients, redis::Cmd::get(key)).await,
        })
    }

    async fn set(&mut self, rep: Resource<OpenStore>, key: String, value: Vec<u8>) -> wasmtime::Result<Result<(), Error>> {
        Ok(match &*self.backend(&rep)? {
            Backend::Memory(m) => {
                m.lock().unwrap().insert(key, value);
                Ok(())
            }
            Backend::Redis { url, clients } => redis_call(url, clients, redis::Cmd::set(key, value)).await,
        })
    }

    async fn delete(&mut self, rep: Resource<OpenStore>, key: String) -> wasmtime::Result<Result<(), Error>> {
        Ok(match &*self.backend(&rep)? {
            Backend::Memory(m) => {
                m.lock().unwrap().remove(&key);
                Ok(())
            }
            Backend::Redis { url, clients } => redis_call::<i64>(url, clients, redis::Cmd::del(key)).await.map(|_| ()),
        })
    }

    async fn exists(&mut self, rep: Resource<OpenStore>, key: String) -> wasmtime::Result<Result<bool, Error>> {
        Ok(match &*self.backend(&rep)? {
            Backend::Memory(m) => Ok(m.lock().unwrap().contains_key(&key)),
            Backend::Redis { url, clients } => redis_call(url, clients, redis::Cmd::exists(key)).await,
        })
    }

    async fn get_keys(&mut self, rep: Resource<OpenStore>) -> wasmtime::Result<Result<Vec<String>, Error>> {
        Ok(match &*self.backend(&rep)? {
            Backend::Memory(m) => Ok(m.lock().unwrap().keys().cloned().collect()),
            Backend::Redis { url, clients } => {
                // SCAN rather than KEYS so a large store does not block the server.
                let mut conn = match clients.connect(url).await {
                    Ok(c) => c,
                    Err(e) => return Ok(Err(other(e))),
                };
                let mut keys = Vec::new();
                let mut cursor: u64 = 0;
                loop {
                    let (next, batch): (u64, Vec<String>) = match redis::cmd("SCAN").arg(cursor).arg("COUNT").arg(500).query_async(&mut conn).await {
                        Ok(r) => r,
                        Err(e) => return Ok(Err(other(e))),
                    };
                    keys.extend(batch);
                    if next == 0 {
                        break Ok(keys);
                    }
                    cursor = next;
                }
            }
        })
    }

    async fn drop(&mut self, rep: Resource<OpenStore>) -> wasmtime::Result<()> {
        self.table.delete(rep)?;
        Ok(())
    }
}

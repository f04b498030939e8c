//! Application variables (`[variables]`), their providers, and the
//! `fermyon:spin/variables@2.0.0` interface.
//!
//! Values come, first match wins, from `SPIN_VARIABLE_<NAME>` in the environment, then
//! from the same keys in a `.env` file in the working directory (as Spin's env provider
//! does), then from the manifest default. A required variable without a value stops
//! start-up with its name, so a misconfigured app never serves a request.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Result};
use indexmap::IndexMap;

use super::fermyon::spin::variables::{Error, Host};
use crate::manifest::{ComponentDef, Variable};
use crate::template::Template;

#[derive(Debug, Clone)]
pub struct VariableResolver {
    values: HashMap<String, String>,
}

impl VariableResolver {
    /// Resolves every application variable once; refuses to start if a required one is unset.
    pub fn resolve(
        declared: &IndexMap<String, Variable>,
        env: impl Fn(&str) -> Option<String>,
        dotenv: &HashMap<String, String>,
    ) -> Result<Self> {
        let mut values = HashMap::new();
        let mut missing = Vec::new();
        for (name, var) in declared {
            let key = env_key(name);
            let value = env(&key)
                .or_else(|| dotenv.get(&key).cloned())
                .or_else(|| var.default.clone());
            match value {
                Some(v) => {
                    values.insert(name.clone(), v);
                }
                None if var.required => missing.push(format!("`{name}` (set {key})")),
                None => {}
            }
        }
        if !missing.is_empty() {
            bail!("required variable(s) have no value: {}", missing.join(", "));
        }
        Ok(Self { values })
    }

    pub fn get(&self, name: &str) -> Option<String> {
        self.values.get(name).cloned()
    }

    pub fn render(&self, template: &Template) -> Result<String> {
        Ok(template.render(|name| self.get(name))?)
    }

    /// The component's own variables, rendered from the application's.
    pub fn component_values(&self, component: &ComponentDef) -> Result<HashMap<String, String>> {
        component
            .variables
            .iter()
            .map(|(name, template)| Ok((name.clone(), self.render(template)?)))
            .collect()
    }
}

pub fn env_key(name: &str) -> String {
    format!("SPIN_VARIABLE_{}", name.to_ascii_uppercase())
}

/// Reads `KEY=VALUE` lines from a `.env` file if there is one.
pub fn read_dotenv(path: &Path) -> Result<HashMap<String, String>> {
    if !path.exists() {
        return Ok(HashMap::new());
    }
    let mut values = HashMap::new();
    for item in dotenvy::from_path_iter(path)? {
        let (key, value) = item?;
        values.insert(key, value);
    }
    Ok(values)
}

/// What one component instance can read: only its own `[component.x.variables]`.
pub struct VariablesInstance {
    values: Arc<HashMap<String, String>>,
}

impl VariablesInstance {
    pub fn new(values: Arc<HashMap<String, String>>) -> Self {
        Self { values }
    }
}

impl Host for VariablesInstance {
    async fn get(&mut self, name: String) -> wasmtime::Result<Result<String, Error>> {
        if !crate::template::is_valid_variable_name(&name) {
            return Ok(Err(Error::InvalidName(name)));
        }
        Ok(self
            .values
            .get(&name)
            .cloned()
            .ok_or(Error::Undefined(name)))
    }
}

pub fn add_to_linker<T: Send + 'static>(
    linker: &mut wasmtime::component::Linker<T>,
    get: fn(&mut T) -> &mut VariablesInstance,
) -> Result<()> {
    Ok(super::fermyon::spin::variables::add_to_linker::<T, wasmtime::component::HasSelf<VariablesInstance>>(linker, get)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared() -> IndexMap<String, Variable> {
        let mut m = IndexMap::new();
        m.insert("db_url".into(), Variable { default: None, required: true, secret: true, description: None });
        m.insert("pg_host".into(), Variable { default: Some("127.0.0.1".into()), required: false, secret: false, description: None });
        m
    }

    #[test]
    fn missing_required_variable_is_named() {
        let err = VariableResolver::resolve(&declared(), |_| None, &HashMap::new()).unwrap_err();
        assert!(err.to_string().contains("db_url"), "{err}");
        assert!(err.to_string().contains("SPIN_VARIABLE_DB_URL"), "{err}");
    }

    #[test]
    fn env_beats_dotenv_beats_default() {
        let mut dotenv = HashMap::new();
        dotenv.insert("SPIN_VARIABLE_DB_URL".to_string(), "from-dotenv".to_string());
        dotenv.insert("SPIN_VARIABLE_PG_HOST".to_string(), "dotenv-host".to_string());
        let r = VariableResolver::resolve(
            &declared(),
            |k| (k == "SPIN_VARIABLE_DB_URL").then(|| "from-env".to_string()),
            &dotenv,
        )
        .unwrap();
        assert_eq!(r.get("db_url").unwrap(), "from-env");
        assert_eq!(r.get("pg_host").unwrap(), "dotenv-host");
    }
}

//! Deployment hygiene of spin.toml: every component declares the least network access it needs
//! (no wildcard hosts, no backend it has no credentials for), says what it is and how it is
//! built, and every variable is documented, secrets without defaults.

use cityflow_tests::root;

fn spin_manifest() -> toml::Table {
    std::fs::read_to_string(root().join("spin.toml")).unwrap().parse().unwrap()
}

fn components(spin: &toml::Table) -> Vec<(String, toml::Table)> {
    spin["component"].as_table().unwrap().iter().map(|(id, c)| (id.clone(), c.as_table().unwrap().clone())).collect()
}

fn non_empty_str<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(|v| v.as_str()).filter(|s| !s.trim().is_empty())
}

/// Why any `*` is refused: `*` hosts, `*.` subdomain wildcards and `*` ports all widen a
/// component's reach beyond the backends it is configured for; none is needed today
/// (service chaining names `<component>.spin.internal` explicitly).
fn wildcard_problem(entry: &str) -> Option<String> {
    if entry.contains('*') {
        return Some(format!("`{entry}` has a wildcard"));
    }
    let Some((scheme, rest)) = entry.split_once("://") else {
        return Some(format!("`{entry}` has no scheme://"));
    };
    if !["postgres", "redis", "mqtt", "http", "https"].contains(&scheme) {
        return Some(format!("`{entry}`: scheme {scheme} is not one CityFlow uses"));
    }
    if rest.trim().is_empty() {
        return Some(format!("`{entry}` has no host"));
    }
    None
}

#[test]
fn no_component_declares_wildcard_or_unused_outbound_hosts() {
    let spin = spin_manifest();
    let mut problems = Vec::new();
    for (id, c) in components(&spin) {
        let hosts: Vec<&str> = c.get("allowed_outbound_hosts").and_then(|h| h.as_array()).map(|a| a.iter().filter_map(|v| v.as_str()).collect()).unwrap_or_default();
        let vars = c.get("variables").and_then(|v| v.as_table()).cloned().unwrap_or_default();
        for entry in &hosts {
            if let Some(p) = wildcard_problem(entry) {
                problems.push(format!("{id}: {p}"));
            }
            // A backend is reachable only with its connection settings: a host whose
            // settings the component is not given is access it never uses.
            let needs = match entry.split_once("://").map(|(s, _)| s) {
                Some("postgres") => Some("db_url"),
                Some("redis") => Some("redis_url"),
                _ => None,
            };
            if let Some(var) = needs {
                if !vars.contains_key(var) {
                    problems.push(format!("{id}: allows `{entry}` but has no `{var}` variable to use it"));
                }
            }
        }
        // And the reverse: connection settings without the host are a runtime denial.
        for (var, scheme) in [("db_url", "postgres://"), ("redis_url", "redis://")] {
            if vars.contains_key(var) && !hosts.iter().any(|h| h.starts_with(scheme)) {
                problems.push(format!("{id}: has `{var}` but no {scheme} allowed host"));
            }
        }
    }
    assert!(problems.is_empty(), "allowed_outbound_hosts:\n{}", problems.join("\n"));
}

#[test]
fn the_wildcard_check_rejects_what_it_should() {
    for bad in ["*://*:*", "https://*", "https://*.example.com", "postgres://db:*", "redis:6379", "ftp://files"] {
        assert!(wildcard_problem(bad).is_some(), "{bad} should be refused");
    }
    for good in ["postgres://{{ pg_host }}:{{ pg_port }}", "http://back.spin.internal", "mqtt://broker:1883"] {
        assert_eq!(wildcard_problem(good), None, "{good} should pass");
    }
}

#[test]
fn every_variable_is_documented_and_secrets_have_no_default() {
    let spin = spin_manifest();
    let mut problems = Vec::new();
    for (name, decl) in spin["variables"].as_table().unwrap() {
        let decl = decl.as_table().unwrap();
        if non_empty_str(decl, "description").is_none() {
            problems.push(format!("variable `{name}` has no description"));
        }
        let required = decl.get("required").and_then(|r| r.as_bool()) == Some(true);
        if required == decl.contains_key("default") {
            problems.push(format!("variable `{name}` must have exactly one of required = true or a default"));
        }
        if decl.get("secret").and_then(|s| s.as_bool()) == Some(true) && decl.contains_key("default") {
            problems.push(format!("secret variable `{name}` has a default"));
        }
    }
    assert!(problems.is_empty(), "[variables]:\n{}", problems.join("\n"));
}

#[test]
fn every_component_is_described_built_and_uses_declared_variables() {
    let spin = spin_manifest();
    let declared = spin["variables"].as_table().unwrap();
    let mut problems = Vec::new();
    for (id, c) in components(&spin) {
        if non_empty_str(&c, "description").is_none() {
            problems.push(format!("{id}: no description"));
        }
        let build = c.get("build").and_then(|b| b.as_table());
        if build.and_then(|b| non_empty_str(b, "command")).is_none() {
            problems.push(format!("{id}: no [component.{id}.build] command"));
        }
        if build.and_then(|b| b.get("watch")).and_then(|w| w.as_array()).is_none_or(|w| w.is_empty()) {
            problems.push(format!("{id}: no build watch list"));
        }
        // Templates in variables and allowed hosts may only name application variables.
        let variables = c.get("variables").and_then(|v| v.as_table()).into_iter().flatten().map(|(k, v)| (format!("variable `{k}`"), v));
        let hosts = c.get("allowed_outbound_hosts").and_then(|h| h.as_array()).into_iter().flatten().map(|v| ("allowed_outbound_hosts".to_string(), v));
        for (var, value) in variables.chain(hosts) {
            let mut rest = value.as_str().unwrap_or("");
            while let Some(start) = rest.find("{{") {
                let end = rest[start..].find("}}").map(|e| start + e).unwrap_or(rest.len());
                let name = rest[start + 2..end].trim();
                if !declared.contains_key(name) {
                    problems.push(format!("{id}: {var} uses undeclared `{name}`"));
                }
                rest = &rest[(end + 2).min(rest.len())..];
            }
        }
    }
    assert!(problems.is_empty(), "components:\n{}", problems.join("\n"));
}

//! `allowed_outbound_hosts`: the one network allow-list every outbound capability checks
//! (HTTP, Postgres, Redis, MQTT), with Spin's syntax and matching rules.
//!
//! An entry is `scheme://host[:port]`:
//! - scheme: letters only, or `*`. Compared with the request's scheme exactly (after
//!   lower-casing), so `rediss` needs its own entry.
//! - host: `*`; `*.example.com` (any subdomain, not the domain itself); a domain or IP
//!   literal (`[::1]` for IPv6); a CIDR network (`10.0.0.0/8`, host bits ignored); `self` or
//!   `self.alt` (requests to the app itself, see [`AllowedHosts::check_self_request`]);
//!   `<component>.spin.internal` or `*.spin.internal` (service chaining).
//! - port: a number, a half-open range `8000..9000`, or `*`. If omitted, the scheme's
//!   well-known port (postgres 5432, mysql 3306, redis 6379, mqtt 1883, http 80, https 443);
//!   other schemes (including `*`) must give one.
//!
//! A single trailing `/` is tolerated; paths, `{a,b}` lists and mid-host wildcards are
//! errors. A request is allowed when any entry allows its scheme, host and port; a request
//! without an explicit port is checked against its scheme's well-known port.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};
use std::ops::Range;
use std::str::FromStr;

use ipnet::IpNet;
use url::{Host, Url};

/// Hosts ending in this suffix address another component of the app (service chaining).
pub const SERVICE_CHAINING_DOMAIN_SUFFIX: &str = ".spin.internal";

/// A parsed `allowed_outbound_hosts` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHosts {
    entries: Vec<AllowedHost>,
}

/// One parsed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AllowedHost {
    scheme: SchemePattern,
    host: HostPattern,
    port: PortPattern,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SchemePattern {
    Any,
    Exact(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    Any,
    /// The domain with a leading dot, e.g. `.example.com`.
    AnySubdomainOf(String),
    /// `self` / `self.alt`: only relative requests, never a URL with a host.
    ToSelf,
    Exact(Host<String>),
    Network(IpNet),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum PortPattern {
    Any,
    Exact(u16),
    Range(Range<u16>),
}

/// An `allowed_outbound_hosts` entry that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid allowed_outbound_hosts entry {entry:?}{}: {problem}",
    .expanded.as_ref().map(|text| format!(" (expands to {text:?})")).unwrap_or_default()
)]
pub struct AllowedHostsError {
    /// The entry as written in the manifest.
    pub entry: String,
    /// What a templated entry expanded to, when the expansion is what is invalid.
    pub expanded: Option<String>,
    /// What is wrong.
    pub problem: EntryProblem,
}

/// Why an entry is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    /// Spin 1's escape hatch, no longer accepted.
    #[error("'insecure:allow-all' is not supported; use '*://*:*' to allow all outbound traffic")]
    InsecureAllowAll,
    /// No `://`.
    #[error(
        "no scheme: entries look like '<scheme>://<host>[:<port>]', e.g. 'https://api.example.com' \
         ('*' is allowed in each part; '*://*:*' allows all outbound traffic)"
    )]
    MissingScheme,
    /// `{http,https}://...`.
    #[error("scheme lists are not supported; write one entry per scheme")]
    SchemeList,
    /// Empty or with non-letters.
    #[error("scheme {0:?} must be '*' or letters only")]
    InvalidScheme(String),
    /// `http://{a,b}`.
    #[error("host lists are not supported; write one entry per host")]
    HostList,
    /// Anything after the host or port other than a single `/`.
    #[error("must not include a path")]
    Path,
    /// `*` other than the whole host or a `*.` domain prefix.
    #[error("'*' is allowed only as the whole host or as a '*.' prefix of a domain")]
    MisplacedWildcard,
    /// `*.10.0.0.1`.
    #[error("'*.' must be followed by a domain name, not an IP address")]
    WildcardOfAddress,
    /// A host `url` cannot parse (empty, forbidden characters, unbracketed IPv6, ...).
    #[error("invalid host {host:?}: {reason}")]
    InvalidHost {
        /// The host text.
        host: String,
        /// The parser's complaint.
        reason: String,
    },
    /// `10.0.0.0/33` and the like.
    #[error("invalid network {0:?}")]
    InvalidNetwork(String),
    /// `{80,443}`.
    #[error("port lists are not supported; write one entry per port or use a range 'start..end'")]
    PortList,
    /// Not a `u16`, a `start..end` range of them, or `*`.
    #[error("port {0:?} must be a number, a range 'start..end' or '*'")]
    InvalidPort(String),
    /// Port omitted for a scheme without a well-known port.
    #[error("no port given and scheme {0:?} has no default port; add one (e.g. ':8080') or ':*'")]
    NoDefaultPort(String),
    /// The template could not be expanded.
    #[error("cannot expand template: {0}")]
    Template(String),
}

/// A destination the allow-list does not permit, or cannot judge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// No entry allows the destination.
    #[error("address {address} is not permitted by allowed_outbound_hosts")]
    NotAllowed {
        /// `scheme://host[:port]` (credentials, path and query left out).
        address: String,
    },
    /// The destination could not be parsed, so nothing can allow it.
    #[error("address {address} cannot be checked against allowed_outbound_hosts: {problem}")]
    Unparsable {
        /// The address as given, with credentials redacted, or what it was.
        address: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl Denied {
    /// The destination as `scheme://host[:port]` (or the unparsable address, redacted).
    #[cfg(test)]
    pub fn address(&self) -> &str {
        match self {
            Denied::NotAllowed { address } | Denied::Unparsable { address, .. } => address,
        }
    }

    /// What to tell the developer: the manifest line that would allow this destination,
    /// as `spin up` suggests it.
    pub fn hint(&self) -> String {
        match self {
            Denied::NotAllowed { address } => format!("allowed_outbound_hosts = [\"{address}\"]"),
            Denied::Unparsable { .. } => {
                "use an address of the form scheme://host[:port]/...".to_owned()
            }
        }
    }
}

impl AllowedHosts {
    /// Parses entries that contain no templates (or were already expanded).
    #[cfg(test)]
    pub fn parse(entries: &[String]) -> Result<Self, AllowedHostsError> {
        let entries = entries
            .iter()
            .map(|entry| {
                AllowedHost::parse(entry).map_err(|problem| AllowedHostsError {
                    entry: entry.clone(),
                    expanded: None,
                    problem,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(AllowedHosts { entries })
    }

    /// Parses manifest entries, calling `expand` on each one that contains `{{` (a
    /// template; see `template.rs`). As in Spin, a templated entry that expands to "",
    /// `http://` or `https://` is dropped, so an empty variable can switch an optional
    /// endpoint off. To validate at load time the way Spin does, expand with variable
    /// defaults and return `Ok(String::new())` when a variable has none.
    pub fn parse_with_templates<E: fmt::Display>(
        entries: &[String],
        mut expand: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<Self, AllowedHostsError> {
        let mut parsed = Vec::with_capacity(entries.len());
        for entry in entries {
            if !entry.contains("{{") {
                parsed.push(
                    AllowedHost::parse(entry).map_err(|problem| AllowedHostsError {
                        entry: entry.clone(),
                        expanded: None,
                        problem,
                    })?,
                );
                continue;
            }
            let expanded = expand(entry).map_err(|e| AllowedHostsError {
                entry: entry.clone(),
                expanded: None,
                problem: EntryProblem::Template(e.to_string()),
            })?;
            if matches!(expanded.as_str(), "" | "http://" | "https://") {
                continue;
            }
            parsed.push(
                AllowedHost::parse(&expanded).map_err(|problem| AllowedHostsError {
                    entry: entry.clone(),
                    expanded: Some(expanded.clone()),
                    problem,
                })?,
            );
        }
        Ok(AllowedHosts { entries: parsed })
    }

    /// Allows everything (`*://*:*`), for tests.
    #[cfg(test)]
    pub fn allow_all() -> Self {
        AllowedHosts {
            entries: vec![AllowedHost {
                scheme: SchemePattern::Any,
                host: HostPattern::Any,
                port: PortPattern::Any,
            }],
        }
    }

    /// Checks an outbound address the way Spin's `check_url` does: `url` is parsed as a
    /// URL, or, when it has no `://`, as `{default_scheme}://{url}` (so `redis-host:6379`
    /// with default `redis` works). Credentials may contain characters that are not valid
    /// in URLs (`#`, `?`, `@`). HTTP passes `"https"`, Redis `"redis"`, MQTT `"mqtt"`,
    /// MySQL `"mysql"`. Relative URLs are not handled here: see
    /// [`AllowedHosts::check_http_request`].
    pub fn check_url(&self, url: &str, default_scheme: &str) -> Result<(), Denied> {
        let destination =
            Destination::parse(url, default_scheme).map_err(|problem| Denied::Unparsable {
                address: format!("{:?}", redact_userinfo(url)),
                problem,
            })?;
        let address = destination.address();
        let host = Host::parse(&destination.host).map_err(|e| Denied::Unparsable {
            address: address.clone(),
            problem: format!("invalid host: {e}"),
        })?;
        self.check(
            &destination.scheme,
            &host,
            destination.effective_port,
            address,
        )
    }

    /// Checks a destination given by parts (e.g. one host of a Postgres connection string).
    /// `host` may be a domain, an IPv4 address, or an IPv6 address with or without brackets.
    pub fn check_parts(&self, scheme: &str, host: &str, port: u16) -> Result<(), Denied> {
        let host_text = match host.parse::<Ipv6Addr>() {
            Ok(_) => format!("[{host}]"),
            Err(_) => host.to_owned(),
        };
        let address = format!("{scheme}://{host_text}:{port}");
        let parsed = Host::parse(&host_text).map_err(|e| Denied::Unparsable {
            address: address.clone(),
            problem: format!("invalid host: {e}"),
        })?;
        self.check(scheme, &parsed, Some(port), address)
    }

    /// Checks an outbound HTTP request URL as Spin's outbound HTTP does: a self request
    /// (see [`is_self_request`]) needs a `self` (or `*`) host; anything else is checked with
    /// [`AllowedHosts::check_url`] and default scheme `https`. Service-chaining URLs
    /// (`http://<component>.spin.internal/...`) are checked like any other URL.
    pub fn check_http_request(&self, url: &str) -> Result<(), Denied> {
        if is_self_request(url) {
            self.check_self_request()
        } else {
            self.check_url(url, "https")
        }
    }

    /// Whether the app may call itself: some entry with scheme `http`, `https` or `*` and
    /// host `self`, `self.alt` or `*`. The port of such an entry does not matter.
    pub fn check_self_request(&self) -> Result<(), Denied> {
        let allowed = self.entries.iter().any(|entry| {
            matches!(entry.host, HostPattern::Any | HostPattern::ToSelf)
                && ["http", "https"].iter().any(|s| entry.scheme.allows(s))
        });
        if allowed {
            Ok(())
        } else {
            Err(Denied::NotAllowed {
                address: "http://self".to_owned(),
            })
        }
    }

    /// Whether a plain `http://<component_id>.spin.internal/...` request is allowed, i.e.
    /// whether this component may chain to `component_id`.
    pub fn allows_chaining_to(&self, component_id: &str) -> bool {
        self.check_url(
            &format!("http://{component_id}{SERVICE_CHAINING_DOMAIN_SUFFIX}"),
            "http",
        )
        .is_ok()
    }

    /// Checks every TCP destination of a Postgres connection string (see
    /// [`postgres_targets`]) as `postgres://host:port`.
    pub fn check_postgres(&self, connection_string: &str) -> Result<(), Denied> {
        let targets =
            postgres_targets(connection_string).map_err(|problem| Denied::Unparsable {
                address: "postgres connection string".to_owned(),
                problem,
            })?;
        targets
            .iter()
            .try_for_each(|(host, port)| self.check_parts("postgres", host, *port))
    }

    fn check(
        &self,
        scheme: &str,
        host: &Host<String>,
        port: Option<u16>,
        address: String,
    ) -> Result<(), Denied> {
        if self.entries.iter().any(|e| e.allows(scheme, host, port)) {
            Ok(())
        } else {
            Err(Denied::NotAllowed { address })
        }
    }
}

/// True for requests Spin sends to the app's own listener: a URL without authority
/// (`/path`) or with host `self.alt` (for SDKs that insist on an absolute URL).
pub fn is_self_request(url: &str) -> bool {
    if url.starts_with('/') && !url.starts_with("//") {
        return true;
    }
    Url::parse(url).is_ok_and(|parsed| parsed.host_str() == Some("self.alt"))
}

/// The component addressed by a service-chaining host (`<component>.spin.internal`,
/// optionally with `:port`), or `None` for any other host. Only one label may precede
/// `spin.internal`.
pub fn chaining_target(host: &str) -> Option<&str> {
    let host = host.rsplit_once(':').map_or(host, |(name, _port)| name);
    let component = host.strip_suffix(SERVICE_CHAINING_DOMAIN_SUFFIX)?;
    (!component.is_empty() && !component.contains('.')).then_some(component)
}

/// The TCP destinations (`host`, `port`) a Postgres connection string makes
/// `tokio-postgres` connect to, in URL form (`postgres://user:pw@h1:p1,h2/db`) or key-value
/// form (`host=h1,h2 port=p1,p2 dbname=db`). Follows tokio-postgres's own pairing: the
/// i-th port goes with the i-th host, a single port with every host, no port means 5432;
/// when `hostaddr` is given, that IP is what is dialled and so what is returned. (Spin
/// checks the `host` names and ignores `hostaddr`, which would let `hostaddr` bypass the
/// list.) Unix-socket hosts are rejected.
pub fn postgres_targets(connection_string: &str) -> Result<Vec<(String, u16)>, String> {
    let config = tokio_postgres::Config::from_str(connection_string)
        .map_err(|e| format!("invalid postgres connection string: {e}"))?;
    let hosts = config.get_hosts();
    let host_addresses = config.get_hostaddrs();
    let ports = config.get_ports();

    if hosts.is_empty() && host_addresses.is_empty() {
        return Err("the postgres connection string names no host".to_owned());
    }
    if !hosts.is_empty() && !host_addresses.is_empty() && hosts.len() != host_addresses.len() {
        return Err(format!(
            "the postgres connection string has {} hosts but {} hostaddrs",
            hosts.len(),
            host_addresses.len()
        ));
    }
    let target_count = hosts.len().max(host_addresses.len());
    if ports.len() > 1 && ports.len() != target_count {
        return Err(format!(
            "the postgres connection string has {} ports for {target_count} hosts",
            ports.len()
        ));
    }

    (0..target_count)
        .map(|index| {
            let port = ports.get(index).or(ports.first()).copied().unwrap_or(5432);
            // Without hostaddrs there is one host per target.
            let host = match host_addresses.get(index) {
                Some(address) => address.to_string(),
                None => match &hosts[index] {
                    tokio_postgres::config::Host::Tcp(name) => name.clone(),
                    #[cfg(unix)]
                    tokio_postgres::config::Host::Unix(path) => {
                        return Err(format!(
                            "Unix sockets are not supported ({}); connect over TCP",
                            path.display()
                        ))
                    }
                },
            };
            Ok((host, port))
        })
        .collect()
}

/// The well-known port Spin assumes for a scheme when none is given.
fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "postgres" => Some(5432),
        "mysql" => Some(3306),
        "redis" => Some(6379),
        "mqtt" => Some(1883),
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    }
}

impl AllowedHost {
    fn parse(entry: &str) -> Result<AllowedHost, EntryProblem> {
        let entry = entry.trim();
        if entry == "insecure:allow-all" {
            return Err(EntryProblem::InsecureAllowAll);
        }
        let (scheme, rest) = entry.split_once("://").ok_or(EntryProblem::MissingScheme)?;

        // The last ':' separates the port unless it belongs to the host (IPv6 literal or
        // network); a single trailing '/' after the port is tolerated.
        let (host, port) = match rest.rsplit_once(':') {
            None => (rest, ""),
            Some((host, "")) => (host, ""),
            Some((host, tail)) => {
                // A ']' after the last ':' means that ':' is inside an IPv6 literal.
                if tail.contains(']') || HostPattern::parse(rest).is_ok() {
                    (rest, "")
                } else {
                    let port = match tail.split_once('/') {
                        Some((port, "")) => port,
                        Some(_) => return Err(EntryProblem::Path),
                        None => tail,
                    };
                    (host, port)
                }
            }
        };

        // Spin checks the port first; checking the scheme first reports `{a,b}://x` as a
        // scheme list rather than as a missing default port.
        let scheme_pattern = SchemePattern::parse(scheme)?;
        let port = PortPattern::parse(port, &scheme.to_ascii_lowercase())?;
        let host = HostPattern::parse(host)?;
        Ok(AllowedHost {
            scheme: scheme_pattern,
            host,
            port,
        })
    }

    fn allows(&self, scheme: &str, host: &Host<String>, port: Option<u16>) -> bool {
        self.scheme.allows(scheme) && self.host.allows(host) && self.port.allows(port, scheme)
    }
}

impl SchemePattern {
    fn parse(scheme: &str) -> Result<SchemePattern, EntryProblem> {
        if scheme == "*" {
            Ok(SchemePattern::Any)
        } else if scheme.starts_with('{') {
            Err(EntryProblem::SchemeList)
        } else if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphabetic()) {
            Err(EntryProblem::InvalidScheme(scheme.to_owned()))
        } else {
            // URL schemes are case-insensitive and the url crate lower-cases the request's.
            Ok(SchemePattern::Exact(scheme.to_ascii_lowercase()))
        }
    }

    fn allows(&self, scheme: &str) -> bool {
        match self {
            SchemePattern::Any => true,
            SchemePattern::Exact(allowed) => allowed.eq_ignore_ascii_case(scheme),
        }
    }
}

impl HostPattern {
    fn parse(host: &str) -> Result<HostPattern, EntryProblem> {
        let host = host.trim();
        match host {
            "*" => return Ok(HostPattern::Any),
            "self" | "self.alt" => return Ok(HostPattern::ToSelf),
            _ if host.starts_with('{') => return Err(EntryProblem::HostList),
            _ => {}
        }

        if let Some((address, prefix_length)) = host.split_once('/') {
            let looks_like_network = address.parse::<IpAddr>().is_ok()
                && !prefix_length.is_empty()
                && !prefix_length.contains('/');
            if looks_like_network {
                let network = host
                    .parse::<IpNet>()
                    .map_err(|_| EntryProblem::InvalidNetwork(host.to_owned()))?;
                return Ok(HostPattern::Network(network.trunc()));
            }
        }

        let host = host.strip_suffix('/').unwrap_or(host);
        if host.contains('/') {
            return Err(EntryProblem::Path);
        }

        if let Some(domain) = host.strip_prefix("*.") {
            if domain.contains('*') {
                return Err(EntryProblem::MisplacedWildcard);
            }
            return match Host::parse(domain) {
                Ok(Host::Domain(domain)) => Ok(HostPattern::AnySubdomainOf(format!(".{domain}"))),
                Ok(Host::Ipv4(_) | Host::Ipv6(_)) => Err(EntryProblem::WildcardOfAddress),
                Err(e) => Err(EntryProblem::InvalidHost {
                    host: domain.to_owned(),
                    reason: e.to_string(),
                }),
            };
        }
        if host.contains('*') {
            return Err(EntryProblem::MisplacedWildcard);
        }

        Host::parse(host)
            .map(HostPattern::Exact)
            .map_err(|e| EntryProblem::InvalidHost {
                host: host.to_owned(),
                reason: e.to_string(),
            })
    }

    fn allows(&self, host: &Host<String>) -> bool {
        match (self, host) {
            (HostPattern::Any, _) => true,
            (HostPattern::AnySubdomainOf(suffix), Host::Domain(domain)) => {
                domain.ends_with(suffix.as_str())
            }
            (HostPattern::AnySubdomainOf(_), Host::Ipv4(_) | Host::Ipv6(_)) => false,
            (HostPattern::Exact(allowed), host) => allowed == host,
            (HostPattern::Network(network), Host::Ipv4(ip)) => network.contains(&IpAddr::V4(*ip)),
            (HostPattern::Network(network), Host::Ipv6(ip)) => network.contains(&IpAddr::V6(*ip)),
            (HostPattern::Network(_), Host::Domain(_)) => false,
            // `self` only ever allows relative requests (check_self_request).
            (HostPattern::ToSelf, _) => false,
        }
    }
}

impl PortPattern {
    fn parse(port: &str, scheme: &str) -> Result<PortPattern, EntryProblem> {
        if port.is_empty() {
            return default_port(scheme)
                .map(PortPattern::Exact)
                .ok_or_else(|| EntryProblem::NoDefaultPort(scheme.to_owned()));
        }
        if port == "*" {
            return Ok(PortPattern::Any);
        }
        if port.starts_with('{') {
            return Err(EntryProblem::PortList);
        }
        let invalid = || EntryProblem::InvalidPort(port.to_owned());
        match port.split_once("..") {
            Some((start, end)) => {
                let start = start.parse().map_err(|_| invalid())?;
                let end = end.parse().map_err(|_| invalid())?;
                Ok(PortPattern::Range(start..end))
            }
            None => port.parse().map(PortPattern::Exact).map_err(|_| invalid()),
        }
    }

    fn allows(&self, port: Option<u16>, scheme: &str) -> bool {
        let Some(port) = port.or_else(|| default_port(scheme)) else {
            return matches!(self, PortPattern::Any);
        };
        match self {
            PortPattern::Any => true,
            PortPattern::Exact(allowed) => *allowed == port,
            PortPattern::Range(range) => range.contains(&port),
        }
    }
}

/// Where an outbound URL goes.
struct Destination {
    scheme: String,
    /// As the url crate reports it: IPv6 in brackets, special-scheme hosts normalised.
    host: String,
    /// Only if explicit and not the scheme's URL default (the url crate drops `:443` from
    /// `https://`), like Spin's `OutboundUrl`; used for the reported address.
    port: Option<u16>,
    /// The explicit port or the url crate's default for special schemes (`wss` is 443);
    /// `None` leaves the choice to the allow-list's own scheme defaults.
    effective_port: Option<u16>,
}

impl Destination {
    fn parse(url: &str, default_scheme: &str) -> Result<Destination, String> {
        let url = encode_userinfo(url);
        // Spin also retries URLs that have a scheme, which turns `http://[bad` into a
        // request to the host `http`; we retry only scheme-less addresses.
        let parsed = match Url::parse(&url) {
            Ok(parsed) if parsed.has_host() => parsed,
            Ok(_) | Err(_) if !url.contains("://") => {
                Url::parse(&format!("{default_scheme}://{url}")).map_err(|e| e.to_string())?
            }
            Ok(_) => return Err("no host".to_owned()),
            Err(e) => return Err(e.to_string()),
        };
        let host = parsed
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| "no host".to_owned())?
            .to_owned();
        Ok(Destination {
            scheme: parsed.scheme().to_owned(),
            host,
            port: parsed.port(),
            effective_port: parsed.port_or_known_default(),
        })
    }

    fn address(&self) -> String {
        match self.port {
            Some(port) => format!("{}://{}:{port}", self.scheme, self.host),
            None => format!("{}://{}", self.scheme, self.host),
        }
    }
}

/// The byte range of the userinfo (`user:password`) in `url`, found as Spin does: text
/// between the scheme's `://` and the first `@`, if that `@` comes before the first `/`.
fn userinfo_range(url: &str) -> Option<Range<usize>> {
    let at = url.find('@')?;
    let start = url.find("://").map_or(0, |index| index + 3);
    let path_start = url[start..]
        .find('/')
        .map_or(usize::MAX, |index| index + start);
    (start <= at && at < path_start).then_some(start..at)
}

/// Percent-encodes the userinfo so passwords with `#`, `?` or `@` cannot be mistaken for
/// URL structure; only the host and port are used afterwards.
fn encode_userinfo(url: &str) -> String {
    match userinfo_range(url) {
        Some(range) => {
            let encoded: String =
                url::form_urlencoded::byte_serialize(url[range.clone()].as_bytes()).collect();
            format!("{}{encoded}{}", &url[..range.start], &url[range.end..])
        }
        None => url.to_owned(),
    }
}

/// `url` with any credentials replaced, for error messages.
fn redact_userinfo(url: &str) -> String {
    match userinfo_range(url) {
        Some(range) => format!("{}***{}", &url[..range.start], &url[range.end..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(entries: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(&entries.iter().map(ToString::to_string).collect::<Vec<_>>())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn entry(text: &str) -> AllowedHost {
        AllowedHost::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn problem(text: &str) -> EntryProblem {
        match AllowedHost::parse(text) {
            Err(problem) => problem,
            Ok(parsed) => panic!("{text:?} should be rejected, parsed as {parsed:?}"),
        }
    }

    fn exact(scheme: &str, host: &str, port: PortPattern) -> AllowedHost {
        AllowedHost {
            scheme: SchemePattern::Exact(scheme.into()),
            host: HostPattern::Exact(Host::parse(host).unwrap()),
            port,
        }
    }

    fn allowed(list: &AllowedHosts, url: &str, default_scheme: &str) -> bool {
        list.check_url(url, default_scheme).is_ok()
    }

    // ---- parsing: accepted forms -------------------------------------------------------

    #[test]
    fn port_defaults_to_the_schemes_well_known_port() {
        for (text, scheme, port) in [
            ("postgres://db.example.com", "postgres", 5432),
            ("mysql://db.example.com", "mysql", 3306),
            ("redis://db.example.com", "redis", 6379),
            ("mqtt://db.example.com", "mqtt", 1883),
            ("http://db.example.com", "http", 80),
            ("https://db.example.com", "https", 443),
        ] {
            assert_eq!(
                entry(text),
                exact(scheme, "db.example.com", PortPattern::Exact(port)),
                "{text}"
            );
        }
    }

    #[test]
    fn explicit_ports_ranges_and_wildcards() {
        assert_eq!(
            entry("http://spin.fermyon.dev:4444"),
            exact("http", "spin.fermyon.dev", PortPattern::Exact(4444))
        );
        assert_eq!(
            entry("http://spin.fermyon.dev:4444..5555"),
            exact("http", "spin.fermyon.dev", PortPattern::Range(4444..5555))
        );
        assert_eq!(
            entry("rediss://cache:*"),
            exact("rediss", "cache", PortPattern::Any)
        );
    }

    #[test]
    fn one_trailing_slash_is_tolerated() {
        assert_eq!(
            entry("http://spin.fermyon.dev/"),
            entry("http://spin.fermyon.dev")
        );
        assert_eq!(
            entry("http://spin.fermyon.dev:4444/"),
            entry("http://spin.fermyon.dev:4444")
        );
        assert_eq!(entry("http://[::1]:8080/"), entry("http://[::1]:8080"));
        assert_eq!(
            entry("  http://spin.fermyon.dev  "),
            entry("http://spin.fermyon.dev")
        );
    }

    #[test]
    fn wildcards_for_every_part() {
        assert_eq!(
            entry("*://*:*"),
            AllowedHost {
                scheme: SchemePattern::Any,
                host: HostPattern::Any,
                port: PortPattern::Any
            }
        );
        assert_eq!(
            entry("*://spin.fermyon.dev:7777"),
            AllowedHost {
                scheme: SchemePattern::Any,
                host: HostPattern::Exact(Host::parse("spin.fermyon.dev").unwrap()),
                port: PortPattern::Exact(7777)
            }
        );
        assert_eq!(
            entry("http://*.Example.COM").host,
            HostPattern::AnySubdomainOf(".example.com".into())
        );
    }

    #[test]
    fn self_hosts() {
        assert_eq!(entry("http://self").host, HostPattern::ToSelf);
        assert_eq!(entry("http://self.alt").host, HostPattern::ToSelf);
        assert_eq!(entry("https://self:3000").port, PortPattern::Exact(3000));
    }

    #[test]
    fn ip_literals() {
        assert_eq!(
            entry("http://192.168.1.1"),
            exact("http", "192.168.1.1", PortPattern::Exact(80))
        );
        assert_eq!(
            entry("http://192.168.1.1:3002"),
            exact("http", "192.168.1.1", PortPattern::Exact(3002))
        );
        for (text, host, port) in [
            ("http://[::1]", "[::1]", PortPattern::Exact(80)),
            ("https://[::1]", "[::1]", PortPattern::Exact(443)),
            ("http://[::1]:8001", "[::1]", PortPattern::Exact(8001)),
            ("http://[::1]:*", "[::1]", PortPattern::Any),
            (
                "http://[::1]:8000..9000",
                "[::1]",
                PortPattern::Range(8000..9000),
            ),
            (
                "http://[2001:db8::1]",
                "[2001:db8::1]",
                PortPattern::Exact(80),
            ),
            (
                "http://[2001:db8::1]:443",
                "[2001:db8::1]",
                PortPattern::Exact(443),
            ),
        ] {
            assert_eq!(
                entry(text),
                exact("http", host, port.clone()).with_scheme_of(text),
                "{text}"
            );
        }
    }

    impl AllowedHost {
        fn with_scheme_of(mut self, text: &str) -> Self {
            self.scheme = SchemePattern::Exact(text.split_once("://").unwrap().0.into());
            self
        }
    }

    #[test]
    fn cidr_networks() {
        for (text, network, port) in [
            ("http://10.0.0.0/8", "10.0.0.0/8", PortPattern::Exact(80)),
            (
                "*://127.0.0.0/24:80",
                "127.0.0.0/24",
                PortPattern::Exact(80),
            ),
            // Host bits are dropped.
            (
                "*://127.0.0.1/24:63551",
                "127.0.0.0/24",
                PortPattern::Exact(63551),
            ),
            ("http://ff00::/8", "ff00::/8", PortPattern::Exact(80)),
            ("*://ff00::/8:80", "ff00::/8", PortPattern::Exact(80)),
            (
                "https://2001:db8::/32",
                "2001:db8::/32",
                PortPattern::Exact(443),
            ),
            (
                "http://2001:db8::/32:443",
                "2001:db8::/32",
                PortPattern::Exact(443),
            ),
            ("http://::1/128", "::1/128", PortPattern::Exact(80)),
        ] {
            let parsed = entry(text);
            assert_eq!(
                parsed.host,
                HostPattern::Network(network.parse().unwrap()),
                "{text}"
            );
            assert_eq!(parsed.port, port, "{text}");
        }
    }

    #[test]
    fn service_chaining_hosts_are_ordinary_domains() {
        assert_eq!(
            entry("http://sensors.spin.internal"),
            exact("http", "sensors.spin.internal", PortPattern::Exact(80))
        );
        assert_eq!(
            entry("http://*.spin.internal").host,
            HostPattern::AnySubdomainOf(".spin.internal".into())
        );
    }

    #[test]
    fn scheme_is_compared_case_insensitively() {
        let list = hosts(&["HTTPS://api.example.com"]);
        assert!(allowed(&list, "https://api.example.com/x", "https"));
    }

    // ---- parsing: rejected forms -------------------------------------------------------

    #[test]
    fn rejected_entries_name_the_problem() {
        use EntryProblem::*;
        let invalid_host = |host: &str| match problem(host) {
            InvalidHost { .. } => (),
            other => panic!("{host:?}: expected an invalid host, got {other:?}"),
        };
        for (text, expected) in [
            ("insecure:allow-all", InsecureAllowAll),
            ("spin.fermyon.dev", MissingScheme),
            ("spin.fermyon.dev:80", MissingScheme),
            ("localhost", MissingScheme),
            ("*", MissingScheme),
            ("", MissingScheme),
            ("[::1]:8080", MissingScheme),
            ("{http,https}://example.com", SchemeList),
            ("h2c://example.com:80", InvalidScheme("h2c".into())),
            ("://example.com:80", InvalidScheme(String::new())),
            ("http://{a.com,b.com}", HostList),
            ("http://spin.fermyon.dev/a", Path),
            ("http://spin.fermyon.dev:6666/a/b", Path),
            ("http://*.fermyon.dev/a", Path),
            ("http://example.com//", Path),
            ("http://*.example.com//", Path),
            ("http://self//", Path),
            ("http://[::1]//", Path),
            ("http://[::1]/foo", Path),
            ("http://[::1]:8080/foo", Path),
            ("http://example.com:8080/p", Path),
            ("http://127.0.0.0/24/p", Path),
            ("http://ff00::/8/extra", Path),
            ("http://exa*mple.com", MisplacedWildcard),
            ("http://*example.com", MisplacedWildcard),
            ("http://*.*.example.com", MisplacedWildcard),
            ("http://*.127.0.0.1", WildcardOfAddress),
            ("http://*.192.168.001.001", WildcardOfAddress),
            ("http://*.[::1]", WildcardOfAddress),
            ("http://*.[2001:db8::1]", WildcardOfAddress),
            ("http://10.0.0.0/33", InvalidNetwork("10.0.0.0/33".into())),
            ("http://example.com:{80,443}", PortList),
            (
                "http://example.com:notaport",
                InvalidPort("notaport".into()),
            ),
            ("http://example.com:99999", InvalidPort("99999".into())),
            (
                "http://example.com:8080..70000",
                InvalidPort("8080..70000".into()),
            ),
            ("http://*.example.com:8080..", InvalidPort("8080..".into())),
            ("http://*.example.com:8O8O", InvalidPort("8O8O".into())),
            ("http://self:notaport", InvalidPort("notaport".into())),
            ("http://[::1]:notaport", InvalidPort("notaport".into())),
            ("http://[::1junk", InvalidPort("1junk".into())),
            ("http://[::1]:99999", InvalidPort("99999".into())),
            ("http://ff00::/8:99999", InvalidPort("99999".into())),
            ("*://127.0.0.0/24", NoDefaultPort("*".into())),
            ("*://example.com", NoDefaultPort("*".into())),
            ("rediss://cache.example.com", NoDefaultPort("rediss".into())),
            ("tcp://example.com", NoDefaultPort("tcp".into())),
        ] {
            assert_eq!(problem(text), expected, "{text:?}");
        }
        for text in [
            "http://",
            "http://:80",
            "http://[::1",
            "http://[::1]junk",
            "http://[::1]::80",
            "http://[v1.]",
            "http://*.",
            "http://*.:8080",
            "http://example%.com",
            "http://example%GG.com",
            "http://exa[mple.com",
            r"http://exa\mple.com",
            "http://example.com:80:90",
            "http://zootle! wurdl!",
        ] {
            invalid_host(text);
        }
    }

    #[test]
    fn error_names_the_entry_and_problem() {
        let err = AllowedHosts::parse(&[
            "https://ok.example.com".into(),
            "db.example.com:5432".into(),
        ])
        .unwrap_err();
        assert_eq!(err.entry, "db.example.com:5432");
        assert_eq!(err.problem, EntryProblem::MissingScheme);
        assert!(
            err.to_string().starts_with(
                "invalid allowed_outbound_hosts entry \"db.example.com:5432\": no scheme"
            ),
            "{err}"
        );
    }

    // ---- templates ---------------------------------------------------------------------

    fn expand_with<'a>(
        values: &'a [(&'a str, &'a str)],
    ) -> impl FnMut(&str) -> Result<String, String> + 'a {
        move |entry: &str| {
            let mut text = entry.to_owned();
            for (name, value) in values {
                text = text.replace(&format!("{{{{ {name} }}}}"), value);
            }
            if text.contains("{{") {
                Err(format!("unresolved variable in {entry}"))
            } else {
                Ok(text)
            }
        }
    }

    #[test]
    fn templated_entries_are_expanded() {
        let entries = vec![
            "postgres://{{ db_host }}:{{ db_port }}".to_string(),
            "https://static.example.com".to_string(),
        ];
        let list = AllowedHosts::parse_with_templates(
            &entries,
            expand_with(&[("db_host", "db.example.com"), ("db_port", "6543")]),
        )
        .unwrap();
        assert!(list.check_parts("postgres", "db.example.com", 6543).is_ok());
        assert!(list
            .check_parts("postgres", "db.example.com", 5432)
            .is_err());
        assert!(allowed(&list, "https://static.example.com/a.png", "https"));
    }

    #[test]
    fn templated_entries_that_expand_to_nothing_are_dropped() {
        let entries = vec![
            "https://{{ one }}".to_string(),
            "{{ two }}".to_string(),
            "http://{{ one }}".to_string(),
            "https://three".to_string(),
        ];
        let list =
            AllowedHosts::parse_with_templates(&entries, expand_with(&[("one", ""), ("two", "")]))
                .unwrap();
        assert_eq!(list.entries.len(), 1);
        assert!(allowed(&list, "https://three", "https"));
    }

    #[test]
    fn literal_empty_entries_are_not_dropped() {
        let err = AllowedHosts::parse_with_templates(&["https://".to_string()], expand_with(&[]))
            .unwrap_err();
        assert!(
            matches!(err.problem, EntryProblem::InvalidHost { .. }),
            "{err}"
        );
    }

    #[test]
    fn invalid_expansions_report_entry_and_expansion() {
        let err = AllowedHosts::parse_with_templates(
            &["http://{{ db_host }}".to_string()],
            expand_with(&[("db_host", "zoinks, Scooby!")]),
        )
        .unwrap_err();
        assert_eq!(err.entry, "http://{{ db_host }}");
        assert_eq!(err.expanded.as_deref(), Some("http://zoinks, Scooby!"));
        assert!(
            err.to_string().starts_with(
                "invalid allowed_outbound_hosts entry \"http://{{ db_host }}\" (expands to \"http://zoinks, Scooby!\"): invalid host"
            ),
            "{err}"
        );
    }

    #[test]
    fn expansion_failures_are_reported() {
        let err = AllowedHosts::parse_with_templates(
            &["http://{{ missing }}".to_string()],
            expand_with(&[]),
        )
        .unwrap_err();
        assert_eq!(
            err.problem,
            EntryProblem::Template("unresolved variable in http://{{ missing }}".into())
        );
    }

    // ---- checking URLs -----------------------------------------------------------------

    #[test]
    fn specific_hosts_allow_only_their_scheme_host_and_port() {
        let list = hosts(&["*://spin.fermyon.dev:443", "http://example.com:8383"]);
        assert!(allowed(&list, "http://example.com:8383/foo/bar", "http"));
        assert!(allowed(&list, "https://spin.fermyon.dev", "https"));
        assert!(allowed(&list, "https://spin.fermyon.dev/", "https"));
        // The url crate drops `:443` from `wss://`; it still counts as port 443. (Spin
        // denies this: it only knows its own list of default ports.)
        assert!(allowed(&list, "wss://spin.fermyon.dev:443", "https"));
        assert!(allowed(&list, "wss://spin.fermyon.dev", "https"));
        assert!(!allowed(&list, "http://example.com/", "http"));
        assert!(!allowed(&list, "https://example.com:8383/", "http"));
        assert!(!allowed(&list, "http://google.com/", "http"));
        // No scheme: the default scheme is assumed.
        assert!(allowed(&list, "spin.fermyon.dev:443", "https"));
        assert!(allowed(&list, "example.com:8383", "http"));
    }

    #[test]
    fn entries_without_port_allow_the_default_port_explicit_or_not() {
        let list = hosts(&["https://my.api.com/", "redis://cache", "postgres://db"]);
        assert!(allowed(&list, "https://my.api.com", "https"));
        assert!(allowed(&list, "https://my.api.com:443/x", "https"));
        assert!(!allowed(&list, "https://my.api.com:8443/x", "https"));
        assert!(!allowed(&list, "http://my.api.com", "https"));
        assert!(allowed(&list, "redis://cache", "redis"));
        assert!(allowed(&list, "redis://cache:6379/0", "redis"));
        assert!(!allowed(&list, "redis://cache:6380", "redis"));
        assert!(!allowed(&list, "rediss://cache:6379", "redis"));
    }

    #[test]
    fn port_ranges_are_half_open() {
        let list = hosts(&["http://localhost:8000..9000"]);
        assert!(allowed(&list, "http://localhost:8000", "http"));
        assert!(allowed(&list, "http://localhost:8999", "http"));
        assert!(!allowed(&list, "http://localhost:9000", "http"));
        assert!(!allowed(&list, "http://localhost:7999", "http"));
        assert!(!allowed(&list, "http://localhost", "http"));
    }

    #[test]
    fn wildcard_port_allows_schemes_without_a_default_port() {
        let list = hosts(&["*://example.com:*"]);
        assert!(allowed(&list, "tcp://example.com", "tcp"));
        assert!(allowed(&list, "https://example.com:1", "https"));
        let specific = hosts(&["*://example.com:1234"]);
        assert!(!allowed(&specific, "tcp://example.com", "tcp"));
    }

    #[test]
    fn subdomain_wildcards_match_subdomains_only() {
        let list = hosts(&["http://*.example.com", "http://*.example2.com:8383"]);
        assert!(allowed(&list, "http://a.example.com/foo/bar", "http"));
        assert!(allowed(&list, "http://a.b.example.com/foo/bar", "http"));
        assert!(allowed(&list, "http://A.Example.Com", "http"));
        assert!(allowed(
            &list,
            "http://a.b.example2.com:8383/foo/bar",
            "http"
        ));
        assert!(!allowed(&list, "http://a.b.example2.com/foo/bar", "http"));
        assert!(!allowed(&list, "http://example.com/foo/bar", "http"));
        assert!(!allowed(&list, "http://example.com:8383/foo/bar", "http"));
        assert!(!allowed(&list, "http://myexample.com/foo/bar", "http"));
        assert!(!allowed(&list, "http://127.0.0.1", "http"));
    }

    #[test]
    fn any_host_allows_every_host() {
        let list = hosts(&["https://*"]);
        assert!(allowed(&list, "https://anything.example", "https"));
        assert!(allowed(&list, "https://10.1.2.3", "https"));
        assert!(allowed(&list, "https://[::1]", "https"));
        assert!(!allowed(&list, "http://anything.example", "https"));
    }

    #[test]
    fn ip_literals_and_networks() {
        let list = hosts(&[
            "http://[::1]",
            "http://192.168.1.1:8080",
            "*://10.0.0.0/8:5432",
        ]);
        assert!(allowed(&list, "http://[::1]", "http"));
        assert!(allowed(&list, "http://[::1]/some/path", "http"));
        assert!(allowed(&list, "http://[::1]:80", "http"));
        assert!(!allowed(&list, "http://[::2]", "http"));
        assert!(!allowed(&list, "http://[::1]:81", "http"));
        assert!(allowed(&list, "http://192.168.1.1:8080", "http"));
        assert!(!allowed(&list, "http://192.168.1.2:8080", "http"));
        assert!(allowed(&list, "postgres://10.20.30.40:5432", "postgres"));
        assert!(!allowed(&list, "postgres://11.0.0.1:5432", "postgres"));
        // A network never matches a name, even one that resolves into it.
        assert!(!allowed(&list, "postgres://localhost:5432", "postgres"));

        let v6 = hosts(&["http://2001:db8::/32"]);
        assert!(allowed(&v6, "http://[2001:db8::1]", "http"));
        assert!(allowed(&v6, "http://[2001:db8:abcd::1]/x", "http"));
        assert!(!allowed(&v6, "http://[2001:db9::1]", "http"));
    }

    #[test]
    fn names_are_not_addresses() {
        let list = hosts(&["http://localhost"]);
        assert!(allowed(&list, "http://localhost:80/x", "http"));
        assert!(allowed(&list, "http://LOCALHOST", "http"));
        assert!(!allowed(&list, "http://127.0.0.1", "http"));
    }

    #[test]
    fn non_special_schemes_compare_hosts_case_insensitively() {
        let list = hosts(&["redis://cache.example.com", "mqtt://127.0.0.1"]);
        assert!(allowed(&list, "redis://CACHE.example.com", "redis"));
        assert!(allowed(&list, "mqtt://127.0.0.1:1883?client_id=x", "mqtt"));
    }

    #[test]
    fn credentials_with_url_syntax_in_them_are_handled() {
        let list = hosts(&[
            "mysql://xyz.com",
            "redis://cache:6379",
            "https://example.com",
        ]);
        assert!(allowed(&list, "mysql://user:pass#word@xyz.com", "mysql"));
        assert!(allowed(
            &list,
            "mysql://user%3Apass%23word@xyz.com",
            "mysql"
        ));
        assert!(allowed(&list, "user%3Apass%23word@xyz.com", "mysql"));
        assert!(allowed(&list, "redis://:s3cr?t@cache:6379/0", "redis"));
        assert!(allowed(
            &list,
            "https://example.com/file@0.1.0.json",
            "https"
        ));
        assert!(allowed(
            &list,
            "https://user:password@example.com/file@0.1.0.json",
            "https"
        ));
        assert!(allowed(
            &list,
            "https://user:pass#word@example.com/file@0.1.0.json",
            "https"
        ));
        assert!(allowed(&list, "https://user:p@ss@example.com", "https"));
    }

    #[test]
    fn self_entries_never_match_absolute_urls() {
        let list = hosts(&["http://self"]);
        assert!(!allowed(&list, "http://self/x", "http"));
        assert!(!allowed(&list, "http://localhost/x", "http"));
    }

    // ---- denial messages ---------------------------------------------------------------

    #[test]
    fn denial_names_the_address_and_suggests_an_entry() {
        let list = hosts(&[]);
        let denied = list
            .check_parts("postgres", "db.example.com", 5432)
            .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "address postgres://db.example.com:5432 is not permitted by allowed_outbound_hosts"
        );
        assert_eq!(
            denied.hint(),
            r#"allowed_outbound_hosts = ["postgres://db.example.com:5432"]"#
        );
        assert_eq!(denied.address(), "postgres://db.example.com:5432");
    }

    #[test]
    fn denied_urls_are_reduced_to_scheme_host_and_explicit_port() {
        let list = hosts(&[]);
        for (url, default_scheme, address) in [
            (
                "https://api.example.com/v1/x?y=1",
                "https",
                "https://api.example.com",
            ),
            (
                "https://api.example.com:443/",
                "https",
                "https://api.example.com",
            ),
            (
                "http://api.example.com:8080/",
                "https",
                "http://api.example.com:8080",
            ),
            ("redis://:pw@cache:6379/0", "redis", "redis://cache:6379"),
            ("redis://cache", "redis", "redis://cache"),
            (
                "mqtt://broker:1883?client_id=a",
                "mqtt",
                "mqtt://broker:1883",
            ),
            ("cache:6380", "redis", "redis://cache:6380"),
            ("http://[::1]:9000/x", "https", "http://[::1]:9000"),
            ("http://API.Example.com/", "https", "http://api.example.com"),
        ] {
            let denied = list.check_url(url, default_scheme).unwrap_err();
            assert_eq!(denied.address(), address, "{url}");
            // The suggested entry really allows the destination.
            let suggested = hosts(&[address]);
            assert!(
                suggested.check_url(url, default_scheme).is_ok(),
                "{url} with {address}"
            );
        }
    }

    #[test]
    fn unparsable_addresses_are_denied_without_leaking_credentials() {
        let list = AllowedHosts::allow_all();
        let denied = list
            .check_url("redis://user:secret@[::1/x", "redis")
            .unwrap_err();
        let message = denied.to_string();
        assert!(message.contains("cannot be checked"), "{message}");
        assert!(!message.contains("secret"), "{message}");
        assert!(denied.hint().contains("scheme://host[:port]"));
        assert!(list.check_url("", "https").is_err());
        assert!(list.check_url("http://", "https").is_err());
        assert!(list.check_url("http://[::1/x", "https").is_err());
        assert!(list.check_url("mailto:someone", "https").is_err());
    }

    #[test]
    fn check_parts_accepts_bare_and_bracketed_ipv6() {
        let list = hosts(&["postgres://[::1]"]);
        assert!(list.check_parts("postgres", "::1", 5432).is_ok());
        assert!(list.check_parts("postgres", "[::1]", 5432).is_ok());
        let denied = list.check_parts("postgres", "::2", 5432).unwrap_err();
        assert_eq!(denied.address(), "postgres://[::2]:5432");
    }

    // ---- self requests and service chaining --------------------------------------------

    #[test]
    fn self_requests_are_relative_or_self_alt() {
        assert!(is_self_request("/api/x"));
        assert!(is_self_request("/"));
        assert!(is_self_request("http://self.alt/api"));
        assert!(is_self_request("https://self.alt:3000/api"));
        assert!(!is_self_request("http://self/api"));
        assert!(!is_self_request("http://example.com/"));
        assert!(!is_self_request("//example.com/x"));
        assert!(!is_self_request("http://sensors.spin.internal/"));
    }

    #[test]
    fn self_requests_need_a_self_or_wildcard_host_with_an_http_scheme() {
        for (entries, expected) in [
            (&["http://self"][..], true),
            (&["https://self.alt"][..], true),
            (&["http://self:1234"][..], true),
            (&["*://self:*"][..], true),
            (&["http://*"][..], true),
            (&["*://*:*"][..], true),
            (&["redis://self"][..], false),
            (&["http://localhost"][..], false),
            (&["http://*.example.com"][..], false),
            (&[][..], false),
        ] {
            let list = hosts(entries);
            assert_eq!(
                list.check_http_request("/api").is_ok(),
                expected,
                "{entries:?}"
            );
            assert_eq!(
                list.check_http_request("http://self.alt/api").is_ok(),
                expected,
                "{entries:?}"
            );
        }
        let denied = hosts(&[]).check_self_request().unwrap_err();
        assert_eq!(denied.hint(), r#"allowed_outbound_hosts = ["http://self"]"#);
    }

    #[test]
    fn http_requests_default_to_https() {
        let list = hosts(&["https://api.example.com"]);
        assert!(list.check_http_request("https://api.example.com/x").is_ok());
        assert!(list.check_http_request("api.example.com/x").is_ok());
        assert!(list.check_http_request("http://api.example.com/x").is_err());
    }

    #[test]
    fn chaining_permissions() {
        let specific = hosts(&["http://sensors.spin.internal"]);
        assert!(specific.allows_chaining_to("sensors"));
        assert!(!specific.allows_chaining_to("billing"));
        assert!(specific
            .check_http_request("http://sensors.spin.internal/readings")
            .is_ok());

        let wildcard = hosts(&["http://*.spin.internal"]);
        assert!(wildcard.allows_chaining_to("sensors"));
        assert!(wildcard.allows_chaining_to("billing"));
        // Chaining is plain HTTP on port 80 unless an entry says otherwise.
        assert!(wildcard
            .check_http_request("https://sensors.spin.internal/")
            .is_err());

        assert!(AllowedHosts::allow_all().allows_chaining_to("anything"));
        assert!(!hosts(&["http://self", "https://*.example.com"]).allows_chaining_to("sensors"));
        let denied = hosts(&[])
            .check_http_request("http://sensors.spin.internal/x")
            .unwrap_err();
        assert_eq!(
            denied.hint(),
            r#"allowed_outbound_hosts = ["http://sensors.spin.internal"]"#
        );
    }

    #[test]
    fn chaining_target_accepts_one_label_before_spin_internal() {
        assert_eq!(chaining_target("sensors.spin.internal"), Some("sensors"));
        assert_eq!(chaining_target("sensors.spin.internal:80"), Some("sensors"));
        assert_eq!(
            chaining_target("my-worker.spin.internal"),
            Some("my-worker")
        );
        assert_eq!(chaining_target("a.b.spin.internal"), None);
        assert_eq!(chaining_target(".spin.internal"), None);
        assert_eq!(chaining_target("spin.internal"), None);
        assert_eq!(chaining_target("sensors.spin.internal.example.com"), None);
        assert_eq!(chaining_target("example.com"), None);
    }

    #[test]
    fn allow_all_allows_everything() {
        let list = AllowedHosts::allow_all();
        assert!(allowed(&list, "tcp://anything:1", "tcp"));
        assert!(list.check_parts("postgres", "10.0.0.1", 5432).is_ok());
        assert!(list.check_self_request().is_ok());
        assert_eq!(list, hosts(&["*://*:*"]));
    }

    #[test]
    fn empty_list_denies_everything() {
        let list = hosts(&[]);
        assert!(!allowed(&list, "https://example.com", "https"));
        assert!(list.check_self_request().is_err());
        assert!(!list.allows_chaining_to("sensors"));
    }

    // ---- Postgres ----------------------------------------------------------------------

    #[test]
    fn postgres_url_form() {
        assert_eq!(
            postgres_targets("postgres://user:pw@db.example.com:6543/city").unwrap(),
            [("db.example.com".to_string(), 6543)]
        );
        assert_eq!(
            postgres_targets("postgresql://user@localhost/city").unwrap(),
            [("localhost".to_string(), 5432)]
        );
        assert_eq!(
            postgres_targets("postgres://u:p@h1:1234,h2,[::1]:5678/db?sslmode=disable").unwrap(),
            [
                ("h1".to_string(), 1234),
                ("h2".to_string(), 5432),
                ("::1".to_string(), 5678)
            ]
        );
        // A password with URL syntax characters, percent-encoded as libpq requires.
        assert_eq!(
            postgres_targets("postgres://user:p%40ss%2Fw@db:5432/x").unwrap(),
            [("db".to_string(), 5432)]
        );
    }

    #[test]
    fn postgres_key_value_form() {
        assert_eq!(
            postgres_targets("host=db.example.com port=6543 dbname=city user=app").unwrap(),
            [("db.example.com".to_string(), 6543)]
        );
        assert_eq!(
            postgres_targets("host=db.example.com dbname=city").unwrap(),
            [("db.example.com".to_string(), 5432)]
        );
        // One port applies to every host; otherwise ports pair with hosts.
        assert_eq!(
            postgres_targets("host=a,b port=7000").unwrap(),
            [("a".to_string(), 7000), ("b".to_string(), 7000)]
        );
        assert_eq!(
            postgres_targets("host=a,b port=7000,7001").unwrap(),
            [("a".to_string(), 7000), ("b".to_string(), 7001)]
        );
        // An empty port entry means 5432.
        assert_eq!(
            postgres_targets("host=a,b port=,7001").unwrap(),
            [("a".to_string(), 5432), ("b".to_string(), 7001)]
        );
    }

    #[test]
    fn postgres_hostaddr_is_what_gets_dialled() {
        assert_eq!(
            postgres_targets("host=db.example.com hostaddr=10.1.2.3 port=5433").unwrap(),
            [("10.1.2.3".to_string(), 5433)]
        );
        assert_eq!(
            postgres_targets("hostaddr=10.1.2.3").unwrap(),
            [("10.1.2.3".to_string(), 5432)]
        );
    }

    #[test]
    fn postgres_rejections() {
        for (conn, fragment) in [
            ("host=/var/run/postgresql dbname=x", "Unix sockets"),
            (
                "postgresql://%2Fvar%2Frun%2Fpostgresql/mydb",
                "Unix sockets",
            ),
            ("postgresql:///mydb?host=/tmp", "Unix sockets"),
            ("dbname=city user=app", "names no host"),
            ("host=a,b,c port=1,2", "3 hosts"),
            ("host=a,b hostaddr=10.0.0.1", "hostaddrs"),
            ("host=a port=notaport", "invalid postgres connection string"),
            ("host='unterminated", "invalid postgres connection string"),
        ] {
            let err = postgres_targets(conn).unwrap_err();
            assert!(err.contains(fragment), "{conn:?}: {err}");
        }
    }

    #[test]
    fn check_postgres_checks_every_host() {
        let list = hosts(&[
            "postgres://primary.example.com",
            "postgres://10.0.0.0/8:6543",
        ]);
        assert!(list
            .check_postgres("postgres://u:p@primary.example.com/db")
            .is_ok());
        assert!(list
            .check_postgres("host=primary.example.com,10.0.0.7 port=5432,6543")
            .is_ok());
        let denied = list
            .check_postgres("host=primary.example.com,replica.example.com")
            .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "address postgres://replica.example.com:5432 is not permitted by allowed_outbound_hosts"
        );
        // hostaddr bypass attempt: the name is allowed but the dialled address is not.
        assert!(list
            .check_postgres("host=primary.example.com hostaddr=192.168.0.9")
            .is_err());
        let unparsable = list
            .check_postgres("host=/tmp password=hunter2")
            .unwrap_err();
        assert!(
            unparsable.to_string().contains("Unix sockets"),
            "{unparsable}"
        );
        assert!(!unparsable.to_string().contains("hunter2"));
    }
}

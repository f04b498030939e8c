//! HTTP routing with Spin's semantics.
//!
//! Spin routes with the `routefinder` crate (0.5) after rewriting a trailing `/...` to
//! `/*`. This module reimplements that matcher so that CityFlow picks the same component,
//! computes the same `spin-*` headers and breaks ties the same way:
//!
//! - A route is split at every `/` and `.` into literal text, `:name` parameters (one path
//!   segment, or up to the next `.` when the route has a `.` right after the parameter) and a
//!   trailing `*` wildcard (zero or more segments). Empty segments collapse, so `/a//b` is
//!   `/a/b`. Leading and trailing slashes of the request path are ignored, so `/a/` matches
//!   `/a`, but an inner `//` in the path does not match a single `/`.
//! - Precedence is decided segment by segment from the left: a literal beats a parameter,
//!   which beats the wildcard. So `/a/b` beats `/a/:x` beats `/a/...`, `/a/:x/...` beats
//!   `/a/...`, and `/a/...` beats `/:x/b` even for the path `/a/b`. When one route's segments
//!   are a prefix of the other's, the shorter route wins: `/a` beats `/a/...` for `/a`.
//!   Equivalent routes (`/a/...` and `/a/*`, `/a` and `/a/`, `/:x` and `/:y`) keep manifest
//!   order: the first one wins.
//! - Byte-identical routes are duplicates: the later trigger wins and a warning is
//!   returned, as `spin up` logs them.
//! - Paths are matched as received (percent-encoded, case-sensitive); there is no decoding.
//!
//! Where Spin would accept a route that can never work, we reject it when the router is
//! built instead (see [`RouteProblem`]).

use std::cmp::Ordering;
use std::fmt;

/// Requests under this prefix are answered by the runtime itself (`health`, `info`) and are
/// never routed to a component.
pub const WELL_KNOWN_PREFIX: &str = "/.well-known/spin/";

/// The `spin-client-addr` value Spin sends to a component reached by service chaining
/// (the request never crossed a network).
pub const CHAINED_CLIENT_ADDR: &str = "0.0.0.0:0";

/// The trailing wildcard as written in manifests.
const MANIFEST_WILDCARD_SUFFIX: &str = "/...";

/// The `route` of a `[[trigger.http]]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteSpec {
    /// `route = "/path"`.
    Path(String),
    /// `route = { private = true }`: reachable only through service chaining. (Spin rejects
    /// `{ private = false }`; the manifest loader must do the same.)
    Private,
}

/// A route that cannot be used, or an HTTP trigger `base` Spin no longer accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    /// A `route` string is malformed.
    #[error("invalid route {route:?} for {target}: {problem}")]
    InvalidRoute {
        /// The route as written in the manifest.
        route: String,
        /// The component (or trigger) it belongs to.
        target: String,
        /// What is wrong with it.
        problem: RouteProblem,
    },
    /// `[application.trigger.http] base` other than `/`.
    #[error(
        "the HTTP trigger 'base' ({base:?}) is no longer supported: \
         prepend it to each [[trigger.http]] route instead"
    )]
    UnsupportedBase {
        /// The base found in the manifest.
        base: String,
    },
}

/// What is wrong with a route string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteProblem {
    /// The route does not start with `/`. (Spin's router would silently prefix one; its
    /// manifest schema documents that routes must begin with `/`.)
    #[error("a route must start with '/'")]
    NotAbsolute,
    /// Request paths are ASCII (percent-encoded), so a non-ASCII literal could never match.
    #[error(
        "a route must be ASCII; percent-encode other characters as they appear in request paths"
    )]
    NotAscii,
    /// `/...` or `*` followed by more segments. (Spin accepts `/a/*/b` and then panics while
    /// matching a request against it.)
    #[error("the wildcard ('/...' or '/*') must be the last segment")]
    WildcardNotLast,
    /// `*name`: the wildcard is anonymous.
    #[error("the wildcard takes no name: write '*' instead of {0:?}")]
    NamedWildcard(String),
    /// A bare `:`.
    #[error("a ':' parameter needs a name")]
    UnnamedParameter,
    /// A parameter name that cannot appear in the `spin-path-match-<name>` header name.
    /// (Spin accepts it and then fails every request that matches.)
    #[error("parameter name {0:?} cannot be used in a spin-path-match-<name> header name")]
    InvalidParameterName(String),
}

/// Routes requests to targets (component ids, or whatever the runtime keys handlers by).
#[derive(Debug, Clone)]
pub struct Router<T> {
    /// Public routes, highest precedence first.
    routes: Vec<RouteEntry<T>>,
}

#[derive(Debug, Clone)]
struct RouteEntry<T> {
    target: T,
    /// As written in the manifest.
    raw_route: String,
    /// Base applied and one trailing slash removed, as Spin reports it (`/` becomes "").
    based_route: String,
    /// `raw_route` without a trailing `/...`.
    component_route: String,
    pattern: Pattern,
}

/// The result of routing a request (or of addressing a component by service chaining).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteMatch<'r, T> {
    /// The handler the route points at.
    pub target: &'r T,
    /// The route as written in the manifest, e.g. `/api/...` (`spin-raw-component-route`).
    pub raw_route: &'r str,
    /// The route with the app base applied and one trailing slash dropped, e.g.
    /// `/api/...`; the root route `/` gives "" (`spin-matched-route`).
    pub based_route: &'r str,
    /// The raw route without a trailing `/...`, e.g. `/api`; `/...` gives "" and `/api/*`
    /// stays `/api/*`, as in Spin (`spin-component-route`).
    pub component_route: &'r str,
    /// What the trailing wildcard matched, with a leading `/` and the request's trailing
    /// slash kept (`/x/y`, `/x/y/`, `/` or ""), or "" for routes without one
    /// (`spin-path-info`).
    pub path_info: String,
    /// `:name` parameters in route order with the path segment each matched
    /// (`spin-path-match-<name>`). The trailing wildcard is not included: Spin exposes it
    /// only as `spin-path-info`.
    pub named: Vec<(String, String)>,
}

impl<'r, T> RouteMatch<'r, T> {
    /// The match Spin fabricates for a service-chaining request to
    /// `http://<component>.spin.internal<path>`: as if the target were routed at `/...`,
    /// whatever its real route (even `{ private = true }`), so `path_info` is the whole
    /// request path (without the query).
    pub fn synthetic_for_chaining(target: &'r T, path: &str) -> RouteMatch<'r, T> {
        RouteMatch {
            target,
            raw_route: MANIFEST_WILDCARD_SUFFIX,
            based_route: MANIFEST_WILDCARD_SUFFIX,
            component_route: "",
            path_info: path.to_owned(),
            named: Vec::new(),
        }
    }
}

impl<T: fmt::Display> Router<T> {
    /// Builds the router from the HTTP triggers in manifest order. `base` is the app's HTTP
    /// base (normally `/`; see [`check_trigger_base`]). Returns warnings for routes that can
    /// never be reached: duplicates, routes shadowed by an equivalent earlier route, and
    /// routes under [`WELL_KNOWN_PREFIX`].
    pub fn build(
        base: &str,
        routes: Vec<(RouteSpec, T)>,
    ) -> Result<(Router<T>, Vec<String>), RouteError> {
        let mut warnings = Vec::new();
        // Manifest order with byte-identical routes merged: the slot of the first occurrence
        // keeps its position and takes the latest target, like Spin's IndexMap.
        let mut unique: Vec<RouteEntry<T>> = Vec::new();

        for (spec, target) in routes {
            let raw_route = match spec {
                // Private targets are reached by service chaining, never through the router.
                RouteSpec::Private => continue,
                RouteSpec::Path(raw_route) => raw_route,
            };
            let entry = RouteEntry::new(base, raw_route, target)?;
            match unique.iter_mut().find(|e| e.raw_route == entry.raw_route) {
                Some(existing) => {
                    warnings.push(format!(
                        "route {} of {} is a duplicate of the same route of {} and will never be used",
                        display_route(&existing.based_route),
                        existing.target,
                        entry.target,
                    ));
                    existing.target = entry.target;
                }
                None => unique.push(entry),
            }
        }

        let mut ordered: Vec<RouteEntry<T>> = Vec::with_capacity(unique.len());
        for entry in unique {
            if let Some(shadowing) = ordered
                .iter()
                .find(|e| e.pattern.is_equivalent(&entry.pattern))
            {
                warnings.push(format!(
                    "route {} of {} will never be used: the equivalent route {} of {} comes first",
                    entry.raw_route, entry.target, shadowing.raw_route, shadowing.target,
                ));
            }
            if entry.based_route.starts_with(WELL_KNOWN_PREFIX) {
                warnings.push(format!(
                    "route {} of {} will never be reached: routes under {WELL_KNOWN_PREFIX} are handled by the runtime",
                    entry.based_route, entry.target,
                ));
            }
            // Same position rule as routefinder's ordered map: before the first route this
            // one outranks, otherwise after every route it ties with.
            let position = ordered
                .iter()
                .position(|existing| entry.pattern.takes_precedence_over(&existing.pattern))
                .unwrap_or(ordered.len());
            ordered.insert(position, entry);
        }

        Ok((
            Router {
                routes: ordered,
            },
            warnings,
        ))
    }
}

impl<T> Router<T> {
    /// Finds the highest-precedence route matching `path` (the request path without the
    /// query, as received). Paths under [`WELL_KNOWN_PREFIX`] never match: the server answers
    /// them itself. Private targets never match.
    pub fn route(&self, path: &str) -> Option<RouteMatch<'_, T>> {
        if path.starts_with(WELL_KNOWN_PREFIX) {
            return None;
        }
        self.routes.iter().find_map(|entry| {
            let captures = entry.pattern.match_path(path)?;
            Some(RouteMatch {
                target: &entry.target,
                raw_route: &entry.raw_route,
                based_route: &entry.based_route,
                component_route: &entry.component_route,
                path_info: captures
                    .wildcard
                    .map(|matched| path_info(matched, path.ends_with('/')))
                    .unwrap_or_default(),
                named: entry
                    .pattern
                    .parameter_names()
                    .zip(captures.parameters)
                    .map(|(name, value)| (name.to_owned(), value.to_owned()))
                    .collect(),
            })
        })
    }

    /// Public routes in precedence order (highest first): the route as written and its
    /// target.
    #[cfg(test)]
    pub fn routes(&self) -> impl Iterator<Item = (&str, &T)> {
        self.routes
            .iter()
            .map(|entry| (entry.raw_route.as_str(), &entry.target))
    }
}

/// Applies Spin's rule for the HTTP trigger `base` (`[application.trigger.http] base`):
/// absent is fine, `/` is accepted with a deprecation warning (returned), anything else is
/// an error because Spin 2+ expects the base to be part of each route.
pub fn check_trigger_base(base: Option<&str>) -> Result<Option<String>, RouteError> {
    match base {
        None => Ok(None),
        Some("/") => Ok(Some(
            "the HTTP trigger 'base' is deprecated; remove `base = \"/\"` from the manifest"
                .to_owned(),
        )),
        Some(other) => Err(RouteError::UnsupportedBase {
            base: other.to_owned(),
        }),
    }
}

/// `spin-full-url` as Spin builds it: the server's scheme, the request's `Host` header (or
/// `localhost` when there is none) and the path with query.
pub fn full_url(scheme: &str, host_header: Option<&str>, path_and_query: &str) -> String {
    let host = host_header.unwrap_or("localhost");
    format!("{scheme}://{host}{path_and_query}")
}

/// The headers Spin adds to a request before handing it to a component, in Spin's order.
/// `client_addr` is the peer's socket address as `ip:port` (`[ip6]:port` for IPv6), or
/// [`CHAINED_CLIENT_ADDR`] for service chaining. `base` becomes `spin-base-path`; Spin only
/// runs apps whose base is `/`. A `:name` parameter becomes `spin-path-match-<name>` with
/// the name lower-cased and `_` turned into `-` (`:user_id` gives
/// `spin-path-match-user-id`); when two parameters map to the same header the later one
/// wins.
pub fn spin_headers<T>(
    m: &RouteMatch<'_, T>,
    full_url: &str,
    base: &str,
    client_addr: &str,
) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = [
        ("spin-path-info", m.path_info.as_str()),
        ("spin-full-url", full_url),
        ("spin-matched-route", m.based_route),
        ("spin-base-path", base),
        ("spin-raw-component-route", m.raw_route),
        ("spin-component-route", m.component_route),
        ("spin-client-addr", client_addr),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();

    for (name, value) in &m.named {
        let header = format!(
            "spin-path-match-{}",
            name.to_ascii_lowercase().replace('_', "-")
        );
        match headers.iter_mut().find(|(existing, _)| *existing == header) {
            Some(existing) => existing.1.clone_from(value),
            None => headers.push((header, value.clone())),
        }
    }
    headers
}

impl<T: fmt::Display> RouteEntry<T> {
    fn new(base: &str, raw_route: String, target: T) -> Result<Self, RouteError> {
        let invalid = |problem| RouteError::InvalidRoute {
            route: raw_route.clone(),
            target: target.to_string(),
            problem,
        };
        if !raw_route.starts_with('/') {
            return Err(invalid(RouteProblem::NotAbsolute));
        }
        if !raw_route.is_ascii() {
            return Err(invalid(RouteProblem::NotAscii));
        }
        let based_route = format!(
            "{}{}",
            without_one_trailing_slash(base),
            without_one_trailing_slash(&raw_route)
        );
        let pattern = Pattern::parse(&based_route).map_err(invalid)?;
        let component_route = raw_route
            .strip_suffix(MANIFEST_WILDCARD_SUFFIX)
            .unwrap_or(&raw_route)
            .to_owned();
        Ok(RouteEntry {
            target,
            raw_route,
            based_route,
            component_route,
            pattern,
        })
    }
}

fn without_one_trailing_slash(text: &str) -> &str {
    text.strip_suffix('/').unwrap_or(text)
}

/// The based route as Spin prints it in duplicate warnings: the root route is "" internally.
fn display_route(based_route: &str) -> &str {
    if based_route.is_empty() {
        "/"
    } else {
        based_route
    }
}

/// Spin keeps the request's trailing slash in `spin-path-info` even though matching ignores
/// it, and always starts a non-empty value with `/`.
fn path_info(wildcard_match: &str, path_has_trailing_slash: bool) -> String {
    match (wildcard_match.is_empty(), path_has_trailing_slash) {
        (true, false) => String::new(),
        (true, true) => "/".to_owned(),
        (false, false) => format!("/{wildcard_match}"),
        (false, true) => format!("/{wildcard_match}/"),
    }
}

/// A route compiled to routefinder's segment model.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Matches one `/`.
    Slash,
    /// Matches one `.`. Only appears where the text before the dot is not literal (after a
    /// parameter, at the start); otherwise the dot is folded into the preceding literal.
    Dot,
    /// Matches exactly this text.
    Literal(String),
    /// Captures up to the next `/` (or `.` if a dot follows in the route).
    Parameter(String),
    /// Captures the rest of the path, possibly empty.
    Wildcard,
}

struct Captures<'p> {
    parameters: Vec<&'p str>,
    wildcard: Option<&'p str>,
}

impl Pattern {
    /// Compiles a based route. The manifest's trailing `/...` means the same as `/*`.
    fn parse(based_route: &str) -> Result<Pattern, RouteProblem> {
        let route = match based_route.strip_suffix(MANIFEST_WILDCARD_SUFFIX) {
            Some(prefix) => format!("{prefix}/*"),
            None => based_route.to_owned(),
        };
        // Elsewhere `...` is not a wildcard: routefinder would read it as literal dots.
        if route.split('/').any(|segment| segment == "...") {
            return Err(RouteProblem::WildcardNotLast);
        }

        let mut segments = Vec::new();
        for (separator, section) in sections(route.trim_matches('/')) {
            let segment = match section {
                "" => None,
                "*" => Some(Segment::Wildcard),
                named if named.starts_with('*') => {
                    return Err(RouteProblem::NamedWildcard(named.to_owned()))
                }
                ":" => return Err(RouteProblem::UnnamedParameter),
                parameter if parameter.starts_with(':') => {
                    let name = &parameter[1..];
                    if !name.bytes().all(is_header_name_byte) {
                        return Err(RouteProblem::InvalidParameterName(name.to_owned()));
                    }
                    Some(Segment::Parameter(name.to_owned()))
                }
                literal => Some(Segment::Literal(literal.to_owned())),
            };
            if separator == Some('.') {
                match segments.last_mut() {
                    Some(Segment::Literal(text)) => text.push('.'),
                    _ => segments.push(Segment::Dot),
                }
            }
            if let Some(segment) = segment {
                if separator == Some('/') {
                    segments.push(Segment::Slash);
                }
                segments.push(segment);
            }
        }

        let wildcard_is_last = segments
            .iter()
            .position(|s| *s == Segment::Wildcard)
            .is_none_or(|index| index + 1 == segments.len());
        if !wildcard_is_last {
            return Err(RouteProblem::WildcardNotLast);
        }
        Ok(Pattern { segments })
    }

    fn parameter_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|segment| match segment {
            Segment::Parameter(name) => Some(name.as_str()),
            _ => None,
        })
    }

    fn dot_count(&self) -> usize {
        self.segments.iter().filter(|s| **s == Segment::Dot).count()
    }

    fn match_path<'p>(&self, path: &'p str) -> Option<Captures<'p>> {
        let mut rest = path.trim_matches('/');
        let mut captures = Captures {
            parameters: Vec::new(),
            wildcard: None,
        };
        for (index, segment) in self.segments.iter().enumerate() {
            let next = self.segments.get(index + 1);
            match segment {
                Segment::Literal(text) => rest = rest.strip_prefix(text.as_str())?,
                Segment::Dot => rest = rest.strip_prefix('.')?,
                Segment::Slash => match rest.strip_prefix('/') {
                    Some(after) => rest = after,
                    // `/a/...` also matches `/a`: the slash before an empty wildcard is optional.
                    None if rest.is_empty() && next == Some(&Segment::Wildcard) => {}
                    None => return None,
                },
                Segment::Parameter(_) => {
                    if rest.is_empty() {
                        return None;
                    }
                    let end = if next == Some(&Segment::Dot) {
                        let stop = rest.find(['.', '/'])?;
                        if !rest[stop..].starts_with('.') {
                            return None;
                        }
                        stop
                    } else {
                        rest.find('/').unwrap_or(rest.len())
                    };
                    captures.parameters.push(&rest[..end]);
                    rest = &rest[end..];
                }
                Segment::Wildcard => {
                    captures.wildcard = Some(rest);
                    rest = "";
                }
            }
        }
        rest.is_empty().then_some(captures)
    }

    /// routefinder's precedence: compare segment kinds left to right, then prefer more
    /// dots, then the shorter route. A full tie is not precedence: the earlier route keeps
    /// its place.
    fn takes_precedence_over(&self, other: &Pattern) -> bool {
        let by_segments = self
            .segments
            .iter()
            .zip(&other.segments)
            .map(|(mine, theirs)| segment_specificity(mine, theirs))
            .find(|ordering| ordering.is_ne());
        match by_segments.unwrap_or_else(|| self.dot_count().cmp(&other.dot_count())) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => self.segments.len() < other.segments.len(),
        }
    }

    /// Same segments, ignoring parameter names: such routes match exactly the same paths,
    /// so only the first can ever be chosen.
    fn is_equivalent(&self, other: &Pattern) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Parameter(_), Segment::Parameter(_)) => true,
                    (mine, theirs) => mine == theirs,
                })
    }
}

/// routefinder ranks literal > parameter > wildcard > separator. A dot is ranked above
/// every non-separator segment and every non-separator segment above a dot (its comparison
/// is not antisymmetric there); we keep that so ties break as in Spin.
fn segment_specificity(mine: &Segment, theirs: &Segment) -> Ordering {
    fn rank(segment: &Segment) -> u8 {
        match segment {
            Segment::Literal(_) => 3,
            Segment::Parameter(_) => 2,
            Segment::Wildcard => 1,
            Segment::Slash | Segment::Dot => 0,
        }
    }
    match (mine, theirs) {
        (Segment::Slash | Segment::Dot, Segment::Slash | Segment::Dot) => Ordering::Equal,
        (Segment::Dot, _) | (_, Segment::Dot) => Ordering::Greater,
        _ => rank(mine).cmp(&rank(theirs)),
    }
}

/// Splits `route` at every `/` and `.`, pairing each piece with the separator before it.
fn sections(route: &str) -> Vec<(Option<char>, &str)> {
    let mut pieces = Vec::new();
    let mut separator = None;
    let mut start = 0;
    for (index, c) in route.char_indices() {
        if c == '/' || c == '.' {
            pieces.push((separator, &route[start..index]));
            separator = Some(c);
            start = index + 1;
        }
    }
    pieces.push((separator, &route[start..]));
    pieces
}

/// An HTTP header-name character (RFC 9110 `tchar`); upper case is fine, Spin lower-cases.
fn is_header_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(routes: &[(&str, &str)]) -> Router<String> {
        router_with_warnings("/", routes).0
    }

    fn router_with_warnings(base: &str, routes: &[(&str, &str)]) -> (Router<String>, Vec<String>) {
        Router::build(
            base,
            routes
                .iter()
                .map(|(route, target)| (RouteSpec::Path(route.to_string()), target.to_string()))
                .collect(),
        )
        .unwrap()
    }

    fn target_of(router: &Router<String>, path: &str) -> Option<String> {
        router.route(path).map(|m| m.target.clone())
    }

    fn build_error(route: &str) -> RouteProblem {
        match Router::build(
            "/",
            vec![(RouteSpec::Path(route.into()), "comp".to_string())],
        ) {
            Err(RouteError::InvalidRoute { problem, .. }) => problem,
            Err(other) => panic!("{route:?}: unexpected error {other}"),
            Ok(_) => panic!("{route:?} should have been rejected"),
        }
    }

    #[test]
    fn exact_routes_match_only_their_path() {
        let r = router(&[("/foo", "foo"), ("/foo/bar", "foobar")]);
        assert_eq!(target_of(&r, "/foo").as_deref(), Some("foo"));
        assert_eq!(target_of(&r, "/foo/bar").as_deref(), Some("foobar"));
        assert_eq!(target_of(&r, "/foobar"), None);
        assert_eq!(target_of(&r, "/foo/baz"), None);
        assert_eq!(target_of(&r, "/fo"), None);
        assert_eq!(target_of(&r, "/"), None);
    }

    #[test]
    fn trailing_and_leading_slashes_of_the_path_are_ignored() {
        let r = router(&[("/foo/bar", "foobar")]);
        for path in [
            "/foo/bar",
            "/foo/bar/",
            "/foo/bar//",
            "//foo/bar",
            "foo/bar",
        ] {
            assert_eq!(target_of(&r, path).as_deref(), Some("foobar"), "{path:?}");
        }
        // An inner double slash is not a single slash.
        assert_eq!(target_of(&r, "/foo//bar"), None);
    }

    #[test]
    fn trailing_slash_in_the_route_is_ignored() {
        let r = router(&[("/foo/", "foo")]);
        assert_eq!(target_of(&r, "/foo").as_deref(), Some("foo"));
        assert_eq!(target_of(&r, "/foo/").as_deref(), Some("foo"));
    }

    #[test]
    fn matching_is_case_sensitive_and_does_not_decode() {
        let r = router(&[("/Foo", "foo"), ("/a%20b", "space")]);
        assert_eq!(target_of(&r, "/foo"), None);
        assert_eq!(target_of(&r, "/Foo").as_deref(), Some("foo"));
        assert_eq!(target_of(&r, "/a%20b").as_deref(), Some("space"));
        assert_eq!(target_of(&r, "/a b"), None);
    }

    #[test]
    fn root_route_matches_only_root() {
        let r = router(&[("/", "root")]);
        assert_eq!(target_of(&r, "/").as_deref(), Some("root"));
        assert_eq!(target_of(&r, "").as_deref(), Some("root"));
        assert_eq!(target_of(&r, "/x"), None);
    }

    #[test]
    fn catch_all_wildcard_matches_everything() {
        for route in ["/...", "/*"] {
            let r = router(&[(route, "all")]);
            for path in ["/", "/foo/bar", "/abc/", "/this/should/be/captured"] {
                assert_eq!(
                    target_of(&r, path).as_deref(),
                    Some("all"),
                    "{route} {path}"
                );
            }
        }
    }

    #[test]
    fn wildcard_matches_its_prefix_and_below_but_not_siblings() {
        for route in ["/api/...", "/api/*"] {
            let r = router(&[(route, "api")]);
            for path in ["/api", "/api/", "/api/x", "/api/x/y/"] {
                assert_eq!(
                    target_of(&r, path).as_deref(),
                    Some("api"),
                    "{route} {path}"
                );
            }
            for path in ["/apix", "/ap", "/", "/other/api"] {
                assert_eq!(target_of(&r, path), None, "{route} {path}");
            }
        }
    }

    #[test]
    fn path_info_keeps_spins_trailing_slash_rules() {
        let r = router(&[("/test/...", "test")]);
        for (path, info) in [
            ("/test", ""),
            ("/test/", "/"),
            ("/test/hello", "/hello"),
            ("/test/hello/", "/hello/"),
            ("/test/a/b/c", "/a/b/c"),
            // Leading/trailing runs of slashes collapse, inner ones are kept.
            ("/test/a//b", "/a//b"),
            ("/test/a//", "/a/"),
        ] {
            assert_eq!(r.route(path).unwrap().path_info, info, "{path}");
        }
        let catch_all = router(&[("/...", "all")]);
        assert_eq!(catch_all.route("/1/2/3").unwrap().path_info, "/1/2/3");
        assert_eq!(catch_all.route("/").unwrap().path_info, "/");
        assert_eq!(catch_all.route("").unwrap().path_info, "");
    }

    #[test]
    fn exact_routes_have_empty_path_info() {
        let r = router(&[("/foo", "foo")]);
        assert_eq!(r.route("/foo/").unwrap().path_info, "");
    }

    #[test]
    fn named_parameters_capture_one_segment() {
        let r = router(&[("/1/:two/3", "comp")]);
        let m = r.route("/1/2/3").unwrap();
        assert_eq!(m.named, [("two".to_string(), "2".to_string())]);
        assert_eq!(target_of(&r, "/1/2/2/3"), None);
        assert_eq!(target_of(&r, "/1/3"), None);
    }

    #[test]
    fn parameter_then_wildcard() {
        let r = router(&[("/foo/:userid/...", "comp")]);
        let m = r.route("/foo/42/bar").unwrap();
        assert_eq!(m.named, [("userid".to_string(), "42".to_string())]);
        assert_eq!(m.path_info, "/bar");
        let m = r.route("/foo/42").unwrap();
        assert_eq!(m.path_info, "");
        // The parameter needs a non-empty segment.
        assert_eq!(target_of(&r, "/foo"), None);
        assert_eq!(target_of(&r, "/foo/"), None);
    }

    #[test]
    fn several_parameters_are_reported_in_route_order() {
        let r = router(&[("/cities/:city/sensors/:sensor", "comp")]);
        let m = r.route("/cities/oslo/sensors/s-17").unwrap();
        assert_eq!(
            m.named,
            [
                ("city".to_string(), "oslo".to_string()),
                ("sensor".to_string(), "s-17".to_string())
            ]
        );
    }

    #[test]
    fn parameter_followed_by_a_dot_stops_at_the_dot() {
        let r = router(&[("/files/:name.json", "json")]);
        let m = r.route("/files/report.json").unwrap();
        assert_eq!(m.named, [("name".to_string(), "report".to_string())]);
        assert_eq!(target_of(&r, "/files/report.xml"), None);
        assert_eq!(target_of(&r, "/files/report"), None);
        // The parameter stops at the first dot, so the rest must be exactly `json`.
        assert_eq!(target_of(&r, "/files/a.b.json"), None);
        // Without a following dot in the route, a parameter takes the whole segment.
        let r = router(&[("/files/:name", "any")]);
        assert_eq!(r.route("/files/a.b.json").unwrap().named[0].1, "a.b.json");
    }

    #[test]
    fn dots_in_literal_segments_are_literal() {
        let r = router(&[("/static/app.js", "js")]);
        assert_eq!(target_of(&r, "/static/app.js").as_deref(), Some("js"));
        assert_eq!(target_of(&r, "/static/appxjs"), None);
        let r = router(&[("/.well-known/other", "wk")]);
        assert_eq!(target_of(&r, "/.well-known/other").as_deref(), Some("wk"));
        assert_eq!(target_of(&r, "/well-known/other"), None);
    }

    #[test]
    fn double_slashes_in_the_route_collapse() {
        let r = router(&[("/a//b", "ab")]);
        assert_eq!(target_of(&r, "/a/b").as_deref(), Some("ab"));
    }

    // The precedence table: for each path, which of the routes wins.
    #[test]
    fn precedence_table() {
        let routes = [
            ("/...", "catch-all"),
            ("/", "root"),
            ("/api/...", "api-wild"),
            ("/api/sensors", "sensors-exact"),
            ("/api/sensors/...", "sensors-wild"),
            ("/api/sensors/:id", "sensor-by-id"),
            ("/api/sensors/:id/...", "sensor-sub"),
            ("/api/sensors/latest", "latest"),
            ("/api/:kind/count", "kind-count"),
            ("/:anything/b", "param-first"),
            ("/a/...", "a-wild"),
        ];
        let table = [
            ("/", "root"),
            ("/unknown", "catch-all"),
            ("/api", "api-wild"),
            ("/api/", "api-wild"),
            ("/api/other", "api-wild"),
            ("/api/sensors", "sensors-exact"),
            ("/api/sensors/", "sensors-exact"),
            ("/api/sensors/latest", "latest"),
            ("/api/sensors/17", "sensor-by-id"),
            ("/api/sensors/17/", "sensor-by-id"),
            ("/api/sensors/17/readings", "sensor-sub"),
            // Literal `sensors` beats the parameter in position 2 ...
            ("/api/sensors/count", "sensor-by-id"),
            // ... but `/api/:kind/count` beats `/api/...` (parameter beats wildcard).
            ("/api/lights/count", "kind-count"),
            // Leftmost difference decides: literal `a` beats the parameter even though
            // `/a/...` is a wildcard and `/:anything/b` matches exactly.
            ("/a/b", "a-wild"),
            ("/x/b", "param-first"),
        ];
        // Precedence must not depend on manifest order.
        let mut reversed = routes;
        reversed.reverse();
        for ordering in [&routes[..], &reversed[..]] {
            let r = router(ordering);
            for (path, expected) in table {
                assert_eq!(
                    target_of(&r, path).as_deref(),
                    Some(expected),
                    "path {path}"
                );
            }
        }
    }

    #[test]
    fn longest_wildcard_prefix_wins_regardless_of_order() {
        let forward = [
            ("/one/...", "one"),
            ("/one/two/...", "onetwo"),
            ("/one/two/three/...", "onetwothree"),
        ];
        let mut backward = forward;
        backward.reverse();
        for routes in [forward, backward] {
            let r = router(&routes);
            assert_eq!(
                target_of(&r, "/one/two/three/four").as_deref(),
                Some("onetwothree")
            );
            assert_eq!(
                target_of(&r, "/one/two/three").as_deref(),
                Some("onetwothree")
            );
            assert_eq!(target_of(&r, "/one/two/x").as_deref(), Some("onetwo"));
            assert_eq!(target_of(&r, "/one/x").as_deref(), Some("one"));
        }
    }

    #[test]
    fn exact_beats_wildcard_of_the_same_prefix() {
        let r = router(&[
            ("/...", "wild"),
            ("/one", "one-exact"),
            ("/one/...", "one-wild"),
        ]);
        assert_eq!(target_of(&r, "/one").as_deref(), Some("one-exact"));
        assert_eq!(target_of(&r, "/one/").as_deref(), Some("one-exact"));
        assert_eq!(target_of(&r, "/one/x").as_deref(), Some("one-wild"));
    }

    #[test]
    fn parameter_beats_wildcard_even_for_the_bare_prefix_plus_one() {
        let r = router(&[("/a/*", "wild"), ("/a/:x/*", "param-wild")]);
        assert_eq!(target_of(&r, "/a/b").as_deref(), Some("param-wild"));
        assert_eq!(target_of(&r, "/a/b/c").as_deref(), Some("param-wild"));
        // The parameter needs a segment, so the bare prefix falls to the plain wildcard.
        assert_eq!(target_of(&r, "/a").as_deref(), Some("wild"));
    }

    #[test]
    fn equivalent_routes_keep_manifest_order_and_warn() {
        for (first, second, probe) in [
            ("/a/...", "/a/*", "/a/z"),
            ("/a", "/a/", "/a"),
            ("/:x", "/:y", "/v"),
            ("/a//b", "/a/b", "/a/b"),
        ] {
            let (r, warnings) = router_with_warnings("/", &[(first, "first"), (second, "second")]);
            assert_eq!(
                target_of(&r, probe).as_deref(),
                Some("first"),
                "{first} vs {second}"
            );
            assert_eq!(warnings.len(), 1, "{first} vs {second}: {warnings:?}");
            assert!(
                warnings[0].contains(second) && warnings[0].contains("never be used"),
                "{warnings:?}"
            );
        }
    }

    #[test]
    fn duplicate_routes_last_one_wins_with_a_warning() {
        let (r, warnings) = router_with_warnings(
            "/",
            &[
                ("/", "comp-root"),
                ("/foo", "comp-first"),
                ("/foo", "comp-second"),
                ("/whee/...", "comp-whee"),
            ],
        );
        assert_eq!(target_of(&r, "/foo").as_deref(), Some("comp-second"));
        assert_eq!(r.routes().count(), 3);
        assert_eq!(
            warnings,
            ["route /foo of comp-first is a duplicate of the same route of comp-second and will never be used"]
        );
    }

    #[test]
    fn duplicate_reporting_names_each_replaced_route() {
        let (_, warnings) = router_with_warnings(
            "/",
            &[
                ("/", "first /"),
                ("/", "second /"),
                ("/...", "first /..."),
                ("/...", "second /..."),
                ("/whee/...", "first whee"),
                ("/whee/...", "second whee"),
            ],
        );
        assert_eq!(
            warnings,
            [
                "route / of first / is a duplicate of the same route of second / and will never be used",
                "route /... of first /... is a duplicate of the same route of second /... and will never be used",
                "route /whee/... of first whee is a duplicate of the same route of second whee and will never be used",
            ]
        );
    }

    #[test]
    fn a_route_repeated_three_times_goes_to_the_last() {
        let (r, warnings) = router_with_warnings("/", &[("/x", "a"), ("/x", "b"), ("/x", "c")]);
        assert_eq!(target_of(&r, "/x").as_deref(), Some("c"));
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn sensible_routes_produce_no_warnings_and_keep_display_order() {
        let (r, warnings) = router_with_warnings(
            "/",
            &[
                ("/", "root"),
                ("/foo", "foo"),
                ("/bar", "bar"),
                ("/whee/...", "whee"),
            ],
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            r.routes().map(|(route, _)| route).collect::<Vec<_>>(),
            ["/", "/foo", "/bar", "/whee/..."]
        );
    }

    #[test]
    fn routes_are_listed_in_precedence_order() {
        let r = router(&[("/...", "all"), ("/a/:x", "param"), ("/a/b", "exact")]);
        assert_eq!(
            r.routes().map(|(route, _)| route).collect::<Vec<_>>(),
            ["/a/b", "/a/:x", "/..."]
        );
    }

    #[test]
    fn private_routes_are_never_matched_but_are_listed() {
        let (r, warnings) = Router::build(
            "/",
            vec![
                (RouteSpec::Path("/...".into()), "public".to_string()),
                (RouteSpec::Private, "worker".to_string()),
                (RouteSpec::Private, "mailer".to_string()),
            ],
        )
        .unwrap();
        assert!(warnings.is_empty());
        assert_eq!(target_of(&r, "/worker").as_deref(), Some("public"));
        assert_eq!(r.routes().count(), 1);
    }

    #[test]
    fn only_private_routes_route_nothing() {
        let (r, _) = Router::build("/", vec![(RouteSpec::Private, "worker".to_string())]).unwrap();
        assert!(r.route("/").is_none());
    }

    #[test]
    fn reserved_routes_are_accepted_with_a_warning() {
        for route in ["/.well-known/spin/...", "/.well-known/spin/fie"] {
            let (_, warnings) = router_with_warnings("/", &[(route, "comp")]);
            assert_eq!(warnings.len(), 1, "{route}");
            assert!(warnings[0].contains("/.well-known/spin/"), "{warnings:?}");
        }
        for route in [
            "/.well-known/spindle/...",
            "/.well-known/spi/...",
            "/.well-known/spin",
        ] {
            let (_, warnings) = router_with_warnings("/", &[(route, "comp")]);
            assert!(warnings.is_empty(), "{route}: {warnings:?}");
        }
    }

    #[test]
    fn reserved_paths_are_never_routed() {
        let r = router(&[("/...", "all")]);
        assert!(r.route("/.well-known/spin/health").is_none());
        assert!(r.route("/.well-known/spin/").is_none());
        // Only the prefix with its trailing slash is reserved.
        assert_eq!(target_of(&r, "/.well-known/spin").as_deref(), Some("all"));
        assert_eq!(target_of(&r, "/.well-known/other").as_deref(), Some("all"));
    }

    #[test]
    fn invalid_routes_are_rejected_with_the_problem() {
        for (route, problem) in [
            ("", RouteProblem::NotAbsolute),
            ("foo", RouteProblem::NotAbsolute),
            ("...", RouteProblem::NotAbsolute),
            ("/café", RouteProblem::NotAscii),
            ("/a/.../b", RouteProblem::WildcardNotLast),
            ("/.../a", RouteProblem::WildcardNotLast),
            ("/a/*/b", RouteProblem::WildcardNotLast),
            ("/*/*", RouteProblem::WildcardNotLast),
            ("/a/*rest", RouteProblem::NamedWildcard("*rest".into())),
            ("/a/:", RouteProblem::UnnamedParameter),
            ("/a/:/b", RouteProblem::UnnamedParameter),
            (
                "/a/:id:x",
                RouteProblem::InvalidParameterName("id:x".into()),
            ),
            (
                "/a/:id{x}",
                RouteProblem::InvalidParameterName("id{x}".into()),
            ),
        ] {
            assert_eq!(build_error(route), problem, "{route:?}");
        }
    }

    #[test]
    fn route_error_message_names_route_target_and_problem() {
        let err = Router::build(
            "/",
            vec![(RouteSpec::Path("/a/*/b".into()), "sensors".to_string())],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid route \"/a/*/b\" for sensors: the wildcard ('/...' or '/*') must be the last segment"
        );
    }

    #[test]
    fn unusual_but_valid_routes_are_accepted() {
        // Trailing `...` that is not its own segment, and `*` inside a literal, are literal.
        let r = router(&[("/a...", "dots"), ("/b*", "star"), ("/c/.../", "wild")]);
        assert_eq!(target_of(&r, "/a...").as_deref(), Some("dots"));
        assert_eq!(target_of(&r, "/b*").as_deref(), Some("star"));
        // `/c/.../` loses its trailing slash and so ends in `/...`: a wildcard.
        assert_eq!(target_of(&r, "/c/d/e").as_deref(), Some("wild"));
    }

    #[test]
    fn base_is_prefixed_to_every_route() {
        let (r, _) = router_with_warnings(
            "/base",
            &[
                ("/foo", "foo"),
                ("/foo/bar", "foobar"),
                ("/", "root"),
                ("/w/...", "w"),
            ],
        );
        assert_eq!(target_of(&r, "/base/foo").as_deref(), Some("foo"));
        assert_eq!(target_of(&r, "/base/foo/bar").as_deref(), Some("foobar"));
        assert_eq!(target_of(&r, "/base").as_deref(), Some("root"));
        assert_eq!(target_of(&r, "/foo"), None);
        let m = r.route("/base/w/x").unwrap();
        assert_eq!(m.based_route, "/base/w/...");
        assert_eq!(m.raw_route, "/w/...");
        assert_eq!(m.component_route, "/w");
        assert_eq!(m.path_info, "/x");
        // A trailing slash on the base is dropped.
        let (r, _) = router_with_warnings("/base/", &[("/foo", "foo")]);
        assert_eq!(r.route("/base/foo").unwrap().based_route, "/base/foo");
    }

    #[test]
    fn match_reports_raw_based_and_component_routes_like_spin() {
        let r = router(&[
            ("/", "root"),
            ("/exact/", "exact"),
            ("/wild/...", "wild"),
            ("/star/*", "star"),
            ("/...", "all"),
        ]);
        for (path, raw, based, component) in [
            ("/", "/", "", "/"),
            ("/exact", "/exact/", "/exact", "/exact/"),
            ("/wild/x", "/wild/...", "/wild/...", "/wild"),
            // Spin strips only the manifest spelling `/...` from the component route.
            ("/star/x", "/star/*", "/star/*", "/star/*"),
            ("/other", "/...", "/...", ""),
        ] {
            let m = r.route(path).unwrap();
            assert_eq!(
                (m.raw_route, m.based_route, m.component_route),
                (raw, based, component),
                "{path}"
            );
        }
    }

    fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn spin_headers_for_a_wildcard_route() {
        let r = router(&[("/foo/...", "comp")]);
        let m = r.route("/foo/bar").unwrap();
        let url = full_url(
            "https",
            Some("fermyon.dev"),
            "/foo/bar?key1=value1&key2=value2",
        );
        let headers = spin_headers(&m, &url, "/", "127.0.0.1:8777");
        assert_eq!(
            headers,
            [
                ("spin-path-info", "/bar"),
                (
                    "spin-full-url",
                    "https://fermyon.dev/foo/bar?key1=value1&key2=value2"
                ),
                ("spin-matched-route", "/foo/..."),
                ("spin-base-path", "/"),
                ("spin-raw-component-route", "/foo/..."),
                ("spin-component-route", "/foo"),
                ("spin-client-addr", "127.0.0.1:8777"),
            ]
            .map(|(n, v)| (n.to_string(), v.to_string()))
        );
    }

    #[test]
    fn spin_headers_with_named_parameters() {
        let r = router(&[("/foo/:userid/...", "comp")]);
        let m = r.route("/foo/42/bar").unwrap();
        let headers = spin_headers(&m, "https://fermyon.dev/foo/42/bar", "/", "[::1]:9000");
        assert_eq!(header(&headers, "spin-path-info"), Some("/bar"));
        assert_eq!(
            header(&headers, "spin-matched-route"),
            Some("/foo/:userid/...")
        );
        assert_eq!(
            header(&headers, "spin-raw-component-route"),
            Some("/foo/:userid/...")
        );
        assert_eq!(
            header(&headers, "spin-component-route"),
            Some("/foo/:userid")
        );
        assert_eq!(header(&headers, "spin-client-addr"), Some("[::1]:9000"));
        assert_eq!(header(&headers, "spin-path-match-userid"), Some("42"));
        assert_eq!(headers.len(), 8);
        // No header for the trailing wildcard itself.
        assert!(!headers
            .iter()
            .any(|(n, _)| n == "spin-path-match-*" || n == "spin-path-match-"));
    }

    #[test]
    fn spin_headers_for_an_exact_route() {
        let r = router(&[("/health", "comp")]);
        let m = r.route("/health/").unwrap();
        let headers = spin_headers(&m, "http://localhost/health/", "/", "10.0.0.1:5555");
        assert_eq!(header(&headers, "spin-path-info"), Some(""));
        assert_eq!(header(&headers, "spin-matched-route"), Some("/health"));
        assert_eq!(header(&headers, "spin-component-route"), Some("/health"));
        assert_eq!(
            header(&headers, "spin-raw-component-route"),
            Some("/health")
        );
    }

    #[test]
    fn spin_headers_for_the_root_route_have_an_empty_matched_route() {
        let r = router(&[("/", "root")]);
        let m = r.route("/").unwrap();
        let headers = spin_headers(&m, "http://localhost/", "/", "127.0.0.1:1");
        assert_eq!(header(&headers, "spin-matched-route"), Some(""));
        assert_eq!(header(&headers, "spin-raw-component-route"), Some("/"));
        assert_eq!(header(&headers, "spin-component-route"), Some("/"));
    }

    #[test]
    fn path_match_header_names_are_lower_case_with_dashes() {
        let r = router(&[("/:user_id/:Sensor/:x-y", "comp")]);
        let m = r.route("/u1/s2/z3").unwrap();
        let headers = spin_headers(&m, "", "/", "");
        assert_eq!(header(&headers, "spin-path-match-user-id"), Some("u1"));
        assert_eq!(header(&headers, "spin-path-match-sensor"), Some("s2"));
        assert_eq!(header(&headers, "spin-path-match-x-y"), Some("z3"));
    }

    #[test]
    fn repeated_parameter_names_give_one_header_with_the_last_value() {
        let r = router(&[("/:a/:a", "comp")]);
        let m = r.route("/first/second").unwrap();
        assert_eq!(m.named.len(), 2);
        let headers = spin_headers(&m, "", "/", "");
        let values: Vec<_> = headers
            .iter()
            .filter(|(n, _)| n == "spin-path-match-a")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(values, ["second"]);
    }

    #[test]
    fn chaining_match_looks_like_a_catch_all_route() {
        let target = "worker".to_string();
        let m = RouteMatch::synthetic_for_chaining(&target, "/jobs/7");
        assert_eq!(m.target, "worker");
        assert!(m.named.is_empty());
        let headers = spin_headers(
            &m,
            &full_url("http", None, "/jobs/7?x=1"),
            "/",
            CHAINED_CLIENT_ADDR,
        );
        assert_eq!(
            headers,
            [
                ("spin-path-info", "/jobs/7"),
                ("spin-full-url", "http://localhost/jobs/7?x=1"),
                ("spin-matched-route", "/..."),
                ("spin-base-path", "/"),
                ("spin-raw-component-route", "/..."),
                ("spin-component-route", ""),
                ("spin-client-addr", "0.0.0.0:0"),
            ]
            .map(|(n, v)| (n.to_string(), v.to_string()))
        );
    }

    #[test]
    fn full_url_defaults_the_host_to_localhost() {
        assert_eq!(full_url("http", None, "/a?b=c"), "http://localhost/a?b=c");
        assert_eq!(
            full_url("https", Some("city.example:8443"), "/"),
            "https://city.example:8443/"
        );
    }

    #[test]
    fn trigger_base_rules_follow_spin() {
        assert_eq!(check_trigger_base(None), Ok(None));
        assert!(check_trigger_base(Some("/"))
            .unwrap()
            .unwrap()
            .contains("deprecated"));
        assert_eq!(
            check_trigger_base(Some("/api")),
            Err(RouteError::UnsupportedBase {
                base: "/api".into()
            })
        );
    }

    #[test]
    fn dot_segments_rank_as_in_routefinder() {
        // `/:name.json` has a dot segment and so outranks `/:name/x` at the separator tie,
        // which only matters for ordering; both still match only their own paths.
        let r = router(&[("/:name/x", "slash"), ("/:name.json", "dot")]);
        assert_eq!(
            r.routes().map(|(route, _)| route).collect::<Vec<_>>(),
            ["/:name.json", "/:name/x"]
        );
        assert_eq!(target_of(&r, "/a.json").as_deref(), Some("dot"));
        assert_eq!(target_of(&r, "/a/x").as_deref(), Some("slash"));
    }
}

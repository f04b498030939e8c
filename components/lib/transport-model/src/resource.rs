use api_kit::ApiError;

/// Where the component is routed in `spin.toml` (`/transports` and `/transports/...`).
pub const MOUNT: &str = "/transports";
pub const COLLECTION_METHODS: &[&str] = &["GET", "POST", "OPTIONS"];
pub const ITEM_METHODS: &[&str] = &["GET", "PUT", "DELETE", "OPTIONS"];

/// What a path under [`MOUNT`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Collection,
    Item(i64),
}

impl Target {
    pub fn allowed_methods(self) -> &'static [&'static str] {
        match self {
            Target::Collection => COLLECTION_METHODS,
            Target::Item(_) => ITEM_METHODS,
        }
    }
}

/// Resolves the part of the path after [`MOUNT`] (Spin's `spin-path-info`): `""` or `"/"` is
/// the collection, `"/{id}"` (optionally with a trailing `/`) a line.
///
/// An id that is not a canonical positive integer (`abc`, `-1`, `007`, `+7`, beyond i64) is a
/// 404 like any other unknown path: it cannot name a line, and answering 404 rather than 400
/// keeps one URL from having two spellings.
pub fn resolve(path_info: &str) -> Result<Target, ApiError> {
    let rest = path_info.strip_prefix('/').unwrap_or(path_info);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Ok(Target::Collection);
    }
    if rest.contains('/') {
        return Err(ApiError::not_found(format!(
            "no resource at {MOUNT}{path_info}"
        )));
    }
    parse_id(rest).map(Target::Item).ok_or_else(|| {
        ApiError::not_found(format!(
            "transport line `{rest}` not found; ids are positive integers"
        ))
    })
}

fn parse_id(segment: &str) -> Option<i64> {
    let canonical = segment.bytes().all(|b| b.is_ascii_digit()) && !segment.starts_with('0');
    if canonical {
        segment.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_paths() {
        assert_eq!(resolve("").unwrap(), Target::Collection);
        assert_eq!(resolve("/").unwrap(), Target::Collection);
    }

    #[test]
    fn item_paths() {
        assert_eq!(resolve("/7").unwrap(), Target::Item(7));
        assert_eq!(resolve("/7/").unwrap(), Target::Item(7));
        assert_eq!(
            resolve("/9223372036854775807").unwrap(),
            Target::Item(i64::MAX)
        );
    }

    #[test]
    fn everything_else_is_not_found() {
        for path in [
            "/abc",
            "/0",
            "/007",
            "/-1",
            "/+7",
            "/7x",
            "/ 7",
            "/9223372036854775808",
            "/7/stops",
            "//7",
        ] {
            let err = resolve(path).unwrap_err();
            assert_eq!((err.status(), err.code()), (404, "not_found"), "{path}");
        }
    }

    #[test]
    fn allowed_methods_per_target() {
        assert_eq!(Target::Collection.allowed_methods(), COLLECTION_METHODS);
        assert_eq!(Target::Item(1).allowed_methods(), ITEM_METHODS);
    }
}

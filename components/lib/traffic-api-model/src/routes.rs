//! The paths the component answers (spin.toml routes `/api/roads`, `/api/roads/...`,
//! `/api/traffic/...`, `/api/predictions`, `/api/predictions/...`, `/api/reroutes`,
//! `/api/stream`, `/api/openapi.json` to it).

use crate::params::check_id;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Roads,
    Road(String),
    Live,
    History,
    Predictions,
    Accuracy,
    Reroutes,
    Stream,
    OpenApi,
}

impl Route {
    /// The route of a request path; `None` is a 404. A road id that could never have been
    /// stored is a 404 too: no such road.
    pub fn resolve(path: &str) -> Option<Route> {
        Some(match path {
            "/api/roads" => Route::Roads,
            "/api/traffic/live" => Route::Live,
            "/api/traffic/history" => Route::History,
            "/api/predictions" => Route::Predictions,
            "/api/predictions/accuracy" => Route::Accuracy,
            "/api/reroutes" => Route::Reroutes,
            "/api/stream" => Route::Stream,
            "/api/openapi.json" => Route::OpenApi,
            other => {
                let id = other.strip_prefix("/api/roads/")?;
                check_id(id).ok()?;
                Route::Road(id.to_string())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves() {
        assert_eq!(Route::resolve("/api/roads"), Some(Route::Roads));
        assert_eq!(Route::resolve("/api/roads/PARIS-4264"), Some(Route::Road("PARIS-4264".into())));
        assert_eq!(Route::resolve("/api/predictions/accuracy"), Some(Route::Accuracy));
        assert_eq!(Route::resolve("/api/stream"), Some(Route::Stream));
        for missing in ["/api/roads/", "/api/roads/a/b", "/api/roads/a%20b", "/api/traffic", "/api/traffic/other", "/api/predictions/x", "/api/roads.json"] {
            assert_eq!(Route::resolve(missing), None, "{missing}");
        }
    }
}

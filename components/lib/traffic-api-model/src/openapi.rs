//! The OpenAPI 3.1 description of the traffic API and the gateway, served at
//! `/api/openapi.json`. `tests/tests/traffic_api.rs` keeps it true: every `/api` route of
//! spin.toml is in it, real answers validate against it, and a schemathesis run against the
//! running app finds no server error.

pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

#[cfg(test)]
mod tests {
    use serde_json::Value;

    #[test]
    fn is_an_openapi_3_document_whose_operations_all_answer_something() {
        let doc: Value = serde_json::from_str(super::OPENAPI_JSON).expect("valid JSON");
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/api/roads") && paths.contains_key("/api/stream"));
        for (path, item) in paths {
            for (method, op) in item.as_object().unwrap() {
                if method == "parameters" {
                    continue;
                }
                assert!(op["operationId"].is_string(), "{method} {path} has an operationId");
                assert!(!op["responses"].as_object().unwrap().is_empty(), "{method} {path} has responses");
            }
        }
    }
}

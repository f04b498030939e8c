use api_kit::ApiError;
use cityflow_auth::Role;
use serde_json::{Map, Value};

/// The body of `PUT /api/auth/users/{id}/role`: `{"role": "viewer" | "operator" | "admin"}`.
pub fn role_from_json(body: &Map<String, Value>) -> Result<Role, ApiError> {
    if let Some(unknown) = body.keys().find(|k| k.as_str() != "role") {
        return Err(ApiError::validation(unknown, format!("unknown field `{unknown}`; expected: role")));
    }
    match body.get("role") {
        None | Some(Value::Null) => Err(ApiError::validation("role", "`role` is required")),
        Some(Value::String(s)) => s.parse::<Role>().map_err(|m| ApiError::validation("role", m)),
        Some(_) => Err(ApiError::validation("role", "`role` must be a string")),
    }
}

/// `/users/{id}/role` below the mount point -> the user id.
pub fn role_path_user_id(path: &str) -> Option<i64> {
    let id = path.strip_prefix("/users/")?.strip_suffix("/role")?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse::<i64>().ok().filter(|id| *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_role() {
        let body = json!({"role": "operator"});
        assert_eq!(role_from_json(body.as_object().unwrap()).unwrap(), Role::Operator);
        for bad in [json!({}), json!({"role": "root"}), json!({"role": 1}), json!({"role": "admin", "id": 3})] {
            assert_eq!(role_from_json(bad.as_object().unwrap()).unwrap_err().status(), 422, "{bad}");
        }
    }

    #[test]
    fn parses_the_path() {
        assert_eq!(role_path_user_id("/users/12/role"), Some(12));
        for bad in ["/users//role", "/users/0/role", "/users/-1/role", "/users/x/role", "/users/12", "/users/1/role/x", "/users/+1/role"] {
            assert_eq!(role_path_user_id(bad), None, "{bad}");
        }
    }
}

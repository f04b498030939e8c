//! GraphQL over HTTP: turning a POST body or a GET query string into an engine request, and
//! the errors for requests that never reach the engine (they still come back in GraphQL's
//! `{"errors": [...]}` form, with an HTTP status that says what went wrong).

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Request, Variables};
use serde_json::{json, Map, Value};

use crate::errors::{
    BAD_REQUEST, INTERNAL, METHOD_NOT_ALLOWED, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE,
};

/// Largest POST body accepted. A real query with variables is a few KiB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct HttpError {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

impl HttpError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, BAD_REQUEST, message)
    }

    pub fn missing_query() -> Self {
        Self::bad_request("send a GraphQL query: POST {\"query\": ...}, or GET ?query=...")
    }

    pub fn internal() -> Self {
        Self::new(500, INTERNAL, "internal error")
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, METHOD_NOT_ALLOWED, message)
    }

    /// The body: a GraphQL response with only `errors`.
    pub fn to_json(&self) -> String {
        json!({"errors": [{"message": self.message, "extensions": {"code": self.code}}]})
            .to_string()
    }
}

/// A POST: `content-type: application/json`, body `{query, variables?, operationName?}`.
pub fn from_post(content_type: Option<&str>, body: &[u8]) -> Result<Request, HttpError> {
    if !is_json(content_type) {
        return Err(HttpError::new(
            415,
            UNSUPPORTED_MEDIA_TYPE,
            "send GraphQL requests with content-type: application/json",
        ));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(HttpError::new(
            413,
            PAYLOAD_TOO_LARGE,
            format!("request body is larger than {MAX_BODY_BYTES} bytes"),
        ));
    }
    let object = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err(HttpError::bad_request("request body must be a JSON object")),
        Err(e) => return Err(HttpError::bad_request(format!("malformed JSON: {e}"))),
    };
    let query = match object.get("query") {
        Some(Value::String(query)) => query.clone(),
        Some(_) => return Err(HttpError::bad_request("query must be a string")),
        None => return Err(HttpError::bad_request("the request has no query")),
    };
    let variables = match object.get("variables") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(vars)) => vars.clone(),
        Some(_) => return Err(HttpError::bad_request("variables must be a JSON object")),
    };
    let operation_name = match object.get("operationName") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => return Err(HttpError::bad_request("operationName must be a string")),
    };
    Ok(request(query, variables, operation_name))
}

/// A GET: `?query=...&variables=<JSON>&operationName=...`. `Ok(None)` when there is no
/// `query` parameter at all (a browser asking for the IDE, say). Only queries may be run
/// this way: GET must stay safe, so a mutation is refused before it runs.
pub fn from_get(query_string: &str) -> Result<Option<Request>, HttpError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query_string)
        .map_err(|e| HttpError::bad_request(format!("malformed query string: {e}")))?;
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let Some(query) = param("query") else {
        return Ok(None);
    };
    let variables = match param("variables") {
        None | Some("") => Map::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(vars)) => vars,
            Ok(Value::Null) => Map::new(),
            Ok(_) => return Err(HttpError::bad_request("variables must be a JSON object")),
            Err(e) => {
                return Err(HttpError::bad_request(format!(
                    "variables is not JSON: {e}"
                )))
            }
        },
    };
    let operation_name = param("operationName")
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let mut request = request(query.to_string(), variables, operation_name);
    if selects_mutation(&mut request) {
        return Err(HttpError::method_not_allowed(
            "mutations must be sent with POST; GET runs queries only",
        ));
    }
    Ok(Some(request))
}

/// Whether the browser asks for a page rather than data.
pub fn wants_html(accept: Option<&str>) -> bool {
    accept.is_some_and(|a| a.to_ascii_lowercase().contains("text/html"))
}

fn is_json(content_type: Option<&str>) -> bool {
    let media_type = content_type
        .and_then(|ct| ct.split(';').next())
        .unwrap_or("")
        .trim();
    media_type.eq_ignore_ascii_case("application/json")
        || media_type.eq_ignore_ascii_case("application/graphql-response+json")
}

fn request(query: String, variables: Map<String, Value>, name: Option<String>) -> Request {
    let mut request = Request::new(query).variables(Variables::from_json(Value::Object(variables)));
    request.operation_name = name;
    request
}

/// Whether the operation the request would run is a mutation. A document that does not parse
/// or names no runnable operation is left to the engine, which reports it properly.
fn selects_mutation(request: &mut Request) -> bool {
    let name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    let ty = match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => {
            ops.get(name.as_str()).map(|op| op.node.ty)
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| op.node.ty)
        }
        (DocumentOperations::Multiple(_), None) => None,
    };
    ty == Some(OperationType::Mutation)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    #[test]
    fn post_reads_query_variables_and_operation_name() {
        let req = from_post(
            JSON,
            br#"{"query":"query Q($id:Int!){attraction(id:$id){name}}","variables":{"id":3},"operationName":"Q"}"#,
        )
        .unwrap();
        assert_eq!(req.operation_name.as_deref(), Some("Q"));
        assert_eq!(
            req.variables.into_value().into_json().unwrap(),
            json!({"id": 3})
        );
    }

    #[test]
    fn post_refusals() {
        let status = |ct: Option<&str>, body: &[u8]| from_post(ct, body).unwrap_err().status;
        assert_eq!(status(Some("text/plain"), b"{}"), 415);
        assert_eq!(status(None, b"{}"), 415);
        assert_eq!(status(JSON, &vec![b' '; MAX_BODY_BYTES + 1]), 413);
        assert_eq!(status(JSON, b"{\"query\":"), 400);
        assert_eq!(status(JSON, b"[]"), 400);
        assert_eq!(status(JSON, b"{}"), 400);
        assert_eq!(status(JSON, br#"{"query":1}"#), 400);
        assert_eq!(status(JSON, br#"{"query":"{a}","variables":[1]}"#), 400);
        assert_eq!(status(JSON, br#"{"query":"{a}","operationName":2}"#), 400);
        assert!(from_post(JSON, br#"{"query":"{a}","variables":null}"#).is_ok());
    }

    #[test]
    fn get_runs_queries_only() {
        let req = from_get("query=%7B+attractions+%7B+id+%7D+%7D")
            .unwrap()
            .unwrap();
        assert_eq!(req.query, "{ attractions { id } }");
        assert_eq!(from_get("").unwrap().map(|r| r.query), None);
        let err = from_get("query=mutation+%7B+deleteAttraction(id%3A1)+%7D").unwrap_err();
        assert_eq!((err.status, err.code), (405, METHOD_NOT_ALLOWED));
        // With two operations, the named one decides.
        let doc =
            "query=query+A+%7Battractions%7Bid%7D%7D+mutation+B+%7BdeleteAttraction(id%3A1)%7D";
        assert!(from_get(&format!("{doc}&operationName=A"))
            .unwrap()
            .is_some());
        assert_eq!(
            from_get(&format!("{doc}&operationName=B"))
                .unwrap_err()
                .status,
            405
        );
        // Unparsable documents go on to the engine, which reports them as GraphQL errors.
        assert!(from_get("query=%7B").unwrap().is_some());
        assert_eq!(
            from_get("query=%7Ba%7D&variables=%5B%5D")
                .unwrap_err()
                .status,
            400
        );
    }

    #[test]
    fn error_body_is_a_graphql_response() {
        let err = HttpError::method_not_allowed("no");
        let body: Value = serde_json::from_str(&err.to_json()).unwrap();
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "METHOD_NOT_ALLOWED"
        );
        assert_eq!(body["errors"][0]["message"], "no");
    }

    #[test]
    fn html_is_for_browsers() {
        assert!(wants_html(Some(
            "text/html,application/xhtml+xml,*/*;q=0.8"
        )));
        assert!(!wants_html(Some("application/json")));
        assert!(!wants_html(None));
    }
}

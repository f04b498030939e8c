//! Every GraphQL error this service returns carries `extensions.code`. Resolver errors are
//! coded where they are raised; the engine's own errors (syntax, validation, limits, argument
//! coercion) are coded by the [`ErrorCodes`] extension on their way out.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    ErrorExtensions, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};

pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const NOT_FOUND: &str = "NOT_FOUND";
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
pub const FORBIDDEN: &str = "FORBIDDEN";
pub const INTERNAL: &str = "INTERNAL";
/// The database cannot serve us right now; the client may retry.
pub const UNAVAILABLE: &str = "SERVICE_UNAVAILABLE";
/// Transport-level codes, used by the HTTP adapter for requests that never reach the engine.
pub const BAD_REQUEST: &str = "BAD_REQUEST";
pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";

pub fn coded(code: &'static str, message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code))
}

/// Input the client can fix; `field` names the offending argument or input field.
pub fn bad_input(field: &str, message: impl Into<String>) -> async_graphql::Error {
    let field = field.to_string();
    async_graphql::Error::new(message).extend_with(move |_, ext| {
        ext.set("code", BAD_USER_INPUT);
        ext.set("field", field.as_str());
    })
}

pub fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        Value::String(code) => Some(code),
        _ => None,
    }
}

fn with_default_code(mut error: ServerError, code: &'static str) -> ServerError {
    if code_of(&error).is_none() {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
    error
}

/// Adds `extensions.code` to the errors the engine raises by itself.
pub struct ErrorCodes;

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodesExtension)
    }
}

struct ErrorCodesExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ErrorCodesExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables)
            .await
            .map_err(|e| with_default_code(e, PARSE_FAILED))
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| with_default_code(e, VALIDATION_FAILED))
                .collect()
        })
    }

    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|e| {
                // Without a path the error is about the request as a whole (an unknown or
                // missing operation name); with one, the engine failed to coerce an argument
                // of that field. Our own resolver errors are coded already.
                let code = if e.path.is_empty() {
                    VALIDATION_FAILED
                } else {
                    BAD_USER_INPUT
                };
                with_default_code(e, code)
            })
            .collect();
        response
    }
}

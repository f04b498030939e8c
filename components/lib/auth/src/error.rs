/// Why a caller may not proceed. Each protocol maps it to its own form: HTTP 401/403,
/// SOAP Fault `Client`, GraphQL `UNAUTHENTICATED`/`FORBIDDEN`, gRPC status 16/7.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No credentials, or credentials that do not prove who the caller is.
    #[error("{0}")]
    Unauthenticated(String),
    /// A valid identity whose role is too low for the operation.
    #[error("{0}")]
    Forbidden(String),
}

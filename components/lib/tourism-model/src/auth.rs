//! Who is calling, as far as mutations care. Reads are public; each mutation asks for the
//! role it needs, so a query never requires (or even looks at) a token.

use cityflow_auth::{authorize, AuthError, Claims, Role};

use crate::errors::{coded, FORBIDDEN, INTERNAL, UNAUTHENTICATED};

/// Per-request data the HTTP adapter hands to the schema.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The `authorization` header, if any.
    pub authorization: Option<String>,
    /// The `jwt_secret` variable; `None` when the deployment did not provide one.
    pub secret: Option<Vec<u8>>,
    pub now_unix: u64,
}

impl Caller {
    pub fn require(&self, min_role: Role) -> async_graphql::Result<Claims> {
        let secret = self.secret.as_deref().ok_or_else(|| {
            eprintln!("tourism: the jwt_secret variable is not set; mutations are refused");
            coded(INTERNAL, "authentication is not configured on this server")
        })?;
        authorize(
            self.authorization.as_deref(),
            secret,
            min_role,
            self.now_unix,
        )
        .map_err(|err| match err {
            AuthError::Unauthenticated(_) => coded(UNAUTHENTICATED, err.to_string()),
            AuthError::Forbidden(_) => coded(FORBIDDEN, err.to_string()),
        })
    }
}

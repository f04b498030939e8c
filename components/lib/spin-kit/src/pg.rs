//! Which Postgres failures are worth retrying.

use api_kit::is_transient_sqlstate;
use spin_sdk::pg4::{PgError, QueryError};

/// Whether `err` means the database cannot serve us now (down, restarting, overloaded,
/// deadlock: retry later) rather than that our statement or data is wrong.
pub fn pg_failure_is_transient(err: &PgError) -> bool {
    match err {
        PgError::ConnectionFailed(_) | PgError::Other(_) => true,
        // No SQLSTATE: the failure was in the connection, not in the statement.
        PgError::QueryFailed(QueryError::Text(_)) => true,
        PgError::QueryFailed(QueryError::DbError(db)) => is_transient_sqlstate(&db.code),
        PgError::BadParameter(_) | PgError::ValueConversionFailed(_) => false,
    }
}

/// Whether `err` says the data itself is unacceptable (a data exception, class 22, or an
/// integrity violation, class 23, or a value the driver cannot send), so retrying the same
/// data can never succeed. Anything else — the database down, a schema not migrated yet
/// (42P01), a database not created yet (3D000), refused credentials — is the deployment's
/// state, and data that waits for it to be fixed is not lost.
pub fn pg_refused_the_data(err: &PgError) -> bool {
    match err {
        PgError::BadParameter(_) | PgError::ValueConversionFailed(_) => true,
        PgError::QueryFailed(QueryError::DbError(db)) => matches!(db.code.get(..2), Some("22" | "23")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spin_sdk::pg4::DbError;

    fn db_error(code: &str) -> PgError {
        PgError::QueryFailed(QueryError::DbError(DbError {
            as_text: String::new(),
            severity: "ERROR".into(),
            code: code.into(),
            message: String::new(),
            detail: None,
            extras: Vec::new(),
        }))
    }

    #[test]
    fn connection_trouble_is_transient() {
        assert!(pg_failure_is_transient(&PgError::ConnectionFailed("refused".into())));
        assert!(pg_failure_is_transient(&PgError::Other("reset".into())));
        assert!(pg_failure_is_transient(&PgError::QueryFailed(QueryError::Text("closed".into()))));
        assert!(pg_failure_is_transient(&db_error("57P01")));
        assert!(pg_failure_is_transient(&db_error("40P01")));
    }

    #[test]
    fn our_mistakes_are_not() {
        assert!(!pg_failure_is_transient(&PgError::BadParameter("x".into())));
        assert!(!pg_failure_is_transient(&PgError::ValueConversionFailed("x".into())));
        assert!(!pg_failure_is_transient(&db_error("23505")));
        assert!(!pg_failure_is_transient(&db_error("42601")));
    }

    #[test]
    fn only_data_faults_refuse_the_data() {
        assert!(pg_refused_the_data(&db_error("22P02")));
        assert!(pg_refused_the_data(&db_error("23514")));
        assert!(pg_refused_the_data(&PgError::ValueConversionFailed("x".into())));
        for code in ["42P01", "3D000", "28P01", "42601", "57P01"] {
            assert!(!pg_refused_the_data(&db_error(code)), "{code}");
        }
        assert!(!pg_refused_the_data(&PgError::ConnectionFailed("refused".into())));
    }
}

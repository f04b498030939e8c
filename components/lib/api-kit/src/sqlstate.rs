/// Whether a PostgreSQL SQLSTATE means "the database cannot serve us right now" (answer 503,
/// the client may retry) rather than "our statement is wrong" (answer 500, retrying won't help).
///
/// Classes: 08 connection exception, 40 transaction rollback (serialization failure,
/// deadlock), 53 insufficient resources (too many connections, disk full), 57 operator
/// intervention (shutdown, statement timeout), 58 system error (I/O).
pub fn is_transient_sqlstate(code: &str) -> bool {
    matches!(code.get(..2), Some("08" | "40" | "53" | "57" | "58"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies() {
        for code in [
            "08006", "40001", "40P01", "53300", "57P01", "57014", "58030",
        ] {
            assert!(is_transient_sqlstate(code), "{code}");
        }
        for code in [
            "23505", "23514", "42P01", "42703", "22P02", "XX000", "", "0",
        ] {
            assert!(!is_transient_sqlstate(code), "{code}");
        }
    }
}

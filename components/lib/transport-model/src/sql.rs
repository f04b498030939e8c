//! Every statement the transport component runs. All values are `$n` parameters.
//!
//! Each statement returns the columns `id, mode, route, status, created_at, updated_at` in
//! that order (decoded positionally by the component). Timestamps come back as RFC 3339 UTC
//! text formatted by Postgres, e.g. `2025-11-21T18:54:00.123456Z`: that makes the result
//! independent of how a host maps `timestamptz` into the WIT `db-value`, and needs no date
//! library in the component.

/// Number and order of the columns every row-returning statement yields.
pub const COLUMNS: [&str; 6] = ["id", "mode", "route", "status", "created_at", "updated_at"];

macro_rules! columns {
    () => {
        "id, mode, route, status, \
         to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS created_at, \
         to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS updated_at"
    };
}

/// `$1` mode or NULL, `$2` status or NULL, `$3` skip (int8), `$4` limit (int8).
/// One statement serves every filter combination; `ORDER BY id` keeps paging stable.
pub const LIST: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM transports \
     WHERE ($1::text IS NULL OR mode = $1::text) \
       AND ($2::text IS NULL OR status = $2::text) \
     ORDER BY id OFFSET $3::int8 LIMIT $4::int8"
);

/// `$1` id (int8).
pub const GET: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM transports WHERE id = $1::int8"
);

/// `$1` mode, `$2` route, `$3` status.
pub const INSERT: &str = concat!(
    "INSERT INTO transports (mode, route, status) VALUES ($1::text, $2::text, $3::text) RETURNING ",
    columns!()
);

/// `$1` id (int8), `$2` mode, `$3` route, `$4` status. No row back means no such line.
pub const UPDATE: &str = concat!(
    "UPDATE transports SET mode = $2::text, route = $3::text, status = $4::text, updated_at = now() \
     WHERE id = $1::int8 RETURNING ",
    columns!()
);

/// `$1` id (int8). Zero rows affected means no such line.
pub const DELETE: &str = "DELETE FROM transports WHERE id = $1::int8";

#[cfg(test)]
mod tests {
    use super::*;

    fn highest_placeholder(sql: &str) -> usize {
        sql.split('$')
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn placeholder_counts_match_the_documented_parameters() {
        assert_eq!(highest_placeholder(LIST), 4);
        assert_eq!(highest_placeholder(GET), 1);
        assert_eq!(highest_placeholder(INSERT), 3);
        assert_eq!(highest_placeholder(UPDATE), 4);
        assert_eq!(highest_placeholder(DELETE), 1);
    }

    #[test]
    fn row_statements_return_the_documented_columns() {
        for sql in [LIST, GET, INSERT, UPDATE] {
            for column in COLUMNS {
                assert!(sql.contains(column), "{column} missing from {sql}");
            }
            assert!(sql.contains("AS updated_at"));
        }
    }
}

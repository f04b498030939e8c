//! The statements the Postgres store runs, all parameterized. Every statement that returns
//! attractions returns [`COLUMNS`] in this order.

pub const COLUMNS: [&str; 10] = [
    "id",
    "name",
    "type",
    "address",
    "latitude",
    "longitude",
    "status",
    "opening_hours",
    "description",
    "zone",
];

#[cfg(test)]
const RETURNING: &str =
    "id, name, type, address, latitude, longitude, status, opening_hours, description, zone";

/// $1 type or NULL, $2 zone or NULL, $3 id to start after (0 for the start), $4 page size.
pub const LIST: &str = "SELECT id, name, type, address, latitude, longitude, status, opening_hours, description, zone \
     FROM attractions \
     WHERE ($1::text IS NULL OR type = $1::text) AND ($2::text IS NULL OR zone = $2::text) AND id > $3 \
     ORDER BY id LIMIT $4";

pub const GET: &str = "SELECT id, name, type, address, latitude, longitude, status, opening_hours, description, zone \
     FROM attractions WHERE id = $1";

/// $1 name, $2 type, $3 address, $4 latitude, $5 longitude, $6 status, $7 opening hours,
/// $8 description, $9 zone.
pub const INSERT: &str = "INSERT INTO attractions \
     (name, type, address, latitude, longitude, status, opening_hours, description, zone) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
     RETURNING id, name, type, address, latitude, longitude, status, opening_hours, description, zone";

/// $1 id, $2 status.
pub const SET_STATUS: &str = "UPDATE attractions SET status = $2, updated_at = now() WHERE id = $1 \
     RETURNING id, name, type, address, latitude, longitude, status, opening_hours, description, zone";

pub const DELETE: &str = "DELETE FROM attractions WHERE id = $1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_statements_return_the_columns_in_order() {
        assert_eq!(RETURNING, COLUMNS.join(", "));
        for statement in [LIST, GET, INSERT, SET_STATUS] {
            assert!(statement.contains(RETURNING), "{statement}");
        }
    }
}

//! Every statement the air-quality component runs. All values are `$n` parameters.
//!
//! Measure rows come back as [`MEASURE_COLUMNS`] in that order; zone rows as
//! [`ZONE_COLUMNS`]. Timestamps are RFC 3339 / xsd:dateTime UTC text formatted by Postgres
//! (no date library needed in the component, and independent of the host's timestamp mapping).

pub const MEASURE_COLUMNS: [&str; 13] = [
    "id", "zone_id", "zone_name", "pm25", "pm10", "o3", "no2", "co", "measured_at", "aqi", "category",
    "dominant_pollutant", "status",
];

pub const ZONE_COLUMNS: [&str; 4] = ["id", "name", "latitude", "longitude"];

/// The most measures one list returns (latest first); the contract has no paging and a list
/// must stay bounded as measures accumulate.
pub const LIST_LIMIT: i64 = 1000;

macro_rules! measure_columns {
    () => {
        "m.id, m.zone_id, z.name AS zone_name, m.pm25, m.pm10, m.o3, m.no2, m.co, \
         to_char(m.measured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS measured_at, \
         m.aqi, m.category, m.dominant_pollutant, m.status"
    };
}

/// `$1` limit (int8). Latest first; ties on the timestamp by newest id.
pub const LIST_MEASURES: &str = concat!(
    "SELECT ",
    measure_columns!(),
    " FROM air_measures m JOIN zones z ON z.id = m.zone_id \
     ORDER BY m.measured_at DESC, m.id DESC LIMIT $1::int8"
);

/// `$1` zone id, `$2` limit (int8). Latest first.
pub const ZONE_MEASURES: &str = concat!(
    "SELECT ",
    measure_columns!(),
    " FROM air_measures m JOIN zones z ON z.id = m.zone_id \
     WHERE m.zone_id = $1::text ORDER BY m.measured_at DESC, m.id DESC LIMIT $2::int8"
);

/// `$1` measure id (int8).
pub const GET_MEASURE: &str = concat!(
    "SELECT ",
    measure_columns!(),
    " FROM air_measures m JOIN zones z ON z.id = m.zone_id WHERE m.id = $1::int8"
);

/// `$1` zone id, `$2`..`$6` pm25, pm10, o3, no2, co (float8), `$7` measured_at (text, NULL =
/// now), `$8` aqi (int4), `$9` category, `$10` dominant pollutant. Inserts nothing (no row
/// back) when the zone does not exist.
pub const INSERT_MEASURE: &str = concat!(
    "WITH m AS (INSERT INTO air_measures \
       (zone_id, pm25, pm10, o3, no2, co, measured_at, aqi, category, dominant_pollutant) \
     SELECT z.id, $2::float8, $3::float8, $4::float8, $5::float8, $6::float8, \
       COALESCE($7::text::timestamptz, now()), $8::int4, $9::text, $10::text \
     FROM zones z WHERE z.id = $1::text \
     RETURNING *) \
     SELECT ",
    measure_columns!(),
    " FROM m JOIN zones z ON z.id = m.zone_id"
);

/// `$1` measure id (int8), `$2` status. No row back means no such measure.
pub const UPDATE_STATUS: &str = concat!(
    "WITH m AS (UPDATE air_measures SET status = $2::text, updated_at = now() \
     WHERE id = $1::int8 RETURNING *) \
     SELECT ",
    measure_columns!(),
    " FROM m JOIN zones z ON z.id = m.zone_id"
);

/// No parameters. Zones by id.
pub const LIST_ZONES: &str = "SELECT id, name, latitude, longitude FROM zones ORDER BY id";

/// `$1` zone id. One row when the zone exists.
pub const ZONE_EXISTS: &str = "SELECT id FROM zones WHERE id = $1::text";

#[cfg(test)]
mod tests {
    use super::*;

    fn highest_placeholder(sql: &str) -> usize {
        sql.split('$')
            .skip(1)
            .filter_map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok())
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn placeholder_counts_match_the_documented_parameters() {
        assert_eq!(highest_placeholder(LIST_MEASURES), 1);
        assert_eq!(highest_placeholder(ZONE_MEASURES), 2);
        assert_eq!(highest_placeholder(GET_MEASURE), 1);
        assert_eq!(highest_placeholder(INSERT_MEASURE), 10);
        assert_eq!(highest_placeholder(UPDATE_STATUS), 2);
        assert_eq!(highest_placeholder(LIST_ZONES), 0);
        assert_eq!(highest_placeholder(ZONE_EXISTS), 1);
    }

    #[test]
    fn measure_statements_return_every_column() {
        for sql in [LIST_MEASURES, ZONE_MEASURES, GET_MEASURE, INSERT_MEASURE, UPDATE_STATUS] {
            for column in MEASURE_COLUMNS {
                assert!(sql.contains(column), "{column} missing from {sql}");
            }
        }
    }
}

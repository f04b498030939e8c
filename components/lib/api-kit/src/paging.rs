use crate::{ApiError, Query};

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// `?skip=&limit=` of list endpoints: `skip` ≥ 0 (default 0), `limit` in 1..=1000 (default 100).
/// Out-of-range values are errors rather than clamped, so a client never gets fewer rows than it
/// asked for without being told why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub skip: i64,
    pub limit: i64,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            skip: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl Paging {
    pub const PARAMS: [&'static str; 2] = ["skip", "limit"];

    pub fn from_query(query: &Query) -> Result<Self, ApiError> {
        let skip = query.get_i64("skip")?.unwrap_or(0);
        if skip < 0 {
            return Err(ApiError::bad_param(
                "skip",
                "query parameter `skip` must be 0 or more",
            ));
        }
        let limit = query.get_i64("limit")?.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_param(
                "limit",
                format!("query parameter `limit` must be between 1 and {MAX_LIMIT}"),
            ));
        }
        Ok(Self { skip, limit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(raw: &str) -> Result<Paging, ApiError> {
        Paging::from_query(&Query::parse(raw).unwrap())
    }

    #[test]
    fn defaults() {
        assert_eq!(
            paging("").unwrap(),
            Paging {
                skip: 0,
                limit: 100
            }
        );
    }

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(
            paging("skip=0&limit=1").unwrap(),
            Paging { skip: 0, limit: 1 }
        );
        assert_eq!(
            paging("skip=5&limit=1000").unwrap(),
            Paging {
                skip: 5,
                limit: 1000
            }
        );
    }

    #[test]
    fn out_of_range_is_an_error_naming_the_parameter() {
        for (raw, field) in [
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("limit=-1", "limit"),
            ("limit=abc", "limit"),
            ("limit=1.5", "limit"),
            ("limit=99999999999999999999", "limit"),
            ("skip=-1", "skip"),
            ("skip=x", "skip"),
        ] {
            let err = paging(raw).unwrap_err();
            assert_eq!((err.status(), err.field()), (400, Some(field)), "{raw}");
        }
    }
}

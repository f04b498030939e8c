use crate::{Mode, Status};
use api_kit::{ApiError, Paging, Query};

/// `GET /transports?mode=&status=&skip=&limit=`. Bad values are 400 `bad_request` naming the
/// parameter (they are query parameters, not a body to validate, hence not 422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListFilter {
    pub mode: Option<Mode>,
    pub status: Option<Status>,
    pub paging: Paging,
}

impl ListFilter {
    pub const PARAMS: [&'static str; 4] = ["mode", "status", "skip", "limit"];

    pub fn from_query(query: &Query) -> Result<Self, ApiError> {
        query.reject_unknown(&Self::PARAMS)?;
        let mode = query.get_with("mode", |raw| Mode::parse(raw).ok_or_else(Mode::expected))?;
        let status = query.get_with("status", |raw| {
            Status::parse(raw).ok_or_else(Status::expected)
        })?;
        Ok(Self {
            mode,
            status,
            paging: Paging::from_query(query)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(raw: &str) -> Result<ListFilter, ApiError> {
        ListFilter::from_query(&Query::parse(raw).unwrap())
    }

    #[test]
    fn no_parameters_means_everything() {
        assert_eq!(
            filter("").unwrap(),
            ListFilter {
                mode: None,
                status: None,
                paging: Paging::default()
            }
        );
    }

    #[test]
    fn parses_all_parameters() {
        let f = filter("mode=M%C3%A9tro&status=operationnel&skip=2&limit=3").unwrap();
        assert_eq!(f.mode, Some(Mode::Metro));
        assert_eq!(f.status, Some(Status::Operationnel));
        assert_eq!(f.paging, Paging { skip: 2, limit: 3 });
        assert_eq!(filter("mode=velo").unwrap().mode, Some(Mode::Velo));
    }

    #[test]
    fn bad_values_name_the_parameter() {
        for (raw, param) in [
            ("mode=Bateau", "mode"),
            ("status=ok", "status"),
            ("limit=many", "limit"),
            ("skip=-4", "skip"),
            ("mode=Bus&mode=Taxi", "mode"),
            ("colour=red", "colour"),
        ] {
            let err = filter(raw).unwrap_err();
            assert_eq!(
                (err.status(), err.code(), err.field()),
                (400, "bad_request", Some(param)),
                "{raw}"
            );
        }
        assert!(filter("mode=Bateau")
            .unwrap_err()
            .message()
            .contains("Vélo"));
    }
}

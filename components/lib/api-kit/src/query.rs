use crate::ApiError;

/// A decoded `application/x-www-form-urlencoded` query string.
///
/// Rules every component shares, so clients see one behaviour:
/// - `+` is a space and `%XX` a byte; a malformed escape or non-UTF-8 result is a 400.
/// - A parameter given twice is a 400 (which one should win is a guess we refuse to make).
/// - An empty value (`?mode=`) counts as absent, which is what HTML forms send for "any".
/// - A value that does not parse is a 400 naming the parameter, never silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses the raw query (without the leading `?`).
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let mut pairs = Vec::new();
        for segment in raw.split('&').filter(|s| !s.is_empty()) {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            let name = decode(name).ok_or_else(|| {
                ApiError::bad_request("malformed percent-encoding in a query parameter name")
            })?;
            let value = decode(value).ok_or_else(|| {
                ApiError::bad_param(
                    &name,
                    format!("query parameter `{name}` has malformed percent-encoding"),
                )
            })?;
            pairs.push((name, value));
        }
        Ok(Self { pairs })
    }

    /// The value of `name`, or `None` when absent or empty.
    pub fn get(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut found = self.pairs.iter().filter(|(n, _)| n == name);
        let first = found.next();
        if found.next().is_some() {
            return Err(ApiError::bad_param(
                name,
                format!("query parameter `{name}` is given more than once"),
            ));
        }
        Ok(first.map(|(_, v)| v.as_str()).filter(|v| !v.is_empty()))
    }

    /// The value of `name` converted by `convert`, whose error text says what was expected
    /// (e.g. "must be one of: a, b"); it is prefixed with the parameter's name.
    pub fn get_with<T>(
        &self,
        name: &str,
        convert: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ApiError> {
        match self.get(name)? {
            None => Ok(None),
            Some(raw) => convert(raw).map(Some).map_err(|why| {
                ApiError::bad_param(name, format!("query parameter `{name}` {why}"))
            }),
        }
    }

    pub fn get_i64(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.get_with(name, |raw| {
            raw.parse::<i64>()
                .map_err(|_| "must be an integer".to_string())
        })
    }

    pub fn get_f64(&self, name: &str) -> Result<Option<f64>, ApiError> {
        self.get_with(name, |raw| match raw.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err("must be a finite number".to_string()),
        })
    }

    /// Accepts `true`/`false`/`1`/`0`, ASCII case-insensitive.
    pub fn get_bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.get_with(name, |raw| match raw.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("must be true or false".to_string()),
        })
    }

    /// Fails on the first parameter not in `known`, so a typo (`?stauts=`) is reported
    /// instead of quietly returning unfiltered data.
    pub fn reject_unknown(&self, known: &[&str]) -> Result<(), ApiError> {
        match self
            .pairs
            .iter()
            .find(|(n, _)| !known.contains(&n.as_str()))
        {
            None => Ok(()),
            Some((name, _)) => Err(ApiError::bad_param(
                name,
                format!(
                    "unknown query parameter `{name}`; known: {}",
                    known.join(", ")
                ),
            )),
        }
    }
}

/// Form-urlencoded decoding; `None` on a malformed escape or invalid UTF-8.
fn decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = hex(*bytes.get(i + 1)?)?;
                let lo = hex(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent_escapes() {
        let q = Query::parse("mode=M%C3%A9tro&route=Gare+de+Lyon%2B1").unwrap();
        assert_eq!(q.get("mode").unwrap(), Some("Métro"));
        assert_eq!(q.get("route").unwrap(), Some("Gare de Lyon+1"));
    }

    #[test]
    fn empty_and_missing_values_are_absent() {
        let q = Query::parse("mode=&status&&limit=5").unwrap();
        assert_eq!(q.get("mode").unwrap(), None);
        assert_eq!(q.get("status").unwrap(), None);
        assert_eq!(q.get("other").unwrap(), None);
        assert_eq!(q.get_i64("limit").unwrap(), Some(5));
        assert_eq!(Query::parse("").unwrap(), Query::default());
    }

    #[test]
    fn malformed_escapes_are_rejected() {
        for raw in ["mode=%zz", "mode=%4", "mode=%", "mode=%FF"] {
            let err = Query::parse(raw).unwrap_err();
            assert_eq!(err.status(), 400, "{raw}");
            assert_eq!(err.field(), Some("mode"), "{raw}");
        }
        assert_eq!(Query::parse("%zz=1").unwrap_err().field(), None);
    }

    #[test]
    fn duplicates_are_rejected() {
        let q = Query::parse("mode=Bus&mode=Taxi").unwrap();
        let err = q.get("mode").unwrap_err();
        assert_eq!(err.field(), Some("mode"));
        assert!(err.message().contains("more than once"));
    }

    #[test]
    fn typed_getters_name_the_parameter() {
        let q = Query::parse("limit=ten&lat=abc&on=maybe&inf=inf").unwrap();
        let err = q.get_i64("limit").unwrap_err();
        assert_eq!((err.status(), err.field()), (400, Some("limit")));
        assert!(err.message().contains("`limit`"));
        assert_eq!(q.get_f64("lat").unwrap_err().field(), Some("lat"));
        assert_eq!(q.get_f64("inf").unwrap_err().field(), Some("inf"));
        assert_eq!(q.get_bool("on").unwrap_err().field(), Some("on"));
    }

    #[test]
    fn typed_getters_parse() {
        let q = Query::parse("a=-3&b=2.5&c=TRUE&d=0").unwrap();
        assert_eq!(q.get_i64("a").unwrap(), Some(-3));
        assert_eq!(q.get_f64("b").unwrap(), Some(2.5));
        assert_eq!(q.get_bool("c").unwrap(), Some(true));
        assert_eq!(q.get_bool("d").unwrap(), Some(false));
    }

    #[test]
    fn get_with_prefixes_the_reason() {
        let q = Query::parse("status=closed").unwrap();
        let err = q
            .get_with("status", |_| {
                Err::<(), _>("must be one of: open".to_string())
            })
            .unwrap_err();
        assert_eq!(
            err.message(),
            "query parameter `status` must be one of: open"
        );
    }

    #[test]
    fn unknown_parameters_are_named() {
        let q = Query::parse("mode=Bus&stauts=retard").unwrap();
        let err = q.reject_unknown(&["mode", "status"]).unwrap_err();
        assert_eq!(err.field(), Some("stauts"));
        assert!(q.reject_unknown(&["mode", "stauts"]).is_ok());
    }
}

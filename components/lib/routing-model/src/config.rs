//! The rerouter's component variables, parsed with errors that name the variable.

#[derive(Debug, Clone, PartialEq)]
pub struct RouterConfig {
    /// Roads predicted strictly above this score are rerouted around (seed: 0.5).
    pub threshold: f64,
    /// Alternatives gaining less than this many minutes are not worth a detour.
    pub min_gain_min: f64,
    /// Alternatives per congested road at most (Yen's k shortest paths).
    pub max_alternatives: usize,
    /// Which prediction horizon the rerouter acts on.
    pub horizon_min: i32,
    /// The job's period: predictions older than two periods are ignored.
    pub cycle_seconds: i64,
}

#[derive(Debug, Default)]
pub struct RawConfig<'a> {
    pub congestion_threshold: Option<&'a str>,
    pub min_gain_min: Option<&'a str>,
    pub max_alternatives: Option<&'a str>,
    pub horizon_min: Option<&'a str>,
    pub cycle_seconds: Option<&'a str>,
}

fn given(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

fn number(name: &str, v: Option<&str>, default: f64, range: std::ops::RangeInclusive<f64>) -> Result<f64, String> {
    match given(v) {
        None => Ok(default),
        Some(t) => match t.parse::<f64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(format!("{name} must be a number between {} and {}, got {t:?}", range.start(), range.end())),
        },
    }
}

fn integer(name: &str, v: Option<&str>, default: i64, range: std::ops::RangeInclusive<i64>) -> Result<i64, String> {
    match given(v) {
        None => Ok(default),
        Some(t) => match t.parse::<i64>() {
            Ok(n) if range.contains(&n) => Ok(n),
            _ => Err(format!("{name} must be an integer between {} and {}, got {t:?}", range.start(), range.end())),
        },
    }
}

impl RouterConfig {
    pub fn parse(raw: &RawConfig) -> Result<RouterConfig, String> {
        Ok(RouterConfig {
            threshold: number("congestion_threshold", raw.congestion_threshold, 0.5, 0.0..=1.0)?,
            min_gain_min: number("reroute_min_gain_min", raw.min_gain_min, 0.5, 0.0..=1440.0)?,
            max_alternatives: integer("reroute_alternatives", raw.max_alternatives, 2, 1..=5)? as usize,
            horizon_min: integer("reroute_horizon_min", raw.horizon_min, 30, 1..=1440)? as i32,
            cycle_seconds: integer("cycle_seconds", raw.cycle_seconds, 60, 1..=86_400)?,
        })
    }

    /// Predictions made before `now − 2 × cycle` are stale (the seed used them forever).
    pub fn oldest_usable_unix(&self, now_unix: i64) -> i64 {
        now_unix - 2 * self.cycle_seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let c = RouterConfig::parse(&RawConfig::default()).unwrap();
        assert_eq!((c.threshold, c.min_gain_min, c.max_alternatives, c.horizon_min, c.cycle_seconds), (0.5, 0.5, 2, 30, 60));
        assert_eq!(c.oldest_usable_unix(1000), 880);
        let bad = RawConfig { congestion_threshold: Some("1.5"), ..Default::default() };
        assert!(RouterConfig::parse(&bad).unwrap_err().contains("congestion_threshold"));
        let bad = RawConfig { max_alternatives: Some("zero"), ..Default::default() };
        assert!(RouterConfig::parse(&bad).unwrap_err().contains("reroute_alternatives"));
    }
}

//! The page's Content-Security-Policy: everything from the app's own origin, nothing inline,
//! and images also from the configured map tile host (if any).

/// The CSP source expression (`https://tile.example.org`, `https://*.tile.example.org:8443`)
/// of a Leaflet tile URL template such as `https://{s}.tile.example.org/{z}/{x}/{y}.png`.
/// `Ok(None)` for an empty template (no tiles). The template is refused unless it is plain
/// http(s) with a host name, a `{s}.` subdomain placeholder at most, and `{z}`, `{x}`, `{y}` in
/// its path: the source goes into a security header, so nothing but that shape gets through.
pub fn tile_source(template: &str) -> Result<Option<String>, String> {
    let template = template.trim();
    if template.is_empty() {
        return Ok(None);
    }
    if template.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')) {
        return Err("the tile URL must not contain spaces, quotes, angle brackets or backslashes".into());
    }
    let (scheme, rest) = template
        .split_once("://")
        .filter(|(s, _)| matches!(*s, "http" | "https"))
        .ok_or("the tile URL must start with https:// or http://")?;
    let (authority, path) = rest.split_at(rest.find('/').ok_or("the tile URL has no path")?);
    for placeholder in ["{z}", "{x}", "{y}"] {
        if !path.contains(placeholder) {
            return Err(format!("the tile URL's path lacks {placeholder}"));
        }
    }
    let (wildcard, host_port) = match authority.strip_prefix("{s}.") {
        Some(rest) => (true, rest),
        None => (false, authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    let label_ok = |l: &str| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(format!("the tile URL's host {host:?} is not a host name"));
    }
    if let Some(port) = port {
        if port.parse::<u16>().map_or(true, |p| p == 0) {
            return Err(format!("the tile URL's port {port:?} is not a port number"));
        }
    }
    let host = host.to_ascii_lowercase();
    let prefix = if wildcard { "*." } else { "" };
    Ok(Some(match port {
        Some(port) => format!("{scheme}://{prefix}{host}:{port}"),
        None => format!("{scheme}://{prefix}{host}"),
    }))
}

/// The policy, with `tile_source` (from [`tile_source`]) the one other place images may come from.
pub fn content_security_policy(tile_source: Option<&str>) -> String {
    let images = match tile_source {
        Some(source) => format!("'self' {source}"),
        None => "'self'".to_string(),
    };
    [
        "default-src 'self'".to_string(),
        "script-src 'self'".to_string(),
        "style-src 'self'".to_string(),
        format!("img-src {images}"),
        "connect-src 'self'".to_string(),
        "font-src 'self'".to_string(),
        "object-src 'none'".to_string(),
        "base-uri 'none'".to_string(),
        "form-action 'self'".to_string(),
        "frame-ancestors 'none'".to_string(),
    ]
    .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_template_means_no_tile_source() {
        assert_eq!(tile_source(""), Ok(None));
        assert_eq!(tile_source("   "), Ok(None));
        let policy = content_security_policy(None);
        assert!(policy.contains("img-src 'self';"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
    }

    #[test]
    fn the_tile_host_becomes_the_only_other_image_source() {
        let source = tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").unwrap().unwrap();
        assert_eq!(source, "https://*.tile.openstreetmap.org");
        let policy = content_security_policy(Some(&source));
        assert!(policy.contains("img-src 'self' https://*.tile.openstreetmap.org;"), "{policy}");
        assert!(policy.contains("connect-src 'self';"), "{policy}");
        assert_eq!(tile_source("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png").unwrap().unwrap(), "http://127.0.0.1:8080");
        assert_eq!(tile_source("https://Tiles.Example.ORG/{z}/{x}/{y}{r}.png?key=abc").unwrap().unwrap(), "https://tiles.example.org");
    }

    #[test]
    fn anything_that_could_widen_or_break_the_policy_is_refused() {
        for bad in [
            "ftp://tiles.example.org/{z}/{x}/{y}.png",
            "//tiles.example.org/{z}/{x}/{y}.png",
            "https://tiles.example.org",
            "https://tiles.example.org/{z}/{x}.png",
            "https://*.example.org/{z}/{x}/{y}.png",
            "https://tiles.example.org; script-src *//{z}/{x}/{y}",
            "https://a b.org/{z}/{x}/{y}.png",
            "https://user@tiles.example.org/{z}/{x}/{y}.png",
            "https://tiles.example.org:99999/{z}/{x}/{y}.png",
            "https://tiles.example.org:0/{z}/{x}/{y}.png",
            "https://'self'/{z}/{x}/{y}.png",
            "https://tiles..org/{z}/{x}/{y}.png",
            "https://{s}.{s}.org/{z}/{x}/{y}.png",
        ] {
            assert!(tile_source(bad).is_err(), "{bad} should be refused");
        }
    }
}

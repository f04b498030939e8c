//! Email addresses, checked the way sign-up forms need: one `@`, a plausible local part and
//! a dotted domain name. Deliverability is not ours to prove; typos and junk are.

/// RFC 5321 limits a forward path to 254 characters.
pub const EMAIL_MAX_CHARS: usize = 254;
const LOCAL_MAX_CHARS: usize = 64;
const LABEL_MAX_CHARS: usize = 63;

/// The address trimmed and lowercased (how it is stored and looked up), or why it is invalid.
pub fn normalize_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("email must not be empty".into());
    }
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(format!("email must be at most {EMAIL_MAX_CHARS} characters"));
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("email must contain '@'".into());
    };
    if local.is_empty() || local.chars().count() > LOCAL_MAX_CHARS {
        return Err(format!("the part before '@' must be 1 to {LOCAL_MAX_CHARS} characters"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the part before '@' must not start or end with '.' or contain '..'".into());
    }
    if local.chars().any(|c| c.is_whitespace() || c.is_control() || "@<>()[]\\,;:\"".contains(c)) {
        return Err("the part before '@' contains a character not allowed in an address".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err("the domain must contain a dot, e.g. example.org".into());
    }
    for label in &labels {
        let valid = !label.is_empty()
            && label.len() <= LABEL_MAX_CHARS
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(format!("'{domain}' is not a valid domain name"));
        }
    }
    if labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        return Err(format!("'{domain}' is not a valid domain name"));
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalizes_ordinary_addresses() {
        assert_eq!(normalize_email("  Alice.Martin@Paris.FR ").unwrap(), "alice.martin@paris.fr");
        for ok in ["a@b.co", "first+tag@sub.example.org", "o'neil@x-y.example", "ops_team@city.gouv.fr"] {
            assert!(normalize_email(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_junk() {
        for bad in [
            "",
            "   ",
            "alice",
            "alice@",
            "@paris.fr",
            "alice@paris",
            "alice@@paris.fr",
            "al ice@paris.fr",
            "alice@paris..fr",
            "alice@-paris.fr",
            "alice@paris.fr.",
            ".alice@paris.fr",
            "ali..ce@paris.fr",
            "alice@paris_city.fr",
            "alice@1.2.3.4",
            "<alice@paris.fr>",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
        let long_local = format!("{}@paris.fr", "a".repeat(65));
        assert!(normalize_email(&long_local).is_err());
        let long = format!("a@{}.fr", "b".repeat(60).repeat(5));
        assert!(normalize_email(&long).is_err());
    }
}

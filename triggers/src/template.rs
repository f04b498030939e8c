//! Spin's `{{ name }}` templates.
//!
//! Spin lets component `variables`, `allowed_outbound_hosts` entries and trigger settings
//! (e.g. the MQTT trigger's address) refer to application variables with `{{ name }}`.
//! The grammar mirrors Spin's `spin-expressions` crate:
//!
//! - `{{` opens an expression that runs to the *next* `}}`; the text between them, trimmed
//!   of whitespace, is the variable name. An opening `{{` without a closing `}}` is an error.
//! - There is no escaping: a literal `{{` cannot be written. A lone `}}` (or `{`, `}`) is
//!   ordinary literal text.
//! - Only variable references exist; no filters, defaults or nested expressions.
//!
//! Spin parses the template first and rejects unknown names later, when it resolves
//! against the declared variables. Since every declared name must follow Spin's variable
//! name rules, a reference that breaks those rules can never resolve; we reject it at
//! parse time so the error names the real problem.

use std::fmt;

/// A parsed template: literal text interleaved with variable references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<TemplatePart>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TemplatePart {
    Literal(String),
    Variable(String),
}

/// Why a template could not be parsed or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{{` has no matching `}}`.
    #[error("invalid template {template:?}: unmatched '{{{{'")]
    Unmatched {
        /// The whole template text.
        template: String,
    },
    /// A `{{ ... }}` reference does not name a valid variable.
    #[error("invalid template {template:?}: invalid variable name {name:?}: {reason}")]
    InvalidName {
        /// The whole template text.
        template: String,
        /// The text between the braces, trimmed.
        name: String,
        /// Which naming rule it breaks.
        reason: &'static str,
    },
    /// Rendering found no value for a referenced variable.
    #[error("no value for variable {name:?} referenced in template")]
    MissingVariable {
        /// The variable that could not be looked up.
        name: String,
    },
}

impl Template {
    /// Parses `text`, validating every referenced variable name.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after_open) = rest.strip_prefix("{{") {
                let Some((expression, after_close)) = after_open.split_once("}}") else {
                    return Err(TemplateError::Unmatched {
                        template: text.to_owned(),
                    });
                };
                let name = expression.trim();
                if let Err(reason) = check_variable_name(name) {
                    return Err(TemplateError::InvalidName {
                        template: text.to_owned(),
                        name: name.to_owned(),
                        reason,
                    });
                }
                parts.push(TemplatePart::Variable(name.to_owned()));
                rest = after_close;
            } else {
                let literal_end = rest.find("{{").unwrap_or(rest.len());
                parts.push(TemplatePart::Literal(rest[..literal_end].to_owned()));
                rest = &rest[literal_end..];
            }
        }
        Ok(Template { parts })
    }

    /// True when the template references no variable (rendering returns it unchanged).
    #[cfg(test)]
    pub fn is_literal(&self) -> bool {
        self.parts
            .iter()
            .all(|part| matches!(part, TemplatePart::Literal(_)))
    }

    /// The referenced variable names, in order of appearance (repeats included).
    pub fn references(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            TemplatePart::Variable(name) => Some(name.as_str()),
            TemplatePart::Literal(_) => None,
        })
    }

    /// Substitutes every reference with `lookup(name)`; the first name without a value is
    /// reported. Values are inserted verbatim (they are not themselves templates).
    pub fn render(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<String, TemplateError> {
        let mut rendered = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Literal(text) => rendered.push_str(text),
                TemplatePart::Variable(name) => {
                    let value = lookup(name)
                        .ok_or_else(|| TemplateError::MissingVariable { name: name.clone() })?;
                    rendered.push_str(&value);
                }
            }
        }
        Ok(rendered)
    }
}

/// Writes the template back in canonical form (`{{ name }}` with single spaces), as Spin
/// does when it quotes a template in an error message.
impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                TemplatePart::Literal(text) => f.write_str(text)?,
                TemplatePart::Variable(name) => write!(f, "{{{{ {name} }}}}")?,
            }
        }
        Ok(())
    }
}

/// True if `name` is a valid Spin variable name: lower-case ASCII letters, digits and
/// single underscores, starting with a letter and ending with a letter or digit. Spin keeps
/// names this narrow so they map cleanly onto environment variables (`SPIN_VARIABLE_<NAME>`)
/// and file paths.
pub fn is_valid_variable_name(name: &str) -> bool {
    check_variable_name(name).is_ok()
}

/// Checks `name` against Spin's variable name rules, returning the first rule it breaks.
pub fn check_variable_name(name: &str) -> Result<(), &'static str> {
    let Some(first) = name.bytes().next() else {
        return Err("must not be empty");
    };
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err("may contain only lower-case letters, digits and underscores");
    }
    if !first.is_ascii_lowercase() {
        return Err("must start with a lower-case letter");
    }
    if name.ends_with('_') {
        return Err("must end with a lower-case letter or digit");
    }
    if name.contains("__") {
        return Err("must not contain consecutive underscores");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup_in<'a>(values: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        let map: HashMap<&str, &str> = values.iter().copied().collect();
        move |name| map.get(name).map(ToString::to_string)
    }

    #[test]
    fn literal_only_templates_render_unchanged() {
        for text in [
            "",
            "plain",
            "a } b",
            "single { brace",
            "closing }} alone",
            "{ {x} }",
        ] {
            let template = Template::parse(text).unwrap();
            assert!(template.is_literal(), "{text:?}");
            assert_eq!(template.references().count(), 0);
            assert_eq!(template.render(|_| None).unwrap(), text);
        }
    }

    #[test]
    fn references_are_listed_in_order_with_repeats() {
        let template = Template::parse("{{ a }}-{{b}}-{{  a  }}").unwrap();
        assert_eq!(template.references().collect::<Vec<_>>(), ["a", "b", "a"]);
        assert!(!template.is_literal());
    }

    #[test]
    fn whitespace_inside_braces_is_ignored() {
        for text in [
            "{{db_host}}",
            "{{ db_host }}",
            "{{\tdb_host\n}}",
            "{{   db_host}}",
        ] {
            let template = Template::parse(text).unwrap();
            assert_eq!(
                template.references().collect::<Vec<_>>(),
                ["db_host"],
                "{text:?}"
            );
        }
    }

    #[test]
    fn render_substitutes_values_between_literals() {
        let template = Template::parse("postgres://{{ db_host }}:{{db_port}}/city").unwrap();
        let rendered = template
            .render(lookup_in(&[
                ("db_host", "db.example.com"),
                ("db_port", "5432"),
            ]))
            .unwrap();
        assert_eq!(rendered, "postgres://db.example.com:5432/city");
    }

    #[test]
    fn adjacent_references_render_back_to_back() {
        let template = Template::parse("{{ a }}{{ b }}").unwrap();
        assert_eq!(
            template
                .render(lookup_in(&[("a", "x"), ("b", "y")]))
                .unwrap(),
            "xy"
        );
    }

    #[test]
    fn values_are_not_expanded_again() {
        let template = Template::parse("{{ a }}").unwrap();
        assert_eq!(
            template.render(lookup_in(&[("a", "{{ b }}")])).unwrap(),
            "{{ b }}"
        );
    }

    #[test]
    fn empty_value_renders_as_nothing() {
        let template = Template::parse("https://{{ host }}").unwrap();
        assert_eq!(
            template.render(lookup_in(&[("host", "")])).unwrap(),
            "https://"
        );
    }

    #[test]
    fn missing_variable_is_named_in_the_error() {
        let template = Template::parse("{{ present }}/{{ absent }}").unwrap();
        let err = template.render(lookup_in(&[("present", "x")])).unwrap_err();
        assert_eq!(
            err,
            TemplateError::MissingVariable {
                name: "absent".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "no value for variable \"absent\" referenced in template"
        );
    }

    #[test]
    fn unmatched_open_braces_are_rejected() {
        for text in ["{{ a", "x {{", "{{ a }} {{ b", "{{ a }"] {
            let err = Template::parse(text).unwrap_err();
            assert!(
                matches!(err, TemplateError::Unmatched { .. }),
                "{text:?}: {err}"
            );
            assert!(err.to_string().contains("unmatched '{{'"), "{err}");
        }
    }

    #[test]
    fn expression_ends_at_the_first_closing_braces() {
        // `{{ a }}}` is the reference `a` followed by the literal `}`.
        let template = Template::parse("{{ a }}}").unwrap();
        assert_eq!(template.render(lookup_in(&[("a", "x")])).unwrap(), "x}");
        // `{{{ a }}` reads the name `{ a`, which is not a variable name.
        let err = Template::parse("{{{ a }}").unwrap_err();
        assert!(
            matches!(&err, TemplateError::InvalidName { name, .. } if name == "{ a"),
            "{err}"
        );
        // No nesting: the first `}}` closes the expression `a {{ b`.
        assert!(matches!(
            Template::parse("{{ a {{ b }} }}").unwrap_err(),
            TemplateError::InvalidName { .. }
        ));
    }

    #[test]
    fn invalid_reference_names_are_rejected_with_the_rule_broken() {
        for (text, name, reason) in [
            ("{{}}", "", "must not be empty"),
            ("{{   }}", "", "must not be empty"),
            (
                "{{ DB_HOST }}",
                "DB_HOST",
                "may contain only lower-case letters, digits and underscores",
            ),
            (
                "{{ db-host }}",
                "db-host",
                "may contain only lower-case letters, digits and underscores",
            ),
            (
                "{{ db.host }}",
                "db.host",
                "may contain only lower-case letters, digits and underscores",
            ),
            (
                "{{ db host }}",
                "db host",
                "may contain only lower-case letters, digits and underscores",
            ),
            ("{{ 1db }}", "1db", "must start with a lower-case letter"),
            ("{{ _db }}", "_db", "must start with a lower-case letter"),
            (
                "{{ db_ }}",
                "db_",
                "must end with a lower-case letter or digit",
            ),
            (
                "{{ db__host }}",
                "db__host",
                "must not contain consecutive underscores",
            ),
        ] {
            let err = Template::parse(text).unwrap_err();
            assert_eq!(
                err,
                TemplateError::InvalidName {
                    template: text.into(),
                    name: name.into(),
                    reason
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn invalid_name_error_message_quotes_template_and_name() {
        let err = Template::parse("x{{ Bad }}").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid template \"x{{ Bad }}\": invalid variable name \"Bad\": \
             may contain only lower-case letters, digits and underscores"
        );
    }

    #[test]
    fn variable_name_rules_match_spin() {
        for good in ["a", "abc", "a1b2c3", "a_1", "a_1_b_3", "db_url", "x9"] {
            assert!(is_valid_variable_name(good), "{good:?} should be valid");
        }
        for bad in [
            "", "aX", "1bc", "_x", "x.y", "x_", "a__b", "x-y", "é", "a b",
        ] {
            assert!(!is_valid_variable_name(bad), "{bad:?} should be invalid");
        }
    }

    #[test]
    fn display_writes_canonical_form() {
        let template = Template::parse("http://{{db_host}}:{{   port }}").unwrap();
        assert_eq!(template.to_string(), "http://{{ db_host }}:{{ port }}");
        assert_eq!(Template::parse(&template.to_string()).unwrap(), template);
    }
}

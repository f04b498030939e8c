use crate::fold::fold;
use serde::{Serialize, Serializer};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical label, as stored in the database and returned in JSON.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Matches `label` case-, accent- and separator-insensitively (see `fold`).
            pub fn parse(label: &str) -> Option<Self> {
                // Stored values are canonical: recognise them without folding (no allocation).
                if let Some(exact) = Self::ALL.iter().copied().find(|v| v.as_str() == label) {
                    return Some(exact);
                }
                let key = fold(label);
                Self::ALL.iter().copied().find(|v| fold(v.as_str()) == key)
            }

            /// "must be one of: …", for error messages.
            pub fn expected() -> String {
                let labels: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                format!("must be one of: {}", labels.join(", "))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Transport mode. The labels are the seed UI's French ones; they are also the values the
    /// migration's CHECK constraint allows.
    Mode {
        Bus => "Bus",
        Metro => "Métro",
        Tramway => "Tramway",
        Train => "Train",
        Velo => "Vélo",
        Taxi => "Taxi",
    }
}

vocabulary! {
    /// Operating status of a line, as in the seed data.
    Status {
        Operationnel => "operationnel",
        EnMaintenance => "en_maintenance",
        HorsService => "hors_service",
        Retard => "retard",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_labels_round_trip() {
        for m in Mode::ALL {
            assert_eq!(Mode::parse(m.as_str()), Some(*m));
        }
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
    }

    #[test]
    fn aliases_normalise_to_canonical() {
        assert_eq!(Mode::parse("metro").map(Mode::as_str), Some("Métro"));
        assert_eq!(Mode::parse("METRO").map(Mode::as_str), Some("Métro"));
        assert_eq!(Mode::parse("velo").map(Mode::as_str), Some("Vélo"));
        assert_eq!(Mode::parse("bus"), Some(Mode::Bus));
        assert_eq!(Status::parse("Opérationnel"), Some(Status::Operationnel));
        assert_eq!(Status::parse("en maintenance"), Some(Status::EnMaintenance));
    }

    #[test]
    fn unknown_labels_are_rejected() {
        for label in ["", "Metro Line", "tram", "RER", "M├®tro"] {
            assert_eq!(Mode::parse(label), None, "{label}");
        }
        for label in ["", "ok", "closed", "operational"] {
            assert_eq!(Status::parse(label), None, "{label}");
        }
    }

    #[test]
    fn serialises_as_the_label() {
        assert_eq!(serde_json::to_string(&Mode::Metro).unwrap(), "\"Métro\"");
        assert_eq!(
            serde_json::to_string(&Status::HorsService).unwrap(),
            "\"hors_service\""
        );
    }

    #[test]
    fn expected_lists_every_label() {
        assert_eq!(
            Mode::expected(),
            "must be one of: Bus, Métro, Tramway, Train, Vélo, Taxi"
        );
        assert_eq!(
            Status::expected(),
            "must be one of: operationnel, en_maintenance, hors_service, retard"
        );
    }
}

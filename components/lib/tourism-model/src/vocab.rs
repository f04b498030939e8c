//! The closed vocabularies of an attraction. GraphQL spells them as enum values
//! (`TEMPORARILY_CLOSED`), the database as lowercase words (`temporarily_closed`); the
//! migration's CHECK constraints list the same words.

use async_graphql::Enum;

/// What kind of place an attraction is.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "AttractionType")]
pub enum AttractionType {
    Museum,
    Monument,
    Park,
    Garden,
    Church,
    Theatre,
    Restaurant,
    Hotel,
}

/// Whether an attraction can be visited now.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
#[graphql(name = "AttractionStatus")]
pub enum AttractionStatus {
    Open,
    Closed,
    /// Closed for a while (works, an event); expected to reopen.
    TemporarilyClosed,
}

impl AttractionType {
    pub const ALL: [AttractionType; 8] = [
        Self::Museum,
        Self::Monument,
        Self::Park,
        Self::Garden,
        Self::Church,
        Self::Theatre,
        Self::Restaurant,
        Self::Hotel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Museum => "museum",
            Self::Monument => "monument",
            Self::Park => "park",
            Self::Garden => "garden",
            Self::Church => "church",
            Self::Theatre => "theatre",
            Self::Restaurant => "restaurant",
            Self::Hotel => "hotel",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

impl AttractionStatus {
    pub const ALL: [AttractionStatus; 3] = [Self::Open, Self::Closed, Self::TemporarilyClosed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::TemporarilyClosed => "temporarily_closed",
        }
    }

    pub fn from_db(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_words_round_trip() {
        for t in AttractionType::ALL {
            assert_eq!(AttractionType::from_db(t.as_str()), Some(t));
        }
        for s in AttractionStatus::ALL {
            assert_eq!(AttractionStatus::from_db(s.as_str()), Some(s));
        }
        assert_eq!(AttractionType::from_db("MUSEUM"), None);
        assert_eq!(AttractionStatus::from_db("Open"), None);
    }

    #[test]
    fn the_migration_allows_exactly_these_words() {
        let migration = include_str!("../../../../migrations/V4__tourism.sql");
        for t in AttractionType::ALL {
            assert!(migration.contains(&format!("'{}'", t.as_str())), "{t:?}");
        }
        for s in AttractionStatus::ALL {
            assert!(migration.contains(&format!("'{}'", s.as_str())), "{s:?}");
        }
    }
}

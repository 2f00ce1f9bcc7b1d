//! The kinds of entries of a person's timeline on the 360° page. Cases, messages, documents
//! and appointments join as those features arrive.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    /// A contact logged by an agent (has a channel).
    Interaction,
    /// A consent given or withdrawn (its source is a channel when it is one).
    Consent,
    /// A relationship made with another person or an organisation.
    Relationship,
    /// Another record of the person merged into this one.
    Merge,
}

impl TimelineKind {
    pub const ALL: [TimelineKind; 4] = [
        TimelineKind::Interaction,
        TimelineKind::Consent,
        TimelineKind::Relationship,
        TimelineKind::Merge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Interaction => "interaction",
            Self::Consent => "consent",
            Self::Relationship => "relationship",
            Self::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether entries of this kind can have a channel (the others drop out of a timeline
    /// filtered by channel).
    pub fn has_channel(self) -> bool {
        matches!(self, Self::Interaction | Self::Consent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in TimelineKind::ALL {
            assert_eq!(TimelineKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(TimelineKind::parse("case"), None);
    }
}

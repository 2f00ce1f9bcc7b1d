//! The kinds of entries of a person's timeline on the 360° page. Appointments and survey
//! answers join as those features arrive.

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
    /// A case they filed, or that was filed for them (has a channel).
    Case,
    /// A message between them and the organisation on one of their cases.
    Message,
    /// A document of their safe (handed over, or issued to them).
    Document,
}

impl TimelineKind {
    pub const ALL: [TimelineKind; 7] = [
        TimelineKind::Case,
        TimelineKind::Message,
        TimelineKind::Interaction,
        TimelineKind::Document,
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
            Self::Case => "case",
            Self::Message => "message",
            Self::Document => "document",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether entries of this kind can have a channel (the others drop out of a timeline
    /// filtered by channel).
    pub fn has_channel(self) -> bool {
        matches!(self, Self::Interaction | Self::Consent | Self::Case)
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
        assert_eq!(TimelineKind::parse("appointment"), None);
    }
}

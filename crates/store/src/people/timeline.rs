//! A person's timeline for the 360° page: interactions, consent changes, relationships made
//! and records merged in, newest first, filterable by kind and by channel (an interaction's
//! channel, a consent's source when it is a channel).

use super::{ConsentRecord, Interaction, PersonRecord, RelationshipView, merge::MergedRecord};
use chrono::{DateTime, Utc};
use relais_domain::people::{Channel, timeline::TimelineKind};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Interaction(Interaction),
    Consent(ConsentRecord),
    Relationship(RelationshipView),
    Merge(MergedRecord),
}

impl Entry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Interaction(i) => i.at,
            Self::Consent(c) => c.at,
            Self::Relationship(r) => r.created_at,
            Self::Merge(m) => m.merged_at,
        }
    }

    pub fn kind(&self) -> TimelineKind {
        match self {
            Self::Interaction(_) => TimelineKind::Interaction,
            Self::Consent(_) => TimelineKind::Consent,
            Self::Relationship(_) => TimelineKind::Relationship,
            Self::Merge(_) => TimelineKind::Merge,
        }
    }

    /// The channel it came through, when it has one.
    pub fn channel(&self) -> Option<&str> {
        match self {
            Self::Interaction(i) => Some(&i.channel),
            Self::Consent(c) => Channel::ALL
                .iter()
                .find(|ch| ch.as_str() == c.source)
                .map(|ch| ch.as_str()),
            _ => None,
        }
    }
}

/// The entries of the record (and of the records merged into it) of `kind` and `channel`
/// when given, newest first.
pub fn timeline(
    record: &PersonRecord,
    merged: &[MergedRecord],
    kind: Option<TimelineKind>,
    channel: Option<Channel>,
) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    out.extend(record.interactions.iter().cloned().map(Entry::Interaction));
    out.extend(record.consents.iter().cloned().map(Entry::Consent));
    out.extend(
        record
            .relationships
            .iter()
            .cloned()
            .map(Entry::Relationship),
    );
    out.extend(merged.iter().cloned().map(Entry::Merge));
    out.retain(|e| {
        kind.is_none_or(|k| e.kind() == k)
            && channel.is_none_or(|c| e.channel() == Some(c.as_str()))
    });
    out.sort_by_key(|e| std::cmp::Reverse(e.at()));
    out
}

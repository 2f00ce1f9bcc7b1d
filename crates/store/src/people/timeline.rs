//! A person's timeline for the 360° page: their cases, the messages on them, their documents,
//! interactions, consent changes, relationships made and records merged in, newest first,
//! filterable by kind and by channel (a case's or an interaction's channel, a consent's
//! source when it is a channel).

use super::{ConsentRecord, Interaction, PersonRecord, RelationshipView, merge::MergedRecord};
use crate::{Db, Result, db::on_pool, documents::Document};
use chrono::{DateTime, Utc};
use relais_domain::people::{Channel, timeline::TimelineKind};
use serde::Serialize;
use uuid::Uuid;

/// The most recent entries of each kind read from the cases side (a person with thousands of
/// cases shows the latest ones; their full list is in the back office's case views).
pub const ACTIVITY_LIMIT: i64 = 200;

/// A case of the person.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct CaseEntry {
    pub id: Uuid,
    pub reference: String,
    pub service_id: Uuid,
    pub service_version: i32,
    pub title_fr: String,
    pub title_en: String,
    pub status: String,
    pub channel: String,
    pub submitted_at: DateTime<Utc>,
}

/// A message on one of the person's cases, either way.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MessageEntry {
    pub case_id: Uuid,
    /// The case's service (staff who may not see it do not see its messages).
    pub service_id: Uuid,
    pub reference: String,
    /// `message_to_requester` or `message_from_requester`.
    pub kind: String,
    pub at: DateTime<Utc>,
    pub actor_label: String,
    pub body: Option<String>,
}

/// What the cases side knows of a person, for their timeline.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    pub cases: Vec<CaseEntry>,
    pub messages: Vec<MessageEntry>,
    pub documents: Vec<Document>,
}

/// The person's latest cases, messages and documents (at most [`ACTIVITY_LIMIT`] of each).
pub async fn activity(db: &Db, tenant_id: Uuid, person_id: Uuid) -> Result<Activity> {
    let cases = on_pool!(db, |p| sqlx::query_as::<_, CaseEntry>(
        "SELECT c.id, c.reference, c.service_id, c.service_version, s.title_fr, s.title_en,
                c.status, c.channel, c.submitted_at
         FROM cases c JOIN services s ON s.tenant_id = c.tenant_id AND s.id = c.service_id
         WHERE c.tenant_id = $1 AND c.requester_person_id = $2
         ORDER BY c.submitted_at DESC, c.id DESC LIMIT $3"
    )
    .bind(tenant_id)
    .bind(person_id)
    .bind(ACTIVITY_LIMIT)
    .fetch_all(p)
    .await)?;
    // CROSS JOIN keeps the person's cases as the outer loop on SQLite (no planner
    // statistics there): with a plain JOIN it walked every event of the tenant by kind,
    // 0.3 s at 800,000 events (relais-bench, `person` scenario).
    let messages = on_pool!(db, |p| sqlx::query_as::<_, MessageEntry>(
        "SELECT e.case_id, c.service_id, c.reference, e.kind, e.at, e.actor_label, e.body
         FROM cases c CROSS JOIN case_events e
         WHERE e.tenant_id = c.tenant_id AND e.case_id = c.id
           AND c.tenant_id = $1 AND c.requester_person_id = $2
           AND e.kind IN ('message_to_requester', 'message_from_requester')
         ORDER BY e.at DESC, e.id DESC LIMIT $3"
    )
    .bind(tenant_id)
    .bind(person_id)
    .bind(ACTIVITY_LIMIT)
    .fetch_all(p)
    .await)?;
    let mut documents = crate::documents::safe(db, tenant_id, person_id).await?;
    documents.truncate(usize::try_from(ACTIVITY_LIMIT).unwrap_or(200));
    Ok(Activity {
        cases,
        messages,
        documents,
    })
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Interaction(Interaction),
    Consent(ConsentRecord),
    Relationship(RelationshipView),
    Merge(MergedRecord),
    Case(CaseEntry),
    Message(MessageEntry),
    Document(Document),
}

impl Entry {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Interaction(i) => i.at,
            Self::Consent(c) => c.at,
            Self::Relationship(r) => r.created_at,
            Self::Merge(m) => m.merged_at,
            Self::Case(c) => c.submitted_at,
            Self::Message(m) => m.at,
            Self::Document(d) => d.created_at,
        }
    }

    pub fn kind(&self) -> TimelineKind {
        match self {
            Self::Interaction(_) => TimelineKind::Interaction,
            Self::Consent(_) => TimelineKind::Consent,
            Self::Relationship(_) => TimelineKind::Relationship,
            Self::Merge(_) => TimelineKind::Merge,
            Self::Case(_) => TimelineKind::Case,
            Self::Message(_) => TimelineKind::Message,
            Self::Document(_) => TimelineKind::Document,
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
            Self::Case(c) => Channel::ALL
                .iter()
                .find(|ch| ch.as_str() == c.channel)
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
    activity: Activity,
    kind: Option<TimelineKind>,
    channel: Option<Channel>,
) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    out.extend(activity.cases.into_iter().map(Entry::Case));
    out.extend(activity.messages.into_iter().map(Entry::Message));
    out.extend(activity.documents.into_iter().map(Entry::Document));
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

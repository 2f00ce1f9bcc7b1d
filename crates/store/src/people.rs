//! Persons and organisations: identities, contact points, tags, consents (one row per
//! change), relationships and interactions. Values arrive validated by
//! `relais_domain::people`; this module keeps the `search_name` columns, scopes every query
//! by tenant and records every write in the audit log in the same transaction.

use crate::{
    Actor, Change, Db, Result, StoreError,
    audit::record,
    db::BeginWrite,
    db::on_pool,
    search::{index_organisations, index_persons},
};
use chrono::{DateTime, NaiveDate, Utc};
use relais_domain::{
    Email,
    people::{
        self, Channel, ConsentChange, NewInteraction, Party, PersonIdentity, Phone, PostalAddress,
        RelationshipKind, Siret,
    },
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

pub mod contact_points;
pub mod custom_fields;
mod duplicates;
pub mod merge;
pub mod segments;
pub mod timeline;
pub use contact_points::Owner;
pub use duplicates::{PairCursor, dismiss_duplicate, duplicate_candidates, duplicate_queue};

/// Largest page of a list.
pub const MAX_PAGE: i64 = 200;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Person {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub locale: String,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// A line of a list or of search results.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PersonSummary {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub archived_at: Option<DateTime<Utc>>,
    /// The first e-mail address (alphabetically), if any.
    pub email: Option<String>,
    /// The first phone number (E.164), if any.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Organisation {
    pub id: Uuid,
    pub name: String,
    pub siret: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct EmailPoint {
    pub id: Uuid,
    pub email: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PhonePoint {
    pub id: Uuid,
    pub e164: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AddressPoint {
    pub id: Uuid,
    /// Lines above postcode and city, separated by line feeds.
    pub lines: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub created_at: DateTime<Utc>,
}

impl AddressPoint {
    /// The address itself (its lines split again).
    pub fn address(&self) -> PostalAddress {
        PostalAddress {
            lines: self.lines.lines().map(str::to_owned).collect(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
        }
    }

    /// As on an envelope (city in capitals, country only abroad).
    pub fn formatted(&self) -> Vec<String> {
        self.address().formatted()
    }
}

/// One change of a consent.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ConsentRecord {
    pub id: Uuid,
    pub purpose: String,
    pub state: String,
    pub source: String,
    pub at: DateTime<Utc>,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

/// A relationship as seen from one person: `outgoing` when this person is its subject
/// ("X is a member of Y"), otherwise this person is its object.
#[derive(Debug, Clone, Serialize)]
pub struct RelationshipView {
    pub id: Uuid,
    pub kind: String,
    pub outgoing: bool,
    /// `person` or `organisation`.
    pub other_type: &'static str,
    pub other_id: Uuid,
    pub other_name: String,
    pub created_at: DateTime<Utc>,
}

/// A person tied to an organisation.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Member {
    pub relationship_id: Uuid,
    pub kind: String,
    pub person_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Interaction {
    pub id: Uuid,
    pub channel: String,
    pub direction: String,
    pub summary: String,
    pub duration_minutes: Option<i32>,
    pub case_ref: Option<String>,
    pub at: DateTime<Utc>,
    pub agent_id: Option<Uuid>,
    /// The agent's display name when the agent is known.
    pub agent_name: Option<String>,
}

/// Everything known about a person, for the 360° page and the API.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRecord {
    pub person: Person,
    pub emails: Vec<EmailPoint>,
    pub phones: Vec<PhonePoint>,
    pub addresses: Vec<AddressPoint>,
    pub tags: Vec<String>,
    /// Every change, newest first.
    pub consents: Vec<ConsentRecord>,
    pub relationships: Vec<RelationshipView>,
    /// Newest first (only the channel asked for, if any).
    pub interactions: Vec<Interaction>,
}

impl PersonRecord {
    /// The current state of each purpose (its latest change), by purpose.
    pub fn current_consents(&self) -> Vec<&ConsentRecord> {
        let mut out: Vec<&ConsentRecord> = Vec::new();
        for c in &self.consents {
            if !out.iter().any(|o| o.purpose == c.purpose) {
                out.push(c);
            }
        }
        out.sort_by(|a, b| a.purpose.cmp(&b.purpose));
        out
    }
}

const PERSON_COLUMNS: &str =
    "id, given_name, family_name, birth_date, locale, archived_at, created_at, updated_at";

const SUMMARY_SELECT: &str = "SELECT p.id, p.given_name, p.family_name, p.birth_date, p.archived_at,
    (SELECT MIN(e.email) FROM person_emails e WHERE e.tenant_id = p.tenant_id AND e.person_id = p.id) AS email,
    (SELECT MIN(ph.e164) FROM person_phones ph WHERE ph.tenant_id = p.tenant_id AND ph.person_id = p.id) AS phone
    FROM persons p";

// ---------------------------------------------------------------------------------------
// Persons

pub async fn get_person(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn create_person(db: &Db, actor: &Actor, identity: &PersonIdentity) -> Result<Person> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO persons (tenant_id, id, given_name, family_name, birth_date, locale, search_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&identity.given_name)
        .bind(&identity.family_name)
        .bind(identity.birth_date)
        .bind(identity.locale.as_str())
        .bind(identity.search_name())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.create",
                "person",
                id,
                json!({"given_name": identity.given_name, "family_name": identity.family_name,
                       "birth_date": identity.birth_date, "locale": identity.locale.as_str()})
            )
        );
        index_persons!(tx, actor.tenant_id, &[id]);
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_person(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Replaces the identity; the audit row lists what changed. Nothing changed: no write.
pub async fn update_person(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    identity: &PersonIdentity,
) -> Result<Person> {
    let before = get_person(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let fmt_date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let diff = crate::audit::diff(&[
        (
            "given_name",
            before.given_name.clone(),
            identity.given_name.clone(),
        ),
        (
            "family_name",
            before.family_name.clone(),
            identity.family_name.clone(),
        ),
        (
            "birth_date",
            fmt_date(before.birth_date),
            fmt_date(identity.birth_date),
        ),
        (
            "locale",
            before.locale.clone(),
            identity.locale.as_str().to_owned(),
        ),
    ]);
    if diff.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE persons SET given_name = $3, family_name = $4, birth_date = $5, locale = $6,
                search_name = $7, updated_at = $8
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&identity.given_name)
        .bind(&identity.family_name)
        .bind(identity.birth_date)
        .bind(identity.locale.as_str())
        .bind(identity.search_name())
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(tx, actor, Change::new("person.update", "person", id, diff));
        index_persons!(tx, actor.tenant_id, &[id]);
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_person(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Archives a person: kept with all their history, left out of lists and searches.
/// Archiving an archived person changes nothing.
pub async fn archive_person(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    let before = get_person(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.archived_at.is_some() {
        return Ok(());
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let now = Utc::now();
        sqlx::query(
            "UPDATE persons SET archived_at = $3, updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.archive",
                "person",
                id,
                json!({"name": before.full_name()})
            )
        );
        index_persons!(tx, actor.tenant_id, &[id]);
        tx.commit().await?;
        Ok(())
    })
}

/// A staff member opened a person's record: written to the audit log (`person.view`).
pub async fn record_view(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    crate::audit::append(
        db,
        actor,
        Change::new("person.view", "person", id, json!({})),
    )
    .await
}

/// Writes the export of a person's record (a vCard) to the audit log.
pub async fn record_export(db: &Db, actor: &Actor, id: Uuid, format: &str) -> Result<()> {
    crate::audit::append(
        db,
        actor,
        Change::new("person.export", "person", id, json!({"format": format})),
    )
    .await
}

/// Persons by family then given name (folded), `limit` at most, after the person `after`
/// (the last id of the previous page). Archived persons only when asked.
pub async fn list_persons(
    db: &Db,
    tenant_id: Uuid,
    after: Option<Uuid>,
    limit: i64,
    include_archived: bool,
) -> Result<Vec<PersonSummary>> {
    let sql = format!(
        "{SUMMARY_SELECT}
         WHERE p.tenant_id = $1
           AND ($3 OR p.archived_at IS NULL)
           AND ($2 IS NULL OR (p.search_name, p.id) >
                (SELECT c.search_name, c.id FROM persons c WHERE c.tenant_id = $1 AND c.id = $2))
         ORDER BY p.search_name, p.id
         LIMIT $4"
    );
    on_pool!(db, |p| sqlx::query_as::<_, PersonSummary>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(after)
    .bind(include_archived)
    .bind(limit.clamp(1, MAX_PAGE))
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Active persons matching `q` (see `crate::search`: names, e-mail addresses, phone numbers
/// in any common writing, addresses; accents and case ignored, French plurals and one typo
/// in a name tolerated), best first, `limit` at most. A query that cannot be searched
/// (empty, only punctuation, too long) finds no one.
pub async fn search_persons(
    db: &Db,
    tenant_id: Uuid,
    q: &str,
    limit: i64,
) -> Result<Vec<PersonSummary>> {
    let Ok(query) = relais_domain::search::Query::parse(q) else {
        return Ok(Vec::new());
    };
    let found =
        crate::search::search(db, tenant_id, &query, crate::search::Scope::Persons, limit).await?;
    let ids: Vec<Uuid> = found.hits.iter().map(|h| h.id).collect();
    persons_by_ids(db, tenant_id, &ids).await
}

/// Summaries of these persons of the tenant, in the order of `ids` (unknown ids left out).
pub async fn persons_by_ids(db: &Db, tenant_id: Uuid, ids: &[Uuid]) -> Result<Vec<PersonSummary>> {
    let mut found: Vec<PersonSummary> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(crate::search::BATCH) {
        let sql = format!(
            "{SUMMARY_SELECT} WHERE p.tenant_id = $1 AND p.id IN ({})",
            crate::search::placeholders(2, chunk.len())
        );
        let rows: Vec<PersonSummary> = on_pool!(db, |p| {
            let mut q = sqlx::query_as::<_, PersonSummary>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(tenant_id);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        found.extend(rows);
    }
    Ok(ids
        .iter()
        .filter_map(|id| found.iter().find(|p| p.id == *id).cloned())
        .collect())
}

/// Everything about a person, interactions of one channel only when `channel` is given.
pub async fn person_record(
    db: &Db,
    tenant_id: Uuid,
    id: Uuid,
    channel: Option<Channel>,
) -> Result<Option<PersonRecord>> {
    let Some(person) = get_person(db, tenant_id, id).await? else {
        return Ok(None);
    };
    let channel = channel.map(Channel::as_str);
    let (emails, phones, addresses) =
        contact_points::list(db, tenant_id, Owner::Person(id)).await?;
    on_pool!(db, |p| {
        let tags = sqlx::query_scalar::<_, String>(
            "SELECT tag FROM person_tags WHERE tenant_id = $1 AND person_id = $2 ORDER BY tag",
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_all(p)
        .await?;
        let consents = sqlx::query_as::<_, ConsentRecord>(
            "SELECT id, purpose, state, source, at, recorded_by, recorded_at FROM consents
             WHERE tenant_id = $1 AND person_id = $2 ORDER BY at DESC, id DESC",
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_all(p)
        .await?;
        let outgoing = sqlx::query_as::<_, (Uuid, String, Option<Uuid>, Option<String>, Option<String>, Option<Uuid>, Option<String>, DateTime<Utc>)>(
            "SELECT r.id, r.kind, r.to_person_id, tp.given_name, tp.family_name, r.to_organisation_id, o.name, r.created_at
             FROM relationships r
             LEFT JOIN persons tp ON tp.tenant_id = r.tenant_id AND tp.id = r.to_person_id
             LEFT JOIN organisations o ON o.tenant_id = r.tenant_id AND o.id = r.to_organisation_id
             WHERE r.tenant_id = $1 AND r.person_id = $2 ORDER BY r.created_at, r.id",
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_all(p)
        .await?;
        let incoming = sqlx::query_as::<_, (Uuid, String, Uuid, String, String, DateTime<Utc>)>(
            "SELECT r.id, r.kind, r.person_id, fp.given_name, fp.family_name, r.created_at
             FROM relationships r JOIN persons fp ON fp.tenant_id = r.tenant_id AND fp.id = r.person_id
             WHERE r.tenant_id = $1 AND r.to_person_id = $2 ORDER BY r.created_at, r.id",
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_all(p)
        .await?;
        let interactions = sqlx::query_as::<_, Interaction>(
            "SELECT i.id, i.channel, i.direction, i.summary, i.duration_minutes, i.case_ref, i.at, i.agent_id,
                    a.display_name AS agent_name
             FROM interactions i LEFT JOIN accounts a ON a.tenant_id = i.tenant_id AND a.id = i.agent_id
             WHERE i.tenant_id = $1 AND i.person_id = $2 AND ($3 IS NULL OR i.channel = $3)
             ORDER BY i.at DESC, i.id DESC",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(channel)
        .fetch_all(p)
        .await?;
        let mut relationships: Vec<RelationshipView> = outgoing
            .into_iter()
            .map(
                |(rid, kind, to_person, given, family, to_org, org_name, created_at)| {
                    let (other_type, other_id, other_name) = match (to_person, to_org) {
                        (Some(pid), _) => (
                            "person",
                            pid,
                            format!(
                                "{} {}",
                                given.unwrap_or_default(),
                                family.unwrap_or_default()
                            ),
                        ),
                        (None, oid) => (
                            "organisation",
                            oid.unwrap_or_default(),
                            org_name.unwrap_or_default(),
                        ),
                    };
                    RelationshipView {
                        id: rid,
                        kind,
                        outgoing: true,
                        other_type,
                        other_id,
                        other_name,
                        created_at,
                    }
                },
            )
            .collect();
        relationships.extend(incoming.into_iter().map(
            |(rid, kind, from, given, family, created_at)| RelationshipView {
                id: rid,
                kind,
                outgoing: false,
                other_type: "person",
                other_id: from,
                other_name: format!("{given} {family}"),
                created_at,
            },
        ));
        Ok(Some(PersonRecord {
            person,
            emails,
            phones,
            addresses,
            tags,
            consents,
            relationships,
            interactions,
        }))
    })
}

/// The person, in the open transaction, or `NotFound`.
macro_rules! require_person {
    ($tx:expr, $tenant:expr, $id:expr) => {{
        let found: Option<Uuid> =
            sqlx::query_scalar("SELECT id FROM persons WHERE tenant_id = $1 AND id = $2")
                .bind($tenant)
                .bind($id)
                .fetch_optional(&mut *$tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
    }};
}

/// Adds an e-mail address. The same address twice on one person: `Conflict`.
pub async fn add_email(db: &Db, actor: &Actor, person_id: Uuid, email: &Email) -> Result<Uuid> {
    contact_points::add_email(db, actor, Owner::Person(person_id), email).await
}

/// Adds a phone number. The same number twice on one person: `Conflict`.
pub async fn add_phone(db: &Db, actor: &Actor, person_id: Uuid, phone: &Phone) -> Result<Uuid> {
    contact_points::add_phone(db, actor, Owner::Person(person_id), phone).await
}

pub async fn add_address(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    address: &PostalAddress,
) -> Result<Uuid> {
    contact_points::add_address(db, actor, Owner::Person(person_id), address).await
}

/// Removes one contact point (e-mail, phone or address) of the person, by its id.
pub async fn remove_contact_point(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    point_id: Uuid,
) -> Result<()> {
    contact_points::remove(db, actor, Owner::Person(person_id), point_id).await
}

/// Replaces the person's tags (already normalised by `people::tag`).
pub async fn set_tags(db: &Db, actor: &Actor, person_id: Uuid, tags: &[String]) -> Result<()> {
    let mut tags = tags.to_vec();
    tags.sort();
    tags.dedup();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        require_person!(tx, actor.tenant_id, person_id);
        let before: Vec<String> = sqlx::query_scalar(
            "SELECT tag FROM person_tags WHERE tenant_id = $1 AND person_id = $2 ORDER BY tag",
        )
        .bind(actor.tenant_id)
        .bind(person_id)
        .fetch_all(&mut *tx)
        .await?;
        if before == tags {
            return Ok(());
        }
        sqlx::query("DELETE FROM person_tags WHERE tenant_id = $1 AND person_id = $2")
            .bind(actor.tenant_id)
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        for tag in &tags {
            sqlx::query("INSERT INTO person_tags (tenant_id, person_id, tag) VALUES ($1, $2, $3)")
                .bind(actor.tenant_id)
                .bind(person_id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE persons SET updated_at = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(person_id)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        let added: Vec<_> = tags.iter().filter(|t| !before.contains(t)).collect();
        let removed: Vec<_> = before.iter().filter(|t| !tags.contains(t)).collect();
        record!(
            tx,
            actor,
            Change::new(
                "person.tags",
                "person",
                person_id,
                json!({"added": added, "removed": removed})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Records a consent change: one more row of the history, never an update.
pub async fn set_consent(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    change: &ConsentChange,
) -> Result<Uuid> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        require_person!(tx, actor.tenant_id, person_id);
        sqlx::query(
            "INSERT INTO consents (tenant_id, id, person_id, purpose, state, source, at, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(person_id)
        .bind(&change.purpose)
        .bind(change.state.as_str())
        .bind(change.source.as_str())
        .bind(change.at)
        .bind(actor.account_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.consent",
                "person",
                person_id,
                json!({"purpose": change.purpose, "state": change.state.as_str(),
                       "source": change.source.as_str(), "at": change.at})
            )
        );
        tx.commit().await?;
        Ok(id)
    })
}

/// Ties a person to another person or to an organisation of the same tenant. An id of
/// another tenant is `NotFound` (and the composite foreign keys would refuse it anyway);
/// a kind that does not fit the other side is `Rule(message id)`.
pub async fn add_relationship(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    kind: RelationshipKind,
    to: Party,
) -> Result<Uuid> {
    people::check_relationship(kind, person_id, to).map_err(|e| StoreError::Rule(e.code))?;
    let id = relais_domain::new_id();
    let (to_person, to_org) = match to {
        Party::Person(p) => (Some(p), None),
        Party::Organisation(o) => (None, Some(o)),
    };
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        require_person!(tx, actor.tenant_id, person_id);
        let target: Option<Uuid> = match to {
            Party::Person(t) => {
                sqlx::query_scalar("SELECT id FROM persons WHERE tenant_id = $1 AND id = $2")
                    .bind(actor.tenant_id)
                    .bind(t)
                    .fetch_optional(&mut *tx)
                    .await?
            }
            Party::Organisation(t) => {
                sqlx::query_scalar("SELECT id FROM organisations WHERE tenant_id = $1 AND id = $2")
                    .bind(actor.tenant_id)
                    .bind(t)
                    .fetch_optional(&mut *tx)
                    .await?
            }
        };
        if target.is_none() {
            return Err(StoreError::NotFound);
        }
        let existing: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM relationships WHERE tenant_id = $1 AND person_id = $2 AND kind = $3
               AND to_person_id IS NOT DISTINCT FROM $4 AND to_organisation_id IS NOT DISTINCT FROM $5",
        )
        .bind(actor.tenant_id)
        .bind(person_id)
        .bind(kind.as_str())
        .bind(to_person)
        .bind(to_org)
        .fetch_optional(&mut *tx)
        .await?;
        if existing.is_some() {
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "INSERT INTO relationships (tenant_id, id, kind, person_id, to_person_id, to_organisation_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(kind.as_str())
        .bind(person_id)
        .bind(to_person)
        .bind(to_org)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.relationship.add",
                "person",
                person_id,
                json!({"relationship": id, "kind": kind.as_str(), "to": to})
            )
        );
        tx.commit().await?;
        Ok(id)
    })
}

/// Removes a relationship, found through one of its sides (`of`: the person it starts
/// from or points at, or the organisation it points at). Not a relationship of `of` in this
/// tenant: `NotFound`. Audited on the person it starts from.
pub async fn remove_relationship(
    db: &Db,
    actor: &Actor,
    of: Party,
    relationship_id: Uuid,
) -> Result<()> {
    let (of_person, of_org) = match of {
        Party::Person(p) => (Some(p), None),
        Party::Organisation(o) => (None, Some(o)),
    };
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let row = sqlx::query_as::<_, (String, Uuid, Option<Uuid>, Option<Uuid>)>(
            "DELETE FROM relationships
             WHERE tenant_id = $1 AND id = $2
               AND (person_id = $3 OR to_person_id = $3 OR to_organisation_id = $4)
             RETURNING kind, person_id, to_person_id, to_organisation_id",
        )
        .bind(actor.tenant_id)
        .bind(relationship_id)
        .bind(of_person)
        .bind(of_org)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((kind, from, to_person, to_org)) = row else {
            return Err(StoreError::NotFound);
        };
        let to = match (to_person, to_org) {
            (Some(p), _) => json!({"type": "person", "id": p}),
            (_, o) => json!({"type": "organisation", "id": o}),
        };
        record!(
            tx,
            actor,
            Change::new(
                "person.relationship.remove",
                "person",
                from,
                json!({"relationship": relationship_id, "kind": kind, "to": to})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Logs a contact with the person, by the actor's account.
pub async fn log_interaction(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    interaction: &NewInteraction,
) -> Result<Uuid> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        require_person!(tx, actor.tenant_id, person_id);
        sqlx::query(
            "INSERT INTO interactions (tenant_id, id, person_id, channel, direction, summary, duration_minutes, case_ref, at, agent_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(person_id)
        .bind(interaction.channel.as_str())
        .bind(interaction.direction.as_str())
        .bind(&interaction.summary)
        .bind(interaction.duration_minutes)
        .bind(&interaction.case_ref)
        .bind(interaction.at)
        .bind(actor.account_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.interaction",
                "person",
                person_id,
                json!({"interaction": id, "channel": interaction.channel.as_str(),
                       "direction": interaction.direction.as_str(), "at": interaction.at})
            )
        );
        tx.commit().await?;
        Ok(id)
    })
}

// ---------------------------------------------------------------------------------------
// Organisations

const ORG_COLUMNS: &str = "id, name, siret, archived_at, created_at, updated_at";

pub async fn get_organisation(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Organisation>> {
    let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Organisation>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// A new organisation. A SIRET already used in the tenant: `Conflict`.
pub async fn create_organisation(
    db: &Db,
    actor: &Actor,
    name: &str,
    siret: Option<&Siret>,
) -> Result<Organisation> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    let siret = siret.map(Siret::as_str);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO organisations (tenant_id, id, name, siret, search_name, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(name)
        .bind(siret)
        .bind(people::fold(name))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "organisation.create",
                "organisation",
                id,
                json!({"name": name, "siret": siret})
            )
        );
        index_organisations!(tx, actor.tenant_id, &[id]);
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_organisation(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn update_organisation(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    name: &str,
    siret: Option<&Siret>,
) -> Result<Organisation> {
    let before = get_organisation(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let siret = siret.map(Siret::as_str);
    let diff = crate::audit::diff(&[
        ("name", before.name.clone(), name.to_owned()),
        (
            "siret",
            before.siret.clone().unwrap_or_default(),
            siret.unwrap_or_default().to_owned(),
        ),
    ]);
    if diff.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE organisations SET name = $3, siret = $4, search_name = $5, updated_at = $6
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(name)
        .bind(siret)
        .bind(people::fold(name))
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new("organisation.update", "organisation", id, diff)
        );
        index_organisations!(tx, actor.tenant_id, &[id]);
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_organisation(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn archive_organisation(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    let before = get_organisation(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.archived_at.is_some() {
        return Ok(());
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let now = Utc::now();
        sqlx::query(
            "UPDATE organisations SET archived_at = $3, updated_at = $3 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "organisation.archive",
                "organisation",
                id,
                json!({"name": before.name})
            )
        );
        index_organisations!(tx, actor.tenant_id, &[id]);
        tx.commit().await?;
        Ok(())
    })
}

/// Active organisations by name, optionally only those whose name words start with the
/// words of `q`, after the organisation `after` (keyset), `limit` at most.
pub async fn list_organisations(
    db: &Db,
    tenant_id: Uuid,
    q: Option<&str>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Organisation>> {
    let mut tokens: Vec<Option<String>> = q
        .map(people::fold)
        .unwrap_or_default()
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(|t| Some(t.to_owned()))
        .collect();
    tokens.truncate(4);
    tokens.resize(4, None);
    let word = |n: usize| {
        format!(
            "(${n} IS NULL OR o.search_name LIKE ${n} || '%' OR o.search_name LIKE '% ' || ${n} || '%')"
        )
    };
    let sql = format!(
        "SELECT o.id, o.name, o.siret, o.archived_at, o.created_at, o.updated_at FROM organisations o
         WHERE o.tenant_id = $1 AND o.archived_at IS NULL
           AND ($2 IS NULL OR (o.search_name, o.id) >
                (SELECT c.search_name, c.id FROM organisations c WHERE c.tenant_id = $1 AND c.id = $2))
           AND {} AND {} AND {} AND {}
         ORDER BY o.search_name, o.id
         LIMIT $7",
        word(3),
        word(4),
        word(5),
        word(6)
    );
    on_pool!(db, |p| sqlx::query_as::<_, Organisation>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(after)
    .bind(&tokens[0])
    .bind(&tokens[1])
    .bind(&tokens[2])
    .bind(&tokens[3])
    .bind(limit.clamp(1, MAX_PAGE))
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Persons tied to the organisation (members, representatives), by name.
pub async fn members(db: &Db, tenant_id: Uuid, organisation_id: Uuid) -> Result<Vec<Member>> {
    on_pool!(db, |p| {
        sqlx::query_as::<_, Member>(
        "SELECT r.id AS relationship_id, r.kind, p.id AS person_id, p.given_name, p.family_name, r.created_at
         FROM relationships r JOIN persons p ON p.tenant_id = r.tenant_id AND p.id = r.person_id
         WHERE r.tenant_id = $1 AND r.to_organisation_id = $2
         ORDER BY p.search_name, p.id"
    )
    .bind(tenant_id)
    .bind(organisation_id)
    .fetch_all(p)
    .await
    .map_err(Into::into)
    })
}

/// An organisation with its contact points and the persons tied to it.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationRecord {
    pub organisation: Organisation,
    pub emails: Vec<EmailPoint>,
    pub phones: Vec<PhonePoint>,
    pub addresses: Vec<AddressPoint>,
    pub members: Vec<Member>,
}

pub async fn organisation_record(
    db: &Db,
    tenant_id: Uuid,
    id: Uuid,
) -> Result<Option<OrganisationRecord>> {
    let Some(organisation) = get_organisation(db, tenant_id, id).await? else {
        return Ok(None);
    };
    let (emails, phones, addresses) =
        contact_points::list(db, tenant_id, Owner::Organisation(id)).await?;
    let members = members(db, tenant_id, id).await?;
    Ok(Some(OrganisationRecord {
        organisation,
        emails,
        phones,
        addresses,
        members,
    }))
}

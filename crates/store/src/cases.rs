//! Cases and their timeline. A case is filed in one transaction (reference, answers,
//! documents, the "submitted" event, the audit row, the draft it came from deleted), so an
//! accepted submission is never half-written. Every later change goes through
//! [`apply`], which refuses a stale write (optimistic concurrency on `row_version`) and
//! appends its events and audit row in the same transaction.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::case::{EventKind, Reference};
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// Largest page of a list.
pub const MAX_PAGE: i64 = 200;

const COLUMNS: &str = "c.tenant_id, c.id, c.reference, c.service_id, c.service_version,
    c.requester_person_id, c.requester_account_id, c.organisation_id, c.contact_email,
    c.channel, c.status, c.status_kind, c.status_entered_at, c.priority, c.team_id,
    c.assignee_id, c.answers, c.correction_fields, c.correction_comment, c.deadline_at,
    c.first_response_at, c.closed_at, c.first_response_due_at, c.resolution_due_at,
    c.sla_state, c.next_timer_at, c.row_version, c.submitted_at, c.updated_at";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Case {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub reference: String,
    pub service_id: Uuid,
    pub service_version: i32,
    pub requester_person_id: Option<Uuid>,
    pub requester_account_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub contact_email: Option<String>,
    pub channel: String,
    pub status: String,
    pub status_kind: String,
    pub status_entered_at: DateTime<Utc>,
    pub priority: String,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    /// JSON object of the answers, as validated against the case's definition version.
    pub answers: String,
    /// JSON array of the field ids re-opened for corrections, while asked.
    pub correction_fields: Option<String>,
    pub correction_comment: Option<String>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub sla_state: String,
    pub next_timer_at: Option<DateTime<Utc>>,
    pub row_version: i64,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Case {
    pub fn answers_map(&self) -> serde_json::Map<String, Value> {
        match serde_json::from_str(&self.answers) {
            Ok(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    }

    pub fn correction_field_ids(&self) -> Vec<String> {
        self.correction_fields
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Event {
    pub id: Uuid,
    pub case_id: Uuid,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor_account_id: Option<Uuid>,
    pub actor_label: String,
    pub public: bool,
    pub body: Option<String>,
    /// JSON object with the event's details (from/to status, fields, document…).
    pub data: String,
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub public: bool,
    pub body: Option<String>,
    pub data: Value,
}

impl NewEvent {
    /// An event with the kind's usual visibility.
    pub fn new(kind: EventKind, data: Value) -> NewEvent {
        NewEvent {
            kind,
            public: kind.is_public(),
            body: None,
            data,
        }
    }

    pub fn with_body(mut self, body: impl Into<String>) -> NewEvent {
        self.body = Some(body.into());
        self
    }
}

/// A case to file.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    /// Prefix source of the reference (the tenant's slug).
    pub tenant_slug: &'a str,
    pub service_id: Uuid,
    pub service_version: i32,
    pub requester_person_id: Option<Uuid>,
    pub requester_account_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub contact_email: Option<&'a str>,
    /// The anonymous requester's tracking code (stored as its hash).
    pub tracking_code: Option<&'a str>,
    pub channel: &'a str,
    pub status: &'a str,
    pub status_kind: &'a str,
    pub priority: &'a str,
    pub answers: &'a Value,
    /// Documents attached, with the field or required document they answer.
    pub documents: &'a [(Uuid, Option<String>)],
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub next_timer_at: Option<DateTime<Utc>>,
    pub team_id: Option<Uuid>,
    /// The portal draft this submission came from: deleted in the same transaction.
    pub draft_id: Option<Uuid>,
    pub submitted_at: DateTime<Utc>,
}

/// Appends one event to a case's timeline inside the caller's transaction (a macro, like
/// `record!`, so it works on either backend's transaction).
macro_rules! insert_event {
    ($tx:expr, $actor:expr, $case_id:expr, $at:expr, $event:expr) => {{
        let actor: &Actor = $actor;
        let event: &NewEvent = $event;
        sqlx::query(
            "INSERT INTO case_events (tenant_id, id, case_id, at, kind, actor_account_id,
                actor_label, public, body, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(actor.tenant_id)
        .bind(relais_domain::new_id())
        .bind($case_id)
        .bind($at)
        .bind(event.kind.as_str())
        .bind(actor.account_id)
        .bind(&actor.label)
        .bind(event.public)
        .bind(&event.body)
        .bind(event.data.to_string())
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_event;

/// Files a case: everything or nothing. The reference is drawn at random and drawn again in
/// the unlikely event it is taken.
pub async fn file(db: &Db, actor: &Actor, new: &NewCase<'_>) -> Result<Case> {
    file_with_mails(db, actor, new, &[]).await
}

/// Files a case and queues `mails` (the acknowledgement of receipt) in the same
/// transaction. Their subject and text may name the case as [`crate::outbox::REFERENCE`] and
/// [`crate::outbox::CASE_ID`], filled in here once the reference is drawn.
///
/// On SQLite, filings that arrive together are written in one transaction
/// ([`crate::group_commit`]); each is still whole or absent.
pub async fn file_with_mails(
    db: &Db,
    actor: &Actor,
    new: &NewCase<'_>,
    mails: &[crate::outbox::OutboxMail],
) -> Result<Case> {
    let filing = Filing {
        actor: actor.clone(),
        id: relais_domain::new_id(),
        tenant_slug: new.tenant_slug.to_owned(),
        service_id: new.service_id,
        service_version: new.service_version,
        requester_person_id: new.requester_person_id,
        requester_account_id: new.requester_account_id,
        organisation_id: new.organisation_id,
        contact_email: new.contact_email.map(str::to_owned),
        tracking_hash: new.tracking_code.map(crate::secret_hash),
        channel: new.channel.to_owned(),
        status: new.status.to_owned(),
        status_kind: new.status_kind.to_owned(),
        priority: new.priority.to_owned(),
        answers: new.answers.to_string(),
        documents: new.documents.to_vec(),
        first_response_due_at: new.first_response_due_at,
        resolution_due_at: new.resolution_due_at,
        next_timer_at: new.next_timer_at,
        team_id: new.team_id,
        draft_id: new.draft_id,
        submitted_at: new.submitted_at,
        mails: mails.to_vec(),
    };
    match db {
        Db::Sqlite(pool) => crate::group_commit::write(pool, filing).await,
        Db::Postgres(pool) => {
            // PostgreSQL aborts the transaction on a failed statement: draw again in a new one.
            for _ in 0..REFERENCE_DRAWS {
                let mut tx = pool.begin_write().await?;
                if let Some(case) = file_rows!(&mut *tx, &filing) {
                    tx.commit().await?;
                    return Ok(case);
                }
            }
            Err(no_free_reference())
        }
    }
}

/// Tries to draw a free reference this many times before giving up.
const REFERENCE_DRAWS: usize = 5;

fn no_free_reference() -> StoreError {
    StoreError::Other("could not draw a free case reference".into())
}

/// A case to file, owned, so that a grouped write can hold it.
#[derive(Clone)]
struct Filing {
    actor: Actor,
    id: Uuid,
    tenant_slug: String,
    service_id: Uuid,
    service_version: i32,
    requester_person_id: Option<Uuid>,
    requester_account_id: Option<Uuid>,
    organisation_id: Option<Uuid>,
    contact_email: Option<String>,
    tracking_hash: Option<String>,
    channel: String,
    status: String,
    status_kind: String,
    priority: String,
    answers: String,
    documents: Vec<(Uuid, Option<String>)>,
    first_response_due_at: Option<DateTime<Utc>>,
    resolution_due_at: Option<DateTime<Utc>>,
    next_timer_at: Option<DateTime<Utc>>,
    team_id: Option<Uuid>,
    draft_id: Option<Uuid>,
    submitted_at: DateTime<Utc>,
    mails: Vec<crate::outbox::OutboxMail>,
}

impl crate::group_commit::Grouped for Filing {
    type Output = Case;

    fn write_one<'c>(
        &'c self,
        conn: &'c mut sqlx::SqliteConnection,
    ) -> crate::group_commit::Written<'c, Case> {
        Box::pin(async move {
            // A reference taken fails only its own INSERT (SQLite rolls back the statement,
            // not the transaction): draw another.
            for _ in 0..REFERENCE_DRAWS {
                if let Some(case) = file_rows!(&mut *conn, self) {
                    return Ok(case);
                }
            }
            Err(no_free_reference())
        })
    }

    /// One INSERT per table for the whole group: the cases (read back with RETURNING),
    /// their "submitted" events and their audit rows. The rarer parts (documents, mails, a
    /// draft to delete) are written filing by filing. A reference already taken fails the
    /// group, which is then written one filing at a time.
    fn write_all<'c>(
        group: &'c [&'c Filing],
        conn: &'c mut sqlx::SqliteConnection,
    ) -> crate::group_commit::Written<'c, Vec<Case>> {
        Box::pin(async move {
            let mut cases = Vec::with_capacity(group.len());
            // SQLite takes at most 32,766 values per statement: 24 per case.
            for part in group.chunks(1_000) {
                cases.extend(file_together(part, conn).await?);
            }
            Ok(cases)
        })
    }
}

/// Files `group` with one INSERT per table (see [`Filing::write_all`]).
async fn file_together(group: &[&Filing], conn: &mut sqlx::SqliteConnection) -> Result<Vec<Case>> {
    let references: Vec<Reference> = group
        .iter()
        .map(|new| {
            let year = chrono::Datelike::year(&new.submitted_at);
            Reference::generate(&new.tenant_slug, year, rand::random::<u64>())
        })
        .collect();
    let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(INSERT_CASE);
    insert.push_values(
        group.iter().zip(&references),
        |mut row, (new, reference)| {
            row.push_bind(new.actor.tenant_id)
                .push_bind(new.id)
                .push_bind(reference.as_str().to_owned())
                .push_bind(new.service_id)
                .push_bind(new.service_version)
                .push_bind(new.requester_person_id)
                .push_bind(new.requester_account_id)
                .push_bind(new.organisation_id)
                .push_bind(new.contact_email.as_deref())
                .push_bind(new.tracking_hash.as_deref())
                .push_bind(new.channel.as_str())
                .push_bind(new.status.as_str())
                .push_bind(new.status_kind.as_str())
                .push_bind(new.submitted_at)
                .push_bind(new.priority.as_str())
                .push_bind(new.team_id)
                .push_bind(new.answers.as_str())
                .push_bind(new.first_response_due_at)
                .push_bind(new.resolution_due_at)
                .push_bind(new.sla_state())
                .push_bind(new.next_timer_at)
                .push("1")
                .push_bind(new.submitted_at)
                .push_bind(new.submitted_at);
        },
    );
    insert.push(" RETURNING ").push(RETURNING.as_str());
    let mut written: std::collections::HashMap<Uuid, Case> = insert
        .build_query_as::<Case>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|case| (case.id, case))
        .collect();

    let mut events = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO case_events (tenant_id, id, case_id, at, kind, actor_account_id,
            actor_label, public, body, data) ",
    );
    events.push_values(group, |mut row, new| {
        let submitted = new.submitted_event();
        row.push_bind(new.actor.tenant_id)
            .push_bind(relais_domain::new_id())
            .push_bind(new.id)
            .push_bind(new.submitted_at)
            .push_bind(submitted.kind.as_str())
            .push_bind(new.actor.account_id)
            .push_bind(new.actor.label.as_str())
            .push_bind(submitted.public)
            .push_bind(submitted.body)
            .push_bind(submitted.data.to_string());
    });
    events.build().execute(&mut *conn).await?;

    let mut audit = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
        "INSERT INTO audit_log (tenant_id, id, at, actor_id, actor_label, action,
            target_kind, target_id, summary, client_ip, request_id) ",
    );
    let now = Utc::now();
    audit.push_values(
        group.iter().zip(&references),
        |mut row, (new, reference)| {
            let change = new.audit_change(reference);
            row.push_bind(new.actor.tenant_id)
                .push_bind(relais_domain::new_id())
                .push_bind(now)
                .push_bind(new.actor.account_id)
                .push_bind(new.actor.label.as_str())
                .push_bind(change.action)
                .push_bind(change.target_kind)
                .push_bind(change.target_id)
                .push_bind(sqlx::types::Json(change.summary))
                .push_bind(new.actor.client_ip.as_deref())
                .push_bind(new.actor.request_id.as_deref());
        },
    );
    audit.build().execute(&mut *conn).await?;

    let mut cases = Vec::with_capacity(group.len());
    for (new, reference) in group.iter().zip(&references) {
        write_extras!(&mut *conn, new, reference);
        cases.push(
            written
                .remove(&new.id)
                .ok_or_else(|| StoreError::Other("a grouped filing was not read back".into()))?,
        );
    }
    Ok(cases)
}

impl Filing {
    fn sla_state(&self) -> &'static str {
        if self.resolution_due_at.is_some() || self.first_response_due_at.is_some() {
            "ok"
        } else {
            "none"
        }
    }

    fn submitted_event(&self) -> NewEvent {
        NewEvent::new(
            EventKind::Submitted,
            json!({"channel": self.channel, "status": self.status, "version": self.service_version}),
        )
    }

    fn audit_change(&self, reference: &Reference) -> Change {
        Change::new(
            "case.file",
            "case",
            self.id,
            json!({"reference": reference.as_str(), "service_id": self.service_id,
               "version": self.service_version, "channel": self.channel,
               "documents": self.documents.len()}),
        )
    }
}

/// Writes a filing's documents, mails and the deletion of its draft on `$conn`.
macro_rules! write_extras {
    ($conn:expr, $filing:expr, $reference:expr) => {{
        let conn = $conn;
        let new: &Filing = $filing;
        let reference: &Reference = $reference;
        let actor = &new.actor;
        for (document_id, field) in &new.documents {
            sqlx::query(
                "INSERT INTO case_documents (tenant_id, case_id, document_id, field_id)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(actor.tenant_id)
            .bind(new.id)
            .bind(document_id)
            .bind(field)
            .execute(&mut *conn)
            .await?;
        }
        for mail in &new.mails {
            let mail = crate::outbox::fill(mail, reference.as_str(), new.id);
            crate::outbox::insert_mail!(conn, actor, &mail);
        }
        if let Some(draft) = new.draft_id {
            sqlx::query("DELETE FROM case_drafts WHERE tenant_id = $1 AND id = $2")
                .bind(actor.tenant_id)
                .bind(draft)
                .execute(&mut *conn)
                .await?;
        }
    }};
}
use write_extras;

/// The columns a filing writes, in the order both ways of filing bind them.
const INSERT_CASE: &str = "INSERT INTO cases (tenant_id, id, reference, service_id,
    service_version, requester_person_id, requester_account_id, organisation_id, contact_email,
    tracking_hash, channel, status, status_kind, status_entered_at, priority, team_id, answers,
    first_response_due_at, resolution_due_at, sla_state, next_timer_at, row_version,
    submitted_at, updated_at) ";

static RETURNING: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| COLUMNS.replace("c.", ""));

/// Writes a filing's rows on `$conn` (inside a transaction) and evaluates to the case as
/// written, or to `None` if the reference drawn is taken (nothing else written then).
macro_rules! file_rows {
    ($conn:expr, $filing:expr) => {{
        let conn = $conn;
        let new: &Filing = $filing;
        let actor = &new.actor;
        let id = new.id;
        let year = chrono::Datelike::year(&new.submitted_at);
        let reference = Reference::generate(&new.tenant_slug, year, rand::random::<u64>());
        let sql = format!(
            "{INSERT_CASE} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                $15, $16, $17, $18, $19, $20, $21, 1, $14, $14)
             RETURNING {}",
            *RETURNING
        );
        let inserted = sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(sql))
            .bind(actor.tenant_id)
            .bind(id)
            .bind(reference.as_str())
            .bind(new.service_id)
            .bind(new.service_version)
            .bind(new.requester_person_id)
            .bind(new.requester_account_id)
            .bind(new.organisation_id)
            .bind(&new.contact_email)
            .bind(&new.tracking_hash)
            .bind(&new.channel)
            .bind(&new.status)
            .bind(&new.status_kind)
            .bind(new.submitted_at)
            .bind(&new.priority)
            .bind(new.team_id)
            .bind(&new.answers)
            .bind(new.first_response_due_at)
            .bind(new.resolution_due_at)
            .bind(new.sla_state())
            .bind(new.next_timer_at)
            .fetch_one(&mut *conn)
            .await;
        match inserted.map_err(StoreError::from) {
            // The reference is taken: draw another.
            Err(StoreError::Conflict) => None,
            Err(other) => return Err(other),
            Ok(case) => {
                insert_event!(conn, actor, id, new.submitted_at, &new.submitted_event());
                write_extras!(&mut *conn, new, &reference);
                record!(conn, actor, new.audit_change(&reference));
                Some(case)
            }
        }
    }};
}
use file_rows;

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.tenant_id = $1 AND c.id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn by_reference(db: &Db, tenant_id: Uuid, reference: &Reference) -> Result<Option<Case>> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.tenant_id = $1 AND c.reference = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(reference.as_str())
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The anonymous case with this reference and tracking code (as normalised by
/// `relais_domain::case::normalise_tracking_code`); `None` for a wrong pair, whichever half
/// is wrong, so neither can be probed alone.
pub async fn by_tracking(
    db: &Db,
    tenant_id: Uuid,
    reference: &Reference,
    tracking_code: &str,
) -> Result<Option<Case>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM cases c
         WHERE c.tenant_id = $1 AND c.reference = $2 AND c.tracking_hash = $3"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(reference.as_str())
    .bind(crate::secret_hash(tracking_code))
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Keyset position in a list ordered by submission time, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub submitted_at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn of(case: &Case) -> Cursor {
        Cursor {
            submitted_at: case.submitted_at,
            id: case.id,
        }
    }
}

/// Who a list is for.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    /// Cases filed from this portal account.
    Account(Uuid),
    /// Cases of this person (the 360° view).
    Person(Uuid),
    /// Cases filed on behalf of this organisation.
    Organisation(Uuid),
}

/// Cases of one requester, newest first, after `cursor`, `limit` at most.
pub async fn list_for(
    db: &Db,
    tenant_id: Uuid,
    owner: Owner,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Case>> {
    let (column, owner_id) = match owner {
        Owner::Account(id) => ("requester_account_id", id),
        Owner::Person(id) => ("requester_person_id", id),
        Owner::Organisation(id) => ("organisation_id", id),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM cases c
         WHERE c.tenant_id = $1 AND c.{column} = $2
           AND ($3 IS NULL OR c.submitted_at < $3 OR (c.submitted_at = $3 AND c.id < $4))
         ORDER BY c.submitted_at DESC, c.id DESC
         LIMIT $5"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Case>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(owner_id)
    .bind(cursor.map(|c| c.submitted_at))
    .bind(cursor.map(|c| c.id))
    .bind(limit.clamp(1, MAX_PAGE))
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// The timeline of a case, oldest first; the requester's view leaves staff-only events out.
pub async fn events(
    db: &Db,
    tenant_id: Uuid,
    case_id: Uuid,
    public_only: bool,
) -> Result<Vec<Event>> {
    on_pool!(db, |p| sqlx::query_as::<_, Event>(
        "SELECT id, case_id, at, kind, actor_account_id, actor_label, public, body, data
         FROM case_events
         WHERE tenant_id = $1 AND case_id = $2 AND ($3 = FALSE OR public = TRUE)
         ORDER BY at, id"
    )
    .bind(tenant_id)
    .bind(case_id)
    .bind(public_only)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Documents attached to a case, with the field or required document each answers.
pub async fn documents(
    db: &Db,
    tenant_id: Uuid,
    case_id: Uuid,
) -> Result<Vec<(crate::documents::Document, Option<String>)>> {
    let sql = format!(
        "SELECT {}, cd.field_id FROM case_documents cd
         JOIN documents d ON d.tenant_id = cd.tenant_id AND d.id = cd.document_id
         WHERE cd.tenant_id = $1 AND cd.case_id = $2
         ORDER BY d.created_at, d.id",
        crate::documents::COLUMNS
    );
    let rows = on_pool!(db, |p| sqlx::query_as::<_, DocumentRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(p)
    .await)?;
    Ok(rows.into_iter().map(|r| (r.document, r.field_id)).collect())
}

#[derive(sqlx::FromRow)]
struct DocumentRow {
    #[sqlx(flatten)]
    document: crate::documents::Document,
    field_id: Option<String>,
}

/// A change to a case. `None` leaves a column as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct CaseWrite {
    /// The `row_version` the writer saw: the write is refused if the case changed since.
    pub expected_version: i64,
    /// New status (id, kind); entering it resets `status_entered_at`.
    pub status: Option<(String, String)>,
    pub priority: Option<String>,
    pub team_id: Option<Option<Uuid>>,
    pub assignee_id: Option<Option<Uuid>>,
    pub answers: Option<Value>,
    /// Fields re-opened with the agent's comment, or `Some(None)` once resubmitted.
    pub corrections: Option<Option<(Vec<String>, String)>>,
    pub deadline_at: Option<Option<DateTime<Utc>>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<Option<DateTime<Utc>>>,
    pub first_response_due_at: Option<Option<DateTime<Utc>>>,
    pub resolution_due_at: Option<Option<DateTime<Utc>>>,
    pub sla_state: Option<String>,
    pub next_timer_at: Option<Option<DateTime<Utc>>>,
    /// Appended to the timeline in the same transaction.
    pub events: Vec<NewEvent>,
    /// Documents attached to the case in the same transaction (a message's attachments, a
    /// corrected file), with the field or required document each answers.
    pub documents: Vec<(Uuid, Option<String>)>,
    /// Documents the organisation produced for this change (a certificate, a permit), stored
    /// already valid in the requester's safe and attached to the case in the same transaction.
    pub generated: Vec<GeneratedDocument>,
    /// Background work that must happen because of this change (a webhook to call): queued in
    /// the same transaction, so a change is never written without its follow-up, nor the
    /// reverse.
    pub jobs: Vec<crate::jobs::NewJob<'static>>,
    /// Mails this change sends (a message to the requester, a decision): queued in the
    /// outbox in the same transaction, sent by the job runner.
    pub mails: Vec<crate::outbox::OutboxMail>,
    /// Staff mentioned in the change's note: each gets a notification (with the first
    /// event's text) in the same transaction.
    pub mentions: Vec<Uuid>,
    /// The audit action (`case.transition`, `case.assign`…) and its summary.
    pub audit: (&'static str, Value),
}

/// A document produced by the organisation; its bytes are already in the file store.
#[derive(Debug, Clone)]
pub struct GeneratedDocument {
    /// Chosen by the caller, so the timeline event can point at it.
    pub id: Uuid,
    /// The workflow's template name (`carte-resident`).
    pub kind: String,
    pub file_hash: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
}

/// Applies a change if nobody changed the case since `expected_version`; otherwise
/// `StoreError::Rule("case-stale")` and nothing is written. Returns the case as it now is.
pub async fn apply(db: &Db, actor: &Actor, case_id: Uuid, write: CaseWrite) -> Result<Case> {
    let now = Utc::now();
    // Each optional column is written as CASE WHEN $flag THEN $value ELSE column END, so one
    // statement serves every combination.
    let answers = write.answers.as_ref().map(Value::to_string);
    let (correction_fields, correction_comment) = match &write.corrections {
        Some(Some((fields, comment))) => (
            Some(serde_json::to_string(fields).unwrap_or_else(|_| "[]".into())),
            Some(comment.clone()),
        ),
        _ => (None, None),
    };
    let (status, status_kind) = write
        .status
        .clone()
        .map_or((None, None), |(s, k)| (Some(s), Some(k)));
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE cases SET
                status = COALESCE($4, status),
                status_kind = COALESCE($5, status_kind),
                status_entered_at = CASE WHEN $4 IS NULL THEN status_entered_at ELSE $3 END,
                priority = COALESCE($6, priority),
                team_id = CASE WHEN $7 THEN $8 ELSE team_id END,
                assignee_id = CASE WHEN $9 THEN $10 ELSE assignee_id END,
                answers = COALESCE($11, answers),
                correction_fields = CASE WHEN $12 THEN $13 ELSE correction_fields END,
                correction_comment = CASE WHEN $12 THEN $14 ELSE correction_comment END,
                deadline_at = CASE WHEN $15 THEN $16 ELSE deadline_at END,
                first_response_at = COALESCE(first_response_at, $17),
                closed_at = CASE WHEN $18 THEN $19 ELSE closed_at END,
                first_response_due_at = CASE WHEN $20 THEN $21 ELSE first_response_due_at END,
                resolution_due_at = CASE WHEN $22 THEN $23 ELSE resolution_due_at END,
                sla_state = COALESCE($24, sla_state),
                next_timer_at = CASE WHEN $25 THEN $26 ELSE next_timer_at END,
                row_version = row_version + 1,
                updated_at = $3
             WHERE tenant_id = $1 AND id = $2 AND row_version = $27",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .bind(now)
        .bind(&status)
        .bind(&status_kind)
        .bind(&write.priority)
        .bind(write.team_id.is_some())
        .bind(write.team_id.flatten())
        .bind(write.assignee_id.is_some())
        .bind(write.assignee_id.flatten())
        .bind(&answers)
        .bind(write.corrections.is_some())
        .bind(&correction_fields)
        .bind(&correction_comment)
        .bind(write.deadline_at.is_some())
        .bind(write.deadline_at.flatten())
        .bind(write.first_response_at)
        .bind(write.closed_at.is_some())
        .bind(write.closed_at.flatten())
        .bind(write.first_response_due_at.is_some())
        .bind(write.first_response_due_at.flatten())
        .bind(write.resolution_due_at.is_some())
        .bind(write.resolution_due_at.flatten())
        .bind(&write.sla_state)
        .bind(write.next_timer_at.is_some())
        .bind(write.next_timer_at.flatten())
        .bind(write.expected_version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            let exists: Option<(i64,)> =
                sqlx::query_as("SELECT row_version FROM cases WHERE tenant_id = $1 AND id = $2")
                    .bind(actor.tenant_id)
                    .bind(case_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(match exists {
                Some(_) => StoreError::Rule("case-stale"),
                None => StoreError::NotFound,
            });
        }
        for event in &write.events {
            insert_event!(tx, actor, case_id, now, event);
            crate::staff_notifications::notify_followers!(tx, actor, case_id, now, event);
        }
        let mention_text = crate::staff_notifications::excerpt(
            write
                .events
                .first()
                .and_then(|e| e.body.as_deref())
                .unwrap_or(""),
        );
        for account in &write.mentions {
            crate::staff_notifications::insert_notification!(
                tx,
                actor.tenant_id,
                account,
                case_id,
                "mention",
                &actor.label,
                &mention_text,
                now
            );
        }
        for (document_id, field) in &write.documents {
            sqlx::query(
                "INSERT INTO case_documents (tenant_id, case_id, document_id, field_id)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(actor.tenant_id)
            .bind(case_id)
            .bind(document_id)
            .bind(field)
            .execute(&mut *tx)
            .await?;
        }
        for doc in &write.generated {
            // Owned by the requester (none for an anonymous case: then only the case holds it),
            // valid at once: the organisation vouches for what it issued.
            sqlx::query(
                "INSERT INTO documents (tenant_id, id, owner_person_id, kind, file_hash, media_type,
                    size_bytes, file_name, status, checked_by, checked_at, created_at)
                 SELECT $1, $2, requester_person_id, $4, $5, $6, $7, $8, 'valid', $9, $10, $10
                 FROM cases WHERE tenant_id = $1 AND id = $3",
            )
            .bind(actor.tenant_id)
            .bind(doc.id)
            .bind(case_id)
            .bind(&doc.kind)
            .bind(&doc.file_hash)
            .bind(&doc.media_type)
            .bind(doc.size_bytes)
            .bind(&doc.file_name)
            .bind(actor.account_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO case_documents (tenant_id, case_id, document_id, field_id)
                 VALUES ($1, $2, $3, NULL)",
            )
            .bind(actor.tenant_id)
            .bind(case_id)
            .bind(doc.id)
            .execute(&mut *tx)
            .await?;
            record!(
                tx,
                actor,
                Change::new(
                    "document.generate",
                    "document",
                    doc.id,
                    json!({"case_id": case_id, "kind": doc.kind, "size_bytes": doc.size_bytes})
                )
            );
        }
        for job in &write.jobs {
            let job_id = relais_domain::new_id();
            crate::jobs::insert_job!(tx, actor, job_id, job);
        }
        for mail in &write.mails {
            crate::outbox::insert_mail!(tx, actor, mail);
        }
        let (action, summary) = &write.audit;
        record!(
            tx,
            actor,
            Change::new(action, "case", case_id, summary.clone())
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, case_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Cases of every tenant whose timer is due at `now` (the timer job's work list), earliest
/// first.
pub async fn due_timers(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<(Uuid, Uuid)>> {
    on_pool!(db, |p| sqlx::query_as::<_, (Uuid, Uuid)>(
        "SELECT tenant_id, id FROM cases
         WHERE next_timer_at IS NOT NULL AND next_timer_at <= $1
         ORDER BY next_timer_at LIMIT $2"
    )
    .bind(now)
    .bind(limit.clamp(1, 10_000))
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// `(status, entered at)` of every status the case went through, in order, from its
/// timeline (what the service-level clock needs).
pub async fn status_history(
    db: &Db,
    tenant_id: Uuid,
    case: &Case,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    let events: Vec<(DateTime<Utc>, String)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT at, data FROM case_events
         WHERE tenant_id = $1 AND case_id = $2 AND kind IN ('submitted', 'status_changed')
         ORDER BY at, id"
    )
    .bind(tenant_id)
    .bind(case.id)
    .fetch_all(p)
    .await)?;
    let mut history: Vec<(String, DateTime<Utc>)> = events
        .into_iter()
        .filter_map(|(at, data)| {
            let data: Value = serde_json::from_str(&data).ok()?;
            let status = data.get("to").or_else(|| data.get("status"))?.as_str()?;
            Some((status.to_owned(), at))
        })
        .collect();
    if history.last().map(|(s, _)| s.as_str()) != Some(case.status.as_str()) {
        history.push((case.status.clone(), case.status_entered_at));
    }
    Ok(history)
}

/// Appends events that change nothing else on the case (the outcome of a webhook call, a
/// requester reading a message…), without making anyone's open form stale.
pub async fn append_events(
    db: &Db,
    actor: &Actor,
    case_id: Uuid,
    events: &[NewEvent],
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let exists: Option<(i64,)> =
            sqlx::query_as("SELECT row_version FROM cases WHERE tenant_id = $1 AND id = $2")
                .bind(actor.tenant_id)
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound);
        }
        for event in events {
            insert_event!(tx, actor, case_id, now, event);
            crate::staff_notifications::notify_followers!(tx, actor, case_id, now, event);
        }
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

/// One event of a generated timeline: `(at, kind, public, body, data)`.
pub type GeneratedEvent = (DateTime<Utc>, EventKind, bool, Option<String>, String);

/// A case written as a whole by a generator (benchmarks, load tests), history included.
#[derive(Debug, Clone)]
pub struct GeneratedCase {
    pub id: Uuid,
    pub reference: String,
    pub service_id: Uuid,
    pub service_version: i32,
    pub requester_person_id: Option<Uuid>,
    pub channel: &'static str,
    pub status: String,
    pub status_kind: &'static str,
    pub status_entered_at: DateTime<Utc>,
    pub priority: &'static str,
    pub assignee_id: Option<Uuid>,
    pub team_id: Option<Uuid>,
    pub answers: String,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub sla_state: &'static str,
    pub submitted_at: DateTime<Utc>,
    /// `(at, kind, public, body, data)`, oldest first.
    pub events: Vec<GeneratedEvent>,
}

/// Rows per multi-row INSERT: measured, larger statements get slower per row in sqlx.
const CASE_BATCH: usize = 25;
const EVENT_BATCH: usize = 100;

/// Writes generated cases and their timelines in one transaction, with one audit row for
/// the batch. For data generators only: nothing is checked against the definitions.
pub async fn insert_generated(db: &Db, actor: &Actor, batch: &[GeneratedCase]) -> Result<()> {
    const CASE_COLUMNS: usize = 19;
    let now = Utc::now();
    // SQLite reads `$n` as a named parameter and finds each by name, quadratic over
    // thousands of them; `?n` is positional there. PostgreSQL only knows `$n`.
    let mark = match db.backend() {
        crate::Backend::Sqlite => '?',
        crate::Backend::Postgres => '$',
    };
    let case_sql = |rows: usize| {
        let mut sql = String::from(
            "INSERT INTO cases (tenant_id, id, reference, service_id, service_version,
                requester_person_id, channel, status, status_kind, status_entered_at, priority,
                assignee_id, team_id, answers, first_response_at, closed_at, sla_state,
                submitted_at, updated_at, row_version) VALUES ",
        );
        for r in 0..rows {
            let b = r * CASE_COLUMNS;
            sql.push_str(if r == 0 { "(" } else { ", (" });
            let params: Vec<String> = (1..=CASE_COLUMNS)
                .map(|i| format!("{mark}{}", b + i))
                .collect();
            sql.push_str(&params.join(", "));
            sql.push_str(", 1)");
        }
        sql
    };
    let event_sql = |rows: usize| {
        let mut sql = String::from(
            "INSERT INTO case_events (tenant_id, id, case_id, at, kind, actor_account_id,
                actor_label, public, body, data) VALUES ",
        );
        for r in 0..rows {
            let b = r * 9;
            sql.push_str(if r == 0 { "(" } else { ", (" });
            let p: Vec<String> = (1..=9).map(|i| format!("{mark}{}", b + i)).collect();
            sql.push_str(&format!(
                "{}, {}, {}, {}, {}, NULL, {}, {}, {}, {}",
                p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
            ));
            sql.push(')');
        }
        sql
    };
    let events: Vec<(Uuid, &GeneratedEvent)> = batch
        .iter()
        .flat_map(|c| c.events.iter().map(move |e| (c.id, e)))
        .collect();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        for chunk in batch.chunks(CASE_BATCH) {
            let sql = case_sql(chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for c in chunk {
                q = q
                    .bind(actor.tenant_id)
                    .bind(c.id)
                    .bind(&c.reference)
                    .bind(c.service_id)
                    .bind(c.service_version)
                    .bind(c.requester_person_id)
                    .bind(c.channel)
                    .bind(&c.status)
                    .bind(c.status_kind)
                    .bind(c.status_entered_at)
                    .bind(c.priority)
                    .bind(c.assignee_id)
                    .bind(c.team_id)
                    .bind(&c.answers)
                    .bind(c.first_response_at)
                    .bind(c.closed_at)
                    .bind(c.sla_state)
                    .bind(c.submitted_at)
                    .bind(c.status_entered_at);
            }
            q.execute(&mut *tx).await?;
        }
        for chunk in events.chunks(EVENT_BATCH) {
            let sql = event_sql(chunk.len());
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (case_id, (at, kind, public, body, data)) in chunk {
                q = q
                    .bind(actor.tenant_id)
                    .bind(relais_domain::new_id())
                    .bind(*case_id)
                    .bind(*at)
                    .bind(kind.as_str())
                    .bind(&actor.label)
                    .bind(*public)
                    .bind(body)
                    .bind(data);
            }
            q.execute(&mut *tx).await?;
        }
        record!(
            tx,
            actor,
            Change::new(
                "case.generate",
                "tenant",
                actor.tenant_id,
                json!({"cases": batch.len(), "events": events.len(), "at": now})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{services, tenants};
    use relais_domain::{Locale, Slug, TenantKind};

    /// More filings wait at the gate than one statement can take (SQLite allows 32,766
    /// values, 24 per case): the group is written in parts, all in one transaction, and
    /// every filing gets its own case, event and audit row.
    #[tokio::test]
    async fn a_group_too_large_for_one_statement_is_written_whole_in_parts() {
        let temp = crate::db::TempSqlite::new("group").await;
        let db = temp.db.clone();
        let tenant = tenants::create(
            &db,
            "test",
            tenants::NewTenant {
                slug: Slug::parse("alpha").unwrap(),
                kind: TenantKind::Public,
                name: "Alpha".into(),
                default_locale: Locale::Fr,
                hosts: vec![],
                is_default: false,
            },
        )
        .await
        .unwrap();
        let actor = Actor::system(tenant.id, "test");
        let meta = services::Meta {
            slug: "report".into(),
            category: "roads".into(),
            audience: "public".into(),
            channels: vec!["api".into()],
            who_may_file: "anyone".into(),
            title_fr: "Signalement".into(),
            title_en: "Report".into(),
            description_fr: String::new(),
            description_en: String::new(),
        };
        let service = services::create(&db, &actor, &meta, &serde_json::json!({}))
            .await
            .unwrap();
        let version = services::publish(&db, &actor, service.id).await.unwrap();

        const FILINGS: usize = 1_500;
        let pool = temp.pool();
        let gate = crate::db::write_gate(pool);
        let before = gate.counts.read();
        // Hold the gate while every filing queues behind it.
        let held = gate.lock.clone().lock_owned().await;
        let tasks: Vec<_> = (0..FILINGS)
            .map(|i| {
                let (db, actor) = (db.clone(), actor.clone());
                tokio::spawn(async move {
                    let answers = serde_json::json!({ "n": i });
                    let new = NewCase {
                        tenant_slug: "alpha",
                        service_id: service.id,
                        service_version: version,
                        requester_person_id: None,
                        requester_account_id: None,
                        organisation_id: None,
                        contact_email: None,
                        tracking_code: None,
                        channel: "api",
                        status: "received",
                        status_kind: "open",
                        priority: "normal",
                        answers: &answers,
                        documents: &[],
                        first_response_due_at: None,
                        resolution_due_at: None,
                        next_timer_at: None,
                        team_id: None,
                        draft_id: None,
                        submitted_at: Utc::now(),
                    };
                    file(&db, &actor, &new).await
                })
            })
            .collect();
        let queued = || {
            gate.waiting
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .len::<Filing>()
        };
        for _ in 0..1_000 {
            if queued() == FILINGS {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(queued(), FILINGS);
        drop(held);
        let mut references = std::collections::HashSet::new();
        for (i, task) in tasks.into_iter().enumerate() {
            let case = task.await.unwrap().unwrap();
            let answers: Value = serde_json::from_str(&case.answers).unwrap();
            assert_eq!(answers["n"], i, "each filing gets its own case back");
            assert!(references.insert(case.reference.clone()));
        }
        let after = gate.counts.read();
        assert_eq!(
            after.transactions,
            before.transactions + 1,
            "one transaction"
        );
        assert_eq!(after.writes, before.writes + FILINGS as u64);
        assert_eq!(after.rolled_back, before.rolled_back);
        for table in ["cases", "case_events"] {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(pool)
                    .await
                    .unwrap();
            assert_eq!(n, FILINGS as i64, "{table}");
        }
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.file'")
                .fetch_one(pool)
                .await
                .unwrap();
        assert_eq!(audited, FILINGS as i64);
    }
}

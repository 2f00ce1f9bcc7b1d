//! Documents handed over by requesters: the blob lives in the content-addressed file store,
//! this table says whose it is, what it proves, and whether an agent found it valid. A
//! person's documents form their document safe: a valid one can be reused in a later case.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

pub(crate) const COLUMNS: &str = "d.id, d.owner_person_id, d.kind, d.file_hash, d.media_type,
    d.size_bytes, d.file_name, d.status, d.reject_reason, d.valid_until, d.checked_by,
    d.checked_at, d.deleted_at, d.created_at";

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Document {
    pub id: Uuid,
    pub owner_person_id: Option<Uuid>,
    pub kind: Option<String>,
    pub file_hash: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub file_name: String,
    /// `pending`, `valid` or `rejected`.
    pub status: String,
    pub reject_reason: Option<String>,
    pub valid_until: Option<NaiveDate>,
    pub checked_by: Option<Uuid>,
    pub checked_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub struct NewDocument<'a> {
    pub owner_person_id: Option<Uuid>,
    pub kind: Option<&'a str>,
    /// As returned by `FileStore::put` (content sniffed by the caller, never the name).
    pub file_hash: &'a str,
    pub media_type: &'a str,
    pub size_bytes: i64,
    pub file_name: &'a str,
}

pub async fn create(db: &Db, actor: &Actor, new: &NewDocument<'_>) -> Result<Document> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO documents (tenant_id, id, owner_person_id, kind, file_hash, media_type,
                size_bytes, file_name, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(new.owner_person_id)
        .bind(new.kind)
        .bind(new.file_hash)
        .bind(new.media_type)
        .bind(new.size_bytes)
        .bind(new.file_name)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "document.upload",
                "document",
                id,
                json!({"owner_person_id": new.owner_person_id, "kind": new.kind,
                       "media_type": new.media_type, "size_bytes": new.size_bytes})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Document>> {
    let sql = format!("SELECT {COLUMNS} FROM documents d WHERE d.tenant_id = $1 AND d.id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Document>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// A person's document safe, newest first, deleted documents left out.
pub async fn safe(db: &Db, tenant_id: Uuid, person_id: Uuid) -> Result<Vec<Document>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM documents d
         WHERE d.tenant_id = $1 AND d.owner_person_id = $2 AND d.deleted_at IS NULL
         ORDER BY d.created_at DESC, d.id DESC"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Document>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(person_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// An agent's verdict on a document: valid (until an optional date) or rejected with a
/// reason.
pub enum Verdict<'a> {
    Valid { until: Option<NaiveDate> },
    Rejected { reason: &'a str },
}

pub async fn check(db: &Db, actor: &Actor, id: Uuid, verdict: Verdict<'_>) -> Result<Document> {
    let (status, reason, until) = match verdict {
        Verdict::Valid { until } => ("valid", None, until),
        Verdict::Rejected { reason } => ("rejected", Some(reason), None),
    };
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE documents SET status = $3, reject_reason = $4, valid_until = $5,
                checked_by = $6, checked_at = $7
             WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(status)
        .bind(reason)
        .bind(until)
        .bind(actor.account_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new(
                "document.check",
                "document",
                id,
                json!({"status": status, "reason": reason, "valid_until": until})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Removes a document from its owner's safe. The blob stays while a case refers to it (the
/// case file must stay whole); the safe no longer offers it.
pub async fn delete(db: &Db, actor: &Actor, owner_person_id: Uuid, id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE documents SET deleted_at = $4
             WHERE tenant_id = $1 AND id = $2 AND owner_person_id = $3 AND deleted_at IS NULL",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(owner_person_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new("document.delete", "document", id, json!({}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

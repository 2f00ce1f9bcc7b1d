//! Portal drafts: answers in progress, saved as the requester goes from page to page, owned
//! by one account (another account's draft is "not found", never shown).

use crate::{Db, Result, StoreError, db::on_pool};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Draft {
    pub id: Uuid,
    pub service_id: Uuid,
    pub service_version: i32,
    pub account_id: Uuid,
    /// JSON object of the answers so far.
    pub answers: String,
    pub page: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Draft {
    pub fn answers_map(&self) -> serde_json::Map<String, Value> {
        match serde_json::from_str(&self.answers) {
            Ok(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        }
    }
}

const COLUMNS: &str =
    "id, service_id, service_version, account_id, answers, page, created_at, updated_at";

pub async fn create(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
    service_id: Uuid,
    service_version: i32,
) -> Result<Draft> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO case_drafts (tenant_id, id, service_id, service_version, account_id,
            answers, page, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, '{}', 0, $6, $6)"
    )
    .bind(tenant_id)
    .bind(id)
    .bind(service_id)
    .bind(service_version)
    .bind(account_id)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ()))?;
    get(db, tenant_id, account_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The draft if it belongs to this account.
pub async fn get(db: &Db, tenant_id: Uuid, account_id: Uuid, id: Uuid) -> Result<Option<Draft>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM case_drafts WHERE tenant_id = $1 AND account_id = $2 AND id = $3"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Draft>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(account_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// An account's drafts, most recently touched first.
pub async fn list(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Vec<Draft>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM case_drafts WHERE tenant_id = $1 AND account_id = $2
         ORDER BY updated_at DESC, id DESC"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Draft>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Saves answers and page; `service_version` moves the draft to a newer version (answers
/// carried by `relais_domain::service::definition::carry_answers`).
pub async fn save(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
    id: Uuid,
    service_version: i32,
    answers: &Value,
    page: i32,
) -> Result<()> {
    let updated = on_pool!(db, |p| sqlx::query(
        "UPDATE case_drafts SET answers = $4, page = $5, service_version = $6, updated_at = $7
         WHERE tenant_id = $1 AND account_id = $2 AND id = $3"
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(id)
    .bind(answers.to_string())
    .bind(page)
    .bind(service_version)
    .bind(Utc::now())
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

pub async fn delete(db: &Db, tenant_id: Uuid, account_id: Uuid, id: Uuid) -> Result<()> {
    let deleted = on_pool!(db, |p| sqlx::query(
        "DELETE FROM case_drafts WHERE tenant_id = $1 AND account_id = $2 AND id = $3"
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

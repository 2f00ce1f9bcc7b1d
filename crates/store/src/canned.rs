//! Canned responses: replies an agent starts from, with variables (`{reference}`,
//! `{given_name}`…) filled in from the case. Text arrives checked by
//! `relais_domain::handling::canned_response`.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CannedResponse {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every canned response of the tenant, by title.
pub async fn list(db: &Db, tenant_id: Uuid) -> Result<Vec<CannedResponse>> {
    on_pool!(db, |p| sqlx::query_as::<_, CannedResponse>(
        "SELECT id, title, body, created_at, updated_at FROM canned_responses
         WHERE tenant_id = $1 ORDER BY title, id"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<CannedResponse>> {
    on_pool!(db, |p| sqlx::query_as::<_, CannedResponse>(
        "SELECT id, title, body, created_at, updated_at FROM canned_responses
         WHERE tenant_id = $1 AND id = $2"
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// A new canned response; `Conflict` when the title is taken.
pub async fn create(db: &Db, actor: &Actor, title: &str, body: &str) -> Result<Uuid> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO canned_responses (tenant_id, id, title, body, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(title)
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "canned.create",
                "canned_response",
                id,
                json!({"title": title})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(id)
}

pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let deleted = sqlx::query("DELETE FROM canned_responses WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new("canned.delete", "canned_response", id, json!({}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

//! Canned responses: replies an agent starts from, with variables (`{reference}`,
//! `{given_name}`…) filled in from the case. Text arrives checked by
//! `relais_domain::handling::canned_response`.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::Locale;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CannedResponse {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    /// English title and text; empty when there is none (English readers get the French).
    pub title_en: String,
    pub body_en: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Every canned response of the tenant, by title.
pub async fn list(db: &Db, tenant_id: Uuid) -> Result<Vec<CannedResponse>> {
    on_pool!(db, |p| sqlx::query_as::<_, CannedResponse>(
        "SELECT id, title, body, title_en, body_en, created_at, updated_at FROM canned_responses
         WHERE tenant_id = $1 ORDER BY title, id"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<CannedResponse>> {
    on_pool!(db, |p| sqlx::query_as::<_, CannedResponse>(
        "SELECT id, title, body, title_en, body_en, created_at, updated_at FROM canned_responses
         WHERE tenant_id = $1 AND id = $2"
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

impl CannedResponse {
    /// The title in `locale` (the French one when there is no English).
    pub fn title_in(&self, locale: Locale) -> &str {
        match locale {
            Locale::En if !self.title_en.is_empty() => &self.title_en,
            _ => &self.title,
        }
    }

    /// The text in `locale` (the French one when there is no English).
    pub fn body_in(&self, locale: Locale) -> &str {
        match locale {
            Locale::En if !self.body_en.is_empty() => &self.body_en,
            _ => &self.body,
        }
    }
}

/// A canned response's texts, as checked by `relais_domain::handling`.
#[derive(Debug, Clone, Default)]
pub struct Texts<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub title_en: &'a str,
    pub body_en: &'a str,
}

/// A new canned response in French only; `Conflict` when the title is taken.
pub async fn create(db: &Db, actor: &Actor, title: &str, body: &str) -> Result<Uuid> {
    create_with(
        db,
        actor,
        &Texts {
            title,
            body,
            ..Texts::default()
        },
    )
    .await
}

/// A new canned response; `Conflict` when the title is taken.
pub async fn create_with(db: &Db, actor: &Actor, texts: &Texts<'_>) -> Result<Uuid> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    let title = texts.title;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO canned_responses (tenant_id, id, title, body, title_en, body_en,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(texts.title)
        .bind(texts.body)
        .bind(texts.title_en)
        .bind(texts.body_en)
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

/// Changes a canned response of the actor's tenant: `NotFound` when there is none,
/// `Conflict` when the title is another's.
pub async fn update(db: &Db, actor: &Actor, id: Uuid, texts: &Texts<'_>) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE canned_responses SET title = $3, body = $4, title_en = $5, body_en = $6,
                updated_at = $7
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(texts.title)
        .bind(texts.body)
        .bind(texts.title_en)
        .bind(texts.body_en)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new(
                "canned.update",
                "canned_response",
                id,
                json!({"title": texts.title, "english": !texts.body_en.is_empty()})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
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

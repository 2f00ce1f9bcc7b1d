//! The service catalogue. A service has descriptive fields and numbered versions of its
//! definition (one JSON document: form, documents, workflow, service levels). Editing a
//! published service works on a new draft version; publishing it supersedes the previous one,
//! and cases keep the version they were filed under.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Service {
    pub id: Uuid,
    pub slug: String,
    pub category: String,
    pub audience: String,
    pub channels: Json<Vec<String>>,
    pub who_may_file: String,
    pub title_fr: String,
    pub title_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub state: String,
    pub published_version: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Service {
    /// The title in `locale` (French when the English one is blank).
    pub fn title(&self, locale: relais_domain::Locale) -> &str {
        relais_domain::service::in_locale(locale, &self.title_fr, &self.title_en)
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Version {
    pub service_id: Uuid,
    pub version: i32,
    pub definition: Json<Value>,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<Uuid>,
    pub published_at: Option<DateTime<Utc>>,
}

/// The descriptive fields of a service, validated by the caller.
#[derive(Debug, Clone)]
pub struct Meta {
    pub slug: String,
    pub category: String,
    pub audience: String,
    pub channels: Vec<String>,
    pub who_may_file: String,
    pub title_fr: String,
    pub title_en: String,
    pub description_fr: String,
    pub description_en: String,
}

const COLUMNS: &str =
    "id, slug, category, audience, channels, who_may_file, title_fr, title_en, description_fr,
    description_en, state, published_version, created_at, updated_at";
const VERSION_COLUMNS: &str =
    "service_id, version, definition, state, created_at, created_by, published_at";

/// Creates a service with its first version as a draft. Conflict if the slug is taken.
pub async fn create(db: &Db, actor: &Actor, meta: &Meta, definition: &Value) -> Result<Service> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO services (tenant_id, id, slug, category, audience, channels, who_may_file, title_fr, title_en,
                description_fr, description_en, state, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'draft', $12, $12)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&meta.slug)
        .bind(&meta.category)
        .bind(&meta.audience)
        .bind(Json(&meta.channels))
        .bind(&meta.who_may_file)
        .bind(&meta.title_fr)
        .bind(&meta.title_en)
        .bind(&meta.description_fr)
        .bind(&meta.description_en)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO service_versions (tenant_id, service_id, version, definition, state, created_at, created_by)
             VALUES ($1, $2, 1, $3, 'draft', $4, $5)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(Json(definition))
        .bind(now)
        .bind(actor.account_id)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "service.create",
                "service",
                id,
                json!({"slug": meta.slug, "title": meta.title_fr})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Service>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn by_slug(db: &Db, tenant_id: Uuid, slug: &str) -> Result<Option<Service>> {
    let sql = format!("SELECT {COLUMNS} FROM services WHERE tenant_id = $1 AND slug = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Service>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(slug)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Every service of the tenant (`published_only` for the public catalogue), by category
/// then title.
pub async fn list(db: &Db, tenant_id: Uuid, published_only: bool) -> Result<Vec<Service>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM services WHERE tenant_id = $1 AND ($2 = FALSE OR state = 'published')
         ORDER BY category, title_fr"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Service>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(published_only)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn update_meta(db: &Db, actor: &Actor, id: Uuid, meta: &Meta) -> Result<Service> {
    let before = get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let summary = crate::audit::diff(&[
        ("slug", before.slug.clone(), meta.slug.clone()),
        ("category", before.category.clone(), meta.category.clone()),
        ("audience", before.audience.clone(), meta.audience.clone()),
        (
            "channels",
            before.channels.0.join(","),
            meta.channels.join(","),
        ),
        (
            "who_may_file",
            before.who_may_file.clone(),
            meta.who_may_file.clone(),
        ),
        ("title_fr", before.title_fr.clone(), meta.title_fr.clone()),
        ("title_en", before.title_en.clone(), meta.title_en.clone()),
        (
            "description_fr",
            before.description_fr.clone(),
            meta.description_fr.clone(),
        ),
        (
            "description_en",
            before.description_en.clone(),
            meta.description_en.clone(),
        ),
    ]);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE services SET slug = $3, category = $4, audience = $5, channels = $6, who_may_file = $7,
                title_fr = $8, title_en = $9, description_fr = $10, description_en = $11, updated_at = $12
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&meta.slug)
        .bind(&meta.category)
        .bind(&meta.audience)
        .bind(Json(&meta.channels))
        .bind(&meta.who_may_file)
        .bind(&meta.title_fr)
        .bind(&meta.title_en)
        .bind(&meta.description_fr)
        .bind(&meta.description_en)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new("service.update", "service", id, summary)
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn versions(db: &Db, tenant_id: Uuid, service_id: Uuid) -> Result<Vec<Version>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM service_versions WHERE tenant_id = $1 AND service_id = $2 ORDER BY version DESC"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Version>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(service_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn version(
    db: &Db,
    tenant_id: Uuid,
    service_id: Uuid,
    version: i32,
) -> Result<Option<Version>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM service_versions WHERE tenant_id = $1 AND service_id = $2 AND version = $3"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Version>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(service_id)
    .bind(version)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The version being edited, if any.
pub async fn draft(db: &Db, tenant_id: Uuid, service_id: Uuid) -> Result<Option<Version>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM service_versions WHERE tenant_id = $1 AND service_id = $2 AND state = 'draft'"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Version>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(service_id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Saves the definition being edited: updates the draft, or opens a new draft version after
/// the published one. Returns the draft's version number.
pub async fn save_draft(
    db: &Db,
    actor: &Actor,
    service_id: Uuid,
    definition: &Value,
) -> Result<i32> {
    get(db, actor.tenant_id, service_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let existing: Option<i32> = sqlx::query_scalar(
            "SELECT version FROM service_versions WHERE tenant_id = $1 AND service_id = $2 AND state = 'draft'",
        )
        .bind(actor.tenant_id)
        .bind(service_id)
        .fetch_optional(&mut *tx)
        .await?;
        let version = match existing {
            Some(v) => {
                sqlx::query("UPDATE service_versions SET definition = $4 WHERE tenant_id = $1 AND service_id = $2 AND version = $3")
                    .bind(actor.tenant_id)
                    .bind(service_id)
                    .bind(v)
                    .bind(Json(definition))
                    .execute(&mut *tx)
                    .await?;
                v
            }
            None => {
                let last: i32 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM service_versions WHERE tenant_id = $1 AND service_id = $2")
                    .bind(actor.tenant_id)
                    .bind(service_id)
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO service_versions (tenant_id, service_id, version, definition, state, created_at, created_by)
                     VALUES ($1, $2, $3, $4, 'draft', $5, $6)",
                )
                .bind(actor.tenant_id)
                .bind(service_id)
                .bind(last + 1)
                .bind(Json(definition))
                .bind(now)
                .bind(actor.account_id)
                .execute(&mut *tx)
                .await?;
                last + 1
            }
        };
        record!(
            tx,
            actor,
            Change::new(
                "service.draft_saved",
                "service",
                service_id,
                json!({"version": version})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok(version)
    })
}

/// Publishes the draft: it becomes the version new cases are filed under; the previously
/// published version is superseded (cases filed under it keep it). The caller validates the
/// definition first. `NotFound` if there is no draft.
pub async fn publish(db: &Db, actor: &Actor, service_id: Uuid) -> Result<i32> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let draft: Option<i32> = sqlx::query_scalar(
            "SELECT version FROM service_versions WHERE tenant_id = $1 AND service_id = $2 AND state = 'draft'",
        )
        .bind(actor.tenant_id)
        .bind(service_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(version) = draft else {
            return Err(StoreError::NotFound);
        };
        sqlx::query("UPDATE service_versions SET state = 'superseded' WHERE tenant_id = $1 AND service_id = $2 AND state = 'published'")
            .bind(actor.tenant_id)
            .bind(service_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE service_versions SET state = 'published', published_at = $4 WHERE tenant_id = $1 AND service_id = $2 AND version = $3")
            .bind(actor.tenant_id)
            .bind(service_id)
            .bind(version)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE services SET state = 'published', published_version = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(service_id)
            .bind(version)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "service.publish",
                "service",
                service_id,
                json!({"version": version})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok(version)
    })
}

/// Takes a service out of the public catalogue (its versions and cases stay).
pub async fn archive(db: &Db, actor: &Actor, service_id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let done = sqlx::query("UPDATE services SET state = 'archived', updated_at = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(service_id)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new("service.archive", "service", service_id, json!({}))
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok(())
    })
}

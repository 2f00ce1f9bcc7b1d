//! Knowledge articles of a tenant: public or internal, by category, published or draft, with
//! the services they are shown on ("Good to know"). Fields arrive checked by
//! `relais_domain::knowledge`; every write is audited in its transaction.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::{Locale, knowledge::Article as Checked};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Article {
    pub id: Uuid,
    pub slug: String,
    pub category: String,
    /// `public` or `internal`.
    pub visibility: String,
    pub title_fr: String,
    /// Empty when there is none (English readers get the French).
    pub title_en: String,
    pub body_fr: String,
    pub body_en: String,
    /// When it was last published; `None` for a draft.
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Article {
    pub fn is_public(&self) -> bool {
        self.visibility == "public"
    }

    pub fn is_published(&self) -> bool {
        self.published_at.is_some()
    }

    /// The title in `locale` (the French one when there is no English).
    pub fn title_in(&self, locale: Locale) -> &str {
        match locale {
            Locale::En if !self.title_en.is_empty() => &self.title_en,
            _ => &self.title_fr,
        }
    }

    /// The body in `locale` (the French one when there is no English), and the language it
    /// is in.
    pub fn body_in(&self, locale: Locale) -> (&str, Locale) {
        match locale {
            Locale::En if !self.body_en.is_empty() => (&self.body_en, Locale::En),
            _ => (&self.body_fr, Locale::Fr),
        }
    }
}

const COLUMNS: &str = "id, slug, category, visibility, title_fr, title_en, body_fr, body_en,
    published_at, created_at, updated_at";

/// Every article of the tenant, drafts included, by category and title.
pub async fn list(db: &Db, tenant_id: Uuid) -> Result<Vec<Article>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM knowledge_articles WHERE tenant_id = $1
         ORDER BY category, title_fr, id"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Article>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// The published articles a reader may see: public ones, and internal ones too for staff.
pub async fn published(db: &Db, tenant_id: Uuid, with_internal: bool) -> Result<Vec<Article>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM knowledge_articles
         WHERE tenant_id = $1 AND published_at IS NOT NULL AND visibility IN ('public', $2)
         ORDER BY category, title_fr, id"
    );
    let internal = if with_internal { "internal" } else { "public" };
    on_pool!(db, |p| sqlx::query_as::<_, Article>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(internal)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Article>> {
    let sql = format!("SELECT {COLUMNS} FROM knowledge_articles WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Article>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// An article of the tenant by its slug, whatever its state (the caller decides who sees it).
pub async fn by_slug(db: &Db, tenant_id: Uuid, slug: &str) -> Result<Option<Article>> {
    let sql =
        format!("SELECT {COLUMNS} FROM knowledge_articles WHERE tenant_id = $1 AND slug = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Article>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(slug)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The published articles shown on a service's page, public ones only unless `with_internal`.
pub async fn for_service(
    db: &Db,
    tenant_id: Uuid,
    service_id: Uuid,
    with_internal: bool,
) -> Result<Vec<Article>> {
    let sql = format!(
        "SELECT {} FROM knowledge_articles a
         JOIN knowledge_article_services s
           ON s.tenant_id = a.tenant_id AND s.article_id = a.id
         WHERE a.tenant_id = $1 AND s.service_id = $2 AND a.published_at IS NOT NULL
           AND a.visibility IN ('public', $3)
         ORDER BY a.title_fr, a.id",
        COLUMNS
            .split(',')
            .map(|c| format!("a.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let internal = if with_internal { "internal" } else { "public" };
    on_pool!(db, |p| sqlx::query_as::<_, Article>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(service_id)
    .bind(internal)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// The services an article is linked to.
pub async fn services_of(db: &Db, tenant_id: Uuid, article_id: Uuid) -> Result<Vec<Uuid>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT service_id FROM knowledge_article_services
         WHERE tenant_id = $1 AND article_id = $2 ORDER BY service_id"
    )
    .bind(tenant_id)
    .bind(article_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Writes the article's links to services (replacing the old ones); each service must be
/// the tenant's (the foreign key carries the tenant).
macro_rules! set_services {
    ($tx:expr, $tenant:expr, $article:expr, $services:expr) => {{
        sqlx::query(
            "DELETE FROM knowledge_article_services WHERE tenant_id = $1 AND article_id = $2",
        )
        .bind($tenant)
        .bind($article)
        .execute(&mut *$tx)
        .await?;
        for service in $services {
            let known: Option<Uuid> =
                sqlx::query_scalar("SELECT id FROM services WHERE tenant_id = $1 AND id = $2")
                    .bind($tenant)
                    .bind(*service)
                    .fetch_optional(&mut *$tx)
                    .await?;
            if known.is_none() {
                return Err(StoreError::NotFound);
            }
            sqlx::query(
                "INSERT INTO knowledge_article_services (tenant_id, article_id, service_id)
                 VALUES ($1, $2, $3)",
            )
            .bind($tenant)
            .bind($article)
            .bind(*service)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// A new article, as a draft; `Conflict` when the slug is taken, `NotFound` when a service is
/// not the tenant's.
pub async fn create(db: &Db, actor: &Actor, a: &Checked, services: &[Uuid]) -> Result<Uuid> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO knowledge_articles (tenant_id, id, slug, category, visibility, title_fr,
                title_en, body_fr, body_en, published_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $10)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&a.slug)
        .bind(&a.category)
        .bind(a.visibility.as_str())
        .bind(&a.title_fr)
        .bind(&a.title_en)
        .bind(&a.body_fr)
        .bind(&a.body_en)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        set_services!(tx, actor.tenant_id, id, services);
        record!(
            tx,
            actor,
            Change::new(
                "article.create",
                "knowledge_article",
                id,
                json!({"slug": a.slug, "visibility": a.visibility.as_str()})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(id)
}

/// Changes an article of the actor's tenant (its state stays): `NotFound` when there is none
/// or a service is not the tenant's, `Conflict` when the slug is another's.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    a: &Checked,
    services: &[Uuid],
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE knowledge_articles SET slug = $3, category = $4, visibility = $5,
                title_fr = $6, title_en = $7, body_fr = $8, body_en = $9, updated_at = $10
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&a.slug)
        .bind(&a.category)
        .bind(a.visibility.as_str())
        .bind(&a.title_fr)
        .bind(&a.title_en)
        .bind(&a.body_fr)
        .bind(&a.body_en)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        set_services!(tx, actor.tenant_id, id, services);
        record!(
            tx,
            actor,
            Change::new(
                "article.update",
                "knowledge_article",
                id,
                json!({"slug": a.slug, "visibility": a.visibility.as_str()})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

/// Publishes (`true`) or takes back to draft (`false`) an article of the actor's tenant.
pub async fn set_published(db: &Db, actor: &Actor, id: Uuid, published: bool) -> Result<()> {
    let now = Utc::now();
    let at = published.then_some(now);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE knowledge_articles SET published_at = $3, updated_at = $4
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let action = if published {
            "article.publish"
        } else {
            "article.unpublish"
        };
        record!(
            tx,
            actor,
            Change::new(action, "knowledge_article", id, json!({}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "DELETE FROM knowledge_article_services WHERE tenant_id = $1 AND article_id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let deleted =
            sqlx::query("DELETE FROM knowledge_articles WHERE tenant_id = $1 AND id = $2")
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
            Change::new("article.delete", "knowledge_article", id, json!({}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

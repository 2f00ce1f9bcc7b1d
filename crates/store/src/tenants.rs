use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::{Locale, Slug, TenantKind};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Tenant {
    pub id: Uuid,
    pub slug: String,
    pub kind: String,
    pub name: String,
    pub default_locale: String,
    pub time_zone: String,
    pub primary_colour: String,
    pub logo_hash: Option<String>,
    pub logo_type: Option<String>,
    pub contact_email: Option<String>,
    pub require_totp: bool,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Tenant {
    pub fn kind(&self) -> TenantKind {
        self.kind.parse().unwrap_or(TenantKind::Public)
    }
    pub fn locale(&self) -> Locale {
        self.default_locale.parse().unwrap_or_default()
    }
}

const COLUMNS: &str =
    "id, slug, kind, name, default_locale, time_zone, primary_colour, logo_hash, logo_type,
    contact_email, require_totp, is_default, created_at, updated_at";

pub struct NewTenant {
    pub slug: Slug,
    pub kind: TenantKind,
    pub name: String,
    pub default_locale: Locale,
    pub hosts: Vec<String>,
    pub is_default: bool,
}

/// Creates a tenant with its host names. Refused (Conflict) if the slug, a host, or a
/// second default tenant already exists.
pub async fn create(db: &Db, label: &str, new: NewTenant) -> Result<Tenant> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    let actor = Actor::system(id, label);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO tenants (id, slug, kind, name, default_locale, is_default, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id)
        .bind(new.slug.as_str())
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(new.default_locale.as_str())
        .bind(new.is_default)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for host in &new.hosts {
            sqlx::query("INSERT INTO tenant_hosts (host, tenant_id) VALUES ($1, $2)")
                .bind(host)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        record!(
            tx,
            &actor,
            Change::new(
                "tenant.create",
                "tenant",
                id,
                json!({"slug": new.slug.as_str(), "kind": new.kind.as_str(), "name": new.name, "hosts": new.hosts})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })?;
    by_id(db, id).await?.ok_or(StoreError::NotFound)
}

pub async fn by_id(db: &Db, id: Uuid) -> Result<Option<Tenant>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE id = $1");
    on_pool!(db, |p| sqlx::query_as::<_, Tenant>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Tenant>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants WHERE slug = $1");
    on_pool!(db, |p| sqlx::query_as::<_, Tenant>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(slug)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The tenant a request's host name belongs to, or else the default tenant.
pub async fn resolve(db: &Db, host: Option<&str>) -> Result<Option<Tenant>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM tenants
         WHERE id = (SELECT tenant_id FROM tenant_hosts WHERE host = $1)
            OR (is_default AND NOT EXISTS (SELECT 1 FROM tenant_hosts WHERE host = $1))
         ORDER BY is_default LIMIT 1"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Tenant>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(host.unwrap_or(""))
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn list(db: &Db) -> Result<Vec<Tenant>> {
    let sql = format!("SELECT {COLUMNS} FROM tenants ORDER BY slug");
    on_pool!(db, |p| sqlx::query_as::<_, Tenant>(sqlx::AssertSqlSafe(
        sql
    ))
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn hosts(db: &Db, tenant_id: Uuid) -> Result<Vec<String>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT host FROM tenant_hosts WHERE tenant_id = $1 ORDER BY host"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// What an administrator edits on the settings page; validated by the caller.
#[derive(Debug, Clone)]
pub struct Settings {
    pub name: String,
    pub default_locale: Locale,
    pub time_zone: String,
    pub primary_colour: String,
    pub contact_email: Option<String>,
    pub require_totp: bool,
}

pub async fn update_settings(db: &Db, actor: &Actor, s: &Settings) -> Result<Tenant> {
    let before = by_id(db, actor.tenant_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let summary = crate::audit::diff(&[
        ("name", before.name.clone(), s.name.clone()),
        (
            "default_locale",
            before.default_locale.clone(),
            s.default_locale.to_string(),
        ),
        ("time_zone", before.time_zone.clone(), s.time_zone.clone()),
        (
            "primary_colour",
            before.primary_colour.clone(),
            s.primary_colour.clone(),
        ),
        (
            "contact_email",
            before.contact_email.clone().unwrap_or_default(),
            s.contact_email.clone().unwrap_or_default(),
        ),
        (
            "require_totp",
            before.require_totp.to_string(),
            s.require_totp.to_string(),
        ),
    ]);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE tenants SET name = $2, default_locale = $3, time_zone = $4, primary_colour = $5,
             contact_email = $6, require_totp = $7, updated_at = $8 WHERE id = $1",
        )
        .bind(actor.tenant_id)
        .bind(&s.name)
        .bind(s.default_locale.as_str())
        .bind(&s.time_zone)
        .bind(&s.primary_colour)
        .bind(&s.contact_email)
        .bind(s.require_totp)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new("tenant.update", "tenant", actor.tenant_id, summary)
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok::<_, StoreError>(())
    })?;
    by_id(db, actor.tenant_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Sets (or with `None` removes) the tenant's logo, stored in the file store by hash.
pub async fn set_logo(db: &Db, actor: &Actor, logo: Option<(&str, &str)>) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE tenants SET logo_hash = $2, logo_type = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(actor.tenant_id)
        .bind(logo.map(|l| l.0))
        .bind(logo.map(|l| l.1))
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "tenant.logo",
                "tenant",
                actor.tenant_id,
                json!({"logo": logo.map(|l| l.0), "type": logo.map(|l| l.1)})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok(())
    })
}

pub async fn add_host(db: &Db, actor: &Actor, host: &str) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("INSERT INTO tenant_hosts (host, tenant_id) VALUES ($1, $2)")
            .bind(host)
            .bind(actor.tenant_id)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "tenant.host_add",
                "tenant",
                actor.tenant_id,
                json!({"host": host})
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok(())
    })
}

/// The tenant's business calendar as stored (JSON), or `None` for the default one.
pub async fn business_calendar(db: &Db, tenant_id: Uuid) -> Result<Option<serde_json::Value>> {
    let found: Option<Option<sqlx::types::Json<serde_json::Value>>> =
        on_pool!(db, |p| sqlx::query_scalar(
            "SELECT business_calendar FROM tenants WHERE id = $1"
        )
        .bind(tenant_id)
        .fetch_optional(p)
        .await)?;
    Ok(found.flatten().map(|j| j.0))
}

/// Replaces the tenant's business calendar (validated by the caller).
pub async fn set_business_calendar(
    db: &Db,
    actor: &Actor,
    calendar: &serde_json::Value,
) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE tenants SET business_calendar = $2, updated_at = $3 WHERE id = $1")
            .bind(actor.tenant_id)
            .bind(sqlx::types::Json(calendar))
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "tenant.calendar",
                "tenant",
                actor.tenant_id,
                calendar.clone()
            )
        );
        tx.commit().await?;
        crate::settings::changed();
        Ok(())
    })
}

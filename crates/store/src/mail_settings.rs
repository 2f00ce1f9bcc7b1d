//! A tenant's own SMTP server for its mail (host, port, TLS mode, credentials, sender). The
//! password is stored for sending only: nothing reads it back to a page, and the audit row
//! of a change says whether one is set, never what it is.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::Utc;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TenantMail {
    pub host: String,
    pub port: i32,
    /// `none`, `starttls` or `tls`.
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The `From` of the tenant's mail, such as `Mairie <mairie@example.fr>`.
    pub sender: String,
}

pub async fn get(db: &Db, tenant_id: uuid::Uuid) -> Result<Option<TenantMail>> {
    on_pool!(db, |p| sqlx::query_as::<_, TenantMail>(
        "SELECT host, port, tls, username, password, sender
         FROM tenant_mail_settings WHERE tenant_id = $1"
    )
    .bind(tenant_id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Creates or replaces the actor's tenant's settings, with its audit row (no password).
pub async fn save(db: &Db, actor: &Actor, settings: &TenantMail) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO tenant_mail_settings (tenant_id, host, port, tls, username, password, sender, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (tenant_id) DO UPDATE SET host = excluded.host, port = excluded.port,
                tls = excluded.tls, username = excluded.username, password = excluded.password,
                sender = excluded.sender, updated_at = excluded.updated_at",
        )
        .bind(actor.tenant_id)
        .bind(&settings.host)
        .bind(settings.port)
        .bind(&settings.tls)
        .bind(&settings.username)
        .bind(&settings.password)
        .bind(&settings.sender)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "tenant.mail_settings",
                "tenant",
                actor.tenant_id,
                json!({"host": settings.host, "port": settings.port, "tls": settings.tls,
                       "username": settings.username, "sender": settings.sender,
                       "password_set": settings.password.is_some()})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

/// Removes the actor's tenant's settings: its mail goes through the instance's again.
/// Returns whether there were any.
pub async fn clear(db: &Db, actor: &Actor) -> Result<bool> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let removed = sqlx::query("DELETE FROM tenant_mail_settings WHERE tenant_id = $1")
            .bind(actor.tenant_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if removed {
            record!(
                tx,
                actor,
                Change::new(
                    "tenant.mail_settings_cleared",
                    "tenant",
                    actor.tenant_id,
                    json!({})
                )
            );
        }
        tx.commit().await?;
        Ok::<_, StoreError>(removed)
    })
}

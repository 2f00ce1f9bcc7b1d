//! Sessions live in the database so they survive a restart and are shared by every process.

use crate::{Db, Result, db::on_pool, secret_hash};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Session {
    pub tenant_id: Uuid,
    pub id_hash: String,
    pub account_id: Uuid,
    /// Password accepted, second factor still to come: such a session opens nothing else.
    pub second_factor_pending: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub struct NewSession<'a> {
    pub tenant_id: Uuid,
    pub account_id: Uuid,
    /// The random id handed to the browser; only its hash is stored.
    pub raw_id: &'a str,
    pub second_factor_pending: bool,
    pub lifetime: Duration,
    pub client_ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

pub async fn create(db: &Db, new: NewSession<'_>) -> Result<Session> {
    let now = Utc::now();
    let session = Session {
        tenant_id: new.tenant_id,
        id_hash: secret_hash(new.raw_id),
        account_id: new.account_id,
        second_factor_pending: new.second_factor_pending,
        created_at: now,
        last_seen_at: now,
        expires_at: now + new.lifetime,
    };
    let ua: Option<String> = new.user_agent.map(|u| u.chars().take(300).collect());
    on_pool!(db, |p| {
        sqlx::query(
        "INSERT INTO sessions (tenant_id, id_hash, account_id, second_factor_pending, created_at, last_seen_at, expires_at, client_ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)"
    )
    .bind(session.tenant_id)
    .bind(&session.id_hash)
    .bind(session.account_id)
    .bind(session.second_factor_pending)
    .bind(now)
    .bind(session.expires_at)
    .bind(new.client_ip)
    .bind(ua)
    .execute(p)
    .await
    .map(|_| ())
    })?;
    Ok(session)
}

/// The live session behind a cookie value: not past its absolute expiry nor idle too long.
pub async fn find(
    db: &Db,
    tenant_id: Uuid,
    raw_id: &str,
    idle: Duration,
) -> Result<Option<Session>> {
    let now = Utc::now();
    on_pool!(db, |p| {
        sqlx::query_as::<_, Session>(
        "SELECT tenant_id, id_hash, account_id, second_factor_pending, created_at, last_seen_at, expires_at
         FROM sessions WHERE tenant_id = $1 AND id_hash = $2 AND expires_at > $3 AND last_seen_at > $4"
    )
    .bind(tenant_id)
    .bind(secret_hash(raw_id))
    .bind(now)
    .bind(now - idle)
    .fetch_optional(p)
    .await
    .map_err(Into::into)
    })
}

/// Records activity; called at most once a minute per session to spare writes.
pub async fn touch(db: &Db, session: &Session) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "UPDATE sessions SET last_seen_at = $3 WHERE tenant_id = $1 AND id_hash = $2"
    )
    .bind(session.tenant_id)
    .bind(&session.id_hash)
    .bind(Utc::now())
    .execute(p)
    .await
    .map(|_| ())
    .map_err(Into::into))
}

pub async fn delete(db: &Db, tenant_id: Uuid, id_hash: &str) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = $1 AND id_hash = $2"
    )
    .bind(tenant_id)
    .bind(id_hash)
    .execute(p)
    .await
    .map(|_| ())
    .map_err(Into::into))
}

/// Removes sessions past their absolute expiry (housekeeping).
pub async fn purge_expired(db: &Db) -> Result<u64> {
    on_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1"
    )
    .bind(Utc::now())
    .execute(p)
    .await
    .map(|r| r.rows_affected())
    .map_err(Into::into))
}

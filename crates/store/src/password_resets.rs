//! Single-use password reset links. The link carries a random token; only its hash is kept.

use crate::{
    Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool, secret_hash,
};
use chrono::{Duration, Utc};
use serde_json::json;
use uuid::Uuid;

pub async fn create(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    raw_token: &str,
    lifetime: Duration,
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO password_resets (tenant_id, token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor.tenant_id)
        .bind(secret_hash(raw_token))
        .bind(account_id)
        .bind(now)
        .bind(now + lifetime)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "account.reset_requested",
                "account",
                account_id,
                json!({"expires_in_minutes": lifetime.num_minutes()})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// The account a still-valid token belongs to, without using it up (to show the form).
pub async fn peek(db: &Db, tenant_id: Uuid, raw_token: &str) -> Result<Option<Uuid>> {
    on_pool!(db, |p| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT account_id FROM password_resets WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3"
    )
    .bind(tenant_id)
    .bind(secret_hash(raw_token))
    .bind(Utc::now())
    .fetch_optional(p)
    .await
    .map_err(Into::into)
    })
}

/// Uses the token and sets the new password in one transaction: the token can serve once,
/// even if two requests race. Every session of the account ends. `NotFound` if the token is
/// unknown, used or expired.
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    raw_token: &str,
    password_hash: &str,
) -> Result<Uuid> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let account_id: Option<Uuid> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $3
             WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING account_id",
        )
        .bind(actor.tenant_id)
        .bind(secret_hash(raw_token))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(account_id) = account_id else {
            return Err(StoreError::NotFound);
        };
        sqlx::query("UPDATE accounts SET password_hash = $3, failed_logins = 0, locked_until = NULL, updated_at = $4 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(account_id)
            .bind(password_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND account_id = $2")
            .bind(actor.tenant_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let actor = Actor {
            account_id: Some(account_id),
            ..actor.clone()
        };
        record!(
            tx,
            &actor,
            Change::new("account.password_reset", "account", account_id, json!({}))
        );
        tx.commit().await?;
        Ok(account_id)
    })
}

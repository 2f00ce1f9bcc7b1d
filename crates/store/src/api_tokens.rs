//! Per-account API tokens. The token is random and long, so a fast hash (SHA-256) is enough
//! to store it and to find it on each request; no password hash per request.

use crate::{
    Actor, Change, Db, Result, StoreError, accounts::Account, audit::record, db::BeginWrite,
    db::on_pool, secret_hash,
};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub account_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn create(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    name: &str,
    raw_token: &str,
) -> Result<ApiToken> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("INSERT INTO api_tokens (tenant_id, id, account_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(actor.tenant_id)
            .bind(id)
            .bind(account_id)
            .bind(name)
            .bind(secret_hash(raw_token))
            .bind(now)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "api_token.create",
                "api_token",
                id,
                json!({"name": name, "account": account_id})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(ApiToken {
        id,
        account_id,
        name: name.to_owned(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    })
}

pub async fn list(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Vec<ApiToken>> {
    on_pool!(db, |p| sqlx::query_as::<_, ApiToken>(
        "SELECT id, account_id, name, created_at, last_used_at, revoked_at FROM api_tokens
         WHERE tenant_id = $1 AND account_id = $2 ORDER BY created_at DESC"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Revokes one of the account's own tokens. `NotFound` if it is not theirs or already revoked.
pub async fn revoke(db: &Db, actor: &Actor, account_id: Uuid, id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $4 WHERE tenant_id = $1 AND account_id = $2 AND id = $3 AND revoked_at IS NULL")
            .bind(actor.tenant_id)
            .bind(account_id)
            .bind(id)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new("api_token.revoke", "api_token", id, json!({}))
        );
        tx.commit().await?;
        Ok(())
    })
}

/// A live token and its account, read together (one round trip per API call).
#[derive(sqlx::FromRow)]
struct TokenOwner {
    token_id: Uuid,
    token_last_used_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    account: Account,
}

static AUTHENTICATE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT t.id AS token_id, t.last_used_at AS token_last_used_at, {}
         FROM api_tokens t
         JOIN accounts a ON a.tenant_id = t.tenant_id AND a.id = t.account_id
         WHERE t.tenant_id = $1 AND t.token_hash = $2 AND t.revoked_at IS NULL AND NOT a.disabled",
        crate::accounts::columns_of("a")
    )
});

/// The enabled account behind a live token of this tenant. Marks the token used (at most
/// once a minute, to spare writes).
pub async fn authenticate(db: &Db, tenant_id: Uuid, raw_token: &str) -> Result<Option<Account>> {
    let hash = secret_hash(raw_token);
    let found: Option<TokenOwner> = on_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        AUTHENTICATE.as_str()
    ))
    .bind(tenant_id)
    .bind(&hash)
    .fetch_optional(p)
    .await)?;
    let Some(owner) = found else {
        return Ok(None);
    };
    let now = Utc::now();
    if owner
        .token_last_used_at
        .is_none_or(|t| now - t > Duration::minutes(1))
    {
        on_pool!(db, |p| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $3 WHERE tenant_id = $1 AND id = $2"
        )
        .bind(tenant_id)
        .bind(owner.token_id)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))?;
    }
    Ok(Some(owner.account))
}

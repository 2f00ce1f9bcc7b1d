use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use relais_domain::{AccountKind, Email, Locale, Role, account::lockout};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Account {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub email: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub locale: Option<String>,
    pub disabled: bool,
    #[serde(skip)]
    pub failed_logins: i32,
    pub locked_until: Option<DateTime<Utc>>,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
    /// When the address was last proved (sign-up link, or a provider vouching for it).
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account {
    pub fn kind(&self) -> AccountKind {
        self.kind.parse().unwrap_or(AccountKind::Portal)
    }
    /// The staff role; `None` for portal accounts.
    pub fn role(&self) -> Option<Role> {
        self.role.as_deref().and_then(|r| r.parse().ok())
    }
    pub fn locale(&self) -> Option<Locale> {
        self.locale.as_deref().and_then(|l| l.parse().ok())
    }
}

const COLUMNS: &str =
    "tenant_id, id, kind, email, display_name, password_hash, role, locale, disabled,
    failed_logins, locked_until, totp_secret, totp_enabled, totp_last_step, email_verified_at,
    created_at, updated_at";

/// The account columns, each prefixed with `alias.`, for a query that joins accounts.
pub(crate) fn columns_of(alias: &str) -> String {
    COLUMNS
        .split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct NewAccount {
    pub kind: AccountKind,
    pub email: Email,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub role: Option<Role>,
    pub locale: Option<Locale>,
}

/// Creates an account in the actor's tenant. Conflict if the e-mail is taken for that kind.
pub async fn create(db: &Db, actor: &Actor, new: NewAccount) -> Result<Account> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    let role = match new.kind {
        AccountKind::Staff => Some(new.role.unwrap_or(Role::Agent)),
        AccountKind::Portal => None,
    };
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO accounts (tenant_id, id, kind, email, display_name, password_hash, role, locale, email_verified_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(new.kind.as_str())
        .bind(new.email.as_str())
        .bind(&new.display_name)
        .bind(&new.password_hash)
        .bind(role.map(Role::as_str))
        .bind(new.locale.map(Locale::as_str))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "account.create",
                "account",
                id,
                json!({"kind": new.kind.as_str(), "email": new.email.as_str(), "display_name": new.display_name, "role": role.map(Role::as_str)})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Account>> {
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn find_by_email(
    db: &Db,
    tenant_id: Uuid,
    kind: AccountKind,
    email: &str,
) -> Result<Option<Account>> {
    let sql =
        format!("SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND kind = $2 AND email = $3");
    on_pool!(db, |p| sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(kind.as_str())
    .bind(email.trim().to_lowercase())
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

pub async fn list(db: &Db, tenant_id: Uuid, kind: AccountKind) -> Result<Vec<Account>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM accounts WHERE tenant_id = $1 AND kind = $2 ORDER BY display_name, email"
    );
    on_pool!(db, |p| sqlx::query_as::<_, Account>(sqlx::AssertSqlSafe(
        sql
    ))
    .bind(tenant_id)
    .bind(kind.as_str())
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// What an administrator changes on a staff account.
#[derive(Debug, Clone)]
pub struct StaffUpdate {
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
}

/// Refused with `StoreError::Rule("last-admin")` when it would leave the tenant without an
/// enabled administrator. A disabled account loses its sessions and API tokens at once.
pub async fn update_staff(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    update: &StaffUpdate,
) -> Result<Account> {
    let before = get(db, actor.tenant_id, id)
        .await?
        .filter(|a| a.kind() == AccountKind::Staff)
        .ok_or(StoreError::NotFound)?;
    let summary = crate::audit::diff(&[
        (
            "display_name",
            before.display_name.clone(),
            update.display_name.clone(),
        ),
        (
            "role",
            before.role.clone().unwrap_or_default(),
            update.role.to_string(),
        ),
        (
            "disabled",
            before.disabled.to_string(),
            update.disabled.to_string(),
        ),
    ]);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE accounts SET display_name = $3, role = $4, disabled = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2 AND kind = 'staff'")
            .bind(actor.tenant_id)
            .bind(id)
            .bind(&update.display_name)
            .bind(update.role.as_str())
            .bind(update.disabled)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM accounts WHERE tenant_id = $1 AND kind = 'staff' AND role = 'admin' AND NOT disabled",
        )
        .bind(actor.tenant_id)
        .fetch_one(&mut *tx)
        .await?;
        if admins == 0 {
            return Err(StoreError::Rule("last-admin"));
        }
        if update.disabled {
            sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND account_id = $2")
                .bind(actor.tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE api_tokens SET revoked_at = $3 WHERE tenant_id = $1 AND account_id = $2 AND revoked_at IS NULL")
                .bind(actor.tenant_id)
                .bind(id)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
        }
        record!(
            tx,
            actor,
            Change::new("account.update", "account", id, summary)
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Sets a new password hash, clears any lock, and ends every session of the account but
/// `keep_session` (the hash of the session that made the change, if any).
pub async fn set_password(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    hash: &str,
    keep_session: Option<&str>,
) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let done = sqlx::query(
            "UPDATE accounts SET password_hash = $3, failed_logins = 0, locked_until = NULL, updated_at = $4
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(hash)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM sessions WHERE tenant_id = $1 AND account_id = $2 AND id_hash <> $3",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new("account.password", "account", id, json!({}))
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Counts a failed sign-in; locks the account for a while after too many. Returns the lock.
pub async fn record_login_failure(
    db: &Db,
    actor: &Actor,
    id: Uuid,
) -> Result<Option<DateTime<Utc>>> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let failures: i32 = sqlx::query_scalar(
            "UPDATE accounts SET failed_logins = failed_logins + 1 WHERE tenant_id = $1 AND id = $2 RETURNING failed_logins",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let lock = lockout::lock_after_failure(failures, now);
        if let Some(until) = lock {
            sqlx::query("UPDATE accounts SET locked_until = $3, failed_logins = 0 WHERE tenant_id = $1 AND id = $2")
                .bind(actor.tenant_id)
                .bind(id)
                .bind(until)
                .execute(&mut *tx)
                .await?;
        }
        record!(
            tx,
            actor,
            Change::new(
                "auth.login_failed",
                "account",
                id,
                json!({"failures": failures, "locked_until": lock})
            )
        );
        tx.commit().await?;
        Ok(lock)
    })
}

/// A successful sign-in resets the failure count.
pub async fn record_login_success(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new("auth.login", "account", id, json!({}))
        );
        tx.commit().await?;
        Ok(())
    })
}

pub async fn set_locale(db: &Db, actor: &Actor, id: Uuid, locale: Locale) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE accounts SET locale = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .bind(locale.as_str())
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "account.locale",
                "account",
                id,
                json!({"locale": locale.as_str()})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Stores a TOTP secret. `enabled = false` keeps it pending until the first code is typed;
/// `None` removes two-factor sign-in.
pub async fn set_totp(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    secret: Option<&str>,
    enabled: bool,
    step: Option<i64>,
) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE accounts SET totp_secret = $3, totp_enabled = $4, totp_last_step = $5, updated_at = $6 WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .bind(secret)
            .bind(enabled)
            .bind(step)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        let action = match (secret.is_some(), enabled) {
            (true, true) => "account.totp_enabled",
            (true, false) => "account.totp_pending",
            (false, _) => "account.totp_removed",
        };
        record!(tx, actor, Change::new(action, "account", id, json!({})));
        tx.commit().await?;
        Ok(())
    })
}

/// Marks a TOTP step as used; false if it (or a later one) was used already, which stops a
/// code from being replayed even by two requests at once.
pub async fn use_totp_step(db: &Db, tenant_id: Uuid, id: Uuid, step: i64) -> Result<bool> {
    on_pool!(db, |p| {
        let done = sqlx::query(
            "UPDATE accounts SET totp_last_step = $3 WHERE tenant_id = $1 AND id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(step)
        .execute(p)
        .await?;
        Ok(done.rows_affected() == 1)
    })
}

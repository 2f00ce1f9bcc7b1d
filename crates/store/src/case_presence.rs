//! Who has a case open in the back office. Each showing of the case page to a staff member
//! writes the time here, and the page names the colleagues who had it on screen lately
//! (`relais_domain::collaboration::OPEN_FOR_MINUTES`), so that two agents know before they
//! both answer the same person. Only the last look of each staff member is kept, and the
//! hourly housekeeping forgets looks older than `LOOK_KEPT_HOURS`: this is not a history of
//! who read what (the audit log is).

use crate::{Db, Result, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A colleague who has the case open, and when they last loaded it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Present {
    pub display_name: String,
    pub seen_at: DateTime<Utc>,
}

/// Records that `account_id` has the case on screen at `now`. The case and the account must
/// be the tenant's (foreign keys).
pub async fn touch(
    db: &Db,
    tenant_id: Uuid,
    case_id: Uuid,
    account_id: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO case_presence (tenant_id, case_id, account_id, seen_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, case_id, account_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(tenant_id)
        .bind(case_id)
        .bind(account_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    })
}

/// The staff members other than `account_id` who loaded the case at `since` or later, the
/// most recent first.
pub async fn others(
    db: &Db,
    tenant_id: Uuid,
    case_id: Uuid,
    account_id: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<Present>> {
    on_pool!(db, |p| sqlx::query_as::<_, Present>(
        "SELECT a.display_name, p.seen_at
         FROM case_presence p
         JOIN accounts a ON a.tenant_id = p.tenant_id AND a.id = p.account_id
         WHERE p.tenant_id = $1 AND p.case_id = $2 AND p.account_id <> $3 AND p.seen_at >= $4
         ORDER BY p.seen_at DESC, a.display_name"
    )
    .bind(tenant_id)
    .bind(case_id)
    .bind(account_id)
    .bind(since)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Forgets every look older than `before`, in every tenant (housekeeping). Returns how many.
pub async fn forget_before(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let n = sqlx::query("DELETE FROM case_presence WHERE seen_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(n)
    })
}

//! Labels on cases. Changing them is a change of the case: it is refused when the case
//! changed since the form was loaded (`row_version`), and bumps the version like any other.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

/// The labels of a case, alphabetically.
pub async fn of_case(db: &Db, tenant_id: Uuid, case_id: Uuid) -> Result<Vec<String>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT label FROM case_labels WHERE tenant_id = $1 AND case_id = $2 ORDER BY label"
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Every label in use in the tenant (for the list's filter), alphabetically, 200 at most.
pub async fn in_use(db: &Db, tenant_id: Uuid) -> Result<Vec<String>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT label FROM case_labels WHERE tenant_id = $1 ORDER BY label LIMIT 200"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Replaces the labels of a case (as checked by `relais_domain::handling::parse_labels`) if
/// nobody changed the case since `expected_version`; otherwise `Rule("case-stale")` and
/// nothing is written.
pub async fn set(
    db: &Db,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    labels: &[String],
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE cases SET row_version = row_version + 1, updated_at = $3
             WHERE tenant_id = $1 AND id = $2 AND row_version = $4",
        )
        .bind(actor.tenant_id)
        .bind(case_id)
        .bind(now)
        .bind(expected_version)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            let exists: Option<i64> = sqlx::query_scalar(
                "SELECT row_version FROM cases WHERE tenant_id = $1 AND id = $2",
            )
            .bind(actor.tenant_id)
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(match exists {
                Some(_) => StoreError::Rule("case-stale"),
                None => StoreError::NotFound,
            });
        }
        sqlx::query("DELETE FROM case_labels WHERE tenant_id = $1 AND case_id = $2")
            .bind(actor.tenant_id)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        for label in labels {
            sqlx::query(
                "INSERT INTO case_labels (tenant_id, case_id, label, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(actor.tenant_id)
            .bind(case_id)
            .bind(label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        record!(
            tx,
            actor,
            Change::new("case.labels", "case", case_id, json!({"labels": labels}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

//! An agent's own views of the case list: a name and the query string of the filters, kept
//! per account.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SavedView {
    pub id: Uuid,
    pub name: String,
    /// The query string of the list (`view=mine&priority=urgent`), as the list wrote it.
    pub query: String,
    pub created_at: DateTime<Utc>,
}

/// The account's saved views, by name.
pub async fn list(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Vec<SavedView>> {
    on_pool!(db, |p| sqlx::query_as::<_, SavedView>(
        "SELECT id, name, query, created_at FROM saved_views
         WHERE tenant_id = $1 AND account_id = $2 ORDER BY name, id"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Saves a view for the acting account; `Conflict` when it already has one of that name.
pub async fn create(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    name: &str,
    query: &str,
) -> Result<Uuid> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO saved_views (tenant_id, id, account_id, name, query, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(account_id)
        .bind(name)
        .bind(query)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "view.save",
                "saved_view",
                id,
                json!({"name": name, "query": query})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(id)
}

/// Deletes one of the account's views; another account's view is `NotFound`.
pub async fn delete(db: &Db, actor: &Actor, account_id: Uuid, id: Uuid) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let deleted = sqlx::query(
            "DELETE FROM saved_views WHERE tenant_id = $1 AND account_id = $2 AND id = $3",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record!(
            tx,
            actor,
            Change::new("view.delete", "saved_view", id, json!({}))
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })
}

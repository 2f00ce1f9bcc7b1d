//! The append-only audit log. Every write function of this crate records its change here in
//! the same transaction, so a write without its audit row cannot exist. The database itself
//! refuses UPDATE and DELETE on the table (triggers in the migrations).

use crate::{Db, Result, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

/// Who acts, in which tenant, from where. Built by the web layer for each request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub tenant_id: Uuid,
    pub account_id: Option<Uuid>,
    /// The actor as shown in the log (an e-mail, "system", "cli").
    pub label: String,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    /// The instance itself (command line, demo data, background work).
    pub fn system(tenant_id: Uuid, label: &str) -> Self {
        Self {
            tenant_id,
            account_id: None,
            label: label.to_owned(),
            client_ip: None,
            request_id: None,
        }
    }
}

/// What happened to which record.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub target_kind: &'static str,
    pub target_id: Option<String>,
    pub summary: Value,
}

impl Change {
    pub fn new(
        action: &'static str,
        target_kind: &'static str,
        target_id: impl ToString,
        summary: Value,
    ) -> Self {
        Self {
            action,
            target_kind,
            target_id: Some(target_id.to_string()),
            summary,
        }
    }
}

pub(crate) const INSERT: &str = "INSERT INTO audit_log
    (tenant_id, id, at, actor_id, actor_label, action, target_kind, target_id, summary, client_ip, request_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Appends an audit row inside an open transaction (any backend).
macro_rules! record {
    ($tx:expr, $actor:expr, $change:expr) => {{
        let actor: &$crate::audit::Actor = $actor;
        let change: $crate::audit::Change = $change;
        sqlx::query($crate::audit::INSERT)
            .bind(actor.tenant_id)
            .bind(relais_domain::new_id())
            .bind(chrono::Utc::now())
            .bind(actor.account_id)
            .bind(&actor.label)
            .bind(change.action)
            .bind(change.target_kind)
            .bind(change.target_id)
            .bind(sqlx::types::Json(change.summary))
            .bind(&actor.client_ip)
            .bind(&actor.request_id)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use record;

/// Records an event that writes nothing else: a staff view of personal data, a failed
/// sign-in.
pub async fn append(db: &Db, actor: &Actor, change: Change) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        record!(tx, actor, change);
        tx.commit().await?;
        Ok(())
    })
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Entry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<String>,
    pub summary: Json<Value>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Exact action, or a prefix ending with '.' ("account." for every account action).
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Keyset cursor: entries older than this id.
    pub before: Option<Uuid>,
}

/// Newest first, `limit` at most, always within one tenant.
pub async fn list(db: &Db, tenant_id: Uuid, filter: &Filter, limit: i64) -> Result<Vec<Entry>> {
    let action_exact = filter.action.clone().filter(|a| !a.ends_with('.'));
    let action_prefix = filter
        .action
        .clone()
        .filter(|a| a.ends_with('.'))
        .map(|a| format!("{}%", a.replace('%', "")));
    on_pool!(db, |p| {
        sqlx::query_as::<_, Entry>(
        "SELECT id, at, actor_id, actor_label, action, target_kind, target_id, summary, client_ip, request_id
         FROM audit_log
         WHERE tenant_id = $1
           AND ($2 IS NULL OR action = $2)
           AND ($3 IS NULL OR action LIKE $3)
           AND ($4 IS NULL OR actor_id = $4)
           AND ($5 IS NULL OR target_kind = $5)
           AND ($6 IS NULL OR target_id = $6)
           AND ($7 IS NULL OR at >= $7)
           AND ($8 IS NULL OR at < $8)
           AND ($9 IS NULL OR id < $9)
         ORDER BY id DESC
         LIMIT $10"
    )
    .bind(tenant_id)
    .bind(&action_exact)
    .bind(&action_prefix)
    .bind(filter.actor_id)
    .bind(&filter.target_kind)
    .bind(&filter.target_id)
    .bind(filter.from)
    .bind(filter.until)
    .bind(filter.before)
    .bind(limit)
    .fetch_all(p)
    .await
    .map_err(Into::into)
    })
}

/// The distinct actions recorded for a tenant, for the filter's choice list.
pub async fn actions(db: &Db, tenant_id: Uuid) -> Result<Vec<String>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT action FROM audit_log WHERE tenant_id = $1 ORDER BY action"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// `{field: [old, new]}` for the fields that changed.
pub fn diff(fields: &[(&str, String, String)]) -> Value {
    let mut map = serde_json::Map::new();
    for (name, old, new) in fields {
        if old != new {
            map.insert((*name).to_owned(), serde_json::json!([old, new]));
        }
    }
    Value::Object(map)
}

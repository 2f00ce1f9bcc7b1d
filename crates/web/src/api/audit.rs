//! The audit log, newest first, with filters and a keyset cursor.

use super::{
    auth::ApiUser,
    error::{ApiError, ApiResult, ErrorBody},
};
use crate::state::AppState;
use axum::{Json, extract::RawQuery, extract::State};
use chrono::{DateTime, Utc};
use relais_domain::Permission;
use relais_store::audit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

/// Filters. Values are checked one by one so a bad one gets a precise message.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An exact action (`account.create`) or a prefix ending with a dot (`account.`).
    #[param(example = "account.create")]
    pub action: Option<String>,
    /// Only what this account did.
    #[param(value_type = Option<Uuid>)]
    pub actor_id: Option<String>,
    /// Only what was done to this record (an id).
    pub target_id: Option<String>,
    /// Only records of this kind (`account`, `team`, `api_token`…).
    pub target_kind: Option<String>,
    /// From this instant (RFC 3339, inclusive).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub from: Option<String>,
    /// Until this instant (RFC 3339, exclusive).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub until: Option<String>,
    /// Cursor: entries older than this entry id (the `next_before` of the previous page).
    #[param(value_type = Option<Uuid>)]
    pub before: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor as recorded (an e-mail, `system`, `cli`).
    pub actor_label: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<String>,
    /// What changed, e.g. `{"role": ["agent", "supervisor"]}`.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; null on the last page.
    pub next_before: Option<Uuid>,
}

fn text(field: &str, value: Option<String>) -> ApiResult<Option<String>> {
    match value {
        Some(v) if v.len() > 200 || v.chars().any(char::is_control) => {
            Err(ApiError::invalid(field, "invalid-filter"))
        }
        Some(v) if v.trim().is_empty() => Ok(None),
        other => Ok(other.map(|v| v.trim().to_owned())),
    }
}

fn uuid(field: &str, value: Option<String>) -> ApiResult<Option<Uuid>> {
    text(field, value)?
        .map(|v| {
            v.parse::<Uuid>()
                .map_err(|_| ApiError::invalid(field, "invalid-id"))
        })
        .transpose()
}

fn instant(field: &str, value: Option<String>) -> ApiResult<Option<DateTime<Utc>>> {
    text(field, value)?
        .map(|v| {
            DateTime::parse_from_rfc3339(&v)
                .map(|d| d.with_timezone(&Utc))
                .map_err(|_| ApiError::invalid(field, "invalid-datetime"))
        })
        .transpose()
}

/// Parses the query string into a store filter and a page size.
pub fn parse(raw: Option<&str>) -> ApiResult<(audit::Filter, i64)> {
    let q: AuditQuery =
        serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| ApiError::Invalid {
            field: None,
            code: "invalid-query",
            detail: Some(e.to_string()),
        })?;
    let limit = match text("limit", q.limit)? {
        None => DEFAULT_LIMIT,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "invalid-limit"))?,
    };
    let filter = audit::Filter {
        action: text("action", q.action)?,
        actor_id: uuid("actor_id", q.actor_id)?,
        target_kind: text("target_kind", q.target_kind)?,
        target_id: text("target_id", q.target_id)?,
        from: instant("from", q.from)?,
        until: instant("until", q.until)?,
        before: uuid("before", q.before)?,
    };
    Ok((filter, limit))
}

/// Entries of the audit log, newest first.
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "list_audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of entries", body = AuditPage),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the read-audit permission (admin, supervisor)", body = ErrorBody),
        (status = 422, description = "A filter is invalid", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<AuditPage>> {
    user.require(Permission::ReadAudit)?;
    let (filter, limit) = parse(raw.as_deref())?;
    let mut entries = audit::list(&state.db, user.tenant_id(), &filter, limit + 1).await?;
    let more = entries.len() as i64 > limit;
    entries.truncate(limit as usize);
    let next_before = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    let items = entries
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            at: e.at,
            actor_id: e.actor_id,
            actor_label: e.actor_label,
            action: e.action,
            target_kind: e.target_kind,
            target_id: e.target_id,
            summary: e.summary.0,
            client_ip: e.client_ip,
            request_id: e.request_id,
        })
        .collect();
    Ok(Json(AuditPage { items, next_before }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_checked() {
        assert_eq!(parse(None).unwrap().1, DEFAULT_LIMIT);
        assert_eq!(parse(Some("limit=200")).unwrap().1, 200);
        for bad in [
            "limit=0",
            "limit=201",
            "limit=x",
            "actor_id=nope",
            "before=1",
            "from=yesterday",
            "until=2026-13-01T00:00:00Z",
            "colour=red",
        ] {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
        let (f, _) = parse(Some("action=account.&from=2026-01-31T09:00:00%2B01:00")).unwrap();
        assert_eq!(f.action.as_deref(), Some("account."));
        assert_eq!(f.from.unwrap().to_rfc3339(), "2026-01-31T08:00:00+00:00");
    }
}

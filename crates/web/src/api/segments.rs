//! Segments: the saved filters of the organisation and the persons each one selects (keyset
//! pages, with the count). Anyone in the back office may use them; they are defined in the
//! back office (`/backoffice/segments`).

use super::{
    auth::ApiUser,
    error::{ApiError, ApiResult, ErrorBody, IdPath},
    persons::{PersonSummary, cursor, limit, query},
};
use crate::state::AppState;
use axum::{
    Json,
    extract::{RawQuery, State},
};
use chrono::{DateTime, Utc};
use relais_domain::Permission;
use relais_store::people::segments as store;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Segment)]
pub struct SegmentOut {
    pub id: Uuid,
    pub name: String,
    /// The criteria, all of which a person meets: `tags`, `custom` (by field key),
    /// `consents` (purpose and state), creation and update date ranges, `activity`.
    #[schema(value_type = Object)]
    pub filter: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentPersons {
    /// How many active persons the segment selects in all.
    pub count: i64,
    pub items: Vec<PersonSummary>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<Uuid>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Cursor: the `next_after` of the previous page.
    #[param(value_type = Option<Uuid>)]
    pub after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

/// The organisation's segments, by name.
#[utoipa::path(get, path = "/api/v1/segments", operation_id = "list_segments", tag = "segments",
    responses(
        (status = 200, description = "The segments", body = Vec<SegmentOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<SegmentOut>>> {
    user.require(Permission::UseBackOffice)?;
    let segments = store::list_segments(&state.db, user.tenant_id()).await?;
    Ok(Json(
        segments
            .into_iter()
            .map(|s| SegmentOut {
                id: s.id,
                name: s.name,
                filter: serde_json::to_value(&s.filter.0).unwrap_or_default(),
                created_at: s.created_at,
                updated_at: s.updated_at,
            })
            .collect(),
    ))
}

/// The active persons a segment selects, by name, a page at a time.
#[utoipa::path(get, path = "/api/v1/segments/{id}/persons", operation_id = "segment_persons", tag = "segments",
    params(("id" = Uuid, Path, description = "Segment id"), PageQuery),
    responses(
        (status = 200, description = "A page of the segment's persons", body = SegmentPersons),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No segment with this id here", body = ErrorBody),
        (status = 422, description = "Invalid parameter", body = ErrorBody),
    ))]
pub async fn persons(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<SegmentPersons>> {
    user.require(Permission::UseBackOffice)?;
    let q: PageQuery = query(raw.as_deref())?;
    let limit = limit(q.limit)?;
    let after = cursor(q.after.as_deref())?;
    let tenant = user.tenant_id();
    let segment = store::get_segment(&state.db, tenant, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let items = store::segment_persons(&state.db, tenant, &segment.filter.0, after, limit).await?;
    let count = store::segment_count(&state.db, tenant, &segment.filter.0).await?;
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|p| p.id))
        .flatten();
    Ok(Json(SegmentPersons {
        count,
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

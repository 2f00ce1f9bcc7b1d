//! Working together on a case over the API: internal notes with @mentions, links between
//! cases, the merge of a duplicate, following a case, the caller's notifications. Each goes
//! through `cases::handling` / `cases::collaboration`, exactly as the case page.

use super::{
    auth::ApiUser,
    cases::{CaseOut, flow_error, out},
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
};
use crate::{cases::collaboration, state::AppState};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use relais_domain::Permission;
use relais_store::{case_links, staff_notifications};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    /// The note; `@handle` (the part of a colleague's e-mail before `@`) mentions them.
    #[schema(example = "@agent peux-tu rappeler le riverain ?")]
    pub body: String,
    /// The `row_version` read: refused (409 `stale`) if the case changed since.
    pub row_version: i64,
}

/// An internal note (staff only). Each mention must name staff of this organisation who may
/// see the case (else 422 `case-mention-unknown`, the handles in `detail`, nothing written);
/// they are notified and mailed.
#[utoipa::path(post, path = "/api/v1/cases/{id}/notes", operation_id = "add_case_note", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = NoteIn,
    responses(
        (status = 200, description = "The case after the note", body = CaseOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
        (status = 409, description = "Stale", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Empty, too long, or an unknown mention", body = ErrorBody),
    ))]
pub async fn note(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<NoteIn>,
) -> ApiResult<Json<CaseOut>> {
    user.require(Permission::Write)?;
    let case = user.case(&state, id).await?;
    if let Err(unknown) =
        collaboration::resolve_mentions(&state, user.tenant_id(), &case, &body.body)
            .await
            .map_err(flow_error)?
    {
        return Err(ApiError::Invalid {
            field: Some("body".into()),
            code: "case-mention-unknown",
            detail: Some(unknown.join(", ")),
        });
    }
    let case = crate::cases::handling::note(
        &state,
        &user.ctx.tenant,
        &user.actor(),
        id,
        body.row_version,
        &body.body,
    )
    .await
    .map_err(flow_error)?;
    Ok(Json(out(&state, &user, case, None).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRef {
    pub id: Uuid,
    pub reference: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOut {
    pub case_id: Uuid,
    pub reference: String,
    /// How this case stands to the other: `related`, `duplicate_of`, `duplicated_by`,
    /// `parent_of`, `child_of`.
    pub side: String,
    pub status: String,
    pub status_kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinksOut {
    pub links: Vec<LinkOut>,
    /// The main case this duplicate was merged into.
    pub merged_into: Option<CaseRef>,
    /// The duplicates merged into this case.
    pub merged_from: Vec<CaseRef>,
}

async fn links_of(state: &AppState, user: &ApiUser, id: Uuid) -> ApiResult<LinksOut> {
    let tenant_id = user.tenant_id();
    Ok(LinksOut {
        links: user
            .access(state)
            .await?
            .links(state, id)
            .await
            .map_err(crate::api::cases::flow_error)?
            .into_iter()
            .map(|l| LinkOut {
                side: l.side().as_str().to_owned(),
                case_id: l.other_id,
                reference: l.other_reference,
                status: l.other_status,
                status_kind: l.other_status_kind,
            })
            .collect(),
        merged_into: case_links::merged_into(&state.db, tenant_id, id)
            .await?
            .map(|(id, reference)| CaseRef { id, reference }),
        merged_from: case_links::merged_from(&state.db, tenant_id, id)
            .await?
            .into_iter()
            .map(|(id, reference)| CaseRef { id, reference })
            .collect(),
    })
}

/// The case's links (both ways) and merges.
#[utoipa::path(get, path = "/api/v1/cases/{id}/links", operation_id = "list_case_links", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses(
        (status = 200, description = "Links and merges", body = LinksOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
    ))]
pub async fn links(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<LinksOut>> {
    user.require(Permission::UseBackOffice)?;
    user.case(&state, id).await?;
    Ok(Json(links_of(&state, &user, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIn {
    /// The other case's reference (of this organisation).
    pub reference: String,
    /// How this case stands to the other: `related`, `duplicate_of`, `duplicated_by`,
    /// `parent_of`, `child_of`.
    #[schema(example = "related")]
    pub side: String,
}

/// Links the case to another of this organisation (one link per pair).
#[utoipa::path(post, path = "/api/v1/cases/{id}/links", operation_id = "link_case", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = LinkIn,
    responses(
        (status = 200, description = "Links and merges after the link", body = LinksOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Unknown reference or side, the same case, already linked", body = ErrorBody),
    ))]
pub async fn link(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<LinkIn>,
) -> ApiResult<Json<LinksOut>> {
    let role = user.require(Permission::Write)?;
    user.case(&state, id).await?;
    collaboration::link(
        &state,
        &user.ctx.tenant,
        &user.actor(),
        role,
        id,
        &body.reference,
        &body.side,
    )
    .await
    .map_err(flow_error)?;
    Ok(Json(links_of(&state, &user, id).await?))
}

/// Removes the link between this case and another (read from either side).
#[utoipa::path(delete, path = "/api/v1/cases/{id}/links/{other}", operation_id = "unlink_case", tag = "cases",
    params(
        ("id" = Uuid, Path, description = "Case id"),
        ("other" = Uuid, Path, description = "Id of the linked case"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No such case or link here", body = ErrorBody),
    ))]
pub async fn unlink(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, other)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let role = user.require(Permission::Write)?;
    let (Ok(id), Ok(other)) = (Uuid::parse_str(&id), Uuid::parse_str(&other)) else {
        return Err(ApiError::NotFound);
    };
    user.case(&state, id).await?;
    collaboration::unlink(&state, &user.ctx.tenant, &user.actor(), role, id, other)
        .await
        .map_err(flow_error)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeIn {
    /// The main case's reference.
    pub into: String,
    /// The `row_version` of this (duplicate) case read.
    pub row_version: i64,
}

/// Merges this case, a duplicate, into the main case: closed as merged, its documents
/// attached to the main case, both timelines and the audit log say so.
#[utoipa::path(post, path = "/api/v1/cases/{id}/merge", operation_id = "merge_case", tag = "cases",
    params(("id" = Uuid, Path, description = "Id of the duplicate")),
    request_body = MergeIn,
    responses(
        (status = 200, description = "The duplicate, closed", body = CaseOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
        (status = 409, description = "Stale, or no access to the main case", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Unknown main case, the same case, already merged", body = ErrorBody),
    ))]
pub async fn merge(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<MergeIn>,
) -> ApiResult<Json<CaseOut>> {
    let role = user.require(Permission::Write)?;
    user.case(&state, id).await?;
    let case = collaboration::merge(
        &state,
        &user.ctx.tenant,
        &user.actor(),
        role,
        id,
        body.row_version,
        &body.into,
    )
    .await
    .map_err(flow_error)?;
    Ok(Json(out(&state, &user, case, None).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowIn {
    pub follow: bool,
}

/// Follow a case (news of its messages and status changes among your notifications), or
/// stop.
#[utoipa::path(put, path = "/api/v1/cases/{id}/following", operation_id = "follow_case", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = FollowIn,
    responses(
        (status = 204, description = "Done"),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
    ))]
pub async fn follow(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<FollowIn>,
) -> ApiResult<StatusCode> {
    user.require(Permission::UseBackOffice)?;
    user.case(&state, id).await?;
    collaboration::follow(&state, &user.ctx.tenant, &user.actor(), id, body.follow)
        .await
        .map_err(flow_error)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: Uuid,
    pub case_id: Uuid,
    pub reference: String,
    /// `mention`, `message`, `status` or `merged`.
    pub kind: String,
    pub actor: String,
    /// The note or message (cut at 200 characters); for `status`, the new status's label as
    /// JSON `{"fr": …, "en": …}`; for `merged`, the other case's reference.
    pub excerpt: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// Your latest notifications (100), newest first.
#[utoipa::path(get, path = "/api/v1/notifications", operation_id = "list_notifications", tag = "cases",
    responses(
        (status = 200, description = "Notifications", body = Vec<NotificationOut>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
    ))]
pub async fn notifications(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Json<Vec<NotificationOut>>> {
    user.require(Permission::UseBackOffice)?;
    // Cases out of reach are left out by the store.
    Ok(Json(
        staff_notifications::list(&state.db, user.tenant_id(), user.account.id, 100)
            .await?
            .into_iter()
            .map(|n| NotificationOut {
                id: n.id,
                case_id: n.case_id,
                reference: n.reference,
                kind: n.kind,
                actor: n.actor_label,
                excerpt: n.excerpt,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
    ))
}

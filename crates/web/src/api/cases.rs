//! Cases: file one (for a person, an organisation or an anonymous requester), read one
//! (audited), list the back office's views with their filters and a keyset cursor, fire a
//! workflow transition. Filing and transitions go through `cases::flow`, exactly as the pages
//! do; a transition carries the `row_version` read, and a stale one is refused (409).

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ApiResult, ErrorBody, IdPath},
};
use crate::{
    backoffice::list::{ListQuery, PAGE, parse},
    cases::flow::{self, Filing, FlowError},
    state::AppState,
};
use axum::{
    Json,
    extract::{RawQuery, State},
    http::StatusCode,
};
use chrono::{DateTime, Utc};
use relais_domain::{AccountKind, Permission, case::PlanError, service::sla::Priority};
use relais_store::{
    Change, audit, case_labels,
    case_views::{self, CaseRow},
    cases::Case,
    services,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A case as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Case)]
pub struct CaseOut {
    pub id: Uuid,
    /// Public reference, e.g. `BEL-2026-7K3F9QX2`.
    pub reference: String,
    pub service_id: Uuid,
    /// The definition version the case is handled under.
    pub service_version: i32,
    /// Status id of the case's workflow.
    pub status: String,
    /// `open`, `waiting_requester`, `waiting_third_party`, `closed_accepted`,
    /// `closed_refused` or `closed_withdrawn`.
    pub status_kind: String,
    /// `low`, `normal`, `high` or `urgent`.
    pub priority: String,
    /// `portal`, `email`, `phone`, `counter`, `letter`, `chat` or `open311`.
    pub channel: String,
    pub requester_person_id: Option<Uuid>,
    pub requester_account_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// E-mail of an anonymous requester.
    pub contact_email: Option<String>,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub labels: Vec<String>,
    /// The answers as validated against the definition version.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    /// `none`, `ok`, `warning` or `breached`.
    pub sla_state: String,
    pub first_response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Send it back with a change: a change made on an older version is refused.
    pub row_version: i64,
    /// Only when a case was just filed without a portal account (anonymous, or for a
    /// person): the code the requester follows it with (shown once, stored as a hash).
    pub tracking_code: Option<String>,
}

impl CaseOut {
    fn of(case: Case, labels: Vec<String>, tracking_code: Option<String>) -> CaseOut {
        CaseOut {
            answers: case.answers_map(),
            id: case.id,
            reference: case.reference,
            service_id: case.service_id,
            service_version: case.service_version,
            status: case.status,
            status_kind: case.status_kind,
            priority: case.priority,
            channel: case.channel,
            requester_person_id: case.requester_person_id,
            requester_account_id: case.requester_account_id,
            organisation_id: case.organisation_id,
            contact_email: case.contact_email,
            team_id: case.team_id,
            assignee_id: case.assignee_id,
            labels,
            sla_state: case.sla_state,
            first_response_due_at: case.first_response_due_at,
            resolution_due_at: case.resolution_due_at,
            deadline_at: case.deadline_at,
            first_response_at: case.first_response_at,
            closed_at: case.closed_at,
            submitted_at: case.submitted_at,
            updated_at: case.updated_at,
            row_version: case.row_version,
            tracking_code,
        }
    }
}

/// A line of a list of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    pub reference: String,
    pub service_id: Uuid,
    pub service_title_fr: String,
    pub service_title_en: String,
    pub status: String,
    pub status_kind: String,
    pub priority: String,
    pub channel: String,
    pub sla_state: String,
    pub submitted_at: DateTime<Utc>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    /// The requester's name, or the e-mail of an anonymous requester.
    pub requester_name: Option<String>,
    pub row_version: i64,
}

impl From<CaseRow> for CaseSummary {
    fn from(r: CaseRow) -> Self {
        CaseSummary {
            id: r.id,
            reference: r.reference,
            service_id: r.service_id,
            service_title_fr: r.service_title_fr,
            service_title_en: r.service_title_en,
            status: r.status,
            status_kind: r.status_kind,
            priority: r.priority,
            channel: r.channel,
            sla_state: r.sla_state,
            submitted_at: r.submitted_at,
            resolution_due_at: r.resolution_due_at,
            team_id: r.team_id,
            assignee_id: r.assignee_id,
            requester_name: r.requester_name,
            row_version: r.row_version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_after: Option<String>,
}

/// A case to file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// The service's slug (it must be published and offer the channel).
    #[schema(example = "signalement-voirie")]
    pub service: String,
    /// Answers to the form, by field id, checked against the published definition.
    #[schema(value_type = Object)]
    pub answers: Map<String, Value>,
    /// `portal`, `email`, `phone`, `counter`, `letter`, `chat` or `open311`.
    #[schema(example = "phone")]
    pub channel: String,
    /// `low`, `normal` (default), `high` or `urgent`.
    pub priority: Option<String>,
    /// The requester, when known.
    pub requester_person_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    /// An anonymous requester's e-mail (required without a person): a tracking code is made.
    pub contact_email: Option<String>,
}

/// A workflow transition to fire.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionIn {
    /// The transition's id in the case's workflow.
    #[schema(example = "take_charge")]
    pub transition: String,
    /// The agent's comment (required to ask for corrections).
    pub comment: Option<String>,
    /// The `row_version` read: refused (409 `stale`) if the case changed since.
    pub row_version: i64,
}

/// The list's filters, as on the back office's case list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    /// `open` (default), `mine`, `teams`, `unassigned`, `waiting`, `at_risk`, `breached`,
    /// `closed` or `all`.
    pub view: Option<String>,
    /// Service id.
    #[param(value_type = Option<Uuid>)]
    pub service: Option<String>,
    /// Status kind.
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub label: Option<String>,
    /// Submitted on or after this day (`YYYY-MM-DD`, the organisation's time zone).
    pub from: Option<String>,
    /// Submitted on or before this day.
    pub to: Option<String>,
    /// `me`, `none` or a staff account id.
    pub assignee: Option<String>,
    /// The reference or part of it.
    pub q: Option<String>,
    /// `newest` (default) or `oldest`.
    pub sort: Option<String>,
    /// Cursor: the `next_after` of the previous page.
    pub after: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
}

pub(super) fn flow_error(e: FlowError) -> ApiError {
    match e {
        FlowError::NotFound => ApiError::NotFound,
        FlowError::Store(e) => e.into(),
        FlowError::Stale => ApiError::Conflict {
            error: "stale",
            message_id: "case-conflict",
        },
        FlowError::Refused(id) => ApiError::Conflict {
            error: "refused",
            message_id: id,
        },
        FlowError::Plan(PlanError::CommentRequired) => {
            ApiError::invalid("comment", "case-comment-required")
        }
        FlowError::Plan(e) => ApiError::Conflict {
            error: "transition-refused",
            message_id: crate::backoffice::plan_message(&e),
        },
        FlowError::Answers(list) => {
            let detail = list
                .iter()
                .map(|e| format!("{}: {}", e.field, super::error::english(e.code)))
                .collect::<Vec<_>>()
                .join("; ");
            let first = list.first();
            ApiError::Invalid {
                field: first.map(|e| e.field.clone()),
                code: "invalid-answers",
                detail: Some(detail),
            }
        }
    }
}

pub(super) async fn out(
    state: &AppState,
    user: &ApiUser,
    case: Case,
    tracking: Option<String>,
) -> ApiResult<CaseOut> {
    let labels = case_labels::of_case(&state.db, user.tenant_id(), case.id).await?;
    Ok(CaseOut::of(case, labels, tracking))
}

/// Files a case through the service's published form. Invalid answers: 422 naming the
/// fields, nothing filed.
#[utoipa::path(post, path = "/api/v1/cases", operation_id = "create_case", tag = "cases",
    request_body = NewCase,
    responses(
        (status = 201, description = "Filed", body = CaseOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No such service, person or organisation here", body = ErrorBody),
        (status = 409, description = "The service is closed or does not offer the channel", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid answers or values", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(body): ApiJson<NewCase>,
) -> ApiResult<(StatusCode, Json<CaseOut>)> {
    user.require(Permission::Write)?;
    let tenant_id = user.tenant_id();
    let service = state
        .service_by_slug(tenant_id, body.service.trim())
        .await?
        .ok_or(ApiError::NotFound)?;
    let priority = match body.priority.as_deref() {
        None => Priority::Normal,
        Some(p) => Priority::parse(p)
            .ok_or_else(|| ApiError::invalid("priority", "cases-invalid-priority"))?,
    };
    // The person and the organisation are not read first: the case's foreign keys, which
    // carry the tenant, refuse one that is not the tenant's, and nothing is filed (a read
    // each was a round trip to the database on every filing).
    let filed = flow::file(
        &state,
        &user.ctx.tenant,
        &user.actor(),
        Filing {
            service: &service,
            answers: body.answers,
            documents: Vec::new(),
            requester_person_id: body.requester_person_id,
            requester_account_id: None,
            contact_email: body.contact_email,
            organisation_id: body.organisation_id,
            channel: body.channel.trim(),
            priority,
            draft_id: None,
        },
    )
    .await
    .map_err(|e| match e {
        FlowError::Store(e) if e.is_missing_reference() => ApiError::NotFound,
        e => flow_error(e),
    })?;
    // A case just filed has no labels: automation adds them later, from a job.
    Ok((
        StatusCode::CREATED,
        Json(CaseOut::of(filed.case, Vec::new(), filed.tracking_code)),
    ))
}

/// A case with its answers. The read is written to the audit log (`case.view`).
#[utoipa::path(get, path = "/api/v1/cases/{id}", operation_id = "get_case", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case", body = CaseOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
    ))]
pub async fn get(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<CaseOut>> {
    user.require(Permission::UseBackOffice)?;
    let case = user.case(&state, id).await?;
    audit::append(
        &state.db,
        &user.actor(),
        Change::new(
            "case.view",
            "case",
            case.id,
            serde_json::json!({"via": "api"}),
        ),
    )
    .await?;
    Ok(Json(out(&state, &user, case, None).await?))
}

/// A view of the cases (as on the back office), newest first by default, a page at a time.
#[utoipa::path(get, path = "/api/v1/cases", operation_id = "list_cases", tag = "cases",
    params(CaseListQuery),
    responses(
        (status = 200, description = "A page of cases", body = CasePage),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Staff only", body = ErrorBody),
        (status = 422, description = "Invalid parameter", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: ApiUser,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<CasePage>> {
    user.require(Permission::UseBackOffice)?;
    let q: CaseListQuery =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).map_err(|e| {
            ApiError::Invalid {
                field: None,
                code: "invalid-query",
                detail: Some(e.to_string()),
            }
        })?;
    let limit = match q.limit.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => PAGE,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=case_views::MAX_PAGE).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "invalid-limit"))?,
    };
    let tenant_id = user.tenant_id();
    let list_query = ListQuery {
        view: q.view,
        service: q.service,
        status: q.status,
        priority: q.priority,
        channel: q.channel,
        label: q.label,
        from: q.from,
        to: q.to,
        assignee: q.assignee,
        q: q.q,
        sort: q.sort,
        after: q.after,
        notice: None,
    };
    let access = user.access(&state).await?;
    let mut all_services = services::list(&state.db, tenant_id, false).await?;
    all_services.retain(|s| access.sees(s.id));
    let staff: Vec<Uuid> = relais_store::accounts::list(&state.db, tenant_id, AccountKind::Staff)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let mut errors = Vec::new();
    let parsed = parse(
        &user.ctx,
        &list_query,
        user.account.id,
        &all_services,
        &staff,
        &mut errors,
    );
    if let Some((field, code)) = errors.first() {
        return Err(ApiError::invalid(field, code));
    }
    let rows = case_views::list_within(
        &state.db,
        tenant_id,
        user.account.id,
        &access.scope(),
        parsed.view,
        &parsed.filter,
        parsed.sort,
        parsed.cursor,
        limit + 1,
    )
    .await?;
    let more = rows.len() as i64 > limit;
    let items: Vec<CaseRow> = rows.into_iter().take(limit as usize).collect();
    let next_after = more
        .then(|| items.last().map(|r| r.cursor().encode()))
        .flatten();
    Ok(Json(CasePage {
        items: items.into_iter().map(Into::into).collect(),
        next_after,
    }))
}

/// Fires a workflow transition as the token's staff member: the workflow and the role decide
/// (409 `transition-refused`), a change since `row_version` refuses it (409 `stale`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", operation_id = "transition_case", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    request_body = TransitionIn,
    responses(
        (status = 200, description = "The case after the transition", body = CaseOut),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Needs the write permission (not viewers)", body = ErrorBody),
        (status = 404, description = "No case with this id here", body = ErrorBody),
        (status = 409, description = "Refused by the workflow or the role, or stale", body = ErrorBody),
        (status = 415, description = "Body is not JSON", body = ErrorBody),
        (status = 422, description = "Invalid value", body = ErrorBody),
    ))]
pub async fn transition(
    State(state): State<AppState>,
    user: ApiUser,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<TransitionIn>,
) -> ApiResult<Json<CaseOut>> {
    let role = user.require(Permission::Write)?;
    user.case(&state, id).await?;
    let case = crate::cases::handling::transition(
        &state,
        &user.ctx.tenant,
        &user.actor(),
        role,
        id,
        body.row_version,
        body.transition.trim(),
        body.comment.as_deref().filter(|c| !c.trim().is_empty()),
    )
    .await
    .map_err(flow_error)?;
    Ok(Json(out(&state, &user, case, None).await?))
}

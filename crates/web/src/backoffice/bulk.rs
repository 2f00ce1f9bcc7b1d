//! `POST /backoffice/cases/bulk`: one action on the cases ticked in the list — assign to an
//! agent, add labels, fire a transition, reply with a canned response. Each case is handled
//! on its own, through the same `cases::handling` calls as the case page, with the version the
//! list showed: a case another agent changed since, a transition its workflow or the agent's
//! role does not allow, a reply to a closed case, an agent without access to its service are
//! each refused for that case alone, and the page lists what was done or refused, and why.

use super::case_page::{fill_canned, plan_message};
use crate::{
    admin::{Fields, value, values},
    cases::access::Access,
    cases::{flow::FlowError, handling},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use relais_domain::{
    Permission,
    case::PlanError,
    handling::parse_labels,
    routing::{Picked, parse_picked},
};
use relais_store::{Change, audit, canned, case_labels};
use serde_json::json;
use uuid::Uuid;

/// The action chosen in the form (or the API's request).
pub(crate) enum Action {
    Assign(Uuid),
    Label(Vec<String>),
    Transition(String),
    Reply(canned::CannedResponse),
}

impl Action {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Action::Assign(_) => "assign",
            Action::Label(_) => "label",
            Action::Transition(_) => "transition",
            Action::Reply(_) => "reply",
        }
    }
}

/// What happened to one case.
pub struct Line {
    pub case_id: Uuid,
    pub reference: String,
    pub done: bool,
    /// The message id of what was done, or of why it was refused.
    pub code: &'static str,
    /// What was done, or why it was refused, in the agent's language.
    pub text: String,
}

#[derive(Template)]
#[template(path = "backoffice/bulk.html")]
struct BulkTpl<'a> {
    ctx: &'a Ctx,
    /// A refusal of the whole form (nothing ticked, no action chosen…).
    error: Option<String>,
    action: String,
    lines: Vec<Line>,
    done: i64,
    refused: i64,
    back: String,
}

/// The list the form came from, as a safe link (only the list's own filters survive).
fn back_link(fields: &Fields) -> String {
    let query: super::list::ListQuery =
        serde_urlencoded::from_str(value(fields, "back")).unwrap_or_default();
    let view = query
        .view
        .as_deref()
        .and_then(relais_store::case_views::View::parse);
    format!("/backoffice/cases?{}", query.filters_query(view))
}

fn refusal_code(e: FlowError) -> Result<&'static str, AppError> {
    Ok(match e {
        FlowError::NotFound => "bulk-case-not-found",
        FlowError::Stale => "bulk-stale",
        FlowError::Plan(PlanError::CommentRequired) => "case-comment-required",
        FlowError::Plan(e) => plan_message(&e),
        FlowError::Refused(code) => code,
        FlowError::Answers(list) => list.first().map_or("case-answers-invalid", |e| e.code),
        FlowError::Store(e) => return Err(e.into()),
    })
}

/// The results page has no address of its own (a language switch on it comes back here).
pub async fn back_to_list(ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    Ok(axum::response::Redirect::to("/backoffice/cases").into_response())
}

pub async fn bulk(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let me = ctx.staff(Permission::Write)?;
    let access = super::case_page::access_of(&state, &ctx).await?;
    let back = back_link(&fields);
    let page = |error: Option<&'static str>, action: &str, lines: Vec<Line>| {
        let done = lines.iter().filter(|l| l.done).count() as i64;
        let refused = lines.len() as i64 - done;
        render(&BulkTpl {
            ctx: &ctx,
            error: error.map(|e| ctx.t(e)),
            action: if action.is_empty() {
                String::new()
            } else {
                ctx.t(&format!("bulk-action-{action}"))
            },
            lines,
            done,
            refused,
            back: back.clone(),
        })
    };
    let picked = match parse_picked(values(&fields, "case")) {
        Ok(p) => p,
        Err(code) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(Some(code), "", vec![])?,
            )
                .into_response());
        }
    };
    let action = match read_action(&state, &ctx, &fields).await? {
        Ok(a) => a,
        Err(code) => {
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                page(Some(code), "", vec![])?,
            )
                .into_response());
        }
    };
    let lines = run(&state, &ctx, &access, &me.display_name, &picked, &action).await?;
    Ok(page(None, action.name(), lines)?.into_response())
}

/// Carries out the action on each picked case (each on its own, with its version), and
/// sums it up in one `case.bulk` audit row.
pub(crate) async fn run(
    state: &AppState,
    ctx: &Ctx,
    access: &Access,
    agent_name: &str,
    picked: &[Picked],
    action: &Action,
) -> AppResult<Vec<Line>> {
    let mut lines = Vec::with_capacity(picked.len());
    for p in picked {
        lines.push(one(state, ctx, access, agent_name, p, action).await?);
    }
    let done: Vec<Uuid> = lines.iter().filter(|l| l.done).map(|l| l.case_id).collect();
    let refused: Vec<Uuid> = lines
        .iter()
        .filter(|l| !l.done)
        .map(|l| l.case_id)
        .collect();
    audit::append(
        &state.db,
        &ctx.actor(),
        Change {
            action: "case.bulk",
            target_kind: "case",
            target_id: None,
            summary: json!({"action": action.name(), "done": done, "refused": refused}),
        },
    )
    .await?;
    Ok(lines)
}

/// The action and its value; `Err(message id)` when it cannot be read.
async fn read_action(
    state: &AppState,
    ctx: &Ctx,
    fields: &Fields,
) -> AppResult<Result<Action, &'static str>> {
    action_of(
        state,
        ctx,
        value(fields, "action"),
        value(fields, "assignee"),
        value(fields, "labels"),
        value(fields, "transition"),
        value(fields, "canned"),
    )
    .await
}

/// The action named `kind` with its value (the others are ignored); `Err(message id)` when
/// it cannot be read.
pub(crate) async fn action_of(
    state: &AppState,
    ctx: &Ctx,
    kind: &str,
    assignee: &str,
    labels: &str,
    transition: &str,
    canned_id: &str,
) -> AppResult<Result<Action, &'static str>> {
    Ok(match kind {
        "assign" => match Uuid::parse_str(assignee.trim()) {
            Ok(id) => Ok(Action::Assign(id)),
            Err(_) => Err("bulk-assignee-required"),
        },
        "label" => match parse_labels(labels) {
            Ok(l) if l.is_empty() => Err("bulk-labels-required"),
            Ok(l) => Ok(Action::Label(l)),
            Err(code) => Err(code),
        },
        "transition" => {
            let t = transition.trim();
            if t.is_empty() {
                Err("case-transition-required")
            } else {
                Ok(Action::Transition(t.to_owned()))
            }
        }
        "reply" => match Uuid::parse_str(canned_id.trim()) {
            Ok(id) => match canned::get(&state.db, ctx.tenant.id, id).await? {
                Some(c) => Ok(Action::Reply(c)),
                None => Err("bulk-canned-required"),
            },
            Err(_) => Err("bulk-canned-required"),
        },
        _ => Err("bulk-action-required"),
    })
}

/// Carries out the action on one case, with the version the list showed. A case of another
/// tenant or out of the staff member's reach is "not found", like one that does not exist.
pub(crate) async fn one(
    state: &AppState,
    ctx: &Ctx,
    access: &Access,
    agent_name: &str,
    picked: &Picked,
    action: &Action,
) -> AppResult<Line> {
    let tenant = &ctx.tenant;
    let actor = ctx.actor();
    let role = access.role;
    let case = match access.case(state, picked.case_id).await {
        Ok(case) => case,
        Err(FlowError::NotFound) => {
            return Ok(Line {
                case_id: picked.case_id,
                reference: String::new(),
                done: false,
                code: "bulk-case-not-found",
                text: ctx.t("bulk-case-not-found"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let version = picked.row_version;
    let result = match action {
        Action::Assign(agent) => handling::assign(
            state,
            tenant,
            &actor,
            case.id,
            version,
            case.team_id,
            Some(*agent),
        )
        .await
        .map(|c| (c, "bulk-done-assign")),
        Action::Label(add) => {
            let mut labels = case_labels::of_case(&state.db, tenant.id, case.id).await?;
            for l in add {
                if !labels.iter().any(|x| x.to_lowercase() == l.to_lowercase()) {
                    labels.push(l.clone());
                }
            }
            handling::set_labels(state, tenant, &actor, case.id, version, &labels.join(", "))
                .await
                .map(|c| (c, "bulk-done-label"))
        }
        Action::Transition(t) => {
            handling::transition(state, tenant, &actor, role, case.id, version, t, None)
                .await
                .map(|c| (c, "bulk-done-transition"))
        }
        Action::Reply(template) => {
            let body = fill_canned(state, ctx, &case, agent_name, template).await?;
            handling::reply(state, tenant, &actor, case.id, version, &body)
                .await
                .map(|c| (c, "bulk-done-reply"))
        }
    };
    let (done, code) = match result {
        Ok((_, code)) => (true, code),
        Err(e) => (false, refusal_code(e)?),
    };
    Ok(Line {
        case_id: case.id,
        reference: case.reference,
        done,
        code,
        text: ctx.t(code),
    })
}

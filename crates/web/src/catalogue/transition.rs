//! The no-code builder of one workflow transition: its actions (message the requester, assign
//! a team or an agent, set or clear a deadline, ask for corrections, generate a document, call
//! a webhook), its timeout (fires by itself after N days, calendar or business days) and its
//! condition (all documents validated, or a form answer equals a value).
//!
//! Same rules as the rest of the builder: plain HTML forms, input that does not make a usable
//! action is refused with 422 and changes nothing, the rest is saved into the draft and the
//! page lists what is still wrong with the definition.

use super::builder::{condition_value, index, line, multiline, redirect, shift, text};
use super::{Editing, ServiceLink, service_nav};
use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, checked, nav, value, values},
    ctx::Ctx,
    error::AppResult,
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
    routing::{get, post},
};
use relais_domain::service::{
    DefinitionError, Text,
    sla::MAX_DAYS,
    workflow::{Action, Timeout, TransitionCondition, template_name_valid, webhook_url_allowed},
};
use relais_store::teams;

pub fn routes() -> Router<AppState> {
    const T: &str = "/admin/services/{id}/workflow/transitions/{t}";
    Router::new()
        .route(T, get(transition_page))
        .route(&format!("{T}/actions"), post(add_action))
        .route(&format!("{T}/actions/{{a}}/move"), post(move_action))
        .route(&format!("{T}/actions/{{a}}/delete"), post(delete_action))
        .route(&format!("{T}/timeout"), post(set_timeout))
        .route(&format!("{T}/condition"), post(set_condition))
}

/// Action kinds offered, in the order of the page.
pub const ACTION_KINDS: [&str; 8] = [
    "message_requester",
    "assign_team",
    "assign_agent",
    "set_deadline",
    "clear_deadline",
    "request_corrections",
    "generate_document",
    "call_webhook",
];

/// An action in a sentence, for the table.
pub fn action_summary(ctx: &Ctx, a: &Action) -> String {
    match a {
        Action::MessageRequester { subject, .. } => ctx.t1(
            "catalogue-action-message_requester",
            "subject",
            subject.get(ctx.locale),
        ),
        Action::AssignTeam { team } => ctx.t1("catalogue-action-assign_team", "team", team),
        Action::AssignAgent { agent_email } => {
            ctx.t1("catalogue-action-assign_agent", "agent", agent_email)
        }
        Action::SetDeadline {
            days,
            business_days: false,
        } => ctx.t1("catalogue-action-set_deadline", "days", days),
        Action::SetDeadline {
            days,
            business_days: true,
        } => ctx.t1("catalogue-action-set_deadline-business", "days", days),
        Action::ClearDeadline => ctx.t("catalogue-action-clear_deadline"),
        Action::RequestCorrections { fields } => ctx.t1(
            "catalogue-action-request_corrections",
            "fields",
            fields.join(", "),
        ),
        Action::GenerateDocument { template } => {
            ctx.t1("catalogue-action-generate_document", "template", template)
        }
        Action::CallWebhook { url } => ctx.t1("catalogue-action-call_webhook", "url", url),
    }
}

/// A timeout in a few words.
pub fn timeout_summary(ctx: &Ctx, t: &Timeout) -> String {
    if t.business_days {
        ctx.t1("catalogue-timeout-business", "days", t.after_days)
    } else {
        ctx.t1("catalogue-timeout", "days", t.after_days)
    }
}

pub struct ActionRow {
    pub index: usize,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "catalogue/transition.html")]
struct TransitionTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    title: String,
    heading: String,
    editing: String,
    service_id: uuid::Uuid,
    index: usize,
    from: String,
    to: String,
    actions: Vec<ActionRow>,
    kinds: Vec<(&'static str, String)>,
    /// Form fields that hold an answer: (id, label).
    answer_fields: Vec<(String, String)>,
    teams: Vec<String>,
    timeout: String,
    after_days: String,
    business_days: bool,
    cond_type: String,
    cond_field: String,
    cond_value: String,
    typed: Fields,
    problems: Vec<DefinitionError>,
}

impl TransitionTpl<'_> {
    fn typed(&self, name: &str) -> &str {
        value(&self.typed, name)
    }

    fn typed_has(&self, name: &str, v: &str) -> bool {
        values(&self.typed, name).any(|x| x == v)
    }
}

fn answer_fields(ctx: &Ctx, e: &Editing) -> Vec<(String, String)> {
    e.def
        .form
        .fields()
        .filter(|f| f.kind.has_value())
        .map(|f| {
            (
                f.id.clone(),
                format!("{} ({})", f.label.get(ctx.locale), f.id),
            )
        })
        .collect()
}

async fn transition_view(
    state: &AppState,
    ctx: &Ctx,
    e: &Editing,
    t: usize,
    notice: Option<String>,
    errors: Errors,
    typed: Fields,
) -> AppResult<Response> {
    let tr = &e.def.workflow.transitions[t];
    let teams = teams::list(&state.db, ctx.tenant.id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    // Timeout and condition inputs: as typed when that form was refused, else as saved.
    let (after_days, business_days) = if value(&typed, "form") == "timeout" {
        (
            value(&typed, "after_days").to_owned(),
            checked(&typed, "timeout_business_days"),
        )
    } else {
        (
            tr.timeout
                .map(|t| t.after_days.to_string())
                .unwrap_or_default(),
            tr.timeout.is_some_and(|t| t.business_days),
        )
    };
    let (cond_type, cond_field, cond_value) = if value(&typed, "form") == "condition" {
        (
            value(&typed, "cond_type").to_owned(),
            value(&typed, "cond_field").to_owned(),
            value(&typed, "cond_value").to_owned(),
        )
    } else {
        match &tr.condition {
            None => (String::new(), String::new(), String::new()),
            Some(TransitionCondition::AllDocumentsValidated) => (
                "all_documents_validated".into(),
                String::new(),
                String::new(),
            ),
            Some(TransitionCondition::FieldEquals { field, value }) => (
                "field_equals".into(),
                field.clone(),
                match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            ),
        }
    };
    let r = render(&TransitionTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/workflow"),
        notice,
        errors: errors.clone(),
        title: e.title(ctx),
        heading: ctx.t1("catalogue-transition-title", "id", &tr.id),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        index: t,
        from: tr.from.join(", "),
        to: tr.to.clone(),
        actions: tr
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| ActionRow {
                index: i,
                summary: action_summary(ctx, a),
            })
            .collect(),
        kinds: ACTION_KINDS
            .into_iter()
            .map(|k| (k, ctx.t(&format!("catalogue-action-kind-{k}"))))
            .collect(),
        answer_fields: answer_fields(ctx, e),
        teams,
        timeout: tr
            .timeout
            .as_ref()
            .map(|t| timeout_summary(ctx, t))
            .unwrap_or_default(),
        after_days,
        business_days,
        cond_type,
        cond_field,
        cond_value,
        typed,
        problems: e.problems.clone(),
        ctx,
    })?;
    Ok(crate::admin::with_status(
        r,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    ))
}

async fn transition_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t)): Path<(String, String)>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    transition_view(
        &state,
        &ctx,
        &e,
        t,
        super::notice(&ctx, &q),
        Errors::new(),
        Fields::new(),
    )
    .await
}

fn back(e: &Editing, t: usize) -> Response {
    redirect(format!(
        "/admin/services/{}/workflow/transitions/{t}?notice=catalogue-draft-saved",
        e.service.id
    ))
}

/// A number of days from 1 to [`MAX_DAYS`].
fn days(s: &str) -> Option<u32> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_DAYS).contains(n))
}

/// A non-empty line of text.
fn required_line(fields: &Fields, name: &str) -> Option<String> {
    line(fields, name).filter(|s| !s.is_empty())
}

/// The action described by the add form, or the errors (input name, message).
fn parse_action(e: &Editing, fields: &Fields) -> Result<Action, Errors> {
    let mut errors = Errors::new();
    let action = match value(fields, "type") {
        "message_requester" => {
            let subject = text(fields, "subject").filter(|s| !s.fr.is_empty());
            if subject.is_none() {
                errors.push(("subject_fr", "catalogue-required-text"));
            }
            let body = match (multiline(fields, "body_fr"), multiline(fields, "body_en")) {
                (Some(fr), Some(en)) if !fr.is_empty() => Some(Text { fr, en }),
                _ => {
                    errors.push(("body_fr", "catalogue-required-text"));
                    None
                }
            };
            subject
                .zip(body)
                .map(|(subject, body)| Action::MessageRequester { subject, body })
        }
        "assign_team" => match required_line(fields, "team") {
            Some(team) => Some(Action::AssignTeam { team }),
            None => {
                errors.push(("team", "catalogue-required-text"));
                None
            }
        },
        "assign_agent" => match relais_domain::Email::parse(value(fields, "agent_email")) {
            Ok(email) => Some(Action::AssignAgent {
                agent_email: email.as_str().to_owned(),
            }),
            Err(_) => {
                errors.push(("agent_email", "catalogue-invalid-email"));
                None
            }
        },
        "set_deadline" => match days(value(fields, "deadline_days")) {
            Some(days) => Some(Action::SetDeadline {
                days,
                business_days: checked(fields, "deadline_business_days"),
            }),
            None => {
                errors.push(("deadline_days", "catalogue-invalid-days"));
                None
            }
        },
        "clear_deadline" => Some(Action::ClearDeadline),
        "request_corrections" => {
            let known: Vec<String> = e
                .def
                .form
                .fields()
                .filter(|f| f.kind.has_value())
                .map(|f| f.id.clone())
                .collect();
            let chosen: Vec<String> = values(fields, "correction_field")
                .map(str::to_owned)
                .collect();
            if chosen.is_empty() || chosen.iter().any(|f| !known.contains(f)) {
                errors.push(("correction_fields", "catalogue-invalid-correction-fields"));
                None
            } else {
                Some(Action::RequestCorrections { fields: chosen })
            }
        }
        "generate_document" => match required_line(fields, "template") {
            Some(template) if template_name_valid(&template) => {
                Some(Action::GenerateDocument { template })
            }
            Some(_) => {
                errors.push(("template", "catalogue-invalid-template"));
                None
            }
            None => {
                errors.push(("template", "catalogue-required-text"));
                None
            }
        },
        "call_webhook" => match line(fields, "url").filter(|u| webhook_url_allowed(u)) {
            Some(url) => Some(Action::CallWebhook { url }),
            None => {
                errors.push(("url", "catalogue-invalid-webhook-url"));
                None
            }
        },
        _ => {
            errors.push(("add-action", "catalogue-invalid-choice"));
            None
        }
    };
    match action {
        Some(a) if errors.is_empty() => Ok(a),
        _ => Err(errors),
    }
}

async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    match parse_action(&e, &fields) {
        Ok(action) => {
            e.def.workflow.transitions[t].actions.push(action);
            e.save(&state, &ctx).await?;
            Ok(back(&e, t))
        }
        Err(errors) => transition_view(&state, &ctx, &e, t, None, errors, fields).await,
    }
}

async fn move_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t, a)): Path<(String, String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    let list = &mut e.def.workflow.transitions[t].actions;
    let a = index(&a, list.len())?;
    shift(list, a, &fields)?;
    e.save(&state, &ctx).await?;
    Ok(back(&e, t))
}

async fn delete_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t, a)): Path<(String, String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    let list = &mut e.def.workflow.transitions[t].actions;
    let a = index(&a, list.len())?;
    list.remove(a);
    e.save(&state, &ctx).await?;
    Ok(back(&e, t))
}

/// Sets the timeout, or clears it when the number of days is left empty (or `clear` is sent).
async fn set_timeout(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t)): Path<(String, String)>,
    Form(mut fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    fields.push(("form".into(), "timeout".into()));
    let typed = value(&fields, "after_days").trim();
    let timeout = if checked(&fields, "clear") || typed.is_empty() {
        None
    } else {
        match days(typed) {
            Some(after_days) => Some(Timeout {
                after_days,
                business_days: checked(&fields, "timeout_business_days"),
            }),
            None => {
                let errors = vec![("after_days", "catalogue-invalid-days")];
                return transition_view(&state, &ctx, &e, t, None, errors, fields).await;
            }
        }
    };
    e.def.workflow.transitions[t].timeout = timeout;
    e.save(&state, &ctx).await?;
    Ok(back(&e, t))
}

async fn set_condition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t)): Path<(String, String)>,
    Form(mut fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    fields.push(("form".into(), "condition".into()));
    let mut errors = Errors::new();
    let condition = match value(&fields, "cond_type") {
        "" => None,
        "all_documents_validated" => Some(TransitionCondition::AllDocumentsValidated),
        "field_equals" => {
            let target = value(&fields, "cond_field");
            match e.def.form.field(target).filter(|f| f.kind.has_value()) {
                None => {
                    errors.push(("cond_field", "catalogue-invalid-choice"));
                    None
                }
                Some(f) => match condition_value(Some(&f.kind), value(&fields, "cond_value")) {
                    Ok(v) => Some(TransitionCondition::FieldEquals {
                        field: target.to_owned(),
                        value: v,
                    }),
                    Err(()) => {
                        errors.push(("cond_value", "catalogue-invalid-condition-value"));
                        None
                    }
                },
            }
        }
        _ => {
            errors.push(("cond_type", "catalogue-invalid-choice"));
            None
        }
    };
    if !errors.is_empty() {
        return transition_view(&state, &ctx, &e, t, None, errors, fields).await;
    }
    e.def.workflow.transitions[t].condition = condition;
    e.save(&state, &ctx).await?;
    Ok(back(&e, t))
}

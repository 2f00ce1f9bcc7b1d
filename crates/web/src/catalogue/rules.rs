//! The no-code builder of a service's rules: required documents, workflow (statuses, the
//! initial one, transitions) and service levels (targets per priority).
//!
//! Same rules as the form builder: input that cannot be stored is refused with 422 and
//! changes nothing; the rest is saved into the draft and the page lists what is still wrong.
//! Each transition's actions, timeout and condition are edited on its own page
//! (`transition`).

use super::builder::{index, line, redirect, text};
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
use relais_domain::{
    Role,
    service::{
        DefinitionError,
        definition::{DocumentKind, RequiredDocument},
        sla::{BusinessDuration, Priority, SlaTarget},
        workflow::{Status, StatusKind, Transition, TransitionCondition},
    },
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/services/{id}/documents",
            get(documents_page).post(add_document),
        )
        .route(
            "/admin/services/{id}/documents/{d}/delete",
            post(delete_document),
        )
        .route("/admin/services/{id}/workflow", get(workflow_page))
        .route("/admin/services/{id}/workflow/initial", post(set_initial))
        .route("/admin/services/{id}/workflow/statuses", post(add_status))
        .route(
            "/admin/services/{id}/workflow/statuses/{s}",
            post(edit_status),
        )
        .route(
            "/admin/services/{id}/workflow/statuses/{s}/delete",
            post(delete_status),
        )
        .route(
            "/admin/services/{id}/workflow/transitions",
            post(add_transition),
        )
        .route(
            "/admin/services/{id}/workflow/transitions/{t}/delete",
            post(delete_transition),
        )
        .route("/admin/services/{id}/sla", get(sla_page).post(save_sla))
}

fn status_for(errors: &Errors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

// ---------------------------------------------------------------------------------------
// Documents

pub struct DocumentRow {
    pub index: usize,
    pub id: String,
    pub kind: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    pub reuse: bool,
    pub max_age: String,
}

#[derive(Template)]
#[template(path = "catalogue/documents.html")]
struct DocumentsTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    title: String,
    editing: String,
    service_id: uuid::Uuid,
    rows: Vec<DocumentRow>,
    kinds: Vec<(&'static str, String)>,
    typed: Fields,
    problems: Vec<DefinitionError>,
}

impl DocumentsTpl<'_> {
    fn typed(&self, name: &str) -> &str {
        value(&self.typed, name)
    }
}

fn documents_view(
    ctx: &Ctx,
    e: &Editing,
    notice: Option<String>,
    errors: Errors,
    typed: Fields,
) -> AppResult<Response> {
    let rows = e
        .def
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| DocumentRow {
            index: i,
            id: d.id.clone(),
            kind: ctx.t(&format!("catalogue-doc-{}", d.kind.as_str())),
            label: d.label.get(ctx.locale).to_owned(),
            help: d
                .help
                .as_ref()
                .map(|h| h.get(ctx.locale).to_owned())
                .unwrap_or_default(),
            required: d.required,
            reuse: d.reuse_from_safe,
            max_age: d.max_age_days.map(|n| n.to_string()).unwrap_or_default(),
        })
        .collect();
    let mut r = render(&DocumentsTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/documents"),
        notice,
        errors: errors.clone(),
        title: e.title(ctx),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        rows,
        kinds: DocumentKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), ctx.t(&format!("catalogue-doc-{}", k.as_str()))))
            .collect(),
        typed,
        problems: e.problems.clone(),
        ctx,
    })?;
    *r.status_mut() = status_for(&errors);
    Ok(r)
}

async fn documents_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let e = Editing::load(&state, &ctx, &id).await?;
    documents_view(
        &ctx,
        &e,
        super::notice(&ctx, &q),
        Errors::new(),
        Fields::new(),
    )
}

fn to(e: &Editing, page: &str) -> Response {
    redirect(format!(
        "/admin/services/{}/{page}?notice=catalogue-draft-saved",
        e.service.id
    ))
}

async fn add_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let doc_id = line(&fields, "id");
    if doc_id.is_none() {
        errors.push(("id", "catalogue-invalid-input"));
    }
    let label = text(&fields, "label");
    if label.is_none() {
        errors.push(("label_fr", "catalogue-invalid-input"));
    }
    // Help is optional: both inputs empty means none.
    let help = text(&fields, "help");
    if help.is_none() {
        errors.push(("help_fr", "catalogue-invalid-input"));
    }
    let kind = DocumentKind::ALL
        .into_iter()
        .find(|k| k.as_str() == value(&fields, "kind"));
    if kind.is_none() {
        errors.push(("kind", "catalogue-invalid-choice"));
    }
    let max_age_days = match value(&fields, "max_age_days").trim() {
        "" => Some(None),
        t => t.parse::<u32>().ok().map(Some),
    };
    if max_age_days.is_none() {
        errors.push(("max_age_days", "catalogue-invalid-number"));
    }
    let (Some(doc_id), Some(label), Some(help), Some(kind), Some(max_age_days)) =
        (doc_id, label, help, kind, max_age_days)
    else {
        return documents_view(&ctx, &e, None, errors, fields);
    };
    e.def.documents.push(RequiredDocument {
        id: doc_id,
        kind,
        label,
        help: (!help.fr.trim().is_empty() || !help.en.trim().is_empty()).then_some(help),
        required: checked(&fields, "required"),
        reuse_from_safe: checked(&fields, "reuse_from_safe"),
        max_age_days,
    });
    e.save(&state, &ctx).await?;
    Ok(to(&e, "documents"))
}

async fn delete_document(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, d)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let d = index(&d, e.def.documents.len())?;
    e.def.documents.remove(d);
    e.save(&state, &ctx).await?;
    Ok(to(&e, "documents"))
}

// ---------------------------------------------------------------------------------------
// Workflow

pub struct StatusRow {
    pub index: usize,
    pub id: String,
    pub label: String,
    pub label_fr: String,
    pub label_en: String,
    pub kind_code: &'static str,
    pub kind: String,
    pub initial: bool,
}

pub struct TransitionRow {
    pub index: usize,
    pub id: String,
    pub from: String,
    pub to: String,
    pub label: String,
    pub who: String,
    /// Condition, actions and timeout, in words.
    pub more: String,
}

/// Staff roles that may be given a transition (viewers never fire one).
const TRANSITION_ROLES: [Role; 3] = [Role::Admin, Role::Supervisor, Role::Agent];

#[derive(Template)]
#[template(path = "catalogue/workflow.html")]
struct WorkflowTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    title: String,
    editing: String,
    service_id: uuid::Uuid,
    statuses: Vec<StatusRow>,
    transitions: Vec<TransitionRow>,
    kinds: Vec<(&'static str, String)>,
    roles: Vec<(&'static str, String)>,
    typed: Fields,
    problems: Vec<DefinitionError>,
}

impl WorkflowTpl<'_> {
    fn typed(&self, name: &str) -> &str {
        value(&self.typed, name)
    }
}

fn workflow_view(
    ctx: &Ctx,
    e: &Editing,
    notice: Option<String>,
    errors: Errors,
    typed: Fields,
) -> AppResult<Response> {
    let w = &e.def.workflow;
    let statuses = w
        .statuses
        .iter()
        .enumerate()
        .map(|(i, s)| StatusRow {
            index: i,
            id: s.id.clone(),
            label: s.label.get(ctx.locale).to_owned(),
            label_fr: s.label.fr.clone(),
            label_en: s.label.en.clone(),
            kind_code: s.kind.as_str(),
            kind: ctx.t(&format!("catalogue-status-{}", s.kind.as_str())),
            initial: s.id == w.initial,
        })
        .collect();
    let transitions = w
        .transitions
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut who: Vec<String> = t.roles.iter().map(|r| ctx.role_label(r.as_str())).collect();
            if t.by_requester {
                who.push(ctx.t("catalogue-requester"));
            }
            if who.is_empty() {
                who.push(ctx.t("catalogue-all-staff"));
            }
            let mut more = Vec::new();
            match &t.condition {
                Some(TransitionCondition::AllDocumentsValidated) => {
                    more.push(ctx.t("catalogue-tcond-all_documents_validated"));
                }
                Some(TransitionCondition::FieldEquals { field, value }) => {
                    more.push(format!("{field} = {value}"));
                }
                None => {}
            }
            for a in &t.actions {
                more.push(super::transition::action_summary(ctx, a));
            }
            if let Some(timeout) = &t.timeout {
                more.push(super::transition::timeout_summary(ctx, timeout));
            }
            TransitionRow {
                index: i,
                id: t.id.clone(),
                from: t.from.join(", "),
                to: t.to.clone(),
                label: t.label.get(ctx.locale).to_owned(),
                who: who.join(", "),
                more: more.join("; "),
            }
        })
        .collect();
    let mut r = render(&WorkflowTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/workflow"),
        notice,
        errors: errors.clone(),
        title: e.title(ctx),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        statuses,
        transitions,
        kinds: StatusKind::ALL
            .into_iter()
            .map(|k| {
                (
                    k.as_str(),
                    ctx.t(&format!("catalogue-status-{}", k.as_str())),
                )
            })
            .collect(),
        roles: TRANSITION_ROLES
            .into_iter()
            .map(|r| (r.as_str(), ctx.role_label(r.as_str())))
            .collect(),
        typed,
        problems: e.problems.clone(),
        ctx,
    })?;
    *r.status_mut() = status_for(&errors);
    Ok(r)
}

async fn workflow_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let e = Editing::load(&state, &ctx, &id).await?;
    workflow_view(
        &ctx,
        &e,
        super::notice(&ctx, &q),
        Errors::new(),
        Fields::new(),
    )
}

async fn set_initial(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let chosen = value(&fields, "initial");
    if !e.def.workflow.statuses.iter().any(|s| s.id == chosen) {
        return workflow_view(
            &ctx,
            &e,
            None,
            vec![("initial", "catalogue-invalid-choice")],
            fields,
        );
    }
    e.def.workflow.initial = chosen.to_owned();
    e.save(&state, &ctx).await?;
    Ok(to(&e, "workflow"))
}

async fn add_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let status_id = line(&fields, "status_id");
    if status_id.is_none() {
        errors.push(("status_id", "catalogue-invalid-input"));
    }
    let label = text(&fields, "status_label");
    if label.is_none() {
        errors.push(("status_label_fr", "catalogue-invalid-input"));
    }
    let kind = StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == value(&fields, "status_kind"));
    if kind.is_none() {
        errors.push(("status_kind", "catalogue-invalid-choice"));
    }
    let (Some(status_id), Some(label), Some(kind)) = (status_id, label, kind) else {
        return workflow_view(&ctx, &e, None, errors, fields);
    };
    if e.def.workflow.statuses.is_empty() && e.def.workflow.initial.is_empty() {
        e.def.workflow.initial = status_id.clone();
    }
    e.def.workflow.statuses.push(Status {
        id: status_id,
        label,
        kind,
    });
    e.save(&state, &ctx).await?;
    Ok(to(&e, "workflow"))
}

/// Changes a status's id, label and kind; a new id is followed by the initial status and the
/// transitions (unless it is taken: then the checklist says so).
async fn edit_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, s)): Path<(String, String)>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let s = index(&s, e.def.workflow.statuses.len())?;
    let mut errors = Errors::new();
    let status_id = line(&fields, "status_id").filter(|x| !x.is_empty());
    if status_id.is_none() {
        errors.push(("status_id", "catalogue-invalid-input"));
    }
    let label = text(&fields, "status_label");
    if label.is_none() {
        errors.push(("status_label_fr", "catalogue-invalid-input"));
    }
    let kind = StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == value(&fields, "status_kind"));
    if kind.is_none() {
        errors.push(("status_kind", "catalogue-invalid-choice"));
    }
    let (Some(status_id), Some(label), Some(kind)) = (status_id, label, kind) else {
        return workflow_view(&ctx, &e, None, errors, fields);
    };
    let old = e.def.workflow.statuses[s].id.clone();
    if status_id != old && e.def.workflow.status(&status_id).is_none() {
        e.def.rename_status(&old, &status_id);
    }
    let status = &mut e.def.workflow.statuses[s];
    status.id = status_id;
    status.label = label;
    status.kind = kind;
    e.save(&state, &ctx).await?;
    Ok(to(&e, "workflow"))
}

async fn delete_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, s)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let s = index(&s, e.def.workflow.statuses.len())?;
    e.def.workflow.statuses.remove(s);
    e.save(&state, &ctx).await?;
    Ok(to(&e, "workflow"))
}

async fn add_transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let transition_id = line(&fields, "transition_id");
    if transition_id.is_none() {
        errors.push(("transition_id", "catalogue-invalid-input"));
    }
    let label = text(&fields, "transition_label");
    if label.is_none() {
        errors.push(("transition_label_fr", "catalogue-invalid-input"));
    }
    let known = |s: &str| e.def.workflow.statuses.iter().any(|x| x.id == s);
    let from: Vec<String> = values(&fields, "from").map(str::to_owned).collect();
    if from.iter().any(|f| f != "*" && !known(f)) {
        errors.push(("from", "catalogue-invalid-choice"));
    }
    let target = value(&fields, "to").to_owned();
    if !known(&target) {
        errors.push(("to", "catalogue-invalid-choice"));
    }
    let mut roles = Vec::new();
    for r in values(&fields, "role") {
        match TRANSITION_ROLES.into_iter().find(|x| x.as_str() == r) {
            Some(role) => roles.push(role),
            None => errors.push(("roles", "catalogue-invalid-choice")),
        }
    }
    let (Some(transition_id), Some(label)) = (transition_id, label) else {
        return workflow_view(&ctx, &e, None, errors, fields);
    };
    if !errors.is_empty() {
        return workflow_view(&ctx, &e, None, errors, fields);
    }
    e.def.workflow.transitions.push(Transition {
        id: transition_id,
        from,
        to: target,
        label,
        roles,
        by_requester: checked(&fields, "by_requester"),
        condition: None,
        actions: vec![],
        timeout: None,
    });
    e.save(&state, &ctx).await?;
    Ok(to(&e, "workflow"))
}

async fn delete_transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, t)): Path<(String, String)>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let t = index(&t, e.def.workflow.transitions.len())?;
    e.def.workflow.transitions.remove(t);
    e.save(&state, &ctx).await?;
    Ok(to(&e, "workflow"))
}

// ---------------------------------------------------------------------------------------
// Service levels

const UNITS: [&str; 3] = ["minutes", "hours", "days"];

/// One priority's row of the form, as typed.
pub struct TargetRow {
    pub priority: &'static str,
    pub label: String,
    pub first_amount: String,
    pub first_unit: String,
    pub resolution_amount: String,
    pub resolution_unit: String,
}

#[derive(Template)]
#[template(path = "catalogue/sla.html")]
struct SlaTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    tabs: Vec<ServiceLink>,
    notice: Option<String>,
    errors: Errors,
    title: String,
    editing: String,
    service_id: uuid::Uuid,
    warn_at_percent: String,
    rows: Vec<TargetRow>,
    units: Vec<(&'static str, String)>,
    problems: Vec<DefinitionError>,
}

fn split(d: Option<BusinessDuration>) -> (String, String) {
    match d {
        Some(BusinessDuration::Minutes(n)) => (n.to_string(), "minutes".into()),
        Some(BusinessDuration::Hours(n)) => (n.to_string(), "hours".into()),
        Some(BusinessDuration::Days(n)) => (n.to_string(), "days".into()),
        None => (String::new(), "days".into()),
    }
}

fn sla_rows(ctx: &Ctx, e: &Editing, typed: Option<&Fields>) -> Vec<TargetRow> {
    Priority::ALL
        .into_iter()
        .map(|p| {
            let name = p.as_str();
            let label = ctx.t(&format!("catalogue-priority-{name}"));
            if let Some(f) = typed {
                let v = |k: &str| value(f, &format!("{name}_{k}")).to_owned();
                return TargetRow {
                    priority: name,
                    label,
                    first_amount: v("first_amount"),
                    first_unit: v("first_unit"),
                    resolution_amount: v("resolution_amount"),
                    resolution_unit: v("resolution_unit"),
                };
            }
            let target = e.def.sla.target(p);
            let (first_amount, first_unit) = split(target.and_then(|t| t.first_response));
            let (resolution_amount, resolution_unit) = split(target.and_then(|t| t.resolution));
            TargetRow {
                priority: name,
                label,
                first_amount,
                first_unit,
                resolution_amount,
                resolution_unit,
            }
        })
        .collect()
}

fn sla_view(
    ctx: &Ctx,
    e: &Editing,
    notice: Option<String>,
    errors: Errors,
    typed: Option<&Fields>,
) -> AppResult<Response> {
    let mut r = render(&SlaTpl {
        nav: nav(ctx, "/admin/services", false),
        tabs: service_nav(ctx, e.service.id, "/sla"),
        notice,
        errors: errors.clone(),
        title: e.title(ctx),
        editing: e.editing_line(ctx),
        service_id: e.service.id,
        warn_at_percent: typed.map_or_else(
            || e.def.sla.warn_at_percent.to_string(),
            |f| value(f, "warn_at_percent").to_owned(),
        ),
        rows: sla_rows(ctx, e, typed),
        units: UNITS
            .into_iter()
            .map(|u| (u, ctx.t(&format!("catalogue-unit-{u}"))))
            .collect(),
        problems: e.problems.clone(),
        ctx,
    })?;
    *r.status_mut() = status_for(&errors);
    Ok(r)
}

async fn sla_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Fields>,
) -> AppResult<Response> {
    let e = Editing::load(&state, &ctx, &id).await?;
    sla_view(&ctx, &e, super::notice(&ctx, &q), Errors::new(), None)
}

/// A duration from an amount and a unit; `Ok(None)` when the amount is empty.
fn duration(amount: &str, unit: &str) -> Result<Option<BusinessDuration>, ()> {
    let amount = amount.trim();
    if amount.is_empty() {
        return Ok(None);
    }
    let n: u32 = amount.parse().map_err(|_| ())?;
    match unit {
        "minutes" => Ok(Some(BusinessDuration::Minutes(n))),
        "hours" => Ok(Some(BusinessDuration::Hours(n))),
        "days" => Ok(Some(BusinessDuration::Days(n))),
        _ => Err(()),
    }
}

async fn save_sla(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    let mut e = Editing::load(&state, &ctx, &id).await?;
    let mut errors = Errors::new();
    let warn = value(&fields, "warn_at_percent").trim().parse::<u8>().ok();
    if warn.is_none() {
        errors.push(("warn_at_percent", "catalogue-invalid-number"));
    }
    let mut targets = Vec::new();
    for p in Priority::ALL {
        let name = p.as_str();
        let v = |k: &str| value(&fields, &format!("{name}_{k}"));
        let first = duration(v("first_amount"), v("first_unit"));
        let resolution = duration(v("resolution_amount"), v("resolution_unit"));
        match (first, resolution) {
            (Ok(None), Ok(None)) => {}
            (Ok(first_response), Ok(resolution)) => targets.push(SlaTarget {
                priority: p,
                first_response,
                resolution,
            }),
            _ => errors.push(("sla-targets", "catalogue-invalid-duration")),
        }
    }
    let Some(warn) = warn.filter(|_| errors.is_empty()) else {
        errors.dedup();
        return sla_view(&ctx, &e, None, errors, Some(&fields));
    };
    e.def.sla.warn_at_percent = warn;
    e.def.sla.targets = targets;
    e.save(&state, &ctx).await?;
    Ok(to(&e, "sla"))
}

//! "My requests": every case of the signed-in person with its status, its next step and who
//! has to act; the case page with its public timeline, messages both ways, corrections,
//! withdrawal and the survey after closure; the confirmation, the acknowledgement e-mail and
//! the PDF receipt of a filing; and following a case with its reference and tracking code
//! for people who filed without an account.
//!
//! A case is reachable by the account that filed it (or the person it was filed for), or in
//! the browser that proved its tracking pair (a cookie holding the pair, checked against the
//! store on every request). Anything else is "not found".

use super::filing::{DOCUMENT_ACCEPT, DOCUMENT_MAX_BYTES, DOCUMENT_MAX_COUNT};
use super::form::{self as view, Errors, FieldView, Posted};
use super::{Wording, local_time, person_of, portal_user, service_title, today};
use crate::cases::flow::FlowError;
use crate::cases::requester;
use crate::middleware::{cookie_name, read_cookie, set_cookie};
use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Path, Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::case::{EventKind, Reference, normalise_tracking_code};
use relais_domain::service::definition::ServiceDefinition;
use relais_domain::service::form::{Answers, Field};
use relais_domain::service::workflow::StatusKind;
use relais_store::cases::{self, Case, Owner};
use relais_store::outbox::OutboxMail;
use relais_store::{drafts, portal as organisations, services};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

const TRACK_COOKIE: &str = "relais_track";
/// Tracking attempts allowed per client address and minute.
const TRACK_ATTEMPTS: u32 = 20;

/// How the visitor reaches a case.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Account,
    Tracking,
}

/// The cookie that lets this browser follow an anonymous case.
pub fn tracking_cookie(state: &AppState, reference: &str, code: &str) -> HeaderValue {
    set_cookie(
        state,
        TRACK_COOKIE,
        &format!("{reference}~{code}"),
        None,
        true,
        "Strict",
    )
}

/// The case with this id if the visitor may see it.
async fn case_for(
    state: &AppState,
    ctx: &Ctx,
    headers: &HeaderMap,
    id: &str,
) -> AppResult<(Case, Access)> {
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    if let Some(user) = portal_user(ctx)
        && let Some(case) = cases::get(&state.db, ctx.tenant.id, id).await?
    {
        let person = person_of(state, user).await?;
        if case.requester_account_id == Some(user.id)
            || (person.is_some() && case.requester_person_id == person)
        {
            return Ok((case, Access::Account));
        }
        // A case filed on behalf of an organisation is its members' too.
        if let (Some(organisation), Some(person)) = (case.organisation_id, person)
            && organisations::organisations_of(&state.db, ctx.tenant.id, person)
                .await?
                .iter()
                .any(|o| o.id == organisation)
        {
            return Ok((case, Access::Account));
        }
    }
    if let Some(raw) = read_cookie(headers, &cookie_name(state, TRACK_COOKIE))
        && let Some((reference, code)) = raw.split_once('~')
        && let Some(reference) = Reference::parse(reference)
        && let Some(code) = normalise_tracking_code(code)
        && let Some(case) = cases::by_tracking(&state.db, ctx.tenant.id, &reference, &code).await?
        && case.id == id
    {
        return Ok((case, Access::Tracking));
    }
    if ctx.user.is_none() {
        return Err(AppError::SignInNeeded);
    }
    Err(AppError::NotFound)
}

/// Definitions by (service, version), loaded once per request.
#[derive(Default)]
struct Definitions(HashMap<(Uuid, i32), std::sync::Arc<ServiceDefinition>>);

impl Definitions {
    async fn of(
        &mut self,
        state: &AppState,
        ctx: &Ctx,
        case: &Case,
    ) -> AppResult<&ServiceDefinition> {
        let key = (case.service_id, case.service_version);
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(key) {
            let d = super::definition(state, ctx.tenant.id, case.service_id, case.service_version)
                .await?;
            slot.insert(d);
        }
        self.0.get(&key).map(|d| &**d).ok_or(AppError::NotFound)
    }
}

fn status_kind(case: &Case) -> StatusKind {
    StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == case.status_kind)
        .unwrap_or(StatusKind::Open)
}

/// Status label, next step and who acts, for the list and the case page.
pub struct Standing {
    pub label: String,
    pub next: String,
    pub who: String,
    pub requester_acts: bool,
}

fn standing(ctx: &Ctx, definition: &ServiceDefinition, case: &Case) -> Standing {
    let kind = status_kind(case);
    let label = definition.workflow.status(&case.status).map_or_else(
        || case.status.clone(),
        |s| s.label.get(ctx.locale).to_owned(),
    );
    let (next, who) = match kind {
        StatusKind::Draft | StatusKind::Open => ("portal-next-open", "portal-who-organisation"),
        StatusKind::WaitingRequester => ("portal-next-requester", "portal-who-you"),
        StatusKind::WaitingThirdParty => ("portal-next-third-party", "portal-who-third-party"),
        StatusKind::ClosedAccepted => ("portal-next-accepted", "portal-who-nobody"),
        StatusKind::ClosedRefused => ("portal-next-refused", "portal-who-nobody"),
        StatusKind::ClosedWithdrawn => ("portal-next-withdrawn", "portal-who-nobody"),
    };
    Standing {
        label,
        next: ctx.tk1(next, "tenant", &ctx.tenant.name),
        who: ctx.tk1(who, "tenant", &ctx.tenant.name),
        requester_acts: kind == StatusKind::WaitingRequester,
    }
}

// ---------------------------------------------------------------------------------------
// The list

pub struct CaseRow {
    pub id: Uuid,
    pub reference: String,
    pub service: String,
    /// The organisation it was filed on behalf of.
    pub organisation: Option<String>,
    pub submitted: String,
    pub standing: Standing,
}

pub struct DraftRow {
    pub id: Uuid,
    pub service: String,
    pub updated: String,
    pub outdated: bool,
}

#[derive(Template)]
#[template(path = "portal/requests.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    cases: Vec<CaseRow>,
    drafts: Vec<DraftRow>,
}

#[derive(Deserialize, Default)]
pub struct NoticeQ {
    pub notice: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQ>,
) -> AppResult<Response> {
    let user = super::requester(&ctx)?;
    let mut found = cases::list_for(
        &state.db,
        ctx.tenant.id,
        Owner::Account(user.id),
        None,
        cases::MAX_PAGE,
    )
    .await?;
    let mut names: HashMap<Uuid, String> = HashMap::new();
    if let Some(person) = person_of(&state, user).await? {
        // The person's own cases, then those of the organisations they belong to.
        let mut owners = vec![Owner::Person(person)];
        for o in organisations::organisations_of(&state.db, ctx.tenant.id, person).await? {
            owners.push(Owner::Organisation(o.id));
            names.insert(o.id, o.name);
        }
        for owner in owners {
            for c in cases::list_for(&state.db, ctx.tenant.id, owner, None, cases::MAX_PAGE).await?
            {
                if !found.iter().any(|f| f.id == c.id) {
                    found.push(c);
                }
            }
        }
        found.sort_by_key(|c| std::cmp::Reverse(c.submitted_at));
    }
    let all_services: HashMap<Uuid, services::Service> =
        services::list(&state.db, ctx.tenant.id, false)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
    let title = |id: &Uuid| {
        all_services
            .get(id)
            .map_or_else(String::new, |s| service_title(&ctx, s))
    };
    let mut definitions = Definitions::default();
    let mut rows = Vec::new();
    for case in &found {
        let definition = definitions.of(&state, &ctx, case).await?;
        rows.push(CaseRow {
            id: case.id,
            reference: case.reference.clone(),
            service: title(&case.service_id),
            organisation: organisation_name(&state, &ctx, case, &mut names).await?,
            submitted: super::local_date(&ctx, case.submitted_at),
            standing: standing(&ctx, definition, case),
        });
    }
    let drafts = drafts::list(&state.db, ctx.tenant.id, user.id)
        .await?
        .into_iter()
        .map(|d| DraftRow {
            id: d.id,
            service: title(&d.service_id),
            updated: local_time(&ctx, d.updated_at),
            outdated: all_services
                .get(&d.service_id)
                .is_some_and(|s| s.published_version.is_some_and(|v| v != d.service_version)),
        })
        .collect();
    render(&ListTpl {
        notice: super::catalogue::own_notice(&ctx, &q.notice),
        ctx: &ctx,
        cases: rows,
        drafts,
    })
}

/// The name of the organisation a case was filed for, `names` caching those already read.
async fn organisation_name(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    names: &mut HashMap<Uuid, String>,
) -> AppResult<Option<String>> {
    let Some(id) = case.organisation_id else {
        return Ok(None);
    };
    if let Some(name) = names.get(&id) {
        return Ok(Some(name.clone()));
    }
    let name = relais_store::people::get_organisation(&state.db, ctx.tenant.id, id)
        .await?
        .map(|o| o.name);
    if let Some(n) = &name {
        names.insert(id, n.clone());
    }
    Ok(name)
}

// ---------------------------------------------------------------------------------------
// The case page

pub struct Attachment {
    pub id: Uuid,
    pub name: String,
}

pub struct Entry {
    pub at: String,
    pub datetime: String,
    pub title: String,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub attachments: Vec<Attachment>,
}

fn entry(ctx: &Ctx, definition: &ServiceDefinition, e: &cases::Event) -> Option<Entry> {
    let kind = EventKind::parse(&e.kind)?;
    let data: Value = serde_json::from_str(&e.data).unwrap_or(Value::Null);
    let text = |v: &Value| -> Option<String> {
        v.get(ctx.lang())
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .or_else(|| v.get("fr").and_then(Value::as_str))
            .map(str::to_owned)
    };
    let title = match kind {
        EventKind::StatusChanged => {
            let label = text(&data["to_label"]).or_else(|| {
                data["to"]
                    .as_str()
                    .and_then(|s| definition.workflow.status(s))
                    .map(|s| s.label.get(ctx.locale).to_owned())
            })?;
            ctx.t1("portal-event-status", "status", label)
        }
        EventKind::MessageToRequester => {
            ctx.t1("portal-event-message-in", "tenant", &ctx.tenant.name)
        }
        _ => ctx.tk(&format!("portal-event-{}", kind.as_str().replace('_', "-"))),
    };
    let mut body = e.body.clone();
    if kind == EventKind::SurveyAnswered {
        let rating = data["rating"].as_i64().unwrap_or(0);
        body = Some(match body {
            Some(comment) => format!("{} — {comment}", ctx.tn("portal-rating-value", rating)),
            None => ctx.tn("portal-rating-value", rating),
        });
    }
    let attachments = data["documents"]
        .as_array()
        .map(|docs| {
            docs.iter()
                .filter_map(|d| {
                    Some(Attachment {
                        id: Uuid::parse_str(d["id"].as_str()?).ok()?,
                        name: d["name"].as_str().unwrap_or_default().to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Entry {
        at: local_time(ctx, e.at),
        datetime: e.at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        title,
        subject: data["subject"].as_str().map(str::to_owned),
        body,
        attachments,
    })
}

pub struct CaseDocument {
    pub id: Uuid,
    pub name: String,
    pub size: String,
    pub status: String,
}

/// What was typed in one of the case page's forms, shown again with its errors.
#[derive(Default)]
struct Typed {
    message: String,
    message_error: Option<String>,
    survey_comment: String,
    survey_rating: String,
    survey_errors: Vec<(String, String)>,
    corrections: Option<(Answers, Errors, BTreeSet<String>)>,
    correction_notice: Option<String>,
    alert: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/case.html")]
struct CaseTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    alert: Option<String>,
    id: Uuid,
    reference: String,
    service: String,
    submitted: String,
    standing: Standing,
    organisation: Option<String>,
    version: i64,
    closed: bool,
    tracking: bool,
    correction_comment: Option<String>,
    correction_fields: Vec<FieldView>,
    correction_shown: String,
    correction_multipart: bool,
    correction_errors: Vec<(String, String)>,
    correction_notice: Option<String>,
    resubmit_label: Option<String>,
    withdraw_label: Option<String>,
    timeline: Vec<Entry>,
    documents: Vec<CaseDocument>,
    message: String,
    message_error: Option<String>,
    attach_hint: String,
    attach_accept: String,
    survey_open: bool,
    survey_rating: String,
    survey_comment: String,
    survey_errors: Vec<(String, String)>,
}

/// The fields a correction may change, for these answers: the re-opened fields that are
/// shown, and the fields the corrections make appear.
fn correction_fields<'a>(
    definition: &'a ServiceDefinition,
    case: &Case,
    stored: &Answers,
    answers: &Answers,
) -> Vec<&'a Field> {
    let reopened: BTreeSet<String> = case.correction_field_ids().into_iter().collect();
    let before = definition.form.visible_fields(stored);
    let now = definition.form.visible_fields(answers);
    definition
        .form
        .fields()
        .filter(|f| now.contains(&f.id) && (reopened.contains(&f.id) || !before.contains(&f.id)))
        .collect()
}

async fn case_page(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    access: Access,
    typed: Typed,
    notice: Option<String>,
) -> AppResult<Response> {
    let definition =
        super::definition(state, ctx.tenant.id, case.service_id, case.service_version).await?;
    let service = services::get(&state.db, ctx.tenant.id, case.service_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let events = cases::events(&state.db, ctx.tenant.id, case.id, true).await?;
    let timeline = events
        .iter()
        .filter_map(|e| entry(ctx, &definition, e))
        .collect();
    let docs = cases::documents(&state.db, ctx.tenant.id, case.id).await?;
    let documents = docs
        .iter()
        .map(|(d, _)| CaseDocument {
            id: d.id,
            name: d.file_name.clone(),
            size: super::size_text(ctx, d.size_bytes.max(0) as u64),
            status: match (d.status.as_str(), &d.reject_reason) {
                ("rejected", Some(reason)) => {
                    ctx.t1("portal-document-rejected-because", "reason", reason)
                }
                (status, _) => ctx.t(&format!("portal-document-{status}")),
            },
        })
        .collect();
    let waiting =
        status_kind(case) == StatusKind::WaitingRequester && case.correction_fields.is_some();
    let stored = case.answers_map();
    let (answers, errors, shown) = typed
        .corrections
        .unwrap_or_else(|| (stored.clone(), Errors::default(), BTreeSet::new()));
    let fields = if waiting {
        correction_fields(&definition, case, &stored, &answers)
    } else {
        Vec::new()
    };
    let names: view::DocumentNames = docs
        .iter()
        .map(|(d, _)| (d.id, (d.file_name.clone(), d.size_bytes)))
        .collect();
    let vc = view::ViewContext {
        ctx,
        errors: &errors,
        documents: &names,
        today: today(ctx),
    };
    let correction_views = vc.fields(&fields, &answers);
    let correction_errors = errors
        .list
        .iter()
        .map(|(path, code)| {
            let label = definition
                .form
                .field(view::top_of(path))
                .map_or_else(|| path.clone(), |f| f.label.get(ctx.locale).to_owned());
            (
                format!("#{}", view::html_id(path)),
                format!("{label} — {}", ctx.t(code)),
            )
        })
        .collect::<Vec<_>>();
    let shown_ids = if shown.is_empty() {
        fields
            .iter()
            .map(|f| f.id.clone())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        shown.into_iter().collect::<Vec<_>>().join(" ")
    };
    let has_errors = !correction_errors.is_empty()
        || typed.message_error.is_some()
        || !typed.survey_errors.is_empty()
        || typed.alert.is_some();
    let attach_accept: Vec<String> = DOCUMENT_ACCEPT.iter().map(|s| (*s).to_owned()).collect();
    let organisation = organisation_name(state, ctx, case, &mut HashMap::new()).await?;
    let response = render(&CaseTpl {
        organisation,
        ctx,
        notice,
        alert: typed.alert,
        id: case.id,
        reference: case.reference.clone(),
        service: service_title(ctx, &service),
        submitted: local_time(ctx, case.submitted_at),
        standing: standing(ctx, &definition, case),
        version: case.row_version,
        closed: status_kind(case).is_closed(),
        tracking: access == Access::Tracking,
        correction_comment: waiting.then(|| case.correction_comment.clone()).flatten(),
        correction_multipart: fields
            .iter()
            .any(|f| matches!(f.kind, relais_domain::service::form::FieldKind::File { .. })),
        correction_fields: correction_views,
        correction_shown: shown_ids,
        correction_errors,
        correction_notice: typed.correction_notice,
        resubmit_label: waiting
            .then(|| requester::resubmission(&definition, case))
            .flatten()
            .map(|t| t.label.get(ctx.locale).to_owned()),
        withdraw_label: requester::withdrawal(&definition, case)
            .map(|t| t.label.get(ctx.locale).to_owned()),
        timeline,
        documents,
        message: typed.message,
        message_error: typed.message_error,
        attach_hint: view::file_hint(
            ctx,
            &attach_accept,
            DOCUMENT_MAX_BYTES,
            DOCUMENT_MAX_COUNT as u32,
        ),
        attach_accept: relais_domain::filing::accept_attribute(&attach_accept),
        survey_open: requester::survey_open(state, case)
            .await
            .map_err(AppError::from)?,
        survey_rating: typed.survey_rating,
        survey_comment: typed.survey_comment,
        survey_errors: typed.survey_errors,
    })?;
    Ok(if has_errors {
        view::unprocessable(response)
    } else {
        response
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<NoticeQ>,
) -> AppResult<Response> {
    let (case, access) = case_for(&state, &ctx, &headers, &id).await?;
    let notice = super::catalogue::own_notice(&ctx, &q.notice);
    case_page(&state, &ctx, &case, access, Typed::default(), notice).await
}

/// The version the form was loaded at; a form without it is refused like a stale one.
fn version_of(posted: &Posted) -> i64 {
    posted.get("version").parse().unwrap_or(-1)
}

fn stale(ctx: &Ctx) -> Typed {
    Typed {
        alert: Some(ctx.tk("portal-case-stale")),
        ..Typed::default()
    }
}

/// Checks and stores files sent with a message or a correction.
async fn attachments(
    state: &AppState,
    ctx: &Ctx,
    uploads: Vec<view::Upload>,
    person: Option<Uuid>,
) -> Result<Vec<(Uuid, String)>, &'static str> {
    if uploads.len() > DOCUMENT_MAX_COUNT {
        return Err("upload-too-many");
    }
    let accept: Vec<String> = DOCUMENT_ACCEPT.iter().map(|s| (*s).to_owned()).collect();
    let mut accepted = Vec::new();
    for u in uploads {
        let media_type =
            relais_domain::filing::check_upload(&u.bytes, &accept, DOCUMENT_MAX_BYTES)?;
        accepted.push(super::filing::Accepted {
            target: relais_domain::filing::clean_file_name(&u.file_name),
            kind: None,
            file_name: u.file_name,
            media_type,
            bytes: u.bytes,
        });
    }
    super::filing::store_uploads(state, ctx, person, accepted)
        .await
        .map(|stored| stored.into_iter().map(|(name, id)| (id, name)).collect())
        .map_err(|_| "error-internal")
}

async fn person_for(state: &AppState, ctx: &Ctx, access: Access) -> AppResult<Option<Uuid>> {
    match (access, portal_user(ctx)) {
        (Access::Account, Some(user)) => person_of(state, user).await,
        _ => Ok(None),
    }
}

pub async fn message(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let (case, access) = case_for(&state, &ctx, &headers, &id).await?;
    let posted = Posted::read(&state, req).await?;
    let body = posted.get("body").to_owned();
    if version_of(&posted) != case.row_version {
        return case_page(
            &state,
            &ctx,
            &case,
            access,
            Typed {
                message: body,
                ..stale(&ctx)
            },
            None,
        )
        .await;
    }
    let refused = |code: &'static str| Typed {
        message: body.clone(),
        message_error: Some(ctx.t(code)),
        ..Typed::default()
    };
    let uploads: Vec<view::Upload> = posted
        .files
        .into_iter()
        .filter(|f| f.name == "attachments")
        .collect();
    let person = person_for(&state, &ctx, access).await?;
    let attached = match attachments(&state, &ctx, uploads, person).await {
        Ok(a) => a,
        Err(code) => return case_page(&state, &ctx, &case, access, refused(code), None).await,
    };
    match requester::message(&state, &ctx.actor(), &case, &body, &attached).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/my/requests/{}?notice=portal-message-sent#messages",
            case.id
        ))
        .into_response()),
        Err(FlowError::Answers(e)) => {
            let code = e.first().map_or("answer-required", |e| e.code);
            case_page(&state, &ctx, &case, access, refused(code), None).await
        }
        Err(FlowError::Stale) => {
            case_page(
                &state,
                &ctx,
                &case,
                access,
                Typed {
                    message: body,
                    ..stale(&ctx)
                },
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn corrections(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let (case, access) = case_for(&state, &ctx, &headers, &id).await?;
    let mut posted = Posted::read(&state, req).await?;
    let definition =
        super::definition(&state, ctx.tenant.id, case.service_id, case.service_version).await?;
    if version_of(&posted) != case.row_version {
        return case_page(&state, &ctx, &case, access, stale(&ctx), None).await;
    }
    let all_fields: Vec<Field> = definition.form.fields().cloned().collect();
    let unknown = view::unknown_names(
        &all_fields,
        &posted,
        &["csrf_token", "version", "shown", "action"],
    );
    if !unknown.is_empty() {
        let typed = Typed {
            alert: Some(ctx.t1("portal-unknown-fields", "names", unknown.join(", "))),
            ..Typed::default()
        };
        return case_page(&state, &ctx, &case, access, typed, None).await;
    }
    let stored = case.answers_map();
    // Read the re-opened fields, then the ones the new answers make appear.
    let mut answers = stored.clone();
    let first: Vec<&Field> = correction_fields(&definition, &case, &stored, &stored);
    view::read(&first, &posted, &mut answers);
    let editable: Vec<&Field> = correction_fields(&definition, &case, &stored, &answers);
    let appeared: Vec<&Field> = editable
        .iter()
        .filter(|f| !first.iter().any(|g| g.id == f.id))
        .copied()
        .collect();
    view::read(&appeared, &posted, &mut answers);
    let editable_ids: BTreeSet<String> = editable.iter().map(|f| f.id.clone()).collect();
    let shown: BTreeSet<String> = posted
        .get("shown")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    // Files for the editable file fields, checked before anything is kept.
    let mut errors = Errors::default();
    let editable_refs: Vec<&Field> = editable.clone();
    let paths = view::shown_paths(&editable_refs, &answers);
    let accepted = super::filing::check_field_uploads(
        &all_fields,
        &paths,
        &answers,
        &mut posted.files,
        &mut errors,
    );
    if !errors.is_empty() {
        let typed = Typed {
            corrections: Some((answers, errors, shown)),
            ..Typed::default()
        };
        return case_page(&state, &ctx, &case, access, typed, None).await;
    }
    if !editable_ids.is_subset(&shown) {
        // The corrections opened questions that were not on the form yet: ask them first.
        let typed = Typed {
            corrections: Some((answers, Errors::default(), editable_ids)),
            correction_notice: Some(ctx.t("portal-more-questions")),
            ..Typed::default()
        };
        return case_page(&state, &ctx, &case, access, typed, None).await;
    }
    let person = person_for(&state, &ctx, access).await?;
    let mut new_documents = Vec::new();
    for (target, doc) in super::filing::store_uploads(&state, &ctx, person, accepted).await? {
        if let Some(v) = view::file_value_mut(&mut answers, &target) {
            view::push_documents(v, &[doc]);
        }
        new_documents.push((doc, Some(target)));
    }
    if let Some(rest) = posted.action().strip_prefix("remove-file:")
        && let Some((path, doc)) = rest.rsplit_once(':')
        && let Ok(doc) = Uuid::parse_str(doc)
        && editable_ids.contains(view::top_of(path))
        && let Some(v) = view::file_value_mut(&mut answers, path)
    {
        view::remove_document(v, doc);
    }
    if posted.action() != "resubmit" {
        // Adding or removing a file or an item: the form again, nothing sent yet.
        let mut answers = answers;
        view::item_action(&mut answers, posted.action(), |group| {
            editable_ids.contains(group)
        });
        let typed = Typed {
            corrections: Some((answers, Errors::default(), editable_ids)),
            ..Typed::default()
        };
        return case_page(&state, &ctx, &case, access, typed, None).await;
    }
    match requester::resubmit(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        &case,
        case.row_version,
        &definition,
        answers.clone(),
        new_documents,
        today(&ctx),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/my/requests/{}?notice=portal-resubmitted",
            case.id
        ))
        .into_response()),
        Err(FlowError::Answers(e)) => {
            let errors = Errors::from_answers(e);
            let typed = Typed {
                corrections: Some((answers, errors, editable_ids)),
                ..Typed::default()
            };
            case_page(&state, &ctx, &case, access, typed, None).await
        }
        Err(FlowError::Stale) => case_page(&state, &ctx, &case, access, stale(&ctx), None).await,
        Err(FlowError::Refused(code)) => {
            let typed = Typed {
                alert: Some(ctx.tk(code)),
                ..Typed::default()
            };
            case_page(&state, &ctx, &case, access, typed, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub confirm: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> AppResult<Response> {
    let (case, access) = case_for(&state, &ctx, &headers, &id).await?;
    let definition =
        super::definition(&state, ctx.tenant.id, case.service_id, case.service_version).await?;
    let version: i64 = form.version.parse().unwrap_or(-1);
    if form.confirm != "yes" {
        let typed = Typed {
            alert: Some(ctx.tk("portal-withdraw-confirm-needed")),
            ..Typed::default()
        };
        return case_page(&state, &ctx, &case, access, typed, None).await;
    }
    match requester::withdraw(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        &case,
        version,
        &definition,
    )
    .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/my/requests/{}?notice=portal-withdrawn", case.id))
                .into_response(),
        ),
        Err(FlowError::Stale) => case_page(&state, &ctx, &case, access, stale(&ctx), None).await,
        Err(FlowError::Refused(code)) => {
            let typed = Typed {
                alert: Some(ctx.tk(code)),
                ..Typed::default()
            };
            case_page(&state, &ctx, &case, access, typed, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn survey(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<SurveyForm>,
) -> AppResult<Response> {
    let (case, access) = case_for(&state, &ctx, &headers, &id).await?;
    let version: i64 = form.version.parse().unwrap_or(-1);
    match requester::answer_survey(
        &state,
        &ctx.actor(),
        &case,
        version,
        &form.rating,
        &form.comment,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/my/requests/{}?notice=portal-survey-thanks",
            case.id
        ))
        .into_response()),
        Err(FlowError::Answers(e)) => {
            let typed = Typed {
                survey_rating: form.rating,
                survey_comment: form.comment,
                survey_errors: e.into_iter().map(|e| (e.field, ctx.t(e.code))).collect(),
                ..Typed::default()
            };
            case_page(&state, &ctx, &case, access, typed, None).await
        }
        Err(FlowError::Stale) => case_page(&state, &ctx, &case, access, stale(&ctx), None).await,
        Err(FlowError::Refused(code)) => {
            let typed = Typed {
                alert: Some(ctx.tk(code)),
                ..Typed::default()
            };
            case_page(&state, &ctx, &case, access, typed, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A document of the case, to download (never shown inline: the browser must not run it).
pub async fn document(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, document)): Path<(String, String)>,
) -> AppResult<Response> {
    let (case, _) = case_for(&state, &ctx, &headers, &id).await?;
    let document = Uuid::parse_str(&document).map_err(|_| AppError::NotFound)?;
    let (doc, _) = cases::documents(&state.db, ctx.tenant.id, case.id)
        .await?
        .into_iter()
        .find(|(d, _)| d.id == document)
        .ok_or(AppError::NotFound)?;
    download(&state, &doc).await
}

/// The bytes of a document as an attachment, with its sniffed type.
pub(crate) async fn download(
    state: &AppState,
    doc: &relais_store::documents::Document,
) -> AppResult<Response> {
    let bytes = state.files.get(&doc.file_hash).await?;
    let ascii: String = doc
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::middleware::urlencode(&doc.file_name)
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&doc.media_type)
                    .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// Filing: confirmation, acknowledgement, receipt

#[derive(Template)]
#[template(path = "portal/filed.html")]
struct FiledTpl<'a> {
    ctx: &'a Ctx,
    id: Uuid,
    reference: String,
    service: String,
    submitted: String,
    tracking_code: Option<String>,
    email: Option<String>,
}

pub async fn filed_page(
    state: &AppState,
    ctx: &Ctx,
    case: &Case,
    tracking_code: Option<&str>,
) -> AppResult<Response> {
    let service = services::get(&state.db, ctx.tenant.id, case.service_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let email = match portal_user(ctx) {
        Some(u) if case.requester_account_id == Some(u.id) => Some(u.email.clone()),
        _ => case.contact_email.clone(),
    };
    render(&FiledTpl {
        ctx,
        id: case.id,
        reference: case.reference.clone(),
        service: service_title(ctx, &service),
        submitted: local_time(ctx, case.submitted_at),
        tracking_code: tracking_code.map(str::to_owned),
        email,
    })
}

pub async fn filed(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (case, _) = case_for(&state, &ctx, &headers, &id).await?;
    filed_page(&state, &ctx, &case, None).await
}

/// What the receipt says, line by line.
async fn receipt_lines(
    state: &AppState,
    ctx: &Ctx,
    service: &services::Service,
    case: &Case,
) -> AppResult<Vec<String>> {
    let definition =
        super::definition(state, ctx.tenant.id, case.service_id, case.service_version).await?;
    let docs: Vec<String> = cases::documents(&state.db, ctx.tenant.id, case.id)
        .await?
        .into_iter()
        .map(|(d, _)| d.file_name)
        .collect();
    Ok(lines_of(
        ctx,
        service,
        &definition,
        &case.reference,
        case.submitted_at,
        &case.answers_map(),
        &docs,
    ))
}

/// What the receipt and the acknowledgement say, line by line, from their parts (the
/// acknowledgement is written before the case is filed, with its reference to be filled in).
fn lines_of(
    ctx: &Ctx,
    service: &services::Service,
    definition: &ServiceDefinition,
    reference: &str,
    submitted_at: chrono::DateTime<chrono::Utc>,
    answers: &serde_json::Map<String, Value>,
    documents: &[String],
) -> Vec<String> {
    let mut lines = vec![
        ctx.t1("portal-receipt-reference", "reference", reference),
        ctx.tk1(
            "portal-receipt-service",
            "service",
            &service_title(ctx, service),
        ),
        ctx.t1(
            "portal-receipt-received",
            "date",
            local_time(ctx, submitted_at),
        ),
        ctx.t1("portal-receipt-handled-by", "tenant", &ctx.tenant.name),
    ];
    if let Some(contact) = &ctx.tenant.contact_email {
        lines.push(ctx.t1("portal-receipt-contact", "email", contact));
    }
    lines.push(String::new());
    lines.push(ctx.tk("portal-receipt-meaning"));
    if let Ok(clean) = definition.form.validate_answers(
        answers,
        relais_domain::case::to_local(submitted_at, &ctx.tenant.time_zone).date(),
    ) {
        lines.push(String::new());
        lines.push(ctx.t("portal-receipt-answers"));
        for (label, value) in definition.form.summary(&clean, ctx.locale) {
            lines.push(format!(
                "{} : {}",
                label.get(ctx.locale),
                value.replace('\n', " ")
            ));
        }
    }
    if !documents.is_empty() {
        lines.push(String::new());
        lines.push(ctx.t("portal-receipt-documents"));
        for name in documents {
            lines.push(format!("• {name}"));
        }
    }
    lines
}

pub async fn receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (case, _) = case_for(&state, &ctx, &headers, &id).await?;
    let service = services::get(&state.db, ctx.tenant.id, case.service_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut lines = vec![ctx.tenant.name.clone(), String::new()];
    lines.extend(receipt_lines(&state, &ctx, &service, &case).await?);
    let pdf = crate::pdf::render(&crate::pdf::Document {
        title: ctx.t("portal-receipt-title"),
        lines,
    });
    let name = format!("{}.pdf", case.reference);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// The acknowledgement of receipt, by e-mail: the reference, the date, who handles it and
/// how to reach them (and, for an anonymous filer, the tracking code and where to use it).
/// Written before the case is filed and queued in the filing's transaction
/// (`flow::file_with`), so a filed case always has its acknowledgement and never waits for a
/// mail server.
pub struct Acknowledgement<'a> {
    pub ctx: &'a Ctx,
    pub service: &'a services::Service,
    pub definition: &'a ServiceDefinition,
    /// The names of the documents handed over.
    pub documents: Vec<String>,
    /// The signed-in requester's address (else the anonymous filer's contact address).
    pub to: Option<String>,
    /// The start of the links in it.
    pub base: String,
}

impl Acknowledgement<'_> {
    pub fn mail(&self, receipt: &crate::cases::flow::Receipt<'_>) -> Option<OutboxMail> {
        use relais_store::outbox::{CASE_ID, REFERENCE};
        let ctx = self.ctx;
        let to = self
            .to
            .clone()
            .or_else(|| receipt.contact_email.map(str::to_owned))?;
        let answers = receipt.answers.as_object().cloned().unwrap_or_default();
        let lines = lines_of(
            ctx,
            self.service,
            self.definition,
            REFERENCE,
            receipt.submitted_at,
            &answers,
            &self.documents,
        );
        let base = &self.base;
        let follow = match receipt.tracking_code {
            Some(code) => {
                ctx.t1("portal-ack-tracking", "code", code)
                    + "\n"
                    + &ctx.t1("portal-ack-track-link", "link", format!("{base}/track"))
            }
            None => ctx.t1(
                "portal-ack-account-link",
                "link",
                format!("{base}/my/requests/{CASE_ID}"),
            ),
        };
        let text = format!(
            "{}\n\n{}\n\n{follow}\n\n— {}\n",
            ctx.tk("portal-ack-intro"),
            lines.join("\n"),
            ctx.tenant.name
        );
        Some(crate::outbox::mail(
            to,
            ctx.t1("portal-ack-subject", "reference", REFERENCE),
            text,
            "case.acknowledgement",
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Following a case with its tracking code

#[derive(Template)]
#[template(path = "portal/track.html")]
struct TrackTpl<'a> {
    ctx: &'a Ctx,
    reference: String,
    error: Option<String>,
}

pub async fn track_form(ctx: Ctx) -> AppResult<Response> {
    render(&TrackTpl {
        ctx: &ctx,
        reference: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub code: String,
}

pub async fn track(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<TrackForm>,
) -> AppResult<Response> {
    let client = ctx.client_ip.clone().unwrap_or_default();
    if !state.limiter.allow(
        "track",
        &client,
        TRACK_ATTEMPTS,
        std::time::Duration::from_secs(60),
    ) {
        return Err(AppError::Refused(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
        ));
    }
    let found = match (
        Reference::parse(&form.reference),
        normalise_tracking_code(&form.code),
    ) {
        (Some(reference), Some(code)) => {
            cases::by_tracking(&state.db, ctx.tenant.id, &reference, &code)
                .await?
                .map(|case| (case, code))
        }
        _ => None,
    };
    let Some((case, code)) = found else {
        // One message whatever is wrong, so neither half can be probed alone.
        let mut r = render(&TrackTpl {
            reference: form.reference.chars().take(40).collect(),
            error: Some(ctx.tk("portal-track-not-found")),
            ctx: &ctx,
        })?;
        *r.status_mut() = StatusCode::NOT_FOUND;
        return Ok(r);
    };
    let mut r = Redirect::to(&format!("/my/requests/{}", case.id)).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        tracking_cookie(&state, &case.reference, &code),
    );
    Ok(r)
}

//! Filing a case on the portal, step by step: the form's visible pages, then the required
//! documents (uploaded, or chosen from the person's document safe), then a summary, then
//! the submission through `cases::flow::file`.
//!
//! A signed-in person's answers are a draft (`relais_store::drafts`), saved at each page and
//! resumed from "My requests"; a draft whose service has a newer published version is carried
//! to it (`carry_answers`) and the page lists what changed. An anonymous filer (services open
//! to anyone) carries the answers in the form itself; what the client sends back is checked
//! like any other input, and its documents are checked again at submission.
//!
//! The draft's JSON holds the form's answers plus, under the key `$documents` (never a field
//! id), the documents given for each required document.

use super::form::{self as view, DocumentNames, Errors, FieldView, Posted};
use super::{Wording, person_of, published, service_title, today};
use crate::cases::flow::{self, Filing, FlowError};
use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    extract::{Path, Query, Request, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use chrono::Utc;
use relais_domain::filing::check_upload;
use relais_domain::service::definition::{self, DocumentKind, RequiredDocument, ServiceDefinition};
use relais_domain::service::form::{Answers, Field};
use relais_domain::service::sla::Priority;
use relais_store::{
    accounts::Account,
    documents::{self, Document, NewDocument},
    drafts::{self, Draft},
    portal::{self as store, OrganisationOf},
    services::Service,
};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// Types, size and count accepted for a required document (the definition sets them for
/// file fields only).
pub const DOCUMENT_ACCEPT: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];
pub const DOCUMENT_MAX_BYTES: u64 = 10_000_000;
pub const DOCUMENT_MAX_COUNT: usize = 5;
/// How long an anonymous filer's uploads may wait for the submission.
const ANONYMOUS_UPLOAD_HOURS: i64 = 24;
/// The key of the required documents in a draft's JSON.
const DOCUMENTS_KEY: &str = "$documents";
const VERSION_KEY: &str = "$version";
/// The summary's "for whom" control.
const BEHALF: &str = "on_behalf";

fn document_accept() -> Vec<String> {
    DOCUMENT_ACCEPT.iter().map(|s| (*s).to_owned()).collect()
}

/// A step of the filing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Page(String),
    Documents,
    Summary,
}

impl Step {
    fn key(&self) -> String {
        match self {
            Step::Page(id) => format!("p:{id}"),
            Step::Documents => "documents".into(),
            Step::Summary => "summary".into(),
        }
    }

    fn parse(s: &str) -> Option<Step> {
        match s {
            "documents" => Some(Step::Documents),
            "summary" => Some(Step::Summary),
            _ => s.strip_prefix("p:").map(|id| Step::Page(id.to_owned())),
        }
    }
}

/// Where the answers in progress live.
enum Holder {
    Draft(Draft),
    Anonymous,
}

/// A filing in progress.
struct Work {
    service: Service,
    definition: std::sync::Arc<ServiceDefinition>,
    version: i32,
    answers: Answers,
    /// Required document id → the documents given for it.
    documents: BTreeMap<String, Vec<Uuid>>,
    holder: Holder,
    account: Option<Account>,
    person: Option<Uuid>,
    /// The organisations the person may file for (member or representative).
    organisations: Vec<OrganisationOf>,
    /// What changed since the version the answers were given under, and the answers that
    /// no longer fit (labels), when they were carried to the published version.
    changes: Vec<(String, bool)>,
    dropped: Vec<String>,
}

/// Splits a stored draft (or an anonymous state) into answers, documents and version. Only
/// keys that are fields of the form survive; document entries must be required documents of
/// the service holding document ids.
fn split(
    stored: Map<String, Value>,
    definition: &ServiceDefinition,
) -> (Answers, BTreeMap<String, Vec<Uuid>>, Option<i64>) {
    let mut answers = Answers::new();
    let mut documents = BTreeMap::new();
    let mut version = None;
    for (key, value) in stored {
        if key == DOCUMENTS_KEY {
            if let Value::Object(map) = value {
                for (doc, ids) in map {
                    if definition.documents.iter().any(|d| d.id == doc) {
                        let ids = view::document_ids(Some(&ids));
                        if !ids.is_empty() {
                            documents.insert(doc, ids);
                        }
                    }
                }
            }
        } else if key == VERSION_KEY {
            version = value.as_i64();
        } else if definition.form.field(&key).is_some() {
            answers.insert(key, value);
        }
    }
    (answers, documents, version)
}

impl Work {
    fn stored(&self) -> Value {
        let mut map = self.answers.clone();
        let docs: Map<String, Value> = self
            .documents
            .iter()
            .map(|(k, ids)| {
                (
                    k.clone(),
                    Value::Array(ids.iter().map(|i| Value::String(i.to_string())).collect()),
                )
            })
            .collect();
        if !docs.is_empty() {
            map.insert(DOCUMENTS_KEY.into(), Value::Object(docs));
        }
        if matches!(self.holder, Holder::Anonymous) {
            map.insert(VERSION_KEY.into(), Value::from(self.version));
        }
        Value::Object(map)
    }

    fn steps(&self) -> Vec<Step> {
        let mut steps: Vec<Step> = self
            .definition
            .form
            .visible_pages(&self.answers)
            .iter()
            .map(|p| Step::Page(p.id.clone()))
            .collect();
        if !self.definition.documents.is_empty() {
            steps.push(Step::Documents);
        }
        steps.push(Step::Summary);
        steps
    }

    /// The step if it is one of this filing's steps now, else the first.
    fn valid_step(&self, step: Option<Step>) -> Step {
        let steps = self.steps();
        step.filter(|s| steps.contains(s))
            .unwrap_or_else(|| steps[0].clone())
    }

    fn neighbour(&self, step: &Step, forward: bool) -> Step {
        let steps = self.steps();
        let i = steps.iter().position(|s| s == step).unwrap_or(0);
        let j = if forward {
            (i + 1).min(steps.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        steps[j].clone()
    }

    /// The visible fields of a page, for these answers.
    fn page_fields<'a>(&'a self, page_id: &str, answers: &Answers) -> Vec<&'a Field> {
        let visible = self.definition.form.visible_fields(answers);
        self.definition
            .form
            .pages
            .iter()
            .find(|p| p.id == page_id)
            .map(|p| {
                p.fields
                    .iter()
                    .filter(|f| visible.contains(&f.id))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn all_fields(&self) -> Vec<Field> {
        self.definition.form.fields().cloned().collect()
    }

    fn is_anonymous(&self) -> bool {
        matches!(self.holder, Holder::Anonymous)
    }

    async fn save(&self, state: &AppState, ctx: &Ctx, step: &Step) -> AppResult<()> {
        if let (Holder::Draft(draft), Some(account)) = (&self.holder, &self.account) {
            let page = self.steps().iter().position(|s| s == step).unwrap_or(0) as i32;
            drafts::save(
                &state.db,
                ctx.tenant.id,
                account.id,
                draft.id,
                self.version,
                &self.stored(),
                page,
            )
            .await?;
        }
        Ok(())
    }
}

/// Carries answers given under `from` to the published version, remembering what changed.
fn carry(work: &mut Work, ctx: &Ctx, from: &ServiceDefinition) {
    let locale = ctx.locale;
    work.changes = definition::changes(from, &work.definition)
        .iter()
        .map(|c| (c.describe(locale), c.affects_answers()))
        .collect();
    let (kept, dropped) = definition::carry_answers(&work.definition, &work.answers, today(ctx));
    work.dropped = dropped
        .iter()
        .map(|id| {
            from.form
                .field(id)
                .map_or_else(|| id.clone(), |f| f.label.get(locale).to_owned())
        })
        .collect();
    work.answers = kept;
    let still: BTreeSet<&str> = work
        .definition
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    work.documents.retain(|k, _| still.contains(k.as_str()));
}

/// The draft of this account, carried to the service's published version if it moved on.
async fn load_draft(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Work> {
    let account = super::requester(ctx)?.clone();
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let draft = drafts::get(&state.db, ctx.tenant.id, account.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let service = relais_store::services::get(&state.db, ctx.tenant.id, draft.service_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(version) = service
        .published_version
        .filter(|_| service.state == "published")
    else {
        return Err(AppError::Refused(StatusCode::GONE, "portal-service-closed"));
    };
    let definition = super::definition(state, ctx.tenant.id, service.id, version).await?;
    let (answers, documents, _) = split(draft.answers_map(), &definition);
    let person = person_of(state, &account).await?;
    let organisations = organisations_of(state, ctx, person).await?;
    let old_version = draft.service_version;
    let mut work = Work {
        service,
        definition,
        version,
        answers,
        documents,
        holder: Holder::Draft(draft),
        account: Some(account),
        person,
        organisations,
        changes: Vec::new(),
        dropped: Vec::new(),
    };
    if old_version != version {
        let old = super::definition(state, ctx.tenant.id, work.service.id, old_version).await?;
        carry(&mut work, ctx, &old);
        let step = work.steps()[0].clone();
        work.save(state, ctx, &step).await?;
    }
    Ok(work)
}

/// A new filing of a published service, for whoever is on the page.
async fn new_work(state: &AppState, ctx: &Ctx, slug: &str) -> AppResult<Work> {
    let (service, definition) = published(state, ctx, slug).await?;
    let version = service.published_version.unwrap_or_default();
    let account = match ctx.user.as_deref() {
        Some(_) => Some(super::requester(ctx)?.clone()),
        None => None,
    };
    if account.is_none() && service.who_may_file != "anyone" {
        return Err(AppError::SignInNeeded);
    }
    let person = match &account {
        Some(a) => person_of(state, a).await?,
        None => None,
    };
    let organisations = organisations_of(state, ctx, person).await?;
    // Filed on behalf of an organisation only: the person must belong to one.
    if service.who_may_file == "organisations" && organisations.is_empty() {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            "portal-organisations-only",
        ));
    }
    let mut answers = Answers::new();
    // Prefill from the profile: the account's e-mail address is known.
    if let Some(a) = &account {
        for field in definition.form.fields() {
            if field.prefill == Some(relais_domain::service::form::Prefill::Email) {
                answers.insert(field.id.clone(), Value::String(a.email.clone()));
            }
        }
    }
    Ok(Work {
        service,
        definition,
        version,
        answers,
        documents: BTreeMap::new(),
        holder: Holder::Anonymous,
        account,
        person,
        organisations,
        changes: Vec::new(),
        dropped: Vec::new(),
    })
}

/// An anonymous filer's work from the state the form carried back.
fn restore_anonymous(
    ctx: &Ctx,
    work: &mut Work,
    posted: &Posted,
    from: Option<std::sync::Arc<ServiceDefinition>>,
) {
    let raw = posted.get("state");
    let Ok(Value::Object(stored)) = serde_json::from_str::<Value>(raw) else {
        return;
    };
    let (answers, documents, _) = split(stored, from.as_ref().unwrap_or(&work.definition));
    work.answers = answers;
    work.documents = documents;
    if let Some(old) = from {
        carry(work, ctx, &old);
    }
}

// ---------------------------------------------------------------------------------------
// Views

pub struct DocView {
    pub key: String,
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub hint: String,
    pub required: bool,
    pub files: Vec<view::FileView>,
    pub accept: String,
    pub error: Option<String>,
    pub safe: Vec<SafeChoice>,
}

impl DocView {
    pub fn aria(&self) -> String {
        let mut ids = vec![format!("{}-hint", self.id)];
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        let invalid = if self.error.is_some() {
            " aria-invalid=\"true\""
        } else {
            ""
        };
        format!("{invalid} aria-describedby=\"{}\"", ids.join(" "))
    }
}

pub struct SafeChoice {
    pub value: String,
    pub id: String,
    pub name: String,
    pub until: String,
}

pub struct StepLink {
    pub title: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "portal/filing.html")]
struct FilingTpl<'a> {
    ctx: &'a Ctx,
    title: String,
    slug: String,
    action: String,
    multipart: bool,
    step_key: String,
    step_title: String,
    step_text: String,
    steps: Vec<StepLink>,
    is_page: bool,
    is_documents: bool,
    is_summary: bool,
    first: bool,
    anonymous: bool,
    draft_id: Option<Uuid>,
    state_json: String,
    fields: Vec<FieldView>,
    documents: Vec<DocView>,
    summary: Vec<(String, String)>,
    summary_documents: Vec<(String, String)>,
    contact_email: String,
    contact_error: Option<String>,
    errors: Vec<(String, String)>,
    alert: Option<String>,
    notice: Option<String>,
    changes: Vec<(String, bool)>,
    dropped: Vec<String>,
    /// On the summary, for a person who belongs to organisations: for whom the case is filed.
    behalf: Vec<BehalfChoice>,
    behalf_error: Option<String>,
}

/// One answer to "for whom": the person themself (`self`) or one of their organisations.
pub struct BehalfChoice {
    pub value: String,
    pub id: String,
    pub label: String,
    pub checked: bool,
}

/// What a step shows: its page of fields, the documents, or the summary.
struct Shown {
    step: Step,
    errors: Errors,
    alert: Option<String>,
    notice: Option<String>,
    contact_email: String,
    /// The "for whom" answer posted with the summary (`self` or an organisation's id).
    on_behalf: String,
}

impl Shown {
    fn plain(step: Step) -> Shown {
        Shown {
            step,
            errors: Errors::default(),
            alert: None,
            notice: None,
            contact_email: String::new(),
            on_behalf: String::new(),
        }
    }
}

/// The organisations a person may act for (member or representative).
pub(crate) async fn organisations_of(
    state: &AppState,
    ctx: &Ctx,
    person: Option<Uuid>,
) -> AppResult<Vec<OrganisationOf>> {
    Ok(match person {
        Some(p) => store::organisations_of(&state.db, ctx.tenant.id, p).await?,
        None => Vec::new(),
    })
}

/// Reads the summary's "for whom" answer: `Ok(None)` for the person themself, the
/// organisation's id when it is one of theirs; the error code otherwise. A service filed on
/// behalf of organisations only needs one of them.
pub(crate) fn read_behalf(
    who_may_file: &str,
    organisations: &[OrganisationOf],
    posted: &str,
) -> Result<Option<Uuid>, &'static str> {
    let organisations_only = who_may_file == "organisations";
    match posted.trim() {
        "" if organisations_only => Err("portal-on-behalf-required"),
        "" | "self" if !organisations_only => Ok(None),
        "self" => Err("portal-on-behalf-required"),
        id => Uuid::parse_str(id)
            .ok()
            .filter(|id| organisations.iter().any(|o| o.id == *id))
            .map(Some)
            .ok_or("portal-on-behalf-unknown"),
    }
}

/// The choices of "for whom" for a person who belongs to organisations (none otherwise),
/// `on_behalf` being the answer as posted; `self_label` names the person themself.
pub(crate) fn behalf_choices(
    ctx: &Ctx,
    self_label: &str,
    who_may_file: &str,
    organisations: &[OrganisationOf],
    on_behalf: &str,
) -> Vec<BehalfChoice> {
    if organisations.is_empty() {
        return Vec::new();
    }
    let organisations_only = who_may_file == "organisations";
    // One organisation and no other choice: it is chosen already.
    let only =
        (organisations_only && organisations.len() == 1).then(|| organisations[0].id.to_string());
    let chosen = if on_behalf.is_empty() {
        only.unwrap_or_else(|| {
            if organisations_only {
                String::new()
            } else {
                "self".to_owned()
            }
        })
    } else {
        on_behalf.to_owned()
    };
    let mut choices = Vec::new();
    if !organisations_only {
        choices.push(BehalfChoice {
            id: "on_behalf-self".into(),
            label: ctx.t(self_label),
            checked: chosen == "self",
            value: "self".into(),
        });
    }
    for o in organisations {
        let value = o.id.to_string();
        choices.push(BehalfChoice {
            id: format!("on_behalf-{}", o.id.simple()),
            label: o.name.clone(),
            checked: chosen == value,
            value,
        });
    }
    choices
}

async fn names_of(
    state: &AppState,
    ctx: &Ctx,
    ids: impl Iterator<Item = Uuid>,
) -> AppResult<DocumentNames> {
    let mut names = HashMap::new();
    for id in ids {
        if let Some(d) = documents::get(&state.db, ctx.tenant.id, id).await? {
            names.insert(id, (d.file_name, d.size_bytes));
        }
    }
    Ok(names)
}

/// Documents of the person's safe that can stand for a required document: valid, of its
/// kind, not expired, and recent enough.
async fn safe_candidates(
    state: &AppState,
    ctx: &Ctx,
    person: Option<Uuid>,
    required: &RequiredDocument,
) -> AppResult<Vec<Document>> {
    let Some(person) = person.filter(|_| required.reuse_from_safe) else {
        return Ok(Vec::new());
    };
    let today = today(ctx);
    Ok(documents::safe(&state.db, ctx.tenant.id, person)
        .await?
        .into_iter()
        .filter(|d| d.status == "valid" && d.kind.as_deref() == Some(required.kind.as_str()))
        .filter(|d| d.valid_until.is_none_or(|u| u >= today))
        .filter(|d| {
            required.max_age_days.is_none_or(|days| {
                let since = d.checked_at.unwrap_or(d.created_at);
                relais_domain::case::to_local(since, &ctx.tenant.time_zone).date()
                    + chrono::Days::new(u64::from(days))
                    >= today
            })
        })
        .collect())
}

/// The inputs of a required document: the files already given (`files`, ids `given`), the
/// documents of the person's safe that could stand for it, and its error.
pub(crate) async fn document_view(
    state: &AppState,
    ctx: &Ctx,
    person: Option<Uuid>,
    d: &RequiredDocument,
    files: Vec<view::FileView>,
    given: &[Uuid],
    error: Option<String>,
) -> AppResult<DocView> {
    let locale = ctx.locale;
    let candidates = safe_candidates(state, ctx, person, d).await?;
    Ok(DocView {
        key: format!("doc:{}", d.id),
        id: view::html_id(&format!("doc-{}", d.id)),
        label: d.label.get(locale).to_owned(),
        help: d.help.as_ref().map(|h| h.get(locale).to_owned()),
        hint: view::file_hint(
            ctx,
            &document_accept(),
            DOCUMENT_MAX_BYTES,
            DOCUMENT_MAX_COUNT as u32,
        ),
        required: d.required,
        files,
        accept: relais_domain::filing::accept_attribute(&document_accept()),
        error,
        safe: candidates
            .into_iter()
            .filter(|c| !given.contains(&c.id))
            .map(|c| SafeChoice {
                value: c.id.to_string(),
                id: view::html_id(&format!("safe-{}-{}", d.id, c.id.simple())),
                name: c.file_name.clone(),
                until: c
                    .valid_until
                    .map(|u| super::date_text(ctx, u))
                    .unwrap_or_default(),
            })
            .collect(),
    })
}

/// Checks the uploads posted for required documents (`doc:<id>`): type from the content,
/// size, and at most `DOCUMENT_MAX_COUNT` per document counting those already given
/// (`counts`). Every refusal is collected under the document's key.
pub(crate) fn check_document_uploads(
    definition: &ServiceDefinition,
    uploads: &mut Vec<view::Upload>,
    counts: &mut HashMap<String, usize>,
    errors: &mut Errors,
) -> Vec<Accepted> {
    let mut accepted = Vec::new();
    for upload in uploads.drain(..) {
        let Some(doc) = upload
            .name
            .strip_prefix("doc:")
            .and_then(|id| definition.documents.iter().find(|d| d.id == id))
        else {
            errors.push(upload.name.clone(), "upload-not-expected");
            continue;
        };
        let key = format!("doc:{}", doc.id);
        let n = counts.entry(doc.id.clone()).or_insert(0);
        *n += 1;
        if *n > DOCUMENT_MAX_COUNT {
            errors.push(key, "upload-too-many");
            continue;
        }
        match check_upload(&upload.bytes, &document_accept(), DOCUMENT_MAX_BYTES) {
            Ok(media_type) => accepted.push(Accepted {
                target: doc.id.clone(),
                kind: Some(doc.kind),
                file_name: upload.file_name,
                media_type,
                bytes: upload.bytes,
            }),
            Err(code) => errors.push(key, code),
        }
    }
    accepted
}

/// Documents chosen from the person's safe (`safe:<document id>` = a document's id): each
/// must be among those the safe offers for that required document.
pub(crate) async fn chosen_from_safe(
    state: &AppState,
    ctx: &Ctx,
    definition: &ServiceDefinition,
    person: Option<Uuid>,
    posted: &Posted,
    errors: &mut Errors,
) -> AppResult<Vec<(String, Uuid)>> {
    let mut chosen = Vec::new();
    for (name, value) in &posted.fields {
        let Some(doc_id) = name.strip_prefix("safe:") else {
            continue;
        };
        let Some(required) = definition.documents.iter().find(|d| d.id == doc_id) else {
            errors.push(name.clone(), "upload-not-expected");
            continue;
        };
        let candidates = safe_candidates(state, ctx, person, required).await?;
        match Uuid::parse_str(value)
            .ok()
            .filter(|id| candidates.iter().any(|c| c.id == *id))
        {
            Some(id) => chosen.push((required.id.clone(), id)),
            None => errors.push(format!("doc:{doc_id}"), "portal-safe-not-yours"),
        }
    }
    Ok(chosen)
}

fn field_label(work: &Work, ctx: &Ctx, path: &str) -> String {
    if path == BEHALF {
        return ctx.tk("portal-on-behalf");
    }
    let top = view::top_of(path);
    if let Some(doc) = path.strip_prefix("doc:")
        && let Some(d) = work.definition.documents.iter().find(|d| d.id == doc)
    {
        return d.label.get(ctx.locale).to_owned();
    }
    work.definition
        .form
        .field(top)
        .map_or_else(|| path.to_owned(), |f| f.label.get(ctx.locale).to_owned())
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    work: &Work,
    answers: &Answers,
    mut shown: Shown,
) -> AppResult<Response> {
    let steps = work.steps();
    let step = if steps.contains(&shown.step) {
        shown.step.clone()
    } else {
        steps[0].clone()
    };
    let index = steps.iter().position(|s| *s == step).unwrap_or(0);
    let locale = ctx.locale;
    let step_title = |s: &Step| match s {
        Step::Page(id) => work
            .definition
            .form
            .pages
            .iter()
            .find(|p| &p.id == id)
            .map_or_else(String::new, |p| p.title.get(locale).to_owned()),
        Step::Documents => ctx.tk("portal-step-documents"),
        Step::Summary => ctx.tk("portal-step-summary"),
    };
    let mut all_ids: Vec<Uuid> = view::documents_in(&work.all_fields(), answers)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    all_ids.extend(work.documents.values().flatten().copied());
    let names = names_of(state, ctx, all_ids.into_iter()).await?;
    let vc = view::ViewContext {
        ctx,
        errors: &shown.errors,
        documents: &names,
        today: today(ctx),
    };
    let mut fields = Vec::new();
    let mut docs = Vec::new();
    let mut summary = Vec::new();
    let mut summary_documents = Vec::new();
    let mut multipart = false;
    match &step {
        Step::Page(id) => {
            let page_fields = work.page_fields(id, answers);
            multipart = page_fields.iter().any(|f| has_files(f));
            fields = vc.fields(&page_fields, answers);
        }
        Step::Documents => {
            multipart = true;
            for d in &work.definition.documents {
                let key = format!("doc:{}", d.id);
                let held: Vec<Value> = work
                    .documents
                    .get(&d.id)
                    .map(|ids| ids.iter().map(|i| Value::String(i.to_string())).collect())
                    .unwrap_or_default();
                let files = view::document_ids(Some(&Value::Array(held)))
                    .into_iter()
                    .map(|id| {
                        let (name, size) = names.get(&id).cloned().unwrap_or_default();
                        view::FileView {
                            id,
                            name,
                            size: super::size_text(ctx, size.max(0) as u64),
                        }
                    })
                    .collect();
                let given = work.documents.get(&d.id).cloned().unwrap_or_default();
                let error = shown.errors.get(&key).map(|c| ctx.tk(c));
                docs.push(document_view(state, ctx, work.person, d, files, &given, error).await?);
            }
        }
        Step::Summary => {
            match work.definition.form.validate_answers(answers, today(ctx)) {
                Ok(clean) => {
                    summary = work
                        .definition
                        .form
                        .summary(&clean, locale)
                        .into_iter()
                        .map(|(label, value)| (label.get(locale).to_owned(), value))
                        .collect();
                }
                Err(missing) if shown.errors.is_empty() => {
                    shown.errors = Errors::from_answers(missing);
                    shown.alert = Some(ctx.t("portal-summary-incomplete"));
                }
                Err(_) => {}
            }
            for d in &work.definition.documents {
                let given: Vec<String> = work
                    .documents
                    .get(&d.id)
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|i| names.get(i).map(|(n, _)| n.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                summary_documents.push((
                    d.label.get(locale).to_owned(),
                    if given.is_empty() {
                        ctx.t("portal-none")
                    } else {
                        given.join(", ")
                    },
                ));
            }
        }
    }
    let errors = shown
        .errors
        .list
        .iter()
        .map(|(path, code)| {
            let anchor = if let Some(doc) = path.strip_prefix("doc:") {
                view::html_id(&format!("doc-{doc}"))
            } else {
                view::html_id(path)
            };
            // On the summary, an answer is fixed on its own page (drafts can go there).
            let page = work
                .definition
                .form
                .pages
                .iter()
                .find(|p| p.fields.iter().any(|f| f.id == view::top_of(path)))
                .map(|p| Step::Page(p.id.clone()));
            let href = match (&step, &work.holder, page) {
                (Step::Summary, Holder::Draft(d), Some(page)) => format!(
                    "/my/drafts/{}?step={}#{anchor}",
                    d.id,
                    crate::middleware::urlencode(&page.key())
                ),
                (Step::Summary, Holder::Draft(d), None) if path.starts_with("doc:") => {
                    format!("/my/drafts/{}?step=documents#{anchor}", d.id)
                }
                _ => format!("#{anchor}"),
            };
            let separator = if ctx.lang() == "fr" { " : " } else { ": " };
            (
                href,
                format!(
                    "{}{separator}{}",
                    field_label(work, ctx, path),
                    ctx.tk(code)
                ),
            )
        })
        .collect::<Vec<_>>();
    let has_errors = !errors.is_empty() || shown.alert.is_some();
    let behalf = if step == Step::Summary {
        behalf_choices(
            ctx,
            "portal-on-behalf-self",
            &work.service.who_may_file,
            &work.organisations,
            &shown.on_behalf,
        )
    } else {
        Vec::new()
    };
    let (action, draft_id) = match &work.holder {
        Holder::Draft(d) => (format!("/my/drafts/{}", d.id), Some(d.id)),
        Holder::Anonymous => (format!("/services/{}/file", work.service.slug), None),
    };
    // Multipart forms carry the CSRF token in the query string (the guard reads it there).
    let action = if multipart {
        format!("{action}?csrf_token={}", ctx.csrf)
    } else {
        action
    };
    let response = render(&FilingTpl {
        ctx,
        title: service_title(ctx, &work.service),
        slug: work.service.slug.clone(),
        action,
        multipart,
        step_key: step.key(),
        step_title: step_title(&step),
        step_text: crate::i18n::message(
            ctx.locale,
            "portal-step-of",
            &[
                ("step", ((index + 1) as i64).into()),
                ("count", (steps.len() as i64).into()),
            ],
        ),
        steps: steps
            .iter()
            .map(|s| StepLink {
                title: step_title(s),
                current: *s == step,
            })
            .collect(),
        is_page: matches!(step, Step::Page(_)),
        is_documents: step == Step::Documents,
        is_summary: step == Step::Summary,
        first: index == 0,
        anonymous: work.is_anonymous(),
        draft_id,
        state_json: if work.is_anonymous() {
            work.stored().to_string()
        } else {
            String::new()
        },
        fields,
        documents: docs,
        summary,
        summary_documents,
        contact_error: shown.errors.get("contact_email").map(|c| ctx.t(c)),
        contact_email: shown.contact_email,
        errors,
        alert: shown.alert,
        notice: shown.notice,
        changes: work.changes.clone(),
        dropped: work.dropped.clone(),
        behalf,
        behalf_error: shown.errors.get(BEHALF).map(|c| ctx.tk(c)),
    })?;
    Ok(if has_errors {
        view::unprocessable(response)
    } else {
        response
    })
}

pub(crate) fn has_files(field: &Field) -> bool {
    use relais_domain::service::form::FieldKind;
    match &field.kind {
        FieldKind::File { .. } => true,
        FieldKind::Group { fields, .. } => fields.iter().any(has_files),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------
// Handlers

#[derive(Deserialize, Default)]
pub struct StepQuery {
    pub step: Option<String>,
}

/// The first page of a new filing.
pub async fn start_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let work = new_work(&state, &ctx, &slug).await?;
    let step = work.valid_step(None);
    show(
        &state,
        &ctx,
        &work,
        &work.answers.clone(),
        Shown::plain(step),
    )
    .await
}

/// A signed-in person's first page opens a draft; an anonymous filer's every step posts here.
pub async fn start_or_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let mut work = new_work(&state, &ctx, &slug).await?;
    let posted = Posted::read(&state, req).await?;
    if let Some(account) = work.account.clone() {
        // Refuse bad input before anything is written, the draft included.
        if let Some(r) = refuse_unknown(&state, &ctx, &work, &posted).await? {
            return Ok(r);
        }
        let draft = drafts::create(
            &state.db,
            ctx.tenant.id,
            account.id,
            work.service.id,
            work.version,
        )
        .await?;
        work.holder = Holder::Draft(draft);
        let step = work.valid_step(None);
        work.save(&state, &ctx, &step).await?;
        return step_post(&state, &ctx, work, posted).await;
    }
    let from_version = serde_json::from_str::<Value>(posted.get("state"))
        .ok()
        .and_then(|v| v.get(VERSION_KEY).and_then(Value::as_i64))
        .and_then(|v| i32::try_from(v).ok());
    let old = match from_version {
        Some(v) if v != work.version => {
            super::definition(&state, ctx.tenant.id, work.service.id, v)
                .await
                .ok()
        }
        _ => None,
    };
    restore_anonymous(&ctx, &mut work, &posted, old);
    step_post(&state, &ctx, work, posted).await
}

pub async fn draft_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(draft): Path<String>,
    Query(q): Query<StepQuery>,
) -> AppResult<Response> {
    let work = load_draft(&state, &ctx, &draft).await?;
    let step = match q.step.as_deref().and_then(Step::parse) {
        Some(s) => work.valid_step(Some(s)),
        None => {
            let steps = work.steps();
            let saved = match &work.holder {
                Holder::Draft(d) => d.page.max(0) as usize,
                Holder::Anonymous => 0,
            };
            steps[saved.min(steps.len() - 1)].clone()
        }
    };
    let answers = work.answers.clone();
    show(&state, &ctx, &work, &answers, Shown::plain(step)).await
}

pub async fn draft_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(draft): Path<String>,
    req: Request,
) -> AppResult<Response> {
    let work = load_draft(&state, &ctx, &draft).await?;
    let posted = Posted::read(&state, req).await?;
    step_post(&state, &ctx, work, posted).await
}

pub async fn draft_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(draft): Path<String>,
) -> AppResult<Response> {
    let account = super::requester(&ctx)?;
    let id = Uuid::parse_str(&draft).map_err(|_| AppError::NotFound)?;
    drafts::delete(&state.db, ctx.tenant.id, account.id, id).await?;
    Ok(Redirect::to("/my/requests?notice=portal-draft-deleted").into_response())
}

/// Names of the form's controls besides the fields.
const CONTROLS: [&str; 7] = [
    "csrf_token",
    "action",
    "step",
    "state",
    "contact_email",
    "confirm",
    BEHALF,
];

/// A post naming fields the service does not have is refused as a whole, naming them.
async fn refuse_unknown(
    state: &AppState,
    ctx: &Ctx,
    work: &Work,
    posted: &Posted,
) -> AppResult<Option<Response>> {
    let unknown = view::unknown_names(&work.all_fields(), posted, &CONTROLS);
    if unknown.is_empty() {
        return Ok(None);
    }
    let step = work.valid_step(Step::parse(posted.get("step")));
    let mut shown = Shown::plain(step);
    shown.alert = Some(ctx.t1("portal-unknown-fields", "names", unknown.join(", ")));
    Ok(Some(show(state, ctx, work, &work.answers, shown).await?))
}

/// After a post: to the step's page (a draft is saved, so the page is fetched again), or
/// the step shown at once (anonymous filers carry their answers in the page).
async fn goto(state: &AppState, ctx: &Ctx, work: &Work, step: Step) -> AppResult<Response> {
    work.save(state, ctx, &step).await?;
    match &work.holder {
        Holder::Draft(d) => Ok(Redirect::to(&format!(
            "/my/drafts/{}?step={}",
            d.id,
            crate::middleware::urlencode(&step.key())
        ))
        .into_response()),
        Holder::Anonymous => show(state, ctx, work, &work.answers, Shown::plain(step)).await,
    }
}

/// One upload checked, to store once every upload of the post passed.
pub(crate) struct Accepted {
    pub target: String,
    pub kind: Option<DocumentKind>,
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Stores accepted uploads: the bytes in the file store, a document row each (in the
/// person's safe when there is a person).
pub(crate) async fn store_uploads(
    state: &AppState,
    ctx: &Ctx,
    person: Option<Uuid>,
    accepted: Vec<Accepted>,
) -> AppResult<Vec<(String, Uuid)>> {
    let mut out = Vec::new();
    for a in accepted {
        let hash = state.files.put(&a.bytes).await?;
        let doc = documents::create(
            &state.db,
            &ctx.actor(),
            &NewDocument {
                owner_person_id: person,
                kind: a.kind.map(DocumentKind::as_str),
                file_hash: &hash,
                media_type: a.media_type,
                size_bytes: a.bytes.len() as i64,
                file_name: &relais_domain::filing::clean_file_name(&a.file_name),
            },
        )
        .await?;
        out.push((a.target, doc.id));
    }
    Ok(out)
}

/// Checks the uploads of a page's file fields (type from the content, size, count). Every
/// refusal is collected; nothing is stored unless all pass.
pub(crate) fn check_field_uploads(
    fields: &[Field],
    allowed: &BTreeSet<String>,
    answers: &Answers,
    uploads: &mut Vec<view::Upload>,
    errors: &mut Errors,
) -> Vec<Accepted> {
    use relais_domain::service::form::FieldKind;
    let mut accepted = Vec::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for upload in uploads.drain(..) {
        let path = upload.name.clone();
        let Some(field) = view::file_field(fields, &path).filter(|_| allowed.contains(&path))
        else {
            errors.push(path, "upload-not-expected");
            continue;
        };
        let FieldKind::File {
            accept,
            max_size_bytes,
            max_count,
        } = &field.kind
        else {
            continue;
        };
        let held = {
            let mut a = answers.clone();
            view::file_value_mut(&mut a, &path)
                .map(|v| view::document_ids(Some(v)).len())
                .unwrap_or(0)
        };
        let n = counts.entry(path.clone()).or_insert(held);
        *n += 1;
        if *n > *max_count as usize {
            errors.push(path, "upload-too-many");
            continue;
        }
        match check_upload(&upload.bytes, accept, *max_size_bytes) {
            Ok(media_type) => accepted.push(Accepted {
                target: path,
                kind: None,
                file_name: upload.file_name,
                media_type,
                bytes: upload.bytes,
            }),
            Err(code) => errors.push(path, code),
        }
    }
    accepted
}

async fn step_post(
    state: &AppState,
    ctx: &Ctx,
    mut work: Work,
    mut posted: Posted,
) -> AppResult<Response> {
    if let Some(r) = refuse_unknown(state, ctx, &work, &posted).await? {
        return Ok(r);
    }
    // A step that is not one of this filing's steps now is shown, never processed: its
    // fields would be read from a form that did not show them.
    let requested = Step::parse(posted.get("step"));
    let step = work.valid_step(requested.clone());
    if requested.as_ref() != Some(&step) {
        return show(state, ctx, &work, &work.answers.clone(), Shown::plain(step)).await;
    }
    let action = posted.action().to_owned();
    match step.clone() {
        Step::Page(page_id) => page_post(state, ctx, work, posted, step, &page_id, &action).await,
        Step::Documents => documents_post(state, ctx, work, &mut posted, step, &action).await,
        Step::Summary => {
            if action == "back" {
                let prev = work.neighbour(&step, false);
                return goto(state, ctx, &work, prev).await;
            }
            if action != "submit" {
                return show(state, ctx, &work, &work.answers.clone(), Shown::plain(step)).await;
            }
            submit(state, ctx, &mut work, &posted).await
        }
    }
}

async fn page_post(
    state: &AppState,
    ctx: &Ctx,
    mut work: Work,
    mut posted: Posted,
    step: Step,
    page_id: &str,
    action: &str,
) -> AppResult<Response> {
    let before_fields: Vec<Field> = work
        .page_fields(page_id, &work.answers)
        .into_iter()
        .cloned()
        .collect();
    let before_refs: Vec<&Field> = before_fields.iter().collect();
    let paths_before = view::shown_paths(&before_refs, &work.answers);
    let mut merged = work.answers.clone();
    view::read(&before_refs, &posted, &mut merged);

    // Files first: a refused file refuses the whole post, and nothing is kept.
    let mut errors = Errors::default();
    let all_fields = work.all_fields();
    let accepted = check_field_uploads(
        &all_fields,
        &paths_before,
        &merged,
        &mut posted.files,
        &mut errors,
    );
    if !errors.is_empty() {
        let mut shown = Shown::plain(step);
        shown.errors = errors;
        return show(state, ctx, &work, &merged, shown).await;
    }
    // Accepted files are kept at once (in the draft too), whatever else the page says.
    for (target, id) in store_uploads(state, ctx, work.person, accepted).await? {
        for answers in [&mut merged, &mut work.answers] {
            if let Some(v) = view::file_value_mut(answers, &target) {
                view::push_documents(v, &[id]);
            }
        }
    }

    if let Some(rest) = action.strip_prefix("remove-file:")
        && let Some((path, id)) = rest.rsplit_once(':')
        && let Ok(id) = Uuid::parse_str(id)
    {
        if let Some(v) = view::file_value_mut(&mut merged, path) {
            view::remove_document(v, id);
        }
        work.answers = merged;
        return goto(state, ctx, &work, step).await;
    }
    if view::item_action(&mut merged, action, |group| {
        before_fields.iter().any(|f| f.id == group)
    }) {
        work.answers = merged;
        return goto(state, ctx, &work, step).await;
    }
    match action {
        "back" => {
            work.answers = merged;
            let prev = work.neighbour(&step, false);
            return goto(state, ctx, &work, prev).await;
        }
        "save" if !work.is_anonymous() => {
            work.answers = merged;
            work.save(state, ctx, &step).await?;
            return Ok(Redirect::to("/my/requests?notice=portal-draft-saved").into_response());
        }
        _ => {}
    }
    // Next: a condition may have opened questions on this page that were not asked yet.
    let after_fields = work.page_fields(page_id, &merged);
    let paths_after = view::shown_paths(&after_fields, &merged);
    if !paths_after.is_subset(&paths_before) {
        work.answers = merged;
        work.save(state, ctx, &step).await?;
        let mut shown = Shown::plain(step);
        shown.notice = Some(ctx.t("portal-more-questions"));
        return show(state, ctx, &work, &work.answers.clone(), shown).await;
    }
    let page_ids: BTreeSet<String> = after_fields.iter().map(|f| f.id.clone()).collect();
    let errors = match work.definition.form.validate_answers(&merged, today(ctx)) {
        Ok(_) => Errors::default(),
        Err(e) => Errors::from_answers(e).only(&page_ids),
    };
    if !errors.is_empty() {
        // What was typed is shown again with its errors; the draft keeps what it had.
        work.save(state, ctx, &step).await?;
        let mut shown = Shown::plain(step);
        shown.errors = errors;
        return show(state, ctx, &work, &merged, shown).await;
    }
    work.answers = merged;
    let next = work.neighbour(&step, true);
    goto(state, ctx, &work, next).await
}

async fn documents_post(
    state: &AppState,
    ctx: &Ctx,
    mut work: Work,
    posted: &mut Posted,
    step: Step,
    action: &str,
) -> AppResult<Response> {
    let mut errors = Errors::default();
    let mut counts: HashMap<String, usize> = work
        .documents
        .iter()
        .map(|(k, v)| (k.clone(), v.len()))
        .collect();
    let accepted = check_document_uploads(
        &work.definition,
        &mut posted.files,
        &mut counts,
        &mut errors,
    );
    let chosen = chosen_from_safe(
        state,
        ctx,
        &work.definition,
        work.person,
        posted,
        &mut errors,
    )
    .await?;
    if !errors.is_empty() {
        let mut shown = Shown::plain(step);
        shown.errors = errors;
        return show(state, ctx, &work, &work.answers.clone(), shown).await;
    }
    let stored = store_uploads(state, ctx, work.person, accepted).await?;
    for (doc, id) in stored.into_iter().chain(chosen) {
        let ids = work.documents.entry(doc).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if let Some(rest) = action.strip_prefix("remove-file:")
        && let Some((path, id)) = rest.rsplit_once(':')
        && let Ok(id) = Uuid::parse_str(id)
        && let Some(doc) = path.strip_prefix("doc:")
        && let Some(ids) = work.documents.get_mut(doc)
    {
        ids.retain(|d| *d != id);
        return goto(state, ctx, &work, step).await;
    }
    match action {
        "back" => {
            let prev = work.neighbour(&step, false);
            goto(state, ctx, &work, prev).await
        }
        "save" if !work.is_anonymous() => {
            work.save(state, ctx, &step).await?;
            Ok(Redirect::to("/my/requests?notice=portal-draft-saved").into_response())
        }
        "next" | "" => {
            let mut errors = Errors::default();
            for d in work.definition.documents.iter().filter(|d| d.required) {
                if work.documents.get(&d.id).is_none_or(Vec::is_empty) {
                    errors.push(format!("doc:{}", d.id), "portal-document-required");
                }
            }
            if errors.is_empty() {
                let next = work.neighbour(&step, true);
                goto(state, ctx, &work, next).await
            } else {
                work.save(state, ctx, &step).await?;
                let mut shown = Shown::plain(step);
                shown.errors = errors;
                show(state, ctx, &work, &work.answers.clone(), shown).await
            }
        }
        _ => goto(state, ctx, &work, step).await,
    }
}

/// An anonymous filer's documents must still be unclaimed: nobody's, in no case, recent.
async fn anonymous_documents_ok(state: &AppState, ctx: &Ctx, ids: &[Uuid]) -> AppResult<bool> {
    let oldest = Utc::now() - chrono::Duration::hours(ANONYMOUS_UPLOAD_HOURS);
    for id in ids {
        let Some(d) = documents::get(&state.db, ctx.tenant.id, *id).await? else {
            return Ok(false);
        };
        if d.owner_person_id.is_some()
            || d.deleted_at.is_some()
            || d.created_at < oldest
            || store::document_in_a_case(&state.db, ctx.tenant.id, *id).await?
        {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The file names of a filing's documents, for its acknowledgement.
pub(crate) async fn document_names(
    state: &AppState,
    ctx: &Ctx,
    documents: &[(Uuid, Option<String>)],
) -> AppResult<Vec<String>> {
    let mut names = Vec::new();
    for (id, _) in documents {
        if let Some(d) = documents::get(&state.db, ctx.tenant.id, *id).await? {
            names.push(d.file_name);
        }
    }
    Ok(names)
}

/// Where a field error of the flow is shown: a required document's input, or the field's.
pub(crate) fn answer_error_path(definition: &ServiceDefinition, field: String) -> String {
    if definition.documents.iter().any(|d| d.id == field) {
        format!("doc:{field}")
    } else {
        field
    }
}

async fn submit(
    state: &AppState,
    ctx: &Ctx,
    work: &mut Work,
    posted: &Posted,
) -> AppResult<Response> {
    let today = today(ctx);
    let clean = match work.definition.form.validate_answers(&work.answers, today) {
        Ok(clean) => clean,
        Err(errors) => {
            let mut shown = Shown::plain(Step::Summary);
            shown.errors = Errors::from_answers(errors);
            shown.alert = Some(ctx.t("portal-summary-incomplete"));
            return show(state, ctx, work, &work.answers.clone(), shown).await;
        }
    };
    let mut documents: Vec<(Uuid, Option<String>)> =
        view::documents_in(&work.all_fields(), clean.as_map())
            .into_iter()
            .map(|(id, field)| (id, Some(field)))
            .collect();
    for (doc, ids) in &work.documents {
        documents.extend(ids.iter().map(|id| (*id, Some(doc.clone()))));
    }
    documents.dedup_by_key(|(id, _)| *id);
    let contact_email = work
        .is_anonymous()
        .then(|| posted.get("contact_email").trim().to_owned());
    let on_behalf = posted.get(BEHALF).trim().to_owned();
    let organisation_id =
        match read_behalf(&work.service.who_may_file, &work.organisations, &on_behalf) {
            Ok(id) => id,
            Err(code) => {
                let mut shown = Shown::plain(Step::Summary);
                shown.errors.push(BEHALF.to_owned(), code);
                shown.on_behalf = on_behalf;
                return show(state, ctx, work, &work.answers.clone(), shown).await;
            }
        };
    if work.is_anonymous() {
        let ids: Vec<Uuid> = documents.iter().map(|(id, _)| *id).collect();
        if !anonymous_documents_ok(state, ctx, &ids).await? {
            let mut shown = Shown::plain(Step::Summary);
            shown.alert = Some(ctx.t("portal-documents-expired"));
            shown.contact_email = contact_email.unwrap_or_default();
            return show(state, ctx, work, &work.answers.clone(), shown).await;
        }
    }
    let filing = Filing {
        service: &work.service,
        answers: work.answers.clone(),
        documents,
        requester_person_id: work.person,
        requester_account_id: work.account.as_ref().map(|a| a.id),
        contact_email: contact_email.clone().filter(|e| !e.is_empty()),
        organisation_id,
        channel: "portal",
        priority: Priority::Normal,
        draft_id: match &work.holder {
            Holder::Draft(d) => Some(d.id),
            Holder::Anonymous => None,
        },
    };
    // The acknowledgement is written now and queued in the filing's transaction.
    let names = document_names(state, ctx, &filing.documents).await?;
    let ack = super::requests::Acknowledgement {
        ctx,
        service: &work.service,
        definition: &work.definition,
        documents: names,
        to: match (super::portal_user(ctx), work.account.as_ref()) {
            (Some(u), Some(a)) if u.id == a.id => Some(u.email.clone()),
            _ => None,
        },
        base: crate::auth::link_base(state, ctx).await.unwrap_or_default(),
    };
    let acknowledge = |r: &flow::Receipt<'_>| ack.mail(r);
    let filed =
        match flow::file_with(state, &ctx.tenant, &ctx.actor(), filing, Some(&acknowledge)).await {
            Ok(filed) => filed,
            Err(FlowError::Answers(errors)) => {
                let mut shown = Shown::plain(Step::Summary);
                shown.contact_email = contact_email.unwrap_or_default();
                shown.on_behalf = on_behalf;
                for e in errors {
                    shown
                        .errors
                        .push(answer_error_path(&work.definition, e.field), e.code);
                }
                return show(state, ctx, work, &work.answers.clone(), shown).await;
            }
            Err(FlowError::Refused(message)) => {
                let mut shown = Shown::plain(Step::Summary);
                shown.alert = Some(ctx.tk(message));
                shown.contact_email = contact_email.unwrap_or_default();
                shown.on_behalf = on_behalf;
                return show(state, ctx, work, &work.answers.clone(), shown).await;
            }
            Err(e) => return Err(e.into()),
        };
    match filed.tracking_code {
        None => Ok(Redirect::to(&format!("/my/requests/{}/filed", filed.case.id)).into_response()),
        Some(code) => {
            // The anonymous filer follows the case in this browser with its tracking pair.
            let mut response =
                super::requests::filed_page(state, ctx, &filed.case, Some(&code)).await?;
            let cookie = super::requests::tracking_cookie(state, &filed.case.reference, &code);
            response.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(response)
        }
    }
}

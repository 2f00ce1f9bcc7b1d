//! `/backoffice/cases/new`: an agent files a case for someone who called, came to the
//! counter, wrote a letter or sent an e-mail. The agent finds the person (or creates them on
//! the person form, which comes back here), chooses a procedure within their reach and the
//! channel the request came by, then fills in the procedure's whole form on one page, with
//! the scans of the documents handed over (or documents from the person's safe). The filing
//! goes through `cases::flow::file`, like the portal's and the API's: the same checks of
//! channel, answers and documents.
//!
//! Nothing is written before everything is valid: uploads are checked first and stored only
//! once the answers pass, so a refused post leaves no stray document in the person's safe.

use crate::cases::flow::{self, Filing, FlowError};
use crate::portal::Wording;
use crate::portal::filing::{
    BehalfChoice, DocView, answer_error_path, behalf_choices, check_document_uploads,
    check_field_uploads, chosen_from_safe, document_names, document_view, has_files,
    organisations_of, read_behalf, store_uploads,
};
use crate::portal::form::{self as view, DocumentNames, Errors, FieldView, Posted};
use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    people::Choice,
    state::AppState,
};
use askama::Template;
use axum::{
    extract::{Query, Request, State},
    response::Response,
};
use relais_domain::Permission;
use relais_domain::service::definition::ServiceDefinition;
use relais_domain::service::form::{Answers, Field};
use relais_domain::service::meta::STAFF_CHANNELS;
use relais_domain::service::sla::Priority;
use relais_store::people::{self as people_store, PersonSummary};
use relais_store::portal::OrganisationOf;
use relais_store::services::{self, Service};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use uuid::Uuid;

/// The "for whom" control.
const BEHALF: &str = "on_behalf";
/// Persons a search lists at most.
const SEARCH_LIMIT: i64 = 20;
/// The form's own controls, beside the service's fields.
const CONTROLS: [&str; 8] = [
    "csrf_token",
    "on_behalf",
    "action",
    "person",
    "service",
    "channel",
    "priority",
    "shown",
];

#[derive(Deserialize, Default)]
pub struct NewQuery {
    /// A search for the requester.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub person: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub channel: String,
    /// After a person was created for the filing.
    #[serde(default)]
    pub notice: String,
}

/// Messages about the first two steps.
#[derive(Default)]
struct Messages {
    service_error: Option<&'static str>,
    channel_error: Option<&'static str>,
    notice: Option<&'static str>,
}

/// A visible page of the form with its fields.
pub struct PageView {
    pub title: String,
    pub fields: Vec<FieldView>,
}

/// The chosen procedure's form as it stands, and the controls of the filing.
pub struct FormView {
    pub multipart: bool,
    pub pages: Vec<PageView>,
    pub documents: Vec<DocView>,
    pub priorities: Vec<Choice>,
    /// For a person who belongs to organisations: for whom the case is filed.
    pub behalf: Vec<BehalfChoice>,
    pub behalf_error: Option<String>,
    /// The input paths shown, sent back to tell when a condition opened more questions.
    pub shown: String,
}

#[derive(Template)]
#[template(path = "backoffice/filing.html")]
struct FilingTpl<'a> {
    ctx: &'a Ctx,
    q: String,
    /// Search results, when a search was made.
    found: Option<Vec<PersonSummary>>,
    person: Option<PersonSummary>,
    services: Vec<Choice>,
    channels: Vec<Choice>,
    /// The service's slug and the channel, once both are chosen and fit.
    chosen: Option<(String, String)>,
    form: Option<FormView>,
    notice: Option<String>,
    alert: Option<String>,
    /// The error summary at the top: `#id` links and texts.
    errors: Vec<(String, String)>,
    service_error: Option<String>,
    channel_error: Option<String>,
}

/// The case just filed: its reference and, once, its tracking code for the person.
#[derive(Template)]
#[template(path = "backoffice/filed.html")]
struct FiledTpl<'a> {
    ctx: &'a Ctx,
    id: Uuid,
    reference: String,
    /// "Signalement … for Lucie Riverain."
    filed_for: String,
    tracking_code: Option<String>,
    /// Where the acknowledgement went.
    email: Option<String>,
}

/// A procedure and channel that fit: the form can be shown.
struct Chosen {
    service: Service,
    definition: Arc<ServiceDefinition>,
    channel: String,
    /// The organisations the person may file for (read once per request).
    organisations: Vec<OrganisationOf>,
}

/// The state of the form part of the page.
#[derive(Default)]
struct Shown {
    answers: Answers,
    errors: Errors,
    priority: Option<Priority>,
    on_behalf: String,
    notice: Option<String>,
    alert: Option<String>,
}

/// Published services within the agent's reach offering at least one staff channel.
async fn services_for(state: &AppState, ctx: &Ctx) -> AppResult<Vec<Service>> {
    let access = super::case_page::access_of(state, ctx).await?;
    let mut list = services::list(&state.db, ctx.tenant.id, true).await?;
    list.retain(|s| {
        s.state == "published"
            && access.sees(s.id)
            && s.channels
                .0
                .iter()
                .any(|c| STAFF_CHANNELS.contains(&c.as_str()))
    });
    Ok(list)
}

/// The person of a linked or posted id: an active person of this tenant, or 404.
async fn person_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<Option<PersonSummary>> {
    let id = id.trim();
    if id.is_empty() {
        return Ok(None);
    }
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound)?;
    let found = people_store::persons_by_ids(&state.db, ctx.tenant.id, &[id]).await?;
    match found.into_iter().next() {
        Some(p) if p.archived_at.is_none() => Ok(Some(p)),
        _ => Err(AppError::NotFound),
    }
}

/// The visible pages of the form for these answers, each with its visible fields.
fn visible_pages<'d>(
    ctx: &Ctx,
    definition: &'d ServiceDefinition,
    answers: &Answers,
) -> Vec<(String, Vec<&'d Field>)> {
    let visible = definition.form.visible_fields(answers);
    definition
        .form
        .visible_pages(answers)
        .into_iter()
        .map(|p| {
            (
                p.title.get(ctx.locale).to_owned(),
                p.fields
                    .iter()
                    .filter(|f| visible.contains(&f.id))
                    .collect(),
            )
        })
        .collect()
}

/// The input paths shown for these answers.
fn shown_paths(ctx: &Ctx, definition: &ServiceDefinition, answers: &Answers) -> BTreeSet<String> {
    let pages = visible_pages(ctx, definition, answers);
    let fields: Vec<&Field> = pages.iter().flat_map(|(_, f)| f.iter().copied()).collect();
    view::shown_paths(&fields, answers)
}

/// The label of an input path for the error summary.
fn label_of(ctx: &Ctx, definition: &ServiceDefinition, path: &str) -> String {
    if path == "priority" {
        return ctx.t("cases-priority");
    }
    if path == BEHALF {
        return ctx.t("filing-on-behalf");
    }
    if let Some(doc) = path
        .strip_prefix("doc:")
        .and_then(|id| definition.documents.iter().find(|d| d.id == id))
    {
        return doc.label.get(ctx.locale).to_owned();
    }
    definition
        .form
        .field(view::top_of(path))
        .map_or_else(|| path.to_owned(), |f| f.label.get(ctx.locale).to_owned())
}

async fn form_view(
    state: &AppState,
    ctx: &Ctx,
    person: Uuid,
    chosen: &Chosen,
    shown: &Shown,
) -> AppResult<FormView> {
    let definition = &chosen.definition;
    let names = DocumentNames::new();
    let vc = view::ViewContext {
        ctx,
        errors: &shown.errors,
        documents: &names,
        today: crate::portal::today(ctx),
    };
    let pages: Vec<PageView> = visible_pages(ctx, definition, &shown.answers)
        .into_iter()
        .map(|(title, fields)| PageView {
            title,
            fields: vc.fields(&fields, &shown.answers),
        })
        .collect();
    let mut documents = Vec::new();
    for d in &definition.documents {
        let error = shown
            .errors
            .get(&format!("doc:{}", d.id))
            .map(|c| ctx.tk(c));
        documents.push(document_view(state, ctx, Some(person), d, Vec::new(), &[], error).await?);
    }
    let priority = shown.priority.unwrap_or(Priority::Normal);
    Ok(FormView {
        behalf: behalf_choices(
            ctx,
            "filing-on-behalf-self",
            &chosen.service.who_may_file,
            &chosen.organisations,
            &shown.on_behalf,
        ),
        behalf_error: shown.errors.get(BEHALF).map(|c| ctx.tk(c)),
        multipart: !documents.is_empty() || definition.form.fields().any(has_files),
        pages,
        documents,
        priorities: Priority::ALL
            .into_iter()
            .map(|p| Choice {
                selected: p == priority,
                value: p.as_str().to_owned(),
                label: ctx.t(&format!("catalogue-priority-{}", p.as_str())),
            })
            .collect(),
        shown: shown_paths(ctx, definition, &shown.answers)
            .into_iter()
            .collect::<Vec<_>>()
            .join(","),
    })
}

/// Renders the page. `chosen` with `shown` shows the form; a failed post answers 422.
#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    ctx: &Ctx,
    services_list: &[Service],
    q: String,
    person: Option<PersonSummary>,
    service_slug: &str,
    channel: &str,
    chosen: Option<(&Chosen, Shown)>,
    messages: Messages,
) -> AppResult<Response> {
    let Messages {
        service_error,
        channel_error,
        notice: step_notice,
    } = messages;
    let found = match (&person, q.trim()) {
        (None, query) if !query.is_empty() => {
            Some(people_store::search_persons(&state.db, ctx.tenant.id, query, SEARCH_LIMIT).await?)
        }
        _ => None,
    };
    let services: Vec<Choice> = services_list
        .iter()
        .map(|s| Choice {
            selected: s.slug == service_slug,
            value: s.slug.clone(),
            label: crate::portal::service_title(ctx, s),
        })
        .collect();
    let channels = STAFF_CHANNELS
        .iter()
        .map(|c| Choice {
            selected: *c == channel,
            value: (*c).to_owned(),
            label: ctx.t(&format!("channel-{c}")),
        })
        .collect();
    let (mut form, mut errors, mut notice, mut alert, mut failed) =
        (None, Vec::new(), None, None, false);
    let mut chosen_keys = None;
    if let (Some((c, shown)), Some(p)) = (&chosen, &person) {
        failed = !shown.errors.is_empty() || shown.alert.is_some();
        errors = shown
            .errors
            .list
            .iter()
            .map(|(path, code)| {
                let id = if path == "priority" {
                    path.clone()
                } else if let Some(doc) = path.strip_prefix("doc:") {
                    view::html_id(&format!("doc-{doc}"))
                } else {
                    view::html_id(path)
                };
                (
                    format!("#{id}"),
                    format!("{} : {}", label_of(ctx, &c.definition, path), ctx.tk(code)),
                )
            })
            .collect();
        notice.clone_from(&shown.notice);
        alert = shown.alert.clone();
        form = Some(form_view(state, ctx, p.id, c, shown).await?);
        chosen_keys = Some((c.service.slug.clone(), c.channel.clone()));
    }
    failed |= service_error.is_some() || channel_error.is_some();
    if let Some(code) = service_error.filter(|_| !services.is_empty()) {
        errors.push(("#service".to_owned(), ctx.t(code)));
    }
    if let Some(code) = channel_error {
        errors.push(("#channel".to_owned(), ctx.t(code)));
    }
    if notice.is_none() {
        notice = step_notice.map(|n| ctx.t(n));
    }
    let response = render(&FilingTpl {
        ctx,
        q,
        found,
        person,
        services,
        channels,
        chosen: chosen_keys,
        form,
        notice,
        alert,
        errors,
        service_error: service_error.map(|c| ctx.t(c)),
        channel_error: channel_error.map(|c| ctx.t(c)),
    })?;
    Ok(if failed {
        view::unprocessable(response)
    } else {
        response
    })
}

/// The procedure and channel asked for, if they fit; else the error of each.
async fn choose(
    state: &AppState,
    ctx: &Ctx,
    services_list: &[Service],
    person: Uuid,
    service_slug: &str,
    channel: &str,
) -> AppResult<Result<Chosen, Messages>> {
    let service = services_list
        .iter()
        .find(|s| s.slug == service_slug.trim())
        .cloned();
    let Some(service) = service else {
        return Ok(Err(Messages {
            service_error: Some("filing-choose-service"),
            ..Messages::default()
        }));
    };
    if !STAFF_CHANNELS.contains(&channel) {
        return Ok(Err(Messages {
            channel_error: Some("filing-choose-channel"),
            ..Messages::default()
        }));
    }
    if !service.channels.0.iter().any(|c| c == channel) {
        return Ok(Err(Messages {
            channel_error: Some("case-channel-not-offered"),
            ..Messages::default()
        }));
    }
    let Some(version) = service.published_version else {
        return Ok(Err(Messages {
            service_error: Some("filing-choose-service"),
            ..Messages::default()
        }));
    };
    // A procedure for organisations only cannot be filed for someone who belongs to none:
    // said now, not after the whole form.
    let organisations = organisations_of(state, ctx, Some(person)).await?;
    if service.who_may_file == "organisations" && organisations.is_empty() {
        return Ok(Err(Messages {
            service_error: Some("filing-needs-organisation"),
            ..Messages::default()
        }));
    }
    let definition = flow::definition(state, ctx.tenant.id, service.id, version).await?;
    Ok(Ok(Chosen {
        service,
        definition,
        channel: channel.to_owned(),
        organisations,
    }))
}

/// `GET /backoffice/cases/new`: find the person, choose the procedure and channel, then
/// the form.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<NewQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let person = person_of(&state, &ctx, &query.person).await?;
    let services_list = services_for(&state, &ctx).await?;
    let asked = !query.service.is_empty() || !query.channel.is_empty();
    let (chosen, messages) = match (&person, asked) {
        (Some(p), true) => {
            match choose(
                &state,
                &ctx,
                &services_list,
                p.id,
                &query.service,
                &query.channel,
            )
            .await?
            {
                Ok(chosen) => (Some(chosen), Messages::default()),
                Err(messages) => (None, messages),
            }
        }
        _ => (
            None,
            Messages {
                notice: (query.notice == "person-created").then_some("person-created"),
                ..Messages::default()
            },
        ),
    };
    page(
        &state,
        &ctx,
        &services_list,
        query.q,
        person,
        &query.service,
        &query.channel,
        chosen.as_ref().map(|c| (c, Shown::default())),
        messages,
    )
    .await
}

/// The form shown again after a post, with what was typed.
async fn again(
    state: &AppState,
    ctx: &Ctx,
    services_list: &[Service],
    person: &PersonSummary,
    chosen: &Chosen,
    shown: Shown,
    answers: Answers,
) -> AppResult<Response> {
    let shown = Shown { answers, ..shown };
    page(
        state,
        ctx,
        services_list,
        String::new(),
        Some(person.clone()),
        &chosen.service.slug,
        &chosen.channel,
        Some((chosen, shown)),
        Messages::default(),
    )
    .await
}

/// `POST /backoffice/cases/new`: files the case, or shows the form again with what was
/// typed and every error (uploads are never kept from a refused post).
pub async fn file(State(state): State<AppState>, ctx: Ctx, req: Request) -> AppResult<Response> {
    ctx.staff(Permission::Write)?;
    let mut posted = Posted::read(&state, req).await?;
    let person = person_of(&state, &ctx, posted.get("person"))
        .await?
        .ok_or(AppError::NotFound)?;
    let service_slug = posted.get("service").to_owned();
    let channel = posted.get("channel").to_owned();
    let services_list = services_for(&state, &ctx).await?;
    let chosen = match choose(
        &state,
        &ctx,
        &services_list,
        person.id,
        &service_slug,
        &channel,
    )
    .await?
    {
        Ok(c) => c,
        Err(errors) => {
            return page(
                &state,
                &ctx,
                &services_list,
                String::new(),
                Some(person),
                &service_slug,
                &channel,
                None,
                errors,
            )
            .await;
        }
    };
    let definition = chosen.definition.clone();
    let all_fields: Vec<Field> = definition.form.fields().cloned().collect();
    let priority = Priority::parse(posted.get("priority"));
    let mut answers = Answers::new();
    let every_field: Vec<&Field> = all_fields.iter().collect();
    view::read(&every_field, &posted, &mut answers);
    let unknown = view::unknown_names(&all_fields, &posted, &CONTROLS);
    if !unknown.is_empty() {
        let shown = Shown {
            alert: Some(ctx.t1("portal-unknown-fields", "names", unknown.join(", "))),
            ..Shown::default()
        };
        return again(
            &state,
            &ctx,
            &services_list,
            &person,
            &chosen,
            shown,
            answers,
        )
        .await;
    }
    let mut shown = Shown {
        priority,
        on_behalf: posted.get(BEHALF).trim().to_owned(),
        ..Shown::default()
    };
    if priority.is_none() {
        shown.errors.push("priority", "cases-invalid-priority");
    }
    let organisation_id = match read_behalf(
        &chosen.service.who_may_file,
        &chosen.organisations,
        &shown.on_behalf,
    ) {
        Ok(id) => id,
        Err(code) => {
            shown.errors.push(BEHALF, code);
            None
        }
    };
    let files_posted = !posted.files.is_empty();
    let lost_files = |ctx: &Ctx| files_posted.then(|| ctx.t("filing-attach-again"));
    // Adding or removing an item of a repeatable group shows the form again; so does a
    // condition that opened questions the form did not show yet (ask them first).
    let item_action = view::item_action(&mut answers, posted.action(), |group| {
        all_fields.iter().any(|f| f.id == group)
    });
    let before: BTreeSet<String> = posted
        .get("shown")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let after = shown_paths(&ctx, &definition, &answers);
    let more_questions = !item_action && !after.is_subset(&before);
    if item_action || more_questions {
        shown.errors = Errors::default();
        if more_questions {
            shown.notice = Some(ctx.t("filing-more-questions"));
        }
        shown.alert = lost_files(&ctx);
        return again(
            &state,
            &ctx,
            &services_list,
            &person,
            &chosen,
            shown,
            answers,
        )
        .await;
    }
    // Files: checked now, stored only once everything else passes.
    let (mut document_uploads, mut field_uploads): (Vec<_>, Vec<_>) = posted
        .files
        .drain(..)
        .partition(|u| u.name.starts_with("doc:"));
    let field_accepted = check_field_uploads(
        &all_fields,
        &after,
        &answers,
        &mut field_uploads,
        &mut shown.errors,
    );
    let mut counts = HashMap::new();
    let doc_accepted = check_document_uploads(
        &definition,
        &mut document_uploads,
        &mut counts,
        &mut shown.errors,
    );
    let from_safe = chosen_from_safe(
        &state,
        &ctx,
        &definition,
        Some(person.id),
        &posted,
        &mut shown.errors,
    )
    .await?;
    // The answers are checked with a stand-in id for each file, replaced once stored.
    let mut checked = answers.clone();
    for a in &field_accepted {
        if let Some(v) = view::file_value_mut(&mut checked, &a.target) {
            view::push_documents(v, &[Uuid::nil()]);
        }
    }
    if let Err(errors) = definition
        .form
        .validate_answers(&checked, crate::portal::today(&ctx))
    {
        shown.errors.list.extend(Errors::from_answers(errors).list);
    }
    for d in definition.documents.iter().filter(|d| d.required) {
        let given = doc_accepted.iter().any(|a| a.target == d.id)
            || from_safe.iter().any(|(doc, _)| *doc == d.id);
        if !given && shown.errors.get(&format!("doc:{}", d.id)).is_none() {
            shown
                .errors
                .push(format!("doc:{}", d.id), "portal-document-required");
        }
    }
    // (An unknown priority is one of the errors.)
    let priority = match priority {
        Some(p) if shown.errors.is_empty() => p,
        _ => {
            shown.alert = lost_files(&ctx);
            return again(
                &state,
                &ctx,
                &services_list,
                &person,
                &chosen,
                shown,
                answers,
            )
            .await;
        }
    };
    // Everything passed: the uploads go into the person's safe and into the case.
    let mut documents: Vec<(Uuid, Option<String>)> = Vec::new();
    for (target, id) in store_uploads(&state, &ctx, Some(person.id), field_accepted).await? {
        if let Some(v) = view::file_value_mut(&mut answers, &target) {
            view::push_documents(v, &[id]);
        }
    }
    let field_documents = view::documents_in(&all_fields, &answers);
    documents.extend(field_documents.into_iter().map(|(id, f)| (id, Some(f))));
    for (doc, id) in store_uploads(&state, &ctx, Some(person.id), doc_accepted)
        .await?
        .into_iter()
        .chain(from_safe)
    {
        documents.push((id, Some(doc)));
    }
    documents.dedup_by_key(|(id, _)| *id);
    let filing = Filing {
        service: &chosen.service,
        answers: answers.clone(),
        documents,
        requester_person_id: Some(person.id),
        requester_account_id: None,
        contact_email: None,
        organisation_id,
        channel: &chosen.channel,
        priority,
        draft_id: None,
    };
    // The requester is told by e-mail when they have an address, in their language: the
    // reference, what was recorded, and the tracking code to follow the case.
    let record = people_store::get_person(&state.db, ctx.tenant.id, person.id).await?;
    let mut mail_ctx = ctx.clone();
    if let Some(locale) = record.as_ref().and_then(|p| p.locale.parse().ok()) {
        mail_ctx.locale = locale;
    }
    let document_names = document_names(&state, &ctx, &filing.documents).await?;
    let ack = crate::portal::requests::Acknowledgement {
        ctx: &mail_ctx,
        service: &chosen.service,
        definition: &definition,
        documents: document_names,
        to: person.email.clone(),
        base: crate::auth::link_base(&state, &ctx)
            .await
            .unwrap_or_default(),
    };
    let acknowledge = |r: &flow::Receipt<'_>| ack.mail(r);
    match flow::file_with(
        &state,
        &ctx.tenant,
        &ctx.actor(),
        filing,
        Some(&acknowledge),
    )
    .await
    {
        Ok(filed) => render(&FiledTpl {
            ctx: &ctx,
            id: filed.case.id,
            filed_for: crate::i18n::message(
                ctx.locale,
                "filing-filed-for",
                &[
                    (
                        "service",
                        crate::portal::service_title(&ctx, &chosen.service).into(),
                    ),
                    (
                        "name",
                        format!("{} {}", person.given_name, person.family_name).into(),
                    ),
                ],
            ),
            reference: filed.case.reference.clone(),
            tracking_code: filed.tracking_code,
            email: person.email.clone(),
        }),
        Err(FlowError::Answers(errors)) => {
            for e in errors {
                shown
                    .errors
                    .push(answer_error_path(&definition, e.field), e.code);
            }
            again(
                &state,
                &ctx,
                &services_list,
                &person,
                &chosen,
                shown,
                answers,
            )
            .await
        }
        Err(FlowError::Refused(code)) => {
            shown.alert = Some(ctx.tk(code));
            again(
                &state,
                &ctx,
                &services_list,
                &person,
                &chosen,
                shown,
                answers,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

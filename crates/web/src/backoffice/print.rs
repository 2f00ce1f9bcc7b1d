//! `/backoffice/cases/{case}/print`: the case on paper — requester, answers as filed,
//! documents, links and the whole timeline — without forms or navigation (the print style
//! sheet hides the site's header and footer). Reading it is recorded like the case page.

use super::{
    Definitions,
    case_page::{EventView, case_of, size_text, timeline_of, title_in},
    iso, local_time,
};
use crate::{ctx::Ctx, error::AppResult, pages::render, state::AppState};
use askama::Template;
use axum::{
    extract::{Path, State},
    response::Response,
};
use relais_domain::{Permission, service::form::CleanAnswers};
use relais_store::{
    Change, audit, case_labels, case_links,
    cases::{self, Case},
    people::{self, PersonRecord},
};

pub struct PrintedDocument {
    pub name: String,
    pub status: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "backoffice/case_print.html")]
struct PrintTpl<'a> {
    ctx: &'a Ctx,
    current: Case,
    service: String,
    status: String,
    submitted: (String, String),
    printed: String,
    requester: Option<PersonRecord>,
    answers: Vec<(String, String)>,
    documents: Vec<PrintedDocument>,
    labels: Vec<String>,
    links: Vec<(String, String)>,
    merged_into: Option<String>,
    timeline: Vec<EventView>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::UseBackOffice)?;
    let case = case_of(&state, &ctx, &id).await?;
    let tenant_id = ctx.tenant.id;
    audit::append(
        &state.db,
        &ctx.actor(),
        Change::new(
            "case.view",
            "case",
            case.id,
            serde_json::json!({"print": true}),
        ),
    )
    .await?;
    let mut definitions = Definitions::default();
    let definition = definitions
        .load(&state, tenant_id, case.service_id, case.service_version)
        .await
        .cloned();
    let service = relais_store::services::get(&state.db, tenant_id, case.service_id)
        .await?
        .map(|s| title_in(ctx.locale, &s.title_fr, &s.title_en))
        .unwrap_or_default();
    let status =
        definitions.status_label(&ctx, case.service_id, case.service_version, &case.status);
    let requester = match case.requester_person_id {
        Some(id) => people::person_record(&state.db, tenant_id, id, None).await?,
        None => None,
    };
    let answers = definition
        .as_ref()
        .map(|d| {
            d.form
                .summary(&CleanAnswers::from_stored(case.answers_map()), ctx.locale)
                .into_iter()
                .map(|(label, value)| (label.get(ctx.locale).to_owned(), value))
                .collect()
        })
        .unwrap_or_default();
    let documents = cases::documents(&state.db, tenant_id, case.id)
        .await?
        .into_iter()
        .map(|(d, _)| PrintedDocument {
            status: ctx.t(&format!("document-status-{}", d.status)),
            size: size_text(d.size_bytes),
            name: d.file_name,
        })
        .collect();
    let links = case_links::list(&state.db, tenant_id, case.id)
        .await?
        .into_iter()
        .map(|l| {
            (
                ctx.t(&format!("case-link-side-{}", l.side().as_str())),
                l.other_reference,
            )
        })
        .collect();
    let merged_into = case_links::merged_into(&state.db, tenant_id, case.id)
        .await?
        .map(|(_, r)| r);
    let merged_from = case_links::merged_from(&state.db, tenant_id, case.id).await?;
    let timeline =
        timeline_of(&state, &ctx, &case, definition.as_ref(), &merged_from, None).await?;
    let now = chrono::Utc::now();
    render(&PrintTpl {
        ctx: &ctx,
        service,
        status,
        submitted: (
            local_time(&ctx, &case.submitted_at),
            iso(&case.submitted_at),
        ),
        printed: local_time(&ctx, &now),
        requester,
        answers,
        documents,
        labels: case_labels::of_case(&state.db, tenant_id, case.id).await?,
        links,
        merged_into,
        timeline,
        current: case,
    })
}

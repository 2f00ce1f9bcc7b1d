//! The public face of the catalogue: the home page with the published services by category
//! and a search box, a page per service (what to prepare, how long it usually takes, how to
//! start), and the tenant's contact details with its opening hours.

use super::{Wording, portal_user, published, service_description, service_title};
use crate::{
    ctx::Ctx,
    error::AppResult,
    pages::{NoticeQuery, render},
    state::AppState,
};
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::Response,
};
use chrono::Duration;
use relais_domain::filing::{self, ProcessingTimes, Span};
use relais_domain::people::fold;
use relais_store::{drafts, portal as store, services};
use serde::Deserialize;

/// One entry of the catalogue.
pub struct ServiceCard {
    pub slug: String,
    pub title: String,
    pub description: String,
}

pub struct Category {
    pub name: String,
    pub services: Vec<ServiceCard>,
}

/// A category's name: its translation when the catalogue has one, else the slug made
/// readable (`etat-civil` → `Etat civil`).
pub(crate) fn category_name(ctx: &Ctx, slug: &str) -> String {
    let id = format!("portal-category-{slug}");
    if crate::i18n::has_message(ctx.locale, &id) {
        return ctx.t(&id);
    }
    let words = slug.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => ctx.t("portal-category-other"),
    }
}

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    pub q: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomeTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
    q: String,
    searched: bool,
    found: usize,
    categories: Vec<Category>,
    /// Information pages whose title matches the search.
    articles: Vec<super::information::ArticleCard>,
}

/// Whether every word of the query is in the title or the description (accents and case
/// ignored), in either language.
fn matches(query: &str, s: &services::Service) -> bool {
    let haystack = fold(&format!(
        "{} {} {} {}",
        s.title_fr, s.title_en, s.description_fr, s.description_en
    ));
    fold(query)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

pub async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<HomeQuery>,
) -> AppResult<Response> {
    let q: String = query
        .q
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(100)
        .collect();
    let all = services::list(&state.db, ctx.tenant.id, true).await?;
    let mut categories: Vec<Category> = Vec::new();
    let mut found = 0;
    for s in all
        .iter()
        .filter(|s| s.published_version.is_some() && (q.is_empty() || matches(&q, s)))
    {
        found += 1;
        let name = category_name(&ctx, &s.category);
        let card = ServiceCard {
            slug: s.slug.clone(),
            title: service_title(&ctx, s),
            description: service_description(&ctx, s),
        };
        match categories.iter_mut().find(|c| c.name == name) {
            Some(c) => c.services.push(card),
            None => categories.push(Category {
                name,
                services: vec![card],
            }),
        }
    }
    categories.sort_by_key(|c| fold(&c.name));
    for c in &mut categories {
        c.services.sort_by_key(|s| fold(&s.title));
    }
    // Information pages are found by their title, in either language.
    let articles = if q.is_empty() {
        Vec::new()
    } else {
        let words: Vec<String> = fold(&q).split_whitespace().map(str::to_owned).collect();
        let staff = super::information::staff_reader(&ctx);
        relais_store::knowledge::published(&state.db, ctx.tenant.id, staff)
            .await?
            .iter()
            .filter(|a| {
                let title = fold(&format!("{} {}", a.title_fr, a.title_en));
                words.iter().all(|w| title.contains(w.as_str()))
            })
            .map(|a| super::information::ArticleCard::of(&ctx, a))
            .collect()
    };
    let notice = NoticeQuery {
        notice: query.notice.clone(),
    };
    render(&HomeTpl {
        notice: notice
            .text(&ctx)
            .or_else(|| own_notice(&ctx, &query.notice)),
        searched: !q.is_empty(),
        q,
        found,
        categories,
        articles,
        ctx: &ctx,
    })
}

/// Notices of the portal's own redirects (`?notice=…`), known ids only.
pub(crate) fn own_notice(ctx: &Ctx, notice: &Option<String>) -> Option<String> {
    const OURS: &[&str] = &[
        "portal-draft-deleted",
        "portal-document-deleted",
        "portal-message-sent",
        "portal-resubmitted",
        "portal-withdrawn",
        "portal-survey-thanks",
        "portal-draft-saved",
    ];
    notice
        .as_deref()
        .filter(|n| OURS.contains(n))
        .map(|n| ctx.tk(n))
}

/// A duration as a sentence part ("3 jours", "5 hours").
fn span_text(ctx: &Ctx, d: std::time::Duration) -> String {
    match filing::span(d) {
        Span::Hours(h) => ctx.tn("portal-hours", h as i64),
        Span::Days(n) => ctx.tn("portal-days", n as i64),
    }
}

/// How long cases of the service took, as one sentence; `None` below the threshold.
async fn processing_text(
    state: &AppState,
    ctx: &Ctx,
    service_id: uuid::Uuid,
) -> AppResult<Option<String>> {
    let spans = store::processing_spans(&state.db, ctx.tenant.id, service_id).await?;
    let durations = spans
        .into_iter()
        .map(|(submitted, closed)| (closed - submitted).max(Duration::zero()))
        .filter_map(|d| d.to_std().ok())
        .collect();
    Ok(
        filing::processing_times(durations).map(|t: ProcessingTimes| {
            crate::i18n::message(
                ctx.locale,
                "portal-processing-times",
                &[
                    ("kind", super::kind(ctx).into()),
                    ("median", span_text(ctx, t.median).into()),
                    ("p90", span_text(ctx, t.p90).into()),
                    ("count", (t.cases as i64).into()),
                ],
            )
        }),
    )
}

/// One weekday's opening hours as text.
pub struct DayHours {
    pub day: String,
    pub hours: String,
}

pub struct Opening {
    pub days: Vec<DayHours>,
    pub public_holidays: bool,
    /// Closures still to come: (from, to, label).
    pub closures: Vec<String>,
}

pub(crate) async fn opening(state: &AppState, ctx: &Ctx) -> AppResult<Opening> {
    let calendar = crate::calendar::load(state, ctx.tenant.id).await?;
    let days = (0..7)
        .map(|d| DayHours {
            day: ctx.t(&format!("weekday-{d}")),
            hours: if calendar.hours[d].is_empty() {
                ctx.t("portal-closed-day")
            } else {
                calendar.hours[d]
                    .iter()
                    .map(|(o, c)| format!("{} – {}", o.format("%H:%M"), c.format("%H:%M")))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    let today = super::today(ctx);
    let closures = calendar
        .closures
        .iter()
        .filter(|c| c.to >= today)
        .map(|c| {
            let label = c.label.get(ctx.locale);
            let when = if c.from == c.to {
                super::date_text(ctx, c.from)
            } else {
                format!(
                    "{} – {}",
                    super::date_text(ctx, c.from),
                    super::date_text(ctx, c.to)
                )
            };
            if label.trim().is_empty() {
                when
            } else {
                format!("{when} : {label}")
            }
        })
        .collect();
    Ok(Opening {
        days,
        public_holidays: calendar.public_holidays,
        closures,
    })
}

#[derive(Template)]
#[template(path = "portal/contact.html")]
struct ContactTpl<'a> {
    ctx: &'a Ctx,
    opening: Opening,
}

pub async fn contact(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    render(&ContactTpl {
        opening: opening(&state, &ctx).await?,
        ctx: &ctx,
    })
}

pub struct DocumentToPrepare {
    pub label: String,
    pub help: Option<String>,
    pub required: bool,
    pub reusable: bool,
    pub max_age_days: Option<u32>,
}

#[derive(Template)]
#[template(path = "portal/service.html")]
struct ServiceTpl<'a> {
    ctx: &'a Ctx,
    slug: String,
    title: String,
    description: String,
    who_may_file: String,
    pages: Vec<String>,
    documents: Vec<DocumentToPrepare>,
    /// Files the form itself asks for (file fields), by label.
    form_files: Vec<String>,
    processing: Option<String>,
    opening: Opening,
    signed_in: bool,
    drafts: Vec<(String, String)>,
    /// The organisations the signed-in person may act for, by name.
    organisations: Vec<String>,
    /// Published articles about this service ("Good to know").
    articles: Vec<super::information::ArticleCard>,
}

pub async fn service_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let (service, definition) = published(&state, &ctx, &slug).await?;
    let locale = ctx.locale;
    let pages = definition
        .form
        .pages
        .iter()
        .map(|p| p.title.get(locale).to_owned())
        .collect();
    let documents = definition
        .documents
        .iter()
        .map(|d| DocumentToPrepare {
            label: d.label.get(locale).to_owned(),
            help: d.help.as_ref().map(|h| h.get(locale).to_owned()),
            required: d.required,
            reusable: d.reuse_from_safe,
            max_age_days: d.max_age_days,
        })
        .collect();
    let form_files = definition
        .form
        .fields()
        .flat_map(|f| match &f.kind {
            relais_domain::service::form::FieldKind::Group { fields, .. } => fields
                .iter()
                .filter(|s| matches!(s.kind, relais_domain::service::form::FieldKind::File { .. }))
                .map(|s| format!("{} — {}", f.label.get(locale), s.label.get(locale)))
                .collect::<Vec<_>>(),
            relais_domain::service::form::FieldKind::File { .. } => {
                vec![f.label.get(locale).to_owned()]
            }
            _ => vec![],
        })
        .collect();
    let user = portal_user(&ctx);
    let drafts = match user {
        Some(u) => drafts::list(&state.db, ctx.tenant.id, u.id)
            .await?
            .into_iter()
            .filter(|d| d.service_id == service.id)
            .map(|d| (d.id.to_string(), super::local_time(&ctx, d.updated_at)))
            .collect(),
        None => Vec::new(),
    };
    let person = match user {
        Some(u) => super::person_of(&state, u).await?,
        None => None,
    };
    let organisations = match person {
        Some(p) => relais_store::portal::organisations_of(&state.db, ctx.tenant.id, p)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect(),
        None => Vec::new(),
    };
    let staff = super::information::staff_reader(&ctx);
    let articles =
        relais_store::knowledge::for_service(&state.db, ctx.tenant.id, service.id, staff)
            .await?
            .iter()
            .map(|a| super::information::ArticleCard::of(&ctx, a))
            .collect();
    render(&ServiceTpl {
        articles,
        organisations,
        slug: service.slug.clone(),
        title: service_title(&ctx, &service),
        description: service_description(&ctx, &service),
        who_may_file: service.who_may_file.clone(),
        pages,
        documents,
        form_files,
        processing: processing_text(&state, &ctx, service.id).await?,
        opening: opening(&state, &ctx).await?,
        signed_in: user.is_some(),
        drafts,
        ctx: &ctx,
    })
}

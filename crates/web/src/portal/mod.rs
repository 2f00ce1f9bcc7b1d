//! The public portal: the catalogue (home with search, a page per service, contact and
//! opening hours), filing a case page by page (drafts for signed-in people, a state carried
//! in the form for anonymous filers), "My requests" with each case's timeline, messages,
//! corrections, withdrawal and survey, following a case with its tracking code, and the
//! document safe.
//!
//! Every page works without JavaScript: conditions are evaluated on the server between
//! pages, repeatable groups grow and shrink with submit buttons, uploads are plain multipart
//! forms (the CSRF token rides in the query string, as the middleware expects for them).

mod catalogue;
pub(crate) mod filing;
pub(crate) mod form;
mod information;
pub(crate) mod requests;
mod safe;

use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    state::AppState,
};
use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use fluent_bundle::FluentValue;
use relais_domain::{AccountKind, service::definition::ServiceDefinition};
use relais_store::{accounts::Account, services};
use uuid::Uuid;

/// Whether a request posts to a portal page that takes files: its body may be as large as
/// `max_upload_bytes` (see `middleware::body_limit`); every other route keeps `max_body_bytes`.
pub fn takes_files(path: &str) -> bool {
    (path.starts_with("/services/") && path.ends_with("/file"))
        || (path.starts_with("/my/drafts/") && path.matches('/').count() == 3)
        || (path.starts_with("/my/requests/")
            && (path.ends_with("/messages") || path.ends_with("/corrections")))
}

pub fn routes() -> Router<AppState> {
    // The body limit of pages that take files is set by `middleware::body_limit` from
    // `takes_files`; the extractors' own default limit would cut it short.
    let uploads = DefaultBodyLimit::disable();
    Router::new()
        .route("/contact", get(catalogue::contact))
        .route("/information", get(information::list))
        .route("/information/{slug}", get(information::show))
        .route("/services/{slug}", get(catalogue::service_page))
        .route(
            "/services/{slug}/file",
            get(filing::start_form)
                .post(filing::start_or_step)
                .layer(uploads),
        )
        .route(
            "/my/drafts/{draft}",
            get(filing::draft_step)
                .post(filing::draft_post)
                .layer(uploads),
        )
        .route("/my/drafts/{draft}/delete", post(filing::draft_delete))
        .route("/my/requests", get(requests::list))
        .route("/my/requests/{case}", get(requests::show))
        .route("/my/requests/{case}/filed", get(requests::filed))
        .route("/my/requests/{case}/receipt.pdf", get(requests::receipt))
        .route(
            "/my/requests/{case}/documents/{document}",
            get(requests::document),
        )
        .route(
            "/my/requests/{case}/messages",
            post(requests::message).layer(uploads),
        )
        .route(
            "/my/requests/{case}/corrections",
            post(requests::corrections).layer(uploads),
        )
        .route("/my/requests/{case}/withdraw", post(requests::withdraw))
        .route("/my/requests/{case}/survey", post(requests::survey))
        .route("/track", get(requests::track_form).post(requests::track))
        .route("/my/documents", get(safe::list))
        .route("/my/documents/{document}", get(safe::download))
        .route("/my/documents/{document}/delete", post(safe::delete))
}

/// The home page: the catalogue by category, with its search box.
pub use catalogue::home;

/// Wording that depends on the tenant's kind: a public tenant speaks of "démarches" and
/// "demandes", a company of "demandes" and "tickets". Each such message selects on `$kind`.
pub trait Wording {
    fn tk(&self, id: &str) -> String;
    fn tk1(&self, id: &str, name: &str, value: &str) -> String;
}

impl Wording for Ctx {
    fn tk(&self, id: &str) -> String {
        crate::i18n::message(self.locale, id, &[("kind", FluentValue::from(kind(self)))])
    }

    fn tk1(&self, id: &str, name: &str, value: &str) -> String {
        crate::i18n::message(
            self.locale,
            id,
            &[
                ("kind", FluentValue::from(kind(self))),
                (name, FluentValue::from(value.to_owned())),
            ],
        )
    }
}

fn kind(ctx: &Ctx) -> &'static str {
    if ctx.is_public() { "public" } else { "private" }
}

/// The signed-in portal account, if any. Staff accounts do not file or follow cases as
/// requesters here (the back office files on someone's behalf).
pub(crate) fn portal_user(ctx: &Ctx) -> Option<&Account> {
    ctx.user
        .as_deref()
        .filter(|u| u.kind() == AccountKind::Portal)
}

/// The signed-in portal account, or the error to show.
pub(crate) fn requester(ctx: &Ctx) -> AppResult<&Account> {
    match ctx.user.as_deref() {
        None => Err(AppError::SignInNeeded),
        Some(u) if u.kind() == AccountKind::Portal => Ok(u),
        Some(_) => Err(AppError::Refused(
            axum::http::StatusCode::FORBIDDEN,
            "portal-staff-account",
        )),
    }
}

/// The person record a portal account acts for. Accounts are linked to persons by the
/// sign-up and single sign-on flows; an account not linked yet has no document safe and files
/// under its account only.
pub(crate) async fn person_of(state: &AppState, account: &Account) -> AppResult<Option<Uuid>> {
    Ok(relais_store::portal_accounts::person_of(&state.db, account.tenant_id, account.id).await?)
}

/// A service's title in the visitor's language.
pub(crate) fn service_title(ctx: &Ctx, s: &services::Service) -> String {
    crate::catalogue::title_of(ctx, s)
}

pub(crate) fn service_description(ctx: &Ctx, s: &services::Service) -> String {
    if ctx.lang() == "en" && !s.description_en.trim().is_empty() {
        s.description_en.clone()
    } else {
        s.description_fr.clone()
    }
}

/// A published service of the tenant by its slug, with its published definition.
pub(crate) async fn published(
    state: &AppState,
    ctx: &Ctx,
    slug: &str,
) -> AppResult<(services::Service, std::sync::Arc<ServiceDefinition>)> {
    let service = state
        .service_by_slug(ctx.tenant.id, slug)
        .await?
        .filter(|s| s.state == "published")
        .ok_or(AppError::NotFound)?;
    let version = service.published_version.ok_or(AppError::NotFound)?;
    let definition = definition(state, ctx.tenant.id, service.id, version).await?;
    Ok((service, definition))
}

/// One version of a service's definition.
pub(crate) async fn definition(
    state: &AppState,
    tenant_id: Uuid,
    service_id: Uuid,
    version: i32,
) -> AppResult<std::sync::Arc<ServiceDefinition>> {
    state
        .definition(tenant_id, service_id, version)
        .await?
        .ok_or(AppError::NotFound)
}

/// A size in bytes as people read it (ko/Mo in French, KB/MB in English).
pub(crate) fn size_text(ctx: &Ctx, bytes: u64) -> String {
    let fr = ctx.lang() == "fr";
    if bytes >= 1_000_000 {
        let mb = bytes as f64 / 1_000_000.0;
        let s = if mb >= 10.0 {
            format!("{mb:.0}")
        } else {
            format!("{mb:.1}")
        };
        if fr {
            format!("{} Mo", s.replace('.', ","))
        } else {
            format!("{s} MB")
        }
    } else {
        let kb = bytes.div_ceil(1000);
        if fr {
            format!("{kb} ko")
        } else {
            format!("{kb} KB")
        }
    }
}

/// A moment in the tenant's time zone, as people read it.
pub(crate) fn local_time(ctx: &Ctx, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = relais_domain::case::to_local(at, &ctx.tenant.time_zone);
    if ctx.lang() == "fr" {
        local.format("%d/%m/%Y à %H:%M").to_string()
    } else {
        local.format("%-d %B %Y at %H:%M").to_string()
    }
}

/// The date of a moment in the tenant's time zone.
pub(crate) fn local_date(ctx: &Ctx, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = relais_domain::case::to_local(at, &ctx.tenant.time_zone);
    date_text(ctx, local.date())
}

pub(crate) fn date_text(ctx: &Ctx, d: chrono::NaiveDate) -> String {
    if ctx.lang() == "fr" {
        d.format("%d/%m/%Y").to_string()
    } else {
        d.format("%-d %B %Y").to_string()
    }
}

/// Today in the tenant's time zone (relative date bounds of forms count from it).
pub(crate) fn today(ctx: &Ctx) -> chrono::NaiveDate {
    relais_domain::case::to_local(chrono::Utc::now(), &ctx.tenant.time_zone).date()
}

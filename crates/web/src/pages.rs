//! Pages every tenant has: home, back-office landing, error pages, theme and static assets,
//! health and metrics endpoints.

use crate::{ctx::Ctx, error::AppResult, state::AppState};
use askama::Template;
use axum::{
    extract::{Query, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use relais_domain::Permission;
use relais_store::teams;
use serde::Deserialize;

/// Renders a template into a response.
pub fn render(t: &impl Template) -> AppResult<Response> {
    Ok(Html(t.render()?).into_response())
}

/// The notice shown after a redirect (`?notice=…`): only known message ids, never free text.
#[derive(Deserialize, Default)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

const NOTICES: &[&str] = &[
    "signed-out",
    "reset-done",
    "forgot-sent",
    "password-changed",
    "account-saved",
    "totp-now-enabled",
    "totp-now-disabled",
    "api-token-revoked",
    "settings-saved",
    "logo-saved",
    "staff-saved",
    "staff-reset-sent",
    "staff-invited",
    "team-created",
    "canned-created",
    "canned-saved",
    "canned-deleted",
    "article-created",
    "article-saved",
    "article-published",
    "article-unpublished",
    "article-deleted",
    "team-saved",
    "team-deleted",
    "calendar-saved",
    "signup-done",
    "signup-exists",
    "profile-saved",
    "notifications-saved",
    "account-deleted",
    "oidc-failed",
    "oidc-saved",
    "deletion-rule-saved",
    "mail-saved",
    "mail-cleared",
    "mail-test-sent",
];

impl NoticeQuery {
    pub fn text(&self, ctx: &Ctx) -> Option<String> {
        self.notice
            .as_deref()
            .filter(|n| NOTICES.contains(n))
            .map(|n| ctx.t(n))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTpl<'a> {
    ctx: &'a Ctx,
    status: u16,
    message: &'a str,
}

pub fn error_page(ctx: &Ctx, status: StatusCode, message: &str) -> Response {
    let tpl = ErrorTpl {
        ctx,
        status: status.as_u16(),
        message,
    };
    match tpl.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, ctx.t(message)).into_response(),
    }
}

/// No tenant for this host and no default tenant: there is no theme or language to use.
pub fn unknown_site() -> Response {
    let html = "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Relais</title></head><body><main>\
        <h1>Aucun espace ne correspond à cette adresse.</h1>\
        <p lang=\"en\">No space matches this address.</p></main></body></html>";
    (StatusCode::NOT_FOUND, Html(html)).into_response()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTpl<'a> {
    ctx: &'a Ctx,
    notice: Option<String>,
}

pub async fn home(ctx: Ctx, Query(q): Query<NoticeQuery>) -> AppResult<Response> {
    render(&HomeTpl {
        notice: q.text(&ctx),
        ctx: &ctx,
    })
}

#[derive(Template)]
#[template(path = "backoffice.html")]
struct BackofficeTpl<'a> {
    ctx: &'a Ctx,
    user: &'a relais_store::accounts::Account,
    teams: Vec<String>,
    notice: Option<String>,
}

pub async fn backoffice(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let user = ctx.staff(Permission::UseBackOffice)?;
    let teams = teams::of_account(&state.db, ctx.tenant.id, user.id)
        .await?
        .into_iter()
        .map(|t| t.name)
        .collect();
    render(&BackofficeTpl {
        ctx: &ctx,
        user,
        teams,
        notice: q.text(&ctx),
    })
}

const APP_CSS: &str = include_str!("../static/app.css");

pub async fn app_css() -> Response {
    css(APP_CSS.to_owned(), "public, max-age=3600")
}

/// htmx, vendored and pinned (BSD-0 licence): progressive enhancement only, every page
/// works without it. Its version is in its path, so it can be cached for good.
pub const HTMX_PATH: &str = "/static/htmx-2.0.11.min.js";
const HTMX_JS: &str = include_str!("../static/htmx-2.0.11.min.js");

pub async fn htmx_js() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        HTMX_JS,
    )
        .into_response()
}

/// The back office's keyboard shortcuts (progressive enhancement).
pub const BACKOFFICE_JS_PATH: &str = "/static/backoffice.js";
const BACKOFFICE_JS: &str = include_str!("../static/backoffice.js");

pub async fn backoffice_js() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        BACKOFFICE_JS,
    )
        .into_response()
}

fn css(body: String, cache: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

/// The tenant's colours as CSS custom properties (no inline style: the CSP forbids it).
pub async fn theme_css(ctx: Ctx) -> Response {
    let brand =
        relais_domain::Colour::parse(&ctx.tenant.primary_colour).unwrap_or(relais_domain::Colour {
            r: 0x1f,
            g: 0x4e,
            b: 0x8c,
        });
    css(format!(":root {{ --brand: {brand}; }}\n"), "no-cache")
}

pub async fn logo(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let (Some(hash), Some(kind)) = (&ctx.tenant.logo_hash, &ctx.tenant.logo_type) else {
        return Err(crate::error::AppError::NotFound);
    };
    let bytes = state.files.get(hash).await?;
    let content_type =
        HeaderValue::from_str(kind).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response())
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// SQLite's group commit: how many writes shared a transaction (see
/// `relais_store::group_commit`).
fn write_groups(db: &relais_store::Db) -> String {
    db.write_groups()
        .map(|g| {
            format!(
                "# HELP relais_sqlite_write_groups_total Transactions that held several writes.\n\
                 # TYPE relais_sqlite_write_groups_total counter\n\
                 relais_sqlite_write_groups_total {}\n\
                 # HELP relais_sqlite_grouped_writes_total Writes committed in those transactions.\n\
                 # TYPE relais_sqlite_grouped_writes_total counter\n\
                 relais_sqlite_grouped_writes_total {}\n",
                g.transactions, g.writes
            )
        })
        .unwrap_or_default()
}

pub async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render() + &write_groups(&state.db),
    )
        .into_response()
}

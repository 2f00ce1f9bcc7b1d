//! A tenant's own outgoing mail server. Its administrators set host, port, TLS mode,
//! credentials and sender at `/admin/mail`; every mail of the tenant (acknowledgements,
//! messages to requesters, digests, sign-up and reset links) then goes through it, and
//! without settings through the instance's (`[mail]`, or `.eml` files in the data folder).
//! The password is never shown back: a blank field keeps the saved one.

use crate::{
    admin::{NavLink, nav},
    ctx::Ctx,
    error::AppResult,
    pages::{NoticeQuery, render},
    state::AppState,
};
use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::Permission;
use relais_mail::{Mailer, SmtpSettings, Tls};
use relais_store::mail_settings::{self, TenantMail};
use serde::Deserialize;
use uuid::Uuid;

/// The mailer of a tenant: its own server when set, else the instance's. A tenant's
/// settings that cannot be read or no longer build (they were checked when saved) are
/// logged and the instance's mailer is used, so no mail is dropped for it.
pub async fn mailer(state: &AppState, tenant_id: Uuid) -> Mailer {
    match mail_settings::get(&state.db, tenant_id).await {
        Ok(Some(settings)) => match build(&settings) {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(tenant = %tenant_id, error = %e, "tenant mail settings unusable; instance mail used");
                state.mailer.clone()
            }
        },
        Ok(None) => state.mailer.clone(),
        Err(e) => {
            tracing::warn!(tenant = %tenant_id, error = %e, "tenant mail settings unreadable; instance mail used");
            state.mailer.clone()
        }
    }
}

fn build(s: &TenantMail) -> Result<Mailer, relais_mail::MailError> {
    let tls = Tls::parse(&s.tls).ok_or_else(|| relais_mail::MailError::Build(s.tls.clone()))?;
    let port =
        u16::try_from(s.port).map_err(|_| relais_mail::MailError::Build(s.port.to_string()))?;
    Mailer::smtp(
        &SmtpSettings {
            host: s.host.clone(),
            port,
            tls,
            username: s.username.clone(),
            password: s.password.clone(),
        },
        &s.sender,
    )
}

// ---------------------------------------------------------------------------------------
// The administration page

#[derive(Deserialize, Default, Clone)]
pub struct MailForm {
    #[serde(default)]
    host: String,
    #[serde(default)]
    port: String,
    #[serde(default)]
    tls: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    forget_password: Option<String>,
    #[serde(default)]
    sender: String,
}

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
    form: MailForm,
    /// Whether the tenant has its own settings (else the instance's apply).
    own: bool,
    has_password: bool,
    /// The latest mails of the outbox, newest first.
    outbox: Vec<OutboxRow>,
}

/// One mail of the outbox, as the administrators' list shows it.
struct OutboxRow {
    queued_at: String,
    to: String,
    subject: String,
    /// The message id of its state.
    state: &'static str,
    /// When the next attempt is due (a mail waiting after a failed attempt).
    next: Option<String>,
    attempts: i32,
    /// The reason the last attempt failed.
    error: Option<String>,
}

/// How many of the latest mails the page lists.
const OUTBOX_SHOWN: i64 = 50;

async fn outbox_rows(state: &AppState, ctx: &Ctx) -> AppResult<Vec<OutboxRow>> {
    use relais_store::jobs::JobState;
    let jobs = relais_store::outbox::list(&state.db, ctx.tenant.id, OUTBOX_SHOWN).await?;
    Ok(jobs
        .into_iter()
        .map(|job| {
            let mail = relais_store::outbox::mail_of(&job);
            let (state, next) = match job.state {
                JobState::Queued if job.attempts == 0 => ("mail-outbox-queued", None),
                JobState::Queued => (
                    "mail-outbox-retry",
                    Some(crate::portal::local_time(ctx, job.run_after)),
                ),
                JobState::Running => ("mail-outbox-sending", None),
                JobState::Done => ("mail-outbox-sent", None),
                JobState::Failed => ("mail-outbox-failed", None),
            };
            OutboxRow {
                queued_at: crate::portal::local_time(ctx, job.created_at),
                to: mail.as_ref().map(|m| m.to.clone()).unwrap_or_default(),
                subject: mail.map(|m| m.subject).unwrap_or_default(),
                state,
                next,
                attempts: job.attempts,
                error: job.error.filter(|_| job.state != JobState::Done),
            }
        })
        .collect())
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<MailForm>,
    notice: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
) -> AppResult<Response> {
    let saved = mail_settings::get(&state.db, ctx.tenant.id).await?;
    let form = form.unwrap_or_else(|| match &saved {
        Some(s) => MailForm {
            host: s.host.clone(),
            port: s.port.to_string(),
            tls: s.tls.clone(),
            username: s.username.clone().unwrap_or_default(),
            password: String::new(),
            forget_password: None,
            sender: s.sender.clone(),
        },
        None => MailForm {
            port: "587".into(),
            tls: "starttls".into(),
            sender: format!(
                "{} <noreply@example.org>",
                ctx.tenant.name.replace(['<', '>', '"'], "")
            ),
            ..Default::default()
        },
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&MailTpl {
        ctx,
        nav: nav(ctx, "/admin/mail", true),
        notice,
        errors,
        form,
        own: saved.is_some(),
        has_password: saved.is_some_and(|s| s.password.is_some()),
        outbox: outbox_rows(state, ctx).await?,
    })?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    page(&state, &ctx, None, q.text(&ctx), Vec::new()).await
}

/// A host name or address as typed: letters, digits, dots, dashes, and the colons and
/// brackets of an IPv6 address.
fn valid_host(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]_".contains(c))
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<MailForm>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let saved = mail_settings::get(&state.db, ctx.tenant.id).await?;
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    let host = form.host.trim();
    if !valid_host(host) {
        errors.push(("host", "mail-invalid-host"));
    }
    let port = form.port.trim().parse::<u16>().ok().filter(|p| *p > 0);
    if port.is_none() {
        errors.push(("port", "mail-invalid-port"));
    }
    let tls = form.tls.trim();
    if Tls::parse(tls).is_none() {
        errors.push(("tls", "mail-invalid-tls"));
    }
    let username = form.username.trim();
    if username.chars().count() > 200 || username.chars().any(char::is_control) {
        errors.push(("username", "mail-invalid-username"));
    }
    // A blank password keeps the saved one (for the same user name), unless it is forgotten.
    let password = match (form.password.as_str(), &saved) {
        _ if form.forget_password.is_some() || username.is_empty() => None,
        ("", Some(s)) if s.username.as_deref() == Some(username) => s.password.clone(),
        ("", _) => None,
        (p, _) => Some(p.to_owned()),
    };
    if password
        .as_deref()
        .is_some_and(|p| p.chars().count() > 500 || p.chars().any(char::is_control))
    {
        errors.push(("password", "mail-invalid-password"));
    }
    let sender = form.sender.trim();
    if sender.chars().count() > 300 || !relais_mail::valid_mailbox(sender) {
        errors.push(("sender", "mail-invalid-sender"));
    }
    let settings = TenantMail {
        host: host.to_owned(),
        port: port.map_or(0, i32::from),
        tls: tls.to_owned(),
        username: (!username.is_empty()).then(|| username.to_owned()),
        password,
        sender: sender.to_owned(),
    };
    if errors.is_empty() && build(&settings).is_err() {
        errors.push(("host", "mail-invalid-host"));
    }
    if !errors.is_empty() {
        let mut shown = form.clone();
        shown.password = String::new();
        return page(&state, &ctx, Some(shown), None, errors).await;
    }
    mail_settings::save(&state.db, &ctx.actor(), &settings).await?;
    Ok(Redirect::to("/admin/mail?notice=mail-saved").into_response())
}

/// Back to the instance's mail settings.
pub async fn clear(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    mail_settings::clear(&state.db, &ctx.actor()).await?;
    Ok(Redirect::to("/admin/mail?notice=mail-cleared").into_response())
}

/// How long the test message may wait for the server.
const TEST_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Sends a test message to the administrator through the tenant's mailer, and says at once
/// whether the server took it.
pub async fn test(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.staff(Permission::ManageTenant)?;
    let mail = relais_mail::Mail {
        to: user.email.clone(),
        subject: ctx.t1("mail-test-subject", "tenant", &ctx.tenant.name),
        text: ctx.t1("mail-test-body", "tenant", &ctx.tenant.name),
        html: None,
    };
    let mailer = mailer(&state, ctx.tenant.id).await;
    // A server that never answers must not hold the page until the request times out.
    let sent = tokio::time::timeout(TEST_WAIT, mailer.send(mail)).await;
    let failure = match sent {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} seconds", TEST_WAIT.as_secs())),
    };
    match failure {
        None => Ok(Redirect::to("/admin/mail?notice=mail-test-sent").into_response()),
        Some(e) => {
            tracing::warn!(tenant = %ctx.tenant.id, error = %e, "test mail not sent");
            page(&state, &ctx, None, None, vec![("test", "mail-test-failed")]).await
        }
    }
}

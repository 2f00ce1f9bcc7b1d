//! Administration of portal accounts: what deleting an account does to the person record,
//! and the tenant's OpenID Connect provider (FranceConnect or any compatible one).

use crate::{
    admin::{NavLink, nav},
    auth::link_base,
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
use relais_store::portal_accounts::{self, DeletionRule, OidcProvider};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
    rule: &'static str,
    form: OidcForm,
    has_secret: bool,
    callback: String,
}

#[derive(Deserialize, Default, Clone)]
pub struct OidcForm {
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    acr_values: String,
    #[serde(default)]
    enabled: Option<String>,
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    form: Option<OidcForm>,
    notice: Option<String>,
    errors: Vec<(&'static str, &'static str)>,
) -> AppResult<Response> {
    let rule = portal_accounts::deletion_rule(&state.db, ctx.tenant.id).await?;
    let saved = portal_accounts::oidc_provider(&state.db, ctx.tenant.id).await?;
    let form = form.unwrap_or_else(|| match &saved {
        Some(p) => OidcForm {
            issuer: p.issuer.clone(),
            client_id: p.client_id.clone(),
            client_secret: String::new(),
            label: p.label.clone(),
            acr_values: p.acr_values.clone().unwrap_or_default(),
            enabled: p.enabled.then(|| "on".to_owned()),
        },
        None => OidcForm {
            label: "FranceConnect".into(),
            ..Default::default()
        },
    });
    let callback = format!("{}/login/oidc/callback", link_base(state, ctx).await?);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(&AccountsTpl {
        ctx,
        nav: nav(ctx, "/admin/accounts", true),
        notice,
        errors,
        rule: rule.as_str(),
        form,
        has_secret: saved.is_some(),
        callback,
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

#[derive(Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    rule: String,
}

pub async fn save_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<RuleForm>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let Some(rule) = DeletionRule::parse(&form.rule) else {
        return page(
            &state,
            &ctx,
            None,
            None,
            vec![("rule", "deletion-rule-invalid")],
        )
        .await;
    };
    portal_accounts::set_deletion_rule(&state.db, &ctx.actor(), rule).await?;
    Ok(Redirect::to("/admin/accounts?notice=deletion-rule-saved").into_response())
}

fn valid_issuer(s: &str) -> bool {
    let s = s.trim();
    let local = |rest: &str| {
        let host = rest.split(['/', ':']).next().unwrap_or("");
        host == "localhost" || host == "127.0.0.1" || host == "[::1]"
    };
    s.len() <= 300
        && !s.contains(char::is_whitespace)
        && match (s.strip_prefix("https://"), s.strip_prefix("http://")) {
            (Some(rest), _) => !rest.is_empty(),
            (_, Some(rest)) => local(rest),
            _ => false,
        }
}

pub async fn save_oidc(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<OidcForm>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageTenant)?;
    let saved = portal_accounts::oidc_provider(&state.db, ctx.tenant.id).await?;
    let mut errors: Vec<(&'static str, &'static str)> = Vec::new();
    if !valid_issuer(&form.issuer) {
        errors.push(("issuer", "oidc-invalid-issuer"));
    }
    let client_id = form.client_id.trim();
    if client_id.is_empty() || client_id.chars().count() > 200 {
        errors.push(("client_id", "oidc-invalid-client-id"));
    }
    let secret = match (form.client_secret.trim(), &saved) {
        ("", Some(p)) => p.client_secret.clone(),
        (s, _) => s.to_owned(),
    };
    if secret.is_empty() || secret.chars().count() > 500 {
        errors.push(("client_secret", "oidc-invalid-secret"));
    }
    let label = form.label.trim();
    if label.is_empty() || label.chars().count() > 60 {
        errors.push(("label", "oidc-invalid-label"));
    }
    let acr = form.acr_values.trim();
    if acr.len() > 100
        || !acr
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " .-_:".contains(c))
    {
        errors.push(("acr_values", "oidc-invalid-acr"));
    }
    if !errors.is_empty() {
        let mut shown = form.clone();
        shown.client_secret = String::new();
        return page(&state, &ctx, Some(shown), None, errors).await;
    }
    portal_accounts::save_oidc_provider(
        &state.db,
        &ctx.actor(),
        &OidcProvider {
            issuer: form.issuer.trim().trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: secret,
            label: label.to_owned(),
            scopes: "openid profile email".to_owned(),
            acr_values: (!acr.is_empty()).then(|| acr.to_owned()),
            enabled: form.enabled.is_some(),
        },
    )
    .await?;
    Ok(Redirect::to("/admin/accounts?notice=oidc-saved").into_response())
}

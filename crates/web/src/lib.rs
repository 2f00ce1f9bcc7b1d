//! The HTTP side of Relais: portal, back office, administration and the JSON API, on axum.
//! Handlers parse, authorise, call the store and render; rules live in `relais-domain`, SQL in
//! `relais-store`.

pub mod account;
pub mod admin;
pub mod admin_accounts;
pub mod api;
pub mod auth;
pub mod automation;
pub mod backoffice;
pub mod calendar;
pub mod canned_admin;
pub mod cases;
pub mod catalogue;
pub mod ctx;
pub mod error;
pub mod http_client;
pub mod i18n;
pub mod jobs;
pub mod knowledge_admin;
pub mod metrics;
pub mod middleware;
pub mod notify;
pub mod oidc;
pub mod outbox;
pub mod pages;
pub mod pdf;
pub mod people;
pub mod portal;
pub mod portal_account;
pub mod rate_limit;
pub mod rules;
pub mod search;
pub mod signup;
pub mod state;
pub mod tenant_mail;

pub use state::{AppState, WebConfig};

use axum::{
    Router,
    http::{HeaderName, Request, StatusCode},
    middleware::from_fn_with_state,
    routing::{get, post},
};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tower_http::{
    LatencyUnit,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

/// The whole application as one router, with its middleware.
pub fn app(state: AppState) -> Router {
    let (api_routes, openapi) = api::router();
    let openapi = Arc::new(openapi);
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .route("/", get(portal::home))
        .route("/login", get(auth::portal_login_form).post(auth::portal_login))
        .route("/backoffice/login", get(auth::staff_login_form).post(auth::staff_login))
        .route("/login/totp", get(auth::totp_form).post(auth::totp_submit))
        .route("/logout", post(auth::logout))
        .route("/password/forgot", get(auth::forgot_form).post(auth::forgot_submit))
        .route("/password/reset/{token}", get(auth::reset_form).post(auth::reset_submit))
        .route("/signup", get(signup::form).post(signup::submit))
        .route("/login/oidc", get(oidc::start))
        .route("/login/oidc/callback", get(oidc::callback))
        .route("/admin/accounts", get(admin_accounts::show))
        .route("/admin/accounts/deletion", post(admin_accounts::save_rule))
        .route("/admin/accounts/oidc", post(admin_accounts::save_oidc))
        .route("/admin/mail", get(tenant_mail::show).post(tenant_mail::save))
        .route("/admin/mail/clear", post(tenant_mail::clear))
        .route("/admin/mail/test", post(tenant_mail::test))
        .route("/signup/confirm/{token}", get(signup::confirm_form).post(signup::confirm))
        .route("/backoffice", get(pages::backoffice))
        .route("/account", get(account::show))
        .route("/account/locale", post(account::set_locale))
        .route("/account/profile", get(portal_account::profile).post(portal_account::save_profile))
        .route("/account/notifications", get(portal_account::notifications).post(portal_account::save_notifications))
        .route("/account/delete", get(portal_account::delete_form).post(portal_account::delete))
        .route("/account/password", post(account::change_password))
        .route("/account/totp", get(account::totp_setup).post(account::totp_enable))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .merge(admin::routes())
        .merge(catalogue::routes())
        .merge(calendar::routes())
        .merge(people::routes())
        .merge(search::routes())
        .merge(portal::routes())
        .merge(backoffice::routes())
        .merge(rules::routes())
        .merge(canned_admin::routes())
        .merge(knowledge_admin::routes())
        .merge(api_routes)
        .route("/api/openapi.json", get(move || { let doc = openapi.clone(); async move { axum::Json(doc.as_ref().clone()) } }))
        .route("/static/app.css", get(pages::app_css))
        .route(pages::HTMX_PATH, get(pages::htmx_js))
        .route(pages::BACKOFFICE_JS_PATH, get(pages::backoffice_js))
        .route("/theme.css", get(pages::theme_css))
        .route("/theme/logo", get(pages::logo))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/metrics", get(pages::metrics))
        .route_layer(from_fn_with_state(state.clone(), middleware::track_metrics))
        .layer(from_fn_with_state(state.clone(), middleware::csrf_guard))
        .layer(from_fn_with_state(state.clone(), middleware::context))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(from_fn_with_state(state.clone(), middleware::body_limit))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        })
        .on_request(())
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO).latency_unit(LatencyUnit::Micros)))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.db.clone();
    let digest_state = state.clone();
    let housekeeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match relais_store::sessions::purge_expired(&db).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
            let looks_kept = chrono::Duration::hours(relais_domain::collaboration::LOOK_KEPT_HOURS);
            match relais_store::case_presence::forget_before(&db, chrono::Utc::now() - looks_kept)
                .await
            {
                Ok(n) if n > 0 => tracing::info!(looks = n, "old looks at cases forgotten"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "case presence purge failed"),
            }
            match notify::send_digests(&digest_state, chrono::Utc::now()).await {
                Ok(n) if n > 0 => tracing::info!(mails = n, "daily digests sent"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "digest pass failed"),
            }
        }
    });
    let timers = tokio::spawn(cases::timers::run_forever(
        state.clone(),
        Duration::from_secs(15),
    ));
    let automation = tokio::spawn(automation::schedule_forever(
        state.clone(),
        Duration::from_secs(300),
    ));
    // One stop signal for the server and the job runners.
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let workers = jobs::Runner::new(
        state.clone(),
        jobs::Registry::standard(),
        jobs::RunnerConfig::default(),
    )
    .spawn(state.config.job_workers, stop.clone());
    let mut server_stop = stop.clone();
    let signal = tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let result = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = server_stop.wait_for(|s| *s).await;
    })
    .await;
    housekeeping.abort();
    timers.abort();
    automation.abort();
    signal.abort();
    // Running jobs are handed back (released) for another process to take.
    for w in workers {
        let _ = w.await;
    }
    result
}

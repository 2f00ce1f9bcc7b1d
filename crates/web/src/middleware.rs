//! Middleware in the order a request meets it (outermost first): metrics, security headers,
//! context (tenant, session, language; renders errors), CSRF guard.

use crate::{
    ctx::Ctx,
    error::{AppError, ErrorPage},
    pages,
    state::AppState,
};
use axum::{
    body::Body,
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use relais_domain::Locale;
use relais_store::{accounts, sessions, tenants};
use std::{net::SocketAddr, sync::Arc, time::Instant};

pub const CSRF_FIELD: &str = "csrf_token";

pub fn cookie_name(state: &AppState, base: &str) -> String {
    // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and
    // for the whole site: a sibling subdomain cannot plant one.
    if state.config.secure() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value. `max_age` None: a session cookie; Some(0): delete.
pub fn set_cookie(
    state: &AppState,
    base: &str,
    value: &str,
    max_age: Option<i64>,
    http_only: bool,
    same_site: &str,
) -> HeaderValue {
    let mut c = format!(
        "{}={value}; Path=/; SameSite={same_site}",
        cookie_name(state, base)
    );
    if http_only {
        c.push_str("; HttpOnly");
    }
    if state.config.secure() {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

pub fn random_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    data_encoding::BASE64URL_NOPAD.encode(&bytes)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn track_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    state.metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        start.elapsed().as_secs_f64(),
    );
    response
}

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    // No inline script or style anywhere: the theme colours come from /theme.css. A handler
    // that serves a file (a document preview) sets its own, stricter policy and frame rule.
    let own_policy = h.contains_key(header::CONTENT_SECURITY_POLICY);
    if !own_policy {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                 connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
            ),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !own_policy {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.config.secure() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        // Pages carry personal data: no shared or back-button caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn client_ip(state: &AppState, req: &Request) -> Option<String> {
    if state.config.trust_proxy
        && let Some(forwarded) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded.rsplit(',').next()
    {
        return Some(last.trim().to_owned());
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}

fn query_lang(req: &Request) -> Option<Locale> {
    req.uri()
        .query()?
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "lang")
        .and_then(|(_, v)| v.parse().ok())
}

/// Resolves tenant, session and language, runs the handler, then renders any error marker
/// as a page in the visitor's language.
pub async fn context(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .and_then(|h| relais_domain::tenant::host_name(&h).ok());
    let tenant = state
        .tenants_by_host
        .get_or_read(host.clone().unwrap_or_default(), || async {
            tenants::resolve(&state.db, host.as_deref())
                .await
                .map(|t| t.map(Arc::new))
        })
        .await;
    let tenant = match tenant {
        Ok(Some(t)) => t,
        Ok(None) => return pages::unknown_site(),
        Err(e) => {
            tracing::error!(error = %e, "tenant resolution failed");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable / Service indisponible",
            )
                .into_response();
        }
    };
    let path = req.uri().path().to_owned();
    let is_api = path.starts_with("/api/");
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();

    // The API authenticates by token only; cookies mean nothing there (so no CSRF either).
    let (mut session, mut user) = (None, None);
    if !is_api && let Some(raw) = read_cookie(req.headers(), &cookie_name(&state, "relais_session"))
    {
        match sessions::find(&state.db, tenant.id, &raw, state.config.session_idle).await {
            Ok(Some(s)) => {
                if chrono::Utc::now() - s.last_seen_at > chrono::Duration::seconds(60) {
                    let _ = sessions::touch(&state.db, &s).await;
                }
                if let Ok(Some(account)) = accounts::get(&state.db, tenant.id, s.account_id).await
                    && !account.disabled
                {
                    if !s.second_factor_pending {
                        user = Some(Arc::new(account));
                    }
                    session = Some(Arc::new(s));
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "session lookup failed"),
        }
    }

    let lang_from_query = query_lang(&req);
    let locale = lang_from_query
        .or_else(|| read_cookie(req.headers(), "relais_lang").and_then(|l| l.parse().ok()))
        .or_else(|| user.as_ref().and_then(|u| u.locale()))
        .unwrap_or_else(|| tenant.locale());

    // Staff see their unread notifications counted in the menu (static files need not).
    let unread_notifications = match &user {
        Some(u)
            if u.kind() == relais_domain::AccountKind::Staff && !path.starts_with("/static/") =>
        {
            relais_store::staff_notifications::unread_count(&state.db, tenant.id, u.id)
                .await
                .unwrap_or(0)
        }
        _ => 0,
    };

    let existing_csrf =
        read_cookie(req.headers(), &cookie_name(&state, "relais_csrf")).filter(|t| t.len() >= 32);
    let csrf = existing_csrf.clone().unwrap_or_else(random_token);
    let ctx = Ctx {
        tenant,
        locale,
        user,
        session,
        csrf: csrf.clone(),
        request_id,
        client_ip: client_ip(&state, &req),
        path: path.clone(),
        unread_notifications,
    };
    req.extensions_mut().insert(ctx.clone());

    let mut response = next.run(req).await;

    if !is_api {
        response = render_error(&ctx, response);
    }
    let csrf_name = cookie_name(&state, "relais_csrf");
    let handler_set_csrf = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| {
            v.to_str()
                .is_ok_and(|v| v.starts_with(&format!("{csrf_name}=")))
        });
    if existing_csrf.is_none() && !handler_set_csrf && !is_api {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&state, "relais_csrf", &csrf, None, true, "Strict"),
        );
    }
    if let Some(lang) = lang_from_query {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(
                &state,
                "relais_lang",
                lang.as_str(),
                Some(31_536_000),
                false,
                "Lax",
            ),
        );
    }
    response
}

fn render_error(ctx: &Ctx, response: Response) -> Response {
    let page = match response.extensions().get::<ErrorPage>() {
        Some(page) => *page,
        None => {
            let status = response.status();
            let is_page = response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| {
                    ct.starts_with("text/html") || ct.starts_with("application/json")
                });
            if !(status.is_client_error() || status.is_server_error()) || is_page {
                return response;
            }
            // Errors from the router and the extractors (unknown route, wrong method, bad
            // form, oversize body) come as plain text: give them a real page.
            let message = match status {
                StatusCode::NOT_FOUND => "error-not-found",
                StatusCode::METHOD_NOT_ALLOWED => "error-method",
                StatusCode::PAYLOAD_TOO_LARGE => "error-too-large",
                s if s.is_client_error() => "error-bad-request",
                _ => "error-internal",
            };
            ErrorPage { status, message }
        }
    };
    if page.status == StatusCode::UNAUTHORIZED && page.message == "error-sign-in-needed" {
        let login = if ctx.path.starts_with("/backoffice") || ctx.path.starts_with("/admin") {
            "/backoffice/login"
        } else {
            "/login"
        };
        return Redirect::to(&format!("{login}?next={}", urlencode(&ctx.path))).into_response();
    }
    let mut rendered = pages::error_page(ctx, page.status, page.message);
    // Keep headers the handler set (Retry-After, Allow).
    for name in [header::RETRY_AFTER, header::ALLOW] {
        if let Some(v) = response.headers().get(&name) {
            rendered.headers_mut().insert(name, v.clone());
        }
    }
    rendered
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Refuses a state-changing request unless it carries this visitor's CSRF token (form field,
/// `X-CSRF-Token` header, or query parameter for multipart uploads) and does not come from
/// another site.
pub async fn csrf_guard(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || req.uri().path().starts_with("/api/") {
        return Ok(next.run(req).await);
    }
    let ctx = req
        .extensions()
        .get::<Ctx>()
        .cloned()
        .ok_or(AppError::Csrf)?;
    let headers = req.headers();
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return Err(AppError::Csrf);
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Err(AppError::Csrf);
        }
    }
    if headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| constant_time_eq(t, &ctx.csrf))
    {
        return Ok(next.run(req).await);
    }
    let in_query = req
        .uri()
        .query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .and_then(|pairs| {
            pairs
                .into_iter()
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v)
        });
    if in_query.is_some_and(|t| constant_time_eq(&t, &ctx.csrf)) {
        return Ok(next.run(req).await);
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(AppError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .map_err(|_| AppError::BadRequest)?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v);
    if !token.is_some_and(|t| constant_time_eq(&t, &ctx.csrf)) {
        return Err(AppError::Csrf);
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// Limits request bodies: `max_import_bytes` for the person import's upload,
/// `max_upload_bytes` for the portal pages that take files, `max_body_bytes` elsewhere. A body
/// over the limit fails when read, as a 413 page in the visitor's language.
pub async fn body_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let post = req.method() == Method::POST;
    let path = req.uri().path();
    let limit = if post && path == crate::people::import::UPLOAD_PATH {
        state
            .config
            .max_import_bytes
            .max(state.config.max_body_bytes)
    } else if post && crate::portal::takes_files(path) {
        state
            .config
            .max_upload_bytes
            .max(state.config.max_body_bytes)
    } else {
        state.config.max_body_bytes
    };
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

//! Single sign-on through the tenant's OpenID Connect provider (FranceConnect or any
//! compatible one): authorization code flow with PKCE (S256), a random state and nonce kept
//! (hashed state) for ten minutes and used once, the ID token's RS256 signature checked with
//! the provider's JWKS, its issuer, audience, expiry and nonce checked, and the claims
//! (given_name, family_name, birthdate, email; from the userinfo endpoint when the ID token
//! does not carry them) mapped to the account and its person record.

use crate::{
    auth::{link_base, safe_next, start_session},
    ctx::Ctx,
    error::{AppError, AppResult},
    http_client,
    middleware::random_token,
    state::AppState,
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use data_encoding::BASE64URL_NOPAD;
use relais_domain::Email;
use relais_store::portal_accounts::{self, OidcProvider, ProvidedIdentity};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);
/// Allowed clock difference with the provider.
const LEEWAY_SECONDS: i64 = 120;

/// Why a sign-in through the provider failed; logged, never shown (the user sees one message).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("provider: {0}")]
    Provider(String),
    #[error("token: {0}")]
    Token(&'static str),
}

fn failed(e: impl std::fmt::Display) -> AppError {
    tracing::warn!(error = %e, "OpenID Connect sign-in failed");
    AppError::Refused(StatusCode::BAD_REQUEST, "oidc-failed")
}

/// The provider's discovery document, the parts used.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub userinfo_endpoint: Option<String>,
}

async fn json_of(answer: http_client::Answer) -> Result<Value, OidcError> {
    if answer.status != 200 {
        return Err(OidcError::Provider(format!("HTTP {}", answer.status)));
    }
    serde_json::from_slice(&answer.body).map_err(|e| OidcError::Provider(e.to_string()))
}

pub async fn discover(issuer: &str) -> Result<Discovery, OidcError> {
    let url = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let doc = json_of(
        http_client::get(&url, None, TIMEOUT)
            .await
            .map_err(|e| OidcError::Provider(e.to_string()))?,
    )
    .await?;
    let text = |k: &str| {
        doc[k]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| OidcError::Provider(format!("discovery without {k}")))
    };
    let discovery = Discovery {
        issuer: text("issuer")?,
        authorization_endpoint: text("authorization_endpoint")?,
        token_endpoint: text("token_endpoint")?,
        jwks_uri: text("jwks_uri")?,
        userinfo_endpoint: doc["userinfo_endpoint"].as_str().map(str::to_owned),
    };
    if discovery.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
        return Err(OidcError::Provider("discovery for another issuer".into()));
    }
    Ok(discovery)
}

/// The S256 PKCE challenge of a verifier.
pub fn pkce_challenge(verifier: &str) -> String {
    BASE64URL_NOPAD.encode(&Sha256::digest(verifier.as_bytes()))
}

/// Checks a compact JWS signed RS256 with a key of `jwks` and returns its claims.
pub fn verify_rs256(jwt: &str, jwks: &Value) -> Result<Value, OidcError> {
    let mut parts = jwt.trim().split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(OidcError::Token("not a compact JWS"));
    };
    let decode = |x: &str| {
        BASE64URL_NOPAD
            .decode(x.as_bytes())
            .map_err(|_| OidcError::Token("bad base64url"))
    };
    let header: Value =
        serde_json::from_slice(&decode(h)?).map_err(|_| OidcError::Token("bad header"))?;
    if header["alg"] != "RS256" {
        return Err(OidcError::Token("algorithm other than RS256"));
    }
    let kid = header["kid"].as_str();
    let keys = jwks["keys"]
        .as_array()
        .ok_or(OidcError::Token("JWKS without keys"))?;
    let key = keys
        .iter()
        .filter(|k| k["kty"] == "RSA")
        .filter(|k| k["use"].as_str().is_none_or(|u| u == "sig"))
        .find(|k| kid.is_none() || k["kid"].as_str() == kid)
        .ok_or(OidcError::Token("no key for this token"))?;
    let n = decode(key["n"].as_str().ok_or(OidcError::Token("key without n"))?)?;
    let e = decode(key["e"].as_str().ok_or(OidcError::Token("key without e"))?)?;
    let signature = decode(s)?;
    let signed = format!("{h}.{p}");
    ring::signature::RsaPublicKeyComponents { n: &n, e: &e }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            signed.as_bytes(),
            &signature,
        )
        .map_err(|_| OidcError::Token("bad signature"))?;
    serde_json::from_slice(&decode(p)?).map_err(|_| OidcError::Token("bad payload"))
}

/// Checks the ID token's claims: issuer, audience (and authorized party), expiry, issue
/// time and nonce.
pub fn check_id_claims(
    claims: &Value,
    issuer: &str,
    client_id: &str,
    nonce: &str,
    now: i64,
) -> Result<(), OidcError> {
    if claims["iss"].as_str() != Some(issuer) {
        return Err(OidcError::Token("wrong issuer"));
    }
    let audience_ok = match &claims["aud"] {
        Value::String(a) => a == client_id,
        Value::Array(list) => {
            list.iter().any(|a| a == client_id)
                && (list.len() == 1 || claims["azp"].as_str() == Some(client_id))
        }
        _ => false,
    };
    if !audience_ok {
        return Err(OidcError::Token("wrong audience"));
    }
    let exp = claims["exp"]
        .as_i64()
        .ok_or(OidcError::Token("no expiry"))?;
    if exp + LEEWAY_SECONDS < now {
        return Err(OidcError::Token("expired"));
    }
    if claims["iat"]
        .as_i64()
        .is_some_and(|iat| iat - LEEWAY_SECONDS > now)
    {
        return Err(OidcError::Token("issued in the future"));
    }
    if claims["nonce"].as_str() != Some(nonce) {
        return Err(OidcError::Token("wrong nonce"));
    }
    if claims["sub"].as_str().is_none_or(str::is_empty) {
        return Err(OidcError::Token("no subject"));
    }
    Ok(())
}

async fn enabled_provider(state: &AppState, ctx: &Ctx) -> AppResult<OidcProvider> {
    portal_accounts::oidc_provider(&state.db, ctx.tenant.id)
        .await?
        .filter(|p| p.enabled)
        .ok_or(AppError::Refused(
            StatusCode::NOT_FOUND,
            "oidc-not-configured",
        ))
}

#[derive(Deserialize, Default)]
pub struct StartQuery {
    next: Option<String>,
}

/// Sends the browser to the provider.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StartQuery>,
) -> AppResult<Response> {
    if ctx.is_staff() {
        return Err(AppError::Refused(
            StatusCode::FORBIDDEN,
            "portal-staff-account",
        ));
    }
    let provider = enabled_provider(&state, &ctx).await?;
    let discovery = discover(&provider.issuer).await.map_err(failed)?;
    let raw_state = random_token();
    let nonce = random_token();
    let verifier = format!("{}{}", random_token(), random_token());
    let next = safe_next(q.next.as_deref(), "/my/requests");
    portal_accounts::start_oidc_login(
        &state.db,
        ctx.tenant.id,
        &raw_state,
        &nonce,
        &verifier,
        &next,
        chrono::Duration::minutes(10),
    )
    .await?;
    let redirect_uri = format!("{}/login/oidc/callback", link_base(&state, &ctx).await?);
    let mut params = vec![
        ("response_type", "code".to_owned()),
        ("client_id", provider.client_id.clone()),
        ("redirect_uri", redirect_uri),
        ("scope", provider.scopes.clone()),
        ("state", raw_state),
        ("nonce", nonce),
        ("code_challenge", pkce_challenge(&verifier)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    if let Some(acr) = provider.acr_values.as_ref().filter(|a| !a.is_empty()) {
        params.push(("acr_values", acr.clone()));
    }
    let query =
        serde_urlencoded::to_string(&params).map_err(|e| AppError::Internal(e.to_string()))?;
    let sep = if discovery.authorization_endpoint.contains('?') {
        '&'
    } else {
        '?'
    };
    Ok(Redirect::to(&format!("{}{sep}{query}", discovery.authorization_endpoint)).into_response())
}

#[derive(Deserialize, Default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider sends the browser back here with a code (or an error).
pub async fn callback(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> AppResult<Response> {
    let client = ctx.client_ip.clone().unwrap_or_default();
    if !state.limiter.allow(
        "login",
        &client,
        state.config.login_attempts_per_minute,
        Duration::from_secs(60),
    ) {
        return Err(AppError::Refused(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
        ));
    }
    let provider = enabled_provider(&state, &ctx).await?;
    let Some(raw_state) = q.state.as_deref() else {
        return Err(failed("callback without state"));
    };
    // The state is used up whatever happens next: a callback is never replayed.
    let Some((nonce, verifier, next)) =
        portal_accounts::take_oidc_login(&state.db, ctx.tenant.id, raw_state).await?
    else {
        return Err(failed("unknown, used or expired state"));
    };
    if let Some(error) = q.error {
        return Err(failed(format!("provider refused: {error}")));
    }
    let Some(code) = q.code else {
        return Err(failed("callback without code"));
    };
    let discovery = discover(&provider.issuer).await.map_err(failed)?;
    let redirect_uri = format!("{}/login/oidc/callback", link_base(&state, &ctx).await?);
    let token = json_of(
        http_client::post_form(
            &discovery.token_endpoint,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &redirect_uri),
                ("client_id", &provider.client_id),
                ("client_secret", &provider.client_secret),
                ("code_verifier", &verifier),
            ],
            TIMEOUT,
        )
        .await
        .map_err(failed)?,
    )
    .await
    .map_err(failed)?;
    let id_token = token["id_token"]
        .as_str()
        .ok_or_else(|| failed("no id_token"))?;
    let jwks = json_of(
        http_client::get(&discovery.jwks_uri, None, TIMEOUT)
            .await
            .map_err(failed)?,
    )
    .await
    .map_err(failed)?;
    let mut claims = verify_rs256(id_token, &jwks).map_err(failed)?;
    check_id_claims(
        &claims,
        &discovery.issuer,
        &provider.client_id,
        &nonce,
        chrono::Utc::now().timestamp(),
    )
    .map_err(failed)?;
    // FranceConnect gives the identity at the userinfo endpoint (as a signed JWT).
    if claims["email"].as_str().is_none()
        && let (Some(url), Some(access)) = (
            discovery.userinfo_endpoint.as_deref(),
            token["access_token"].as_str(),
        )
    {
        let answer = http_client::get(url, Some(access), TIMEOUT)
            .await
            .map_err(failed)?;
        let info = if answer
            .content_type
            .as_deref()
            .is_some_and(|t| t.starts_with("application/jwt"))
        {
            let text = String::from_utf8_lossy(&answer.body).into_owned();
            verify_rs256(&text, &jwks).map_err(failed)?
        } else {
            json_of(answer).await.map_err(failed)?
        };
        if info["sub"] != claims["sub"] {
            return Err(failed("userinfo for another subject"));
        }
        if let (Value::Object(c), Value::Object(i)) = (&mut claims, info) {
            for (k, v) in i {
                c.entry(k).or_insert(v);
            }
        }
    }
    let subject = claims["sub"].as_str().unwrap_or_default().to_owned();
    let email = claims["email"]
        .as_str()
        .and_then(|e| Email::parse(e).ok())
        .ok_or_else(|| failed("no usable email claim"))?;
    let text = |k: &str| {
        claims[k]
            .as_str()
            .map(|s| s.trim().chars().take(100).collect::<String>())
            .unwrap_or_default()
    };
    let (given, family) = (text("given_name"), text("family_name"));
    let birth_date = claims["birthdate"]
        .as_str()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let (account, _created) = portal_accounts::sign_in_with_provider(
        &state.db,
        &ctx.actor(),
        &ProvidedIdentity {
            issuer: &discovery.issuer,
            subject: &subject,
            email: &email,
            given_name: &given,
            family_name: &family,
            birth_date,
            locale: ctx.locale,
        },
    )
    .await?;
    if account.disabled {
        return Err(failed("account disabled"));
    }
    start_session(&state, &ctx, &headers, account.id, false, &next).await
}

//! Single sign-on against a real OpenID Connect provider started by the test on loopback:
//! discovery, authorization (code + PKCE), token (RS256 ID token), JWKS and userinfo, served
//! by axum, signing with an RSA key. Tampered tokens must never open a session.

use crate::common::{TestApp, TestClient};
use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use data_encoding::BASE64URL_NOPAD;
use relais_domain::AccountKind;
use relais_store::{accounts, people, portal_accounts};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

/// A 2048-bit RSA key (PKCS#8, DER, base64) made for these tests only.
const TEST_KEY: &str = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDmjPqhRYkidZinPJQJIbng0rOpDUUesdM6bdArMl+DzaHlZWux0g4kG6Uu/3K2VXFCH5okvtTnFfNEJQ+VJu1V+vsE7Sek+fGzBEgcE9LJq2pZ6700Uxol8ltPvebIg8wHfYYTtJFVc+UoqeiRqydCIrbMtDEFd0UpD8KSGynjfW246Y1emsLkbvUlfhq0iLQupAxFnDMDi1s+GqUbEtKX2D79da8vnM/lUxxLMX7f+/6sJu6j2Jlkvn9QM+BKdzUecP5ieNxjTFK0oapcvi+gq+45QgG0kRGOVbyUZGEglfvoAbQBD5m9DrbibIYxgAZBlDQffmtmuMB9erGAsDm5AgMBAAECggEAAP6kln3D7NCnWH7w8Yrtp5vyEQ01E1hSOGgDA9YgBY0WOMueuChh8Nfz8/QFupb7ptg726UlAyobOo4dl+xLzf/xFk0M8yLYt30xyzCZZVgZ7us7Hoo3OVBwV7zPipZGjmSxci08Svp3SRoTFqcXJRANRIIIikc0khgWBX4zQnoinJiZbwsr2AXExJ81LBgEesSVCZdYAffCvDx5sfuZjpTCrYkSE/eXYEQKfRowYZnAUtByBf9n8CrrkMm7ybF3vbHBhDadS5e0GP6O5OV7PCG7h0fRH+HudDiznVvwnp7mt1log1rvOHt/rV0KoBJzaC88tP65S/wJzRFlS4+GYQKBgQD8RN9jg/O0JTDWoLRjKlFNWcepaMWqPdIKbs43Hh15bYnOcayY/FFrjosiOxAfRBc2Mwhnh+WXlS9j6LlgvdbM9J74cbu3Ty38ok1wgFRn42rKk/tqzG3PIrewYmGKGVy4AINDugaL7GDlV19up6ZqfE4/zhXYwHqEhfSSYaugWQKBgQDp9eCsJwd+4ZENtkxebVNwiD84pLykPol5xRxo6sW562ya8wVmzyVV8zYSoFVnfsI0gPAc1UZ+jQ+5Hgi2o3+WW5Yhqxm7rdmaet3QheKDPkteR0BewTL0gYSef5j2dOaPdD9t9A7PmlHPk7O78b+Qy1tA4EL3oufXV4EM5Z04YQKBgQDAuY1AZcqFUfRhxByLtgSu52wWDKkWSmxw8/4vNZ6m6fxh745AwmMhnKDG4gCLImXpTkuZbMUGbT7rQRx+wAmeQzQ/8gPLI36qhwRKcoAJbkBjy3JEQTGTEZ7r7f0+l+mx2RJvZ2sg8tGD5KBP1VzZ9WWCcVtXYJU5MW2Ld3q64QKBgBXtIzc/GSa9ARkl4pZe7Jj5S+OFHODPs5aj8HustQctlyoWaIUwGLGrb3/jYt2mNZEyHE63djnaAoU42Vw0inqO7s0M+gZqzp/5r9whEA94wRt+1fuLY7kigklQcAd5ATqkjGVDoDe4oL4xe4C7sVZimJTF78DBlbTK0J9izY9BAoGBAJt8XGrV/exWBckfI2bBruPNKrtVMSA5udN3npbIRsJTgPzeuqzev51Y6FGYluXIbRA9yF5waVz70L6poqRQdbmYySbKLVsfz/qd4AVwEf9j7CWHXquPONFW4d3tmsulHEfkUN5npLzi/joi4flbnoD7odtqEyAxeKshdA0mZT0D";

const CLIENT_ID: &str = "relais-test";
const CLIENT_SECRET: &str = "provider-secret";

/// How the provider misbehaves, to check each refusal.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Mode {
    Honest,
    /// The identity is only at the userinfo endpoint (as FranceConnect does).
    ClaimsInUserinfo,
    WrongNonce,
    WrongAudience,
    WrongIssuer,
    Expired,
    BadSignature,
    NoneAlgorithm,
}

struct Pending {
    nonce: String,
    challenge: String,
    redirect_uri: String,
}

struct Provider {
    issuer: String,
    key: ring::signature::RsaKeyPair,
    codes: HashMap<String, Pending>,
    mode: Mode,
    subject: String,
    email: String,
}

type Shared = Arc<Mutex<Provider>>;

fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

fn sign(p: &Provider, claims: &Value) -> String {
    let alg = if p.mode == Mode::NoneAlgorithm {
        "none"
    } else {
        "RS256"
    };
    let header = b64(json!({"alg": alg, "kid": "k1", "typ": "JWT"})
        .to_string()
        .as_bytes());
    let payload = b64(claims.to_string().as_bytes());
    let signed = format!("{header}.{payload}");
    let mut sig = vec![0; p.key.public().modulus_len()];
    p.key
        .sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            signed.as_bytes(),
            &mut sig,
        )
        .expect("sign");
    if p.mode == Mode::BadSignature {
        sig[10] ^= 0xff;
    }
    format!("{signed}.{}", b64(&sig))
}

fn identity(p: &Provider) -> Value {
    json!({
        "sub": p.subject,
        "email": p.email,
        "given_name": "Angela Claire Louise",
        "family_name": "Dubois",
        "birthdate": "1962-08-24",
    })
}

async fn discovery(State(s): State<Shared>) -> Json<Value> {
    let issuer = s.lock().expect("lock").issuer.clone();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
        "response_types_supported": ["code"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn authorize(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let ok = q.get("response_type").map(String::as_str) == Some("code")
        && q.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.get("scope").map(String::as_str) == Some("openid profile email")
        && q.get("state").is_some_and(|v| v.len() >= 32)
        && q.get("nonce").is_some_and(|v| v.len() >= 32);
    if !ok {
        return (StatusCode::BAD_REQUEST, format!("bad request {q:?}")).into_response();
    }
    let code = format!("code-{}", uuid::Uuid::new_v4().simple());
    let redirect_uri = q["redirect_uri"].clone();
    s.lock().expect("lock").codes.insert(
        code.clone(),
        Pending {
            nonce: q["nonce"].clone(),
            challenge: q["code_challenge"].clone(),
            redirect_uri: redirect_uri.clone(),
        },
    );
    Redirect::to(&format!("{redirect_uri}?code={code}&state={}", q["state"])).into_response()
}

async fn token(State(s): State<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut p = s.lock().expect("lock");
    let Some(pending) = f.get("code").and_then(|c| p.codes.remove(c)) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let verifier = f.get("code_verifier").cloned().unwrap_or_default();
    if f.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
        || f.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || f.get("redirect_uri") != Some(&pending.redirect_uri)
        || b64(&Sha256::digest(verifier.as_bytes())) != pending.challenge
    {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let now = chrono::Utc::now().timestamp();
    let mut claims = json!({
        "iss": p.issuer,
        "aud": CLIENT_ID,
        "sub": p.subject,
        "iat": now,
        "exp": now + 60,
        "nonce": pending.nonce,
    });
    if p.mode != Mode::ClaimsInUserinfo
        && let (Value::Object(c), Value::Object(i)) = (&mut claims, identity(&p))
    {
        c.extend(i);
    }
    match p.mode {
        Mode::WrongNonce => claims["nonce"] = json!("another-nonce"),
        Mode::WrongAudience => claims["aud"] = json!("another-client"),
        Mode::WrongIssuer => claims["iss"] = json!("https://evil.example"),
        Mode::Expired => claims["exp"] = json!(now - 3600),
        _ => {}
    }
    let id_token = sign(&p, &claims);
    Json(json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": 60, "id_token": id_token}))
        .into_response()
}

async fn jwks(State(s): State<Shared>) -> Json<Value> {
    let p = s.lock().expect("lock");
    let public = ring::signature::RsaPublicKeyComponents::<Vec<u8>>::from(p.key.public());
    Json(json!({"keys": [{
        "kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
        "n": b64(&public.n),
        "e": b64(&public.e),
    }]}))
}

async fn userinfo(State(s): State<Shared>, headers: HeaderMap) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer at-1") {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let p = s.lock().expect("lock");
    // Signed, as FranceConnect v2 answers.
    (
        [("content-type", "application/jwt")],
        sign(&p, &identity(&p)),
    )
        .into_response()
}

pub struct RunningProvider {
    pub issuer: String,
    shared: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RunningProvider {
    pub async fn start() -> RunningProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("addr"));
        let der = BASE64_STD.decode(TEST_KEY.as_bytes()).expect("key base64");
        let key = ring::signature::RsaKeyPair::from_pkcs8(&der).expect("RSA key");
        let shared = Arc::new(Mutex::new(Provider {
            issuer: issuer.clone(),
            key,
            codes: HashMap::new(),
            mode: Mode::Honest,
            subject: "fc-sub-0001".into(),
            email: "angela.dubois@example.org".into(),
        }));
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .route("/userinfo", get(userinfo))
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        RunningProvider {
            issuer,
            shared,
            task,
        }
    }

    pub fn set(&self, mode: Mode, subject: &str, email: &str) {
        let mut p = self.shared.lock().expect("lock");
        p.mode = mode;
        p.subject = subject.to_owned();
        p.email = email.to_owned();
    }
}

use data_encoding::BASE64 as BASE64_STD;

async fn configure(app: &TestApp, issuer: &str) {
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    admin
        .post_form(
            "/admin/accounts/oidc",
            &[
                ("issuer", issuer),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("label", "FranceConnect"),
                ("acr_values", ""),
                ("enabled", "on"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
}

/// Runs the browser's part of a sign-in: the portal sends it to the provider, the provider
/// (a real HTTP server) sends it back with a code; returns the portal's last answer.
async fn sign_in(c: &mut TestClient) -> crate::common::TestResponse {
    let r = c.get("/login/oidc?next=/my/requests").await;
    r.assert_status(StatusCode::SEE_OTHER);
    let to_provider = r.location().expect("to the provider").to_owned();
    assert!(
        to_provider.contains("code_challenge_method=S256"),
        "{to_provider}"
    );
    let back = relais_web::http_client::get(&to_provider, None, Duration::from_secs(5))
        .await
        .expect("provider answers");
    assert_eq!(back.status, 303, "{}", String::from_utf8_lossy(&back.body));
    let location = back.location.expect("back to the portal");
    let path = location
        .strip_prefix("http://alpha.test:8080")
        .unwrap_or_else(|| panic!("redirect_uri on the tenant's host: {location}"))
        .to_owned();
    assert!(path.starts_with("/login/oidc/callback?code="), "{path}");
    c.get(&path).await
}

#[tokio::test]
async fn sign_in_through_a_real_provider_creates_the_account_and_person_from_the_claims() {
    let provider = RunningProvider::start().await;
    let app = TestApp::new().await;
    let tenant = app.tenant("alpha");
    // Bad settings are refused and change nothing.
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    admin
        .get("/admin/accounts")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("http://alpha.test:8080/login/oidc/callback");
    admin
        .post_form(
            "/admin/accounts/oidc",
            &[
                ("issuer", "ftp://example.org"),
                ("client_id", ""),
                ("client_secret", ""),
                ("label", ""),
                ("acr_values", "<script>"),
            ],
        )
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("https://")
        .assert_contains("identifiant client");
    assert!(
        portal_accounts::oidc_provider(&app.db, tenant)
            .await
            .expect("query")
            .is_none()
    );
    let mut agent = app.client("alpha.test");
    agent.login_staff("agent@alpha.test").await;
    agent
        .get("/admin/accounts")
        .await
        .assert_status(StatusCode::FORBIDDEN);

    let mut c = app.client("alpha.test");
    c.get("/login/oidc")
        .await
        .assert_status(StatusCode::NOT_FOUND);
    configure(&app, &provider.issuer).await;
    c.get("/login")
        .await
        .assert_contains("Se connecter avec FranceConnect");
    // Not offered to the other tenant.
    assert!(
        !app.client("beta.test")
            .get("/login")
            .await
            .body
            .contains("FranceConnect")
    );

    let r = sign_in(&mut c).await;
    r.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/my/requests"));
    c.get("/my/requests").await.assert_status(StatusCode::OK);
    let account = accounts::find_by_email(
        &app.db,
        tenant,
        AccountKind::Portal,
        "angela.dubois@example.org",
    )
    .await
    .expect("query")
    .expect("account created");
    assert!(account.password_hash.is_none());
    assert!(account.email_verified_at.is_some());
    let person_id = portal_accounts::person_of(&app.db, tenant, account.id)
        .await
        .expect("query")
        .expect("person linked");
    let person = people::get_person(&app.db, tenant, person_id)
        .await
        .expect("query")
        .expect("person");
    assert_eq!(person.given_name, "Angela Claire Louise");
    assert_eq!(person.family_name, "Dubois");
    assert_eq!(
        person.birth_date,
        chrono::NaiveDate::from_ymd_opt(1962, 8, 24)
    );
    // The same identity again: the same account, no new person.
    let persons = app.count("persons").await;
    let accounts_n = app.count("accounts").await;
    let mut again = app.client("alpha.test");
    sign_in(&mut again)
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("persons").await, persons);
    assert_eq!(app.count("accounts").await, accounts_n);
    assert_eq!(app.count("oidc_identities").await, 1);
}

#[tokio::test]
async fn claims_from_the_userinfo_endpoint_and_an_existing_account_by_email() {
    let provider = RunningProvider::start().await;
    let app = TestApp::new().await;
    configure(&app, &provider.issuer).await;
    // citizen@alpha.test has an account already: the identity is linked to it.
    provider.set(
        Mode::ClaimsInUserinfo,
        "fc-sub-citizen",
        "citizen@alpha.test",
    );
    let accounts_n = app.count("accounts").await;
    let mut c = app.client("alpha.test");
    sign_in(&mut c).await.assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("accounts").await, accounts_n);
    let citizen = app.account("alpha", "citizen@alpha.test").await;
    assert!(
        portal_accounts::person_of(&app.db, app.tenant("alpha"), citizen.id)
            .await
            .expect("query")
            .is_some(),
        "linked to a person now"
    );
    c.get("/account")
        .await
        .assert_contains("citizen@alpha.test");
}

#[tokio::test]
async fn tampered_or_replayed_answers_never_open_a_session() {
    let provider = RunningProvider::start().await;
    let app = TestApp::new().await;
    configure(&app, &provider.issuer).await;
    for mode in [
        Mode::WrongNonce,
        Mode::WrongAudience,
        Mode::WrongIssuer,
        Mode::Expired,
        Mode::BadSignature,
        Mode::NoneAlgorithm,
    ] {
        provider.set(mode, "fc-sub-evil", "evil@example.org");
        let mut c = app.client("alpha.test");
        let r = sign_in(&mut c).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{mode:?}");
        assert!(
            r.body.contains("n&#39;a pas abouti") || r.body.contains("pas abouti"),
            "{mode:?}: {}",
            r.body
        );
        assert!(!c.cookies.contains_key("relais_session"), "{mode:?}");
    }
    assert_eq!(app.count("oidc_identities").await, 0);
    assert!(
        accounts::find_by_email(
            &app.db,
            app.tenant("alpha"),
            AccountKind::Portal,
            "evil@example.org"
        )
        .await
        .expect("query")
        .is_none()
    );
    // A made-up or replayed state is refused.
    provider.set(Mode::Honest, "fc-sub-1", "one@example.org");
    let mut c = app.client("alpha.test");
    c.get("/login/oidc/callback?code=x&state=made-up")
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    let r = c.get("/login/oidc?next=/").await;
    let to_provider = r.location().expect("location").to_owned();
    let back = relais_web::http_client::get(&to_provider, None, Duration::from_secs(5))
        .await
        .expect("provider");
    let path = back
        .location
        .expect("location")
        .replace("http://alpha.test:8080", "");
    c.get(&path).await.assert_status(StatusCode::SEE_OTHER);
    let mut thief = app.client("alpha.test");
    thief
        .get(&path)
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    // And the other tenant does not know the state at all.
    let r = c.get("/login/oidc?next=/").await;
    let to_provider = r.location().expect("location").to_owned();
    let back = relais_web::http_client::get(&to_provider, None, Duration::from_secs(5))
        .await
        .expect("provider");
    let path = back
        .location
        .expect("location")
        .replace("http://alpha.test:8080", "");
    app.client("beta.test")
        .with_ip("192.0.2.50")
        .get(&path)
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

//! The tenant a run works in: a public tenant `bench` reached at `bench.localhost`, with an
//! admin whose API token and browser session are made directly in the store (signing in
//! through the pages would measure argon2, not Relais).

use crate::Result;
use rand::RngCore;
use relais_domain::{AccountKind, Email, Locale, Role, Slug, TenantKind};
use relais_store::{Actor, Db, accounts, api_tokens, sessions, tenants};
use uuid::Uuid;

pub const HOST: &str = "bench.localhost";

pub struct Fixture {
    pub tenant_id: Uuid,
    pub admin_id: Uuid,
    /// `Authorization: Bearer …` for the JSON API.
    pub api_token: String,
    /// Value of the `relais_session` cookie for the pages.
    pub session: String,
}

/// A session (for pages) and an API token named `token_name` (for the API) of a staff
/// account, as the load client presents them: (session id, token).
pub(crate) async fn sign_in(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    token_name: &str,
) -> Result<(String, String)> {
    let session = random_secret();
    sessions::create(
        db,
        sessions::NewSession {
            tenant_id: actor.tenant_id,
            account_id,
            raw_id: &session,
            second_factor_pending: false,
            lifetime: chrono::Duration::hours(12),
            client_ip: None,
            user_agent: Some("relais-bench"),
        },
    )
    .await?;
    let token = random_secret();
    api_tokens::create(db, actor, account_id, token_name, &token).await?;
    Ok((session, token))
}

fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    data_encoding::BASE64URL_NOPAD.encode(&bytes)
}

impl Fixture {
    pub async fn create(db: &Db) -> Result<Fixture> {
        let is_default = tenants::list(db).await?.is_empty();
        let slug =
            Slug::parse("bench").map_err(|e| crate::BenchError::Usage(format!("slug: {e:?}")))?;
        let tenant = tenants::create(
            db,
            "relais-bench",
            tenants::NewTenant {
                slug,
                kind: TenantKind::Public,
                name: "Bench".into(),
                default_locale: Locale::Fr,
                hosts: vec![HOST.into()],
                is_default,
            },
        )
        .await?;
        let actor = Actor::system(tenant.id, "relais-bench");
        let email = Email::parse("admin@bench.example")
            .map_err(|e| crate::BenchError::Usage(format!("e-mail: {e:?}")))?;
        let admin = accounts::create(
            db,
            &actor,
            accounts::NewAccount {
                kind: AccountKind::Staff,
                email,
                display_name: "Bench Admin".into(),
                password_hash: None,
                role: Some(Role::Admin),
                locale: Some(Locale::Fr),
            },
        )
        .await?;
        let (session, api_token) = sign_in(db, &actor, admin.id, "bench").await?;
        Ok(Fixture {
            tenant_id: tenant.id,
            admin_id: admin.id,
            api_token,
            session,
        })
    }
}

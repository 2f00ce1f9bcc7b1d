//! Portal accounts: sign-up completed by a link proved by mail, the person record an account
//! acts for, notification preferences and the daily digest, and account deletion.

use crate::{
    Actor, Change, Db, Result, StoreError, accounts::Account, audit::record, db::BeginWrite,
    db::on_pool, search::index_persons, secret_hash,
};
use chrono::{DateTime, Duration, Utc};
use relais_domain::{Email, Locale, people::person_search_name};
use serde_json::json;
use uuid::Uuid;

/// What a visitor typed on the sign-up form, checked already.
pub struct SignUp<'a> {
    pub email: &'a Email,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub password_hash: &'a str,
    pub locale: Locale,
}

/// Keeps a sign-up until its link is followed. Nothing is created in the tenant's accounts
/// or people before that. Expired sign-ups of the tenant are removed on the way.
pub async fn request_sign_up(
    db: &Db,
    actor: &Actor,
    s: &SignUp<'_>,
    raw_token: &str,
    lifetime: Duration,
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("DELETE FROM sign_ups WHERE tenant_id = $1 AND expires_at < $2")
            .bind(actor.tenant_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sign_ups (tenant_id, token_hash, email, given_name, family_name, password_hash, locale, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(actor.tenant_id)
        .bind(secret_hash(raw_token))
        .bind(s.email.as_str())
        .bind(s.given_name)
        .bind(s.family_name)
        .bind(s.password_hash)
        .bind(s.locale.as_str())
        .bind(now)
        .bind(now + lifetime)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "account.sign_up_requested",
                "sign_up",
                relais_domain::new_id(),
                json!({"expires_in_minutes": lifetime.num_minutes()})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Whether a sign-up link is still good (to show its page), without using it.
pub async fn sign_up_pending(db: &Db, tenant_id: Uuid, raw_token: &str) -> Result<bool> {
    let found: Option<String> = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT email FROM sign_ups WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3"
    )
    .bind(tenant_id)
    .bind(secret_hash(raw_token))
    .bind(Utc::now())
    .fetch_optional(p)
    .await
    })?;
    Ok(found.is_some())
}

/// A completed sign-up (or first single sign-on).
#[derive(Debug, Clone)]
pub struct Completed {
    pub account: Account,
    pub person_id: Uuid,
    /// The person record existed already (same proved e-mail in this tenant).
    pub linked_existing: bool,
}

/// Links the account to the person of the tenant who has this e-mail (the oldest record
/// still in use), or creates that person with the e-mail. Runs inside the caller's
/// transaction; evaluates to `(person_id, existed)`.
macro_rules! link_person {
    ($tx:expr, $actor:expr, $account_id:expr, $email:expr, $given:expr, $family:expr, $birth:expr, $locale:expr, $by:expr, $now:expr) => {{
        let actor: &Actor = $actor;
        let account_id: Uuid = $account_id;
        let email: &str = $email;
        let now: DateTime<Utc> = $now;
        let existing: Option<Uuid> = sqlx::query_scalar(
            "SELECT p.id FROM persons p
             JOIN person_emails e ON e.tenant_id = p.tenant_id AND e.person_id = p.id
             WHERE p.tenant_id = $1 AND e.email = $2 AND p.archived_at IS NULL
             ORDER BY p.created_at, p.id LIMIT 1",
        )
        .bind(actor.tenant_id)
        .bind(email)
        .fetch_optional(&mut *$tx)
        .await?;
        let (person_id, existed) = match existing {
            Some(id) => (id, true),
            None => {
                let id = relais_domain::new_id();
                let given: &str = $given;
                let family: &str = $family;
                let birth: Option<chrono::NaiveDate> = $birth;
                let locale: Locale = $locale;
                sqlx::query(
                    "INSERT INTO persons (tenant_id, id, given_name, family_name, birth_date, locale, search_name, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                )
                .bind(actor.tenant_id)
                .bind(id)
                .bind(given)
                .bind(family)
                .bind(birth)
                .bind(locale.as_str())
                .bind(person_search_name(given, family))
                .bind(now)
                .execute(&mut *$tx)
                .await?;
                sqlx::query(
                    "INSERT INTO person_emails (tenant_id, id, person_id, email, created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(actor.tenant_id)
                .bind(relais_domain::new_id())
                .bind(id)
                .bind(email)
                .bind(now)
                .execute(&mut *$tx)
                .await?;
                record!(
                    $tx,
                    actor,
                    Change::new(
                        "person.create",
                        "person",
                        id,
                        json!({"given_name": given, "family_name": family, "birth_date": birth,
                               "locale": locale.as_str(), "email": email, "source": $by})
                    )
                );
                index_persons!($tx, actor.tenant_id, &[id]);
                (id, false)
            }
        };
        sqlx::query(
            "INSERT INTO account_persons (tenant_id, account_id, person_id, linked_by, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .bind(person_id)
        .bind($by)
        .bind(now)
        .execute(&mut *$tx)
        .await?;
        record!(
            $tx,
            actor,
            Change::new(
                "account.person_linked",
                "account",
                account_id,
                json!({"person_id": person_id, "existing_person": existed, "by": $by})
            )
        );
        (person_id, existed)
    }};
}

/// Follows a sign-up link: creates the portal account (address proved now) and links it to
/// the person with that e-mail, or to a new person. The link serves once, even when two
/// requests race. `NotFound`: unknown, used or expired link. `Conflict`: a portal account
/// with that address exists already (the link is used up all the same).
pub async fn complete_sign_up(db: &Db, actor: &Actor, raw_token: &str) -> Result<Completed> {
    let now = Utc::now();
    let outcome: std::result::Result<(Uuid, Uuid, bool), StoreError> = on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "UPDATE sign_ups SET used_at = $3
             WHERE tenant_id = $1 AND token_hash = $2 AND used_at IS NULL AND expires_at > $3
             RETURNING email, given_name, family_name, password_hash, locale",
        )
        .bind(actor.tenant_id)
        .bind(secret_hash(raw_token))
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, given, family, hash, locale)) = row else {
            return Err(StoreError::NotFound);
        };
        let taken: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM accounts WHERE tenant_id = $1 AND kind = 'portal' AND email = $2",
        )
        .bind(actor.tenant_id)
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            tx.commit().await?;
            return Err(StoreError::Conflict);
        }
        let locale: Locale = locale.parse().unwrap_or(Locale::Fr);
        let id = relais_domain::new_id();
        let display_name = format!("{given} {family}");
        sqlx::query(
            "INSERT INTO accounts (tenant_id, id, kind, email, display_name, password_hash, locale, email_verified_at, created_at, updated_at)
             VALUES ($1, $2, 'portal', $3, $4, $5, $6, $7, $7, $7)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&email)
        .bind(&display_name)
        .bind(&hash)
        .bind(locale.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let actor = Actor {
            account_id: Some(id),
            label: email.clone(),
            ..actor.clone()
        };
        record!(
            tx,
            &actor,
            Change::new(
                "account.create",
                "account",
                id,
                json!({"kind": "portal", "email": email, "display_name": display_name, "via": "sign_up"})
            )
        );
        let (person_id, existed) = link_person!(
            tx, &actor, id, &email, &given, &family, None, locale, "sign_up", now
        );
        tx.commit().await?;
        Ok((id, person_id, existed))
    });
    let (id, person_id, linked_existing) = outcome?;
    let account = crate::accounts::get(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Completed {
        account,
        person_id,
        linked_existing,
    })
}

/// The person record a portal account acts for.
pub async fn person_of(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Option<Uuid>> {
    on_pool!(db, |p| sqlx::query_scalar(
        "SELECT person_id FROM account_persons WHERE tenant_id = $1 AND account_id = $2"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Links an account that has no person yet (accounts made before sign-up existed, or by an
/// administrator) to the person with its e-mail, or a new one. Already linked: unchanged.
pub async fn ensure_person(db: &Db, actor: &Actor, account: &Account) -> Result<Uuid> {
    if let Some(id) = person_of(db, actor.tenant_id, account.id).await? {
        return Ok(id);
    }
    let now = Utc::now();
    let (given, family) = match account.display_name.trim().split_once(' ') {
        Some((g, f)) => (g.to_owned(), f.trim().to_owned()),
        None => (String::new(), account.display_name.trim().to_owned()),
    };
    let locale = account.locale().unwrap_or(Locale::Fr);
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let (person_id, _) = link_person!(
            tx,
            actor,
            account.id,
            &account.email,
            &given,
            &family,
            None,
            locale,
            "sign_up",
            now
        );
        tx.commit().await?;
        Ok::<_, StoreError>(person_id)
    })
}

// ---------------------------------------------------------------------------------------
// Single sign-on

/// The identity a provider vouched for, with the claims the portal uses.
pub struct ProvidedIdentity<'a> {
    pub issuer: &'a str,
    pub subject: &'a str,
    pub email: &'a Email,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub birth_date: Option<chrono::NaiveDate>,
    pub locale: Locale,
}

/// Signs an identity of the tenant's provider in: the account it signed in to before; else
/// the portal account with that e-mail (linked to the identity now); else a new account and
/// person. Returns the account and whether it was created.
pub async fn sign_in_with_provider(
    db: &Db,
    actor: &Actor,
    id: &ProvidedIdentity<'_>,
) -> Result<(Account, bool)> {
    let now = Utc::now();
    let result: std::result::Result<(Uuid, bool), StoreError> = on_pool!(db, |p| {
        async {
        let mut tx = p.begin_write().await?;
        let known: Option<Uuid> = sqlx::query_scalar(
            "UPDATE oidc_identities SET last_login_at = $4
             WHERE tenant_id = $1 AND issuer = $2 AND subject = $3 RETURNING account_id",
        )
        .bind(actor.tenant_id)
        .bind(id.issuer)
        .bind(id.subject)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(account_id) = known {
            tx.commit().await?;
            return Ok((account_id, false));
        }
        let by_email: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM accounts WHERE tenant_id = $1 AND kind = 'portal' AND email = $2",
        )
        .bind(actor.tenant_id)
        .bind(id.email.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let (account_id, created) = match by_email {
            Some(a) => (a, false),
            None => {
                let a = relais_domain::new_id();
                let display_name = format!("{} {}", id.given_name, id.family_name);
                sqlx::query(
                    "INSERT INTO accounts (tenant_id, id, kind, email, display_name, locale, email_verified_at, created_at, updated_at)
                     VALUES ($1, $2, 'portal', $3, $4, $5, $6, $6, $6)",
                )
                .bind(actor.tenant_id)
                .bind(a)
                .bind(id.email.as_str())
                .bind(&display_name)
                .bind(id.locale.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await?;
                record!(
                    tx,
                    actor,
                    Change::new(
                        "account.create",
                        "account",
                        a,
                        json!({"kind": "portal", "email": id.email.as_str(), "display_name": display_name, "via": "oidc"})
                    )
                );
                (a, true)
            }
        };
        sqlx::query(
            "INSERT INTO oidc_identities (tenant_id, issuer, subject, account_id, created_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(actor.tenant_id)
        .bind(id.issuer)
        .bind(id.subject)
        .bind(account_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "account.identity_linked",
                "account",
                account_id,
                json!({"issuer": id.issuer})
            )
        );
        let linked: Option<Uuid> = sqlx::query_scalar(
            "SELECT person_id FROM account_persons WHERE tenant_id = $1 AND account_id = $2",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        if linked.is_none() {
            link_person!(
                tx,
                actor,
                account_id,
                id.email.as_str(),
                id.given_name,
                id.family_name,
                id.birth_date,
                id.locale,
                "oidc",
                now
            );
        }
        tx.commit().await?;
        Ok((account_id, created))
    }
    .await
    });
    let (account_id, created) = result?;
    let account = crate::accounts::get(db, actor.tenant_id, account_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((account, created))
}

// ---------------------------------------------------------------------------------------
// Notification preferences and the daily digest

/// How a kind of event reaches the account: `immediately`, `daily` or `never`; absent kinds
/// are `immediately`.
pub async fn preferences(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
) -> Result<Vec<(String, String)>> {
    on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT event_kind, delivery FROM notification_preferences WHERE tenant_id = $1 AND account_id = $2 ORDER BY event_kind"
    )
    .bind(tenant_id)
    .bind(account_id)
    .fetch_all(p)
    .await
    .map_err(Into::into)
    })
}

/// Replaces the preferences given (kind, delivery); audited with what changed.
pub async fn set_preferences(
    db: &Db,
    actor: &Actor,
    account_id: Uuid,
    choices: &[(&str, &str)],
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        for (kind, delivery) in choices {
            sqlx::query(
                "INSERT INTO notification_preferences (tenant_id, account_id, event_kind, delivery, updated_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id, account_id, event_kind) DO UPDATE SET delivery = excluded.delivery, updated_at = excluded.updated_at",
            )
            .bind(actor.tenant_id)
            .bind(account_id)
            .bind(*kind)
            .bind(*delivery)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let summary: serde_json::Map<String, serde_json::Value> = choices
            .iter()
            .map(|(k, d)| ((*k).to_owned(), json!(d)))
            .collect();
        record!(
            tx,
            actor,
            Change::new(
                "account.notifications",
                "account",
                account_id,
                serde_json::Value::Object(summary)
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// The delivery chosen for one kind of event.
pub async fn delivery_for(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
    kind: &str,
) -> Result<String> {
    let found: Option<String> = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT delivery FROM notification_preferences WHERE tenant_id = $1 AND account_id = $2 AND event_kind = $3"
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(kind)
    .fetch_optional(p)
    .await
    })?;
    Ok(found.unwrap_or_else(|| "immediately".to_owned()))
}

/// Holds a notification for the account's next digest.
pub async fn hold_for_digest(
    db: &Db,
    tenant_id: Uuid,
    account_id: Uuid,
    kind: &str,
    subject: &str,
    body: &str,
) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
        "INSERT INTO notification_digest (tenant_id, id, account_id, event_kind, subject, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(tenant_id)
    .bind(relais_domain::new_id())
    .bind(account_id)
    .bind(kind)
    .bind(subject)
    .bind(body)
    .bind(Utc::now())
    .execute(p)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// A notification waiting for the digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Held {
    pub id: Uuid,
    pub event_kind: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Every account (of every tenant) with notifications held, and when the oldest was held.
pub async fn digest_candidates(db: &Db) -> Result<Vec<(Uuid, Uuid, DateTime<Utc>)>> {
    on_pool!(db, |p| sqlx::query_as(
        "SELECT tenant_id, account_id, MIN(created_at) FROM notification_digest
         WHERE sent_at IS NULL GROUP BY tenant_id, account_id"
    )
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Takes what waits for one account's digest, oldest first, marking it sent in the same
/// statement: two processes never send the same notification twice.
pub async fn claim_digest(db: &Db, tenant_id: Uuid, account_id: Uuid) -> Result<Vec<Held>> {
    let mut held: Vec<Held> = on_pool!(db, |p| sqlx::query_as::<_, Held>(
        "UPDATE notification_digest SET sent_at = $3
         WHERE tenant_id = $1 AND account_id = $2 AND sent_at IS NULL
         RETURNING id, event_kind, subject, body, created_at"
    )
    .bind(tenant_id)
    .bind(account_id)
    .bind(Utc::now())
    .fetch_all(p)
    .await)?;
    held.sort_by_key(|h| (h.created_at, h.id));
    Ok(held)
}

/// Puts claimed notifications back when their digest could not be sent.
pub async fn release_digest(db: &Db, tenant_id: Uuid, ids: &[Uuid]) -> Result<()> {
    on_pool!(db, |p| {
        for id in ids {
            sqlx::query(
                "UPDATE notification_digest SET sent_at = NULL WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant_id)
            .bind(*id)
            .execute(p)
            .await?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Profile

/// The phone numbers of a person, oldest first: `(point id, E.164)`.
pub async fn phones_of(db: &Db, tenant_id: Uuid, person_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT id, e164 FROM person_phones WHERE tenant_id = $1 AND person_id = $2 ORDER BY created_at, id"
    )
    .bind(tenant_id)
    .bind(person_id)
    .fetch_all(p)
    .await
    .map_err(Into::into)
    })
}

/// Renames an account (a portal account follows its person's name).
pub async fn set_display_name(db: &Db, actor: &Actor, account_id: Uuid, name: &str) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let n = sqlx::query(
            "UPDATE accounts SET display_name = $3, updated_at = $4 WHERE tenant_id = $1 AND id = $2 AND display_name <> $3",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .bind(name)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            record!(
                tx,
                actor,
                Change::new(
                    "account.rename",
                    "account",
                    account_id,
                    json!({"display_name": name})
                )
            );
        }
        tx.commit().await?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Deletion

/// What deleting a portal account does to the person record behind it (a tenant setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionRule {
    /// Identity replaced by a pseudonym; contact points, consents, tags and custom values
    /// erased; the record archived. Cases stay, pointing at the pseudonymised record.
    Pseudonymise,
    /// The person record stays under the tenant's own retention; only the account goes.
    KeepRecord,
}

impl DeletionRule {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionRule::Pseudonymise => "pseudonymise",
            DeletionRule::KeepRecord => "keep_record",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pseudonymise" => Some(DeletionRule::Pseudonymise),
            "keep_record" => Some(DeletionRule::KeepRecord),
            _ => None,
        }
    }
}

/// The tables whose rows belong to an account and go with it.
pub const ACCOUNT_ROWS: &[&str] = &[
    "sessions",
    "password_resets",
    "api_tokens",
    "case_drafts",
    "account_persons",
    "notification_preferences",
    "notification_digest",
    "oidc_identities",
    "saved_views",
    "agent_availability",
    "agent_skills",
    "team_members",
    "case_followers",
    "case_presence",
    "staff_notifications",
];

/// Columns that name an account as who did something (staff work, or the requester of a
/// kept case): set to NULL, the row stays.
pub const ACCOUNT_MENTIONS: &[(&str, &str)] = &[
    ("cases", "requester_account_id"),
    ("cases", "assignee_id"),
    ("interactions", "agent_id"),
    ("person_imports", "created_by"),
    ("jobs", "created_by"),
    ("person_merges", "merged_by"),
    ("duplicate_dismissals", "dismissed_by"),
    ("segments", "created_by"),
    ("routing_rules", "last_assignee_id"),
    ("case_links", "created_by"),
    ("case_merges", "merged_by"),
];

/// The tenant's rule for deleted accounts.
pub async fn deletion_rule(db: &Db, tenant_id: Uuid) -> Result<DeletionRule> {
    let s: String = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT account_deletion FROM tenants WHERE id = $1"
    )
    .bind(tenant_id)
    .fetch_one(p)
    .await)?;
    Ok(DeletionRule::parse(&s).unwrap_or(DeletionRule::Pseudonymise))
}

pub async fn set_deletion_rule(db: &Db, actor: &Actor, rule: DeletionRule) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("UPDATE tenants SET account_deletion = $2, updated_at = $3 WHERE id = $1")
            .bind(actor.tenant_id)
            .bind(rule.as_str())
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "tenant.account_deletion",
                "tenant",
                actor.tenant_id,
                json!({"rule": rule.as_str()})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Deletes a portal account in one transaction: its own rows go, the cases it filed stay
/// (without the account), and the person record is pseudonymised or kept by the tenant's
/// rule. One audit row says what was done (no personal data in it). Returns the pseudonym
/// given, if any.
pub async fn delete_account(db: &Db, actor: &Actor, account_id: Uuid) -> Result<Option<String>> {
    let rule = deletion_rule(db, actor.tenant_id).await?;
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let kind: Option<String> =
            sqlx::query_scalar("SELECT kind FROM accounts WHERE tenant_id = $1 AND id = $2")
                .bind(actor.tenant_id)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
        match kind.as_deref() {
            None => return Err(StoreError::NotFound),
            Some("portal") => {}
            Some(_) => return Err(StoreError::Rule("account-delete-staff")),
        }
        let person: Option<Uuid> = sqlx::query_scalar(
            "SELECT person_id FROM account_persons WHERE tenant_id = $1 AND account_id = $2",
        )
        .bind(actor.tenant_id)
        .bind(account_id)
        .fetch_optional(&mut *tx)
        .await?;
        let mut cases_kept = 0_i64;
        for (table, column) in ACCOUNT_MENTIONS {
            let sql = format!(
                "UPDATE {table} SET {column} = NULL WHERE tenant_id = $1 AND {column} = $2"
            );
            let n = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(actor.tenant_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if *table == "cases" && *column == "requester_account_id" {
                cases_kept = n as i64;
            }
        }
        for table in ACCOUNT_ROWS {
            let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND account_id = $2");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(actor.tenant_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM accounts WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        let mut pseudonym = None;
        if let (Some(person_id), DeletionRule::Pseudonymise) = (person, rule) {
            let name = format!(
                "{:08X}",
                (relais_domain::new_id().as_u128() & 0xFFFF_FFFF) as u32
            );
            for table in [
                "person_emails",
                "person_phones",
                "person_addresses",
                "person_tags",
                "consents",
                "person_custom_values",
            ] {
                let sql = format!("DELETE FROM {table} WHERE tenant_id = $1 AND person_id = $2");
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(actor.tenant_id)
                    .bind(person_id)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "UPDATE persons SET given_name = '', family_name = $3, birth_date = NULL, search_name = $4,
                    archived_at = COALESCE(archived_at, $5), updated_at = $5
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(actor.tenant_id)
            .bind(person_id)
            .bind(&name)
            .bind(person_search_name("", &name))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            index_persons!(tx, actor.tenant_id, &[person_id]);
            pseudonym = Some(name);
        }
        record!(
            tx,
            actor,
            Change::new(
                "account.delete",
                "account",
                account_id,
                json!({"rule": rule.as_str(), "person_id": person, "pseudonym": pseudonym,
                       "cases_kept": cases_kept})
            )
        );
        tx.commit().await?;
        Ok(pseudonym)
    })
}

// ---------------------------------------------------------------------------------------
// OpenID Connect provider of the tenant, and sign-ins under way

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OidcProvider {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub label: String,
    pub scopes: String,
    pub acr_values: Option<String>,
    pub enabled: bool,
}

pub async fn oidc_provider(db: &Db, tenant_id: Uuid) -> Result<Option<OidcProvider>> {
    on_pool!(db, |p| sqlx::query_as::<_, OidcProvider>(
        "SELECT issuer, client_id, client_secret, label, scopes, acr_values, enabled
         FROM oidc_providers WHERE tenant_id = $1"
    )
    .bind(tenant_id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// Creates or replaces the tenant's provider; the audit row never holds the secret.
pub async fn save_oidc_provider(db: &Db, actor: &Actor, provider: &OidcProvider) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO oidc_providers (tenant_id, issuer, client_id, client_secret, label, scopes, acr_values, enabled, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (tenant_id) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
                client_secret = excluded.client_secret, label = excluded.label, scopes = excluded.scopes,
                acr_values = excluded.acr_values, enabled = excluded.enabled, updated_at = excluded.updated_at",
        )
        .bind(actor.tenant_id)
        .bind(&provider.issuer)
        .bind(&provider.client_id)
        .bind(&provider.client_secret)
        .bind(&provider.label)
        .bind(&provider.scopes)
        .bind(&provider.acr_values)
        .bind(provider.enabled)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "tenant.oidc_provider",
                "tenant",
                actor.tenant_id,
                json!({"issuer": provider.issuer, "client_id": provider.client_id,
                       "label": provider.label, "acr_values": provider.acr_values,
                       "enabled": provider.enabled})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Remembers a sign-in sent to the provider: its state (hashed), nonce and PKCE verifier.
pub async fn start_oidc_login(
    db: &Db,
    tenant_id: Uuid,
    raw_state: &str,
    nonce: &str,
    pkce_verifier: &str,
    next_path: &str,
    lifetime: Duration,
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        sqlx::query("DELETE FROM oidc_logins WHERE tenant_id = $1 AND expires_at < $2")
            .bind(tenant_id)
            .bind(now)
            .execute(p)
            .await?;
        sqlx::query(
            "INSERT INTO oidc_logins (tenant_id, state_hash, nonce, pkce_verifier, next_path, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(tenant_id)
        .bind(secret_hash(raw_state))
        .bind(nonce)
        .bind(pkce_verifier)
        .bind(next_path)
        .bind(now)
        .bind(now + lifetime)
        .execute(p)
        .await?;
        Ok(())
    })
}

/// Takes a sign-in back by its state, once: `(nonce, pkce_verifier, next_path)`, or `None`
/// when the state is unknown, used or expired.
pub async fn take_oidc_login(
    db: &Db,
    tenant_id: Uuid,
    raw_state: &str,
) -> Result<Option<(String, String, String)>> {
    on_pool!(db, |p| sqlx::query_as(
        "DELETE FROM oidc_logins WHERE tenant_id = $1 AND state_hash = $2 AND expires_at > $3
         RETURNING nonce, pkce_verifier, next_path"
    )
    .bind(tenant_id)
    .bind(secret_hash(raw_state))
    .bind(Utc::now())
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

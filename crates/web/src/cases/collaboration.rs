//! Agents working together on a case: who may see it (and so be mentioned), @mentions in
//! notes (resolved here, notified in the note's transaction, mailed after), links between
//! cases, the merge of a duplicate into its main case, following a case.

use super::flow::{FlowError, FlowResult};
use super::handling::{case as load_case, field_error};
use crate::AppState;
use relais_domain::case::Reference;
use relais_domain::collaboration::{self, LinkSide};
use relais_domain::service::workflow::StatusKind;
use relais_domain::{AccountKind, Role};
use relais_store::accounts::{self, Account};
use relais_store::case_links::{self, Merge};
use relais_store::cases::Case;
use relais_store::outbox::OutboxMail;
use relais_store::{Actor, StoreError, staff_notifications, tenants::Tenant};
use serde_json::json;
use uuid::Uuid;

/// Whether a staff member may see the cases of `service_id` (the rule of
/// [`super::access::Access`]).
pub async fn may_see(
    state: &AppState,
    tenant_id: Uuid,
    account_id: Uuid,
    role: Role,
    service_id: Uuid,
) -> FlowResult<bool> {
    Ok(
        super::access::Access::of(state, tenant_id, account_id, role)
            .await?
            .sees(service_id),
    )
}

/// Staff of the case's tenant who may be mentioned on it: active, and allowed to see it.
pub async fn mentionable(
    state: &AppState,
    tenant_id: Uuid,
    case: &Case,
) -> FlowResult<Vec<Account>> {
    let mut out = Vec::new();
    for a in accounts::list(&state.db, tenant_id, AccountKind::Staff).await? {
        let Some(role) = a.role().filter(|_| !a.disabled) else {
            continue;
        };
        if may_see(state, tenant_id, a.id, role, case.service_id).await? {
            out.push(a);
        }
    }
    Ok(out)
}

/// The staff a note mentions, or the handles that name nobody who may see the case (or
/// name several people).
pub async fn resolve_mentions(
    state: &AppState,
    tenant_id: Uuid,
    case: &Case,
    text: &str,
) -> FlowResult<Result<Vec<Account>, Vec<String>>> {
    let handles = collaboration::mentions(text);
    if handles.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let staff = mentionable(state, tenant_id, case).await?;
    let mut found: Vec<Account> = Vec::new();
    let mut unknown = Vec::new();
    for handle in handles.iter().take(collaboration::MAX_MENTIONS + 1) {
        let named: Vec<&Account> = staff
            .iter()
            .filter(|a| collaboration::handle_names(handle, &a.email, &a.display_name))
            .collect();
        match named.as_slice() {
            [one] => {
                if !found.iter().any(|f| f.id == one.id) {
                    found.push((*one).clone());
                }
            }
            _ => unknown.push(format!("@{handle}")),
        }
    }
    if handles.len() > collaboration::MAX_MENTIONS {
        unknown.push("…".into());
    }
    Ok(if unknown.is_empty() {
        Ok(found)
    } else {
        Err(unknown)
    })
}

/// The mail to each mentioned staff member, in their language: queued with the note, in
/// its transaction (a mail server's trouble never undoes it).
pub async fn mention_mails(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case: &Case,
    mentioned: &[Account],
    note: &str,
) -> Vec<OutboxMail> {
    if mentioned.is_empty() {
        return Vec::new();
    }
    let base = crate::auth::tenant_link_base(state, tenant)
        .await
        .unwrap_or_else(|_| state.config.listen.clone());
    let link = format!("{base}/backoffice/cases/{}", case.id);
    let mut mails = Vec::new();
    for account in mentioned {
        let locale = account.locale().unwrap_or_else(|| tenant.locale());
        let args = [
            ("reference", case.reference.as_str()),
            ("actor", actor.label.as_str()),
            ("note", note),
            ("link", link.as_str()),
        ];
        mails.push(crate::outbox::mail(
            account.email.clone(),
            crate::i18n::text(locale, "mention-mail-subject", &args),
            crate::i18n::text(locale, "mention-mail-text", &args),
            "case.mention",
        ));
    }
    mails
}

/// The other case of a link or merge, typed by its reference, in this tenant only (another
/// tenant's reference is as unknown as a made-up one). `None` when nothing matches.
pub async fn by_reference(
    state: &AppState,
    tenant_id: Uuid,
    typed: &str,
) -> FlowResult<Option<Case>> {
    let Some(reference) = Reference::parse(typed.trim()) else {
        return Ok(None);
    };
    Ok(relais_store::cases::by_reference(&state.db, tenant_id, &reference).await?)
}

/// Links the case to the one with `reference`, as `side` says. The actor must see both.
pub async fn link(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    role: Role,
    case_id: Uuid,
    reference: &str,
    side: &str,
) -> FlowResult<Case> {
    let current = load_case(state, tenant.id, case_id).await?;
    let side =
        LinkSide::parse(side).ok_or_else(|| field_error("link_kind", "case-link-kind-unknown"))?;
    let other = by_reference(state, tenant.id, reference)
        .await?
        .ok_or_else(|| field_error("link_reference", "case-link-unknown"))?;
    check_sees(state, tenant.id, actor, role, &current).await?;
    if !may_see(state, tenant.id, actor_id(actor)?, role, other.service_id).await? {
        return Err(field_error("link_reference", "case-link-unknown"));
    }
    match case_links::add(&state.db, actor, current.id, other.id, side).await {
        Ok(()) => Ok(current),
        Err(StoreError::Rule(code)) => Err(field_error("link_reference", code)),
        Err(e) => Err(e.into()),
    }
}

pub async fn unlink(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    role: Role,
    case_id: Uuid,
    other_id: Uuid,
) -> FlowResult<Case> {
    let current = load_case(state, tenant.id, case_id).await?;
    check_sees(state, tenant.id, actor, role, &current).await?;
    case_links::remove(&state.db, actor, current.id, other_id).await?;
    Ok(current)
}

fn actor_id(actor: &Actor) -> FlowResult<Uuid> {
    actor.account_id.ok_or(FlowError::Refused("case-no-access"))
}

async fn check_sees(
    state: &AppState,
    tenant_id: Uuid,
    actor: &Actor,
    role: Role,
    case: &Case,
) -> FlowResult<()> {
    if may_see(state, tenant_id, actor_id(actor)?, role, case.service_id).await? {
        Ok(())
    } else {
        // As for a case that does not exist (`super::access`).
        Err(FlowError::NotFound)
    }
}

/// Merges the case (a duplicate, as the agent saw it at `expected_version`) into the case
/// with `reference`: the duplicate is closed in its workflow's closed status (withdrawn,
/// else refused, else any closed one) unless already closed. The actor must see both.
pub async fn merge(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    role: Role,
    case_id: Uuid,
    expected_version: i64,
    reference: &str,
) -> FlowResult<Case> {
    let current = load_case(state, tenant.id, case_id).await?;
    let into = by_reference(state, tenant.id, reference)
        .await?
        .ok_or_else(|| field_error("merge_reference", "case-merge-unknown"))?;
    check_sees(state, tenant.id, actor, role, &current).await?;
    if !may_see(state, tenant.id, actor_id(actor)?, role, into.service_id).await? {
        return Err(FlowError::Refused("case-merge-no-access"));
    }
    let closed = StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == current.status_kind)
        .is_some_and(StatusKind::is_closed);
    let close = if closed {
        None
    } else {
        let definition = super::flow::definition(
            state,
            tenant.id,
            current.service_id,
            current.service_version,
        )
        .await?;
        let statuses = &definition.workflow.statuses;
        let target = [
            StatusKind::ClosedWithdrawn,
            StatusKind::ClosedRefused,
            StatusKind::ClosedAccepted,
        ]
        .into_iter()
        .find_map(|k| statuses.iter().find(|s| s.kind == k))
        .ok_or(FlowError::Refused("case-merge-no-closed-status"))?;
        let label = |id: &str| {
            statuses.iter().find(|s| s.id == id).map_or_else(
                || json!({"fr": id}),
                |s| json!({"fr": s.label.fr, "en": s.label.en}),
            )
        };
        Some((
            target.id.clone(),
            target.kind.as_str().to_owned(),
            label(&current.status),
            label(&target.id),
        ))
    };
    let m = Merge {
        duplicate_id: current.id,
        expected_version,
        into_id: into.id,
        close,
    };
    match case_links::merge(&state.db, actor, &m).await {
        Ok(()) => load_case(state, tenant.id, current.id).await,
        Err(StoreError::Rule(code)) if code != "case-stale" => {
            Err(field_error("merge_reference", code))
        }
        Err(e) => Err(e.into()),
    }
}

/// The actor starts or stops following the case.
pub async fn follow(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    follow: bool,
) -> FlowResult<Case> {
    let current = load_case(state, tenant.id, case_id).await?;
    staff_notifications::set_following(&state.db, actor, current.id, follow).await?;
    Ok(current)
}

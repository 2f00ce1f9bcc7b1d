//! What an agent does to a case, besides filing it and firing its transitions
//! (`super::flow`): reply to the requester, write an internal note, assign, change the
//! priority and the labels, validate or reject a document. The back office pages, bulk actions
//! and the JSON API call these.
//!
//! Every change is one `cases::apply` (or `case_labels::set`) refused with
//! [`FlowError::Stale`] when the case changed since `expected_version`, so two agents never
//! overwrite each other; the change's timeline events and audit row are written with it.

use super::flow::{self, FlowError, FlowResult};
use crate::AppState;
use chrono::Utc;
use relais_domain::service::form::AnswerError;
use relais_domain::service::sla::Priority;
use relais_domain::service::workflow::{self, StatusKind};
use relais_domain::{AccountKind, Locale, Role, case::EventKind, handling};
use relais_store::cases::{self, Case, CaseWrite, NewEvent};
use relais_store::documents::{self, Verdict};
use relais_store::{Actor, accounts, case_labels, routing, teams, tenants::Tenant};
use serde_json::json;
use uuid::Uuid;

pub(crate) fn field_error(field: &str, code: &'static str) -> FlowError {
    FlowError::Answers(vec![AnswerError {
        field: field.to_owned(),
        code,
    }])
}

/// The case, in this tenant.
pub async fn case(state: &AppState, tenant_id: Uuid, case_id: Uuid) -> FlowResult<Case> {
    cases::get(&state.db, tenant_id, case_id)
        .await?
        .ok_or(FlowError::NotFound)
}

fn is_closed(case: &Case) -> bool {
    StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == case.status_kind)
        .is_some_and(StatusKind::is_closed)
}

/// The language the requester reads: their account's, else the tenant's.
pub async fn requester_locale(state: &AppState, tenant: &Tenant, case: &Case) -> Locale {
    if let Some(account_id) = case.requester_account_id
        && let Ok(Some(account)) = accounts::get(&state.db, tenant.id, account_id).await
        && let Some(locale) = account.locale()
    {
        return locale;
    }
    tenant.locale()
}

/// A reply to the requester: on the timeline (public), mailed to them, and the case's first
/// response if it had none. Refused on a closed case.
pub async fn reply(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    body: &str,
) -> FlowResult<Case> {
    let body = handling::message_text(body).map_err(|code| field_error("body", code))?;
    let current = case(state, tenant.id, case_id).await?;
    if is_closed(&current) {
        return Err(FlowError::Refused("case-closed-no-reply"));
    }
    let locale = requester_locale(state, tenant, &current).await;
    let subject = crate::i18n::message(locale, "case-reply-subject", &[]);
    let now = Utc::now();
    // The mail goes into the outbox in the message's own transaction.
    let told = flow::to_requester(
        state,
        tenant,
        &current,
        locale,
        relais_domain::notify::NotifyKind::Message,
        &subject,
        &body,
    )
    .await;
    let updated = cases::apply(
        &state.db,
        actor,
        case_id,
        CaseWrite {
            expected_version,
            first_response_at: Some(now),
            mails: told.mail().into_iter().collect(),
            events: vec![
                NewEvent::new(EventKind::MessageToRequester, json!({"subject": subject}))
                    .with_body(body.clone()),
            ],
            audit: ("case.reply", json!({"reference": current.reference})),
            ..CaseWrite::default()
        },
    )
    .await?;
    crate::jobs::wake(state);
    told.after_write(state, tenant, &updated.reference).await;
    Ok(updated)
}

/// An internal note, for staff only. Each `@handle` in it must name a staff member of the
/// tenant who may see the case (else `case-mention-unknown` and nothing is written); they
/// are notified in the note's transaction, then mailed.
pub async fn note(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    body: &str,
) -> FlowResult<Case> {
    let body = handling::message_text(body).map_err(|code| field_error("note", code))?;
    let current = case(state, tenant.id, case_id).await?;
    let mentioned = super::collaboration::resolve_mentions(state, tenant.id, &current, &body)
        .await?
        .map_err(|_| field_error("note", "case-mention-unknown"))?;
    let names: Vec<&str> = mentioned.iter().map(|a| a.display_name.as_str()).collect();
    let mails =
        super::collaboration::mention_mails(state, tenant, actor, &current, &mentioned, &body)
            .await;
    let updated = cases::apply(
        &state.db,
        actor,
        case_id,
        CaseWrite {
            expected_version,
            events: vec![
                NewEvent::new(EventKind::Note, json!({"mentions": names})).with_body(body.clone()),
            ],
            mentions: mentioned.iter().map(|a| a.id).collect(),
            mails,
            audit: (
                "case.note",
                json!({"reference": current.reference,
                       "mentions": mentioned.iter().map(|a| a.id).collect::<Vec<_>>()}),
            ),
            ..CaseWrite::default()
        },
    )
    .await?;
    crate::jobs::wake(state);
    Ok(updated)
}

/// Gives the case to a team and/or an agent (`None` clears). Both must belong to this
/// tenant; the agent must be active staff who may act (not a viewer).
pub async fn assign(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    team_id: Option<Uuid>,
    assignee_id: Option<Uuid>,
) -> FlowResult<Case> {
    let current = case(state, tenant.id, case_id).await?;
    let team = match team_id {
        Some(id) => Some(
            teams::get(&state.db, tenant.id, id)
                .await?
                .ok_or_else(|| field_error("team", "case-assign-unknown-team"))?,
        ),
        None => None,
    };
    let agent = match assignee_id {
        Some(id) => Some(
            accounts::get(&state.db, tenant.id, id)
                .await?
                .filter(|a| {
                    a.kind() == AccountKind::Staff
                        && !a.disabled
                        && a.role().is_some_and(|r| r != Role::Viewer)
                })
                .ok_or_else(|| field_error("assignee", "case-assign-unknown-agent"))?,
        ),
        None => None,
    };
    if let Some(agent) = &agent {
        // The agent must have access to the service: its routing team, if it has one.
        let service_team = routing::rule_for(&state.db, tenant.id, current.service_id)
            .await?
            .map(|r| r.team_id);
        let agent_teams: Vec<Uuid> = teams::of_account(&state.db, tenant.id, agent.id)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        let role = agent.role().unwrap_or(Role::Viewer);
        if !relais_domain::routing::has_access(role, &agent_teams, service_team) {
            return Err(field_error("assignee", "case-assign-no-access"));
        }
    }
    if current.team_id == team_id && current.assignee_id == assignee_id {
        if current.row_version != expected_version {
            return Err(FlowError::Stale);
        }
        return Ok(current);
    }
    Ok(cases::apply(
        &state.db,
        actor,
        case_id,
        CaseWrite {
            expected_version,
            team_id: Some(team_id),
            assignee_id: Some(assignee_id),
            events: vec![NewEvent::new(
                EventKind::Assigned,
                json!({
                    "team_id": team_id, "team": team.as_ref().map(|t| t.name.clone()),
                    "assignee_id": assignee_id,
                    "assignee": agent.as_ref().map(|a| a.display_name.clone()),
                }),
            )],
            audit: (
                "case.assign",
                json!({"reference": current.reference, "team_id": team_id,
                       "assignee_id": assignee_id}),
            ),
            ..CaseWrite::default()
        },
    )
    .await?)
}

/// A new priority; the service-level due times follow it.
pub async fn set_priority(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    priority: Priority,
) -> FlowResult<Case> {
    let current = case(state, tenant.id, case_id).await?;
    if current.priority == priority.as_str() {
        if current.row_version != expected_version {
            return Err(FlowError::Stale);
        }
        return Ok(current);
    }
    let updated = cases::apply(
        &state.db,
        actor,
        case_id,
        CaseWrite {
            expected_version,
            priority: Some(priority.as_str().to_owned()),
            events: vec![NewEvent::new(
                EventKind::PriorityChanged,
                json!({"from": current.priority, "to": priority.as_str()}),
            )],
            audit: (
                "case.priority",
                json!({"reference": current.reference, "from": current.priority,
                       "to": priority.as_str()}),
            ),
            ..CaseWrite::default()
        },
    )
    .await?;
    // Targets depend on the priority: recompute the due times now rather than at the next
    // timer run (a concurrent change wins; the timer job catches up).
    match flow::run_timers(state, tenant, case_id).await {
        Ok(()) | Err(FlowError::Stale) => {}
        Err(e) => tracing::warn!(case = %updated.reference, error = ?e, "timers after priority"),
    }
    case(state, tenant.id, case_id).await
}

/// Replaces the labels (typed as a comma-separated list).
pub async fn set_labels(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    input: &str,
) -> FlowResult<Case> {
    let labels = handling::parse_labels(input).map_err(|code| field_error("labels", code))?;
    case(state, tenant.id, case_id).await?;
    case_labels::set(&state.db, actor, case_id, expected_version, &labels).await?;
    case(state, tenant.id, case_id).await
}

/// An agent's verdict on one of the case's documents, on the timeline (the requester sees a
/// rejection and its reason).
pub async fn check_document(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case_id: Uuid,
    expected_version: i64,
    document_id: Uuid,
    verdict: Verdict<'_>,
) -> FlowResult<Case> {
    let current = case(state, tenant.id, case_id).await?;
    let attached = cases::documents(&state.db, tenant.id, case_id).await?;
    let (document, _) = attached
        .iter()
        .find(|(d, _)| d.id == document_id)
        .ok_or(FlowError::NotFound)?;
    let (kind, data, body) = match &verdict {
        Verdict::Valid { until } => (
            EventKind::DocumentValidated,
            json!({"document_id": document.id, "file_name": document.file_name,
                   "valid_until": until}),
            None,
        ),
        Verdict::Rejected { reason } => {
            let reason =
                handling::reject_reason(reason).map_err(|code| field_error("reason", code))?;
            (
                EventKind::DocumentRejected,
                json!({"document_id": document.id, "file_name": document.file_name}),
                Some(reason),
            )
        }
    };
    let mut event = NewEvent::new(kind, data);
    event.body = body.clone();
    // The case write first: it is the one refused when stale, before the document changes.
    let updated = cases::apply(
        &state.db,
        actor,
        case_id,
        CaseWrite {
            expected_version,
            events: vec![event],
            audit: (
                "case.document",
                json!({"reference": current.reference, "document_id": document.id,
                       "verdict": kind.as_str()}),
            ),
            ..CaseWrite::default()
        },
    )
    .await?;
    let verdict = match (&verdict, &body) {
        (Verdict::Rejected { .. }, Some(reason)) => Verdict::Rejected { reason },
        (Verdict::Valid { until }, _) => Verdict::Valid { until: *until },
        _ => verdict,
    };
    documents::check(&state.db, actor, document_id, verdict).await?;
    Ok(updated)
}

/// Fires a workflow transition as a staff member of `role`.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    role: Role,
    case_id: Uuid,
    expected_version: i64,
    transition: &str,
    comment: Option<&str>,
) -> FlowResult<Case> {
    flow::fire(
        state,
        tenant,
        actor,
        workflow::Actor::Staff(role),
        case_id,
        expected_version,
        transition,
        comment,
    )
    .await
}

/// A canned response in the requester's language (its English text for an English reader,
/// when it has one) with the case's values in its variables.
pub async fn fill_canned(
    state: &AppState,
    tenant: &Tenant,
    case: &Case,
    agent_name: &str,
    canned: &relais_store::canned::CannedResponse,
) -> FlowResult<String> {
    let locale = requester_locale(state, tenant, case).await;
    fill_template(state, tenant, case, agent_name, canned.body_in(locale)).await
}

/// A canned response with the case's values in its variables, in the requester's language
/// where it matters (the service's title).
pub async fn fill_template(
    state: &AppState,
    tenant: &Tenant,
    case: &Case,
    agent_name: &str,
    template: &str,
) -> FlowResult<String> {
    let person = match case.requester_person_id {
        Some(id) => relais_store::people::get_person(&state.db, tenant.id, id).await?,
        None => None,
    };
    let locale = requester_locale(state, tenant, case).await;
    let service = relais_store::services::get(&state.db, tenant.id, case.service_id)
        .await?
        .map(|s| s.title(locale).to_owned())
        .unwrap_or_default();
    let organisation = match case.organisation_id {
        Some(id) => relais_store::people::get_organisation(&state.db, tenant.id, id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let given = person
        .as_ref()
        .map(|p| p.given_name.clone())
        .unwrap_or_default();
    let family = person
        .as_ref()
        .map(|p| p.family_name.clone())
        .unwrap_or_default();
    let values = [
        ("reference", case.reference.as_str()),
        ("given_name", given.as_str()),
        ("family_name", family.as_str()),
        ("service", service.as_str()),
        ("agent_name", agent_name),
        ("organisation", organisation.as_str()),
    ];
    Ok(handling::fill(template, &values).unwrap_or_else(|_| template.to_owned()))
}

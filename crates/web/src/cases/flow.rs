//! Filing a case and firing its workflow transitions: the one place where the rules of the
//! domain crate (answers, transitions, service levels) meet the store. Handlers of the
//! portal, the back office, the API and the timer job all come through here.

use crate::AppState;
use chrono::{DateTime, NaiveDateTime, Utc};
use relais_domain::automation::Trigger;
use relais_domain::case::{
    self as domain_case, EventKind, Firing, Plan, PlanError, TimerOutcome, TimerState,
};
use relais_domain::notify::{Delivery, NotifyKind};
use relais_domain::service::calendar::BusinessCalendar;
use relais_domain::service::definition::ServiceDefinition;
use relais_domain::service::form::AnswerError;
use relais_domain::service::sla::{Priority, SlaState};
use relais_domain::service::workflow::{self, FireContext, StatusKind};
use relais_domain::{AccountKind, Locale};
use relais_store::cases::{self, Case, CaseWrite, NewCase, NewEvent};
use relais_store::outbox::OutboxMail;
use relais_store::{Actor, StoreError, accounts, documents, services, teams, tenants::Tenant};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug)]
pub enum FlowError {
    /// Field-level problems with the answers (or a missing required document).
    Answers(Vec<AnswerError>),
    /// The workflow or the actor's role refuses the transition.
    Plan(PlanError),
    /// Someone changed the case since the form was loaded: nothing was written.
    Stale,
    NotFound,
    /// Refused for a reason named by a message id.
    Refused(&'static str),
    Store(StoreError),
}

impl From<StoreError> for FlowError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Rule("case-stale") => FlowError::Stale,
            StoreError::NotFound => FlowError::NotFound,
            other => FlowError::Store(other),
        }
    }
}

impl From<FlowError> for crate::error::AppError {
    /// For handlers that show no form: field errors and refusals become a refusal page.
    fn from(e: FlowError) -> Self {
        use axum::http::StatusCode;
        match e {
            FlowError::NotFound => Self::NotFound,
            FlowError::Stale => Self::Refused(StatusCode::CONFLICT, "case-stale"),
            FlowError::Plan(_) => Self::Refused(StatusCode::CONFLICT, "case-transition-refused"),
            FlowError::Answers(_) => {
                Self::Refused(StatusCode::UNPROCESSABLE_ENTITY, "case-answers-invalid")
            }
            FlowError::Refused(id) => Self::Refused(StatusCode::CONFLICT, id),
            FlowError::Store(e) => Self::Internal(e.to_string()),
        }
    }
}

pub type FlowResult<T> = Result<T, FlowError>;

/// A case to file, as the portal, an agent or the API hands it over.
pub struct Filing<'a> {
    /// Must be published: its published version is the one the case keeps.
    pub service: &'a services::Service,
    /// Raw answers, checked here against the definition.
    pub answers: Map<String, Value>,
    /// Uploaded documents with the form field or required document each one answers.
    pub documents: Vec<(Uuid, Option<String>)>,
    pub requester_person_id: Option<Uuid>,
    pub requester_account_id: Option<Uuid>,
    /// An anonymous requester's e-mail: a tracking code is made for them.
    pub contact_email: Option<String>,
    pub organisation_id: Option<Uuid>,
    pub channel: &'a str,
    pub priority: Priority,
    pub draft_id: Option<Uuid>,
}

pub struct Filed {
    pub case: Case,
    /// For a filing without a portal account (anonymous, or by an agent for a person):
    /// shown once and mailed, stored as a hash.
    pub tracking_code: Option<String>,
}

/// The definition version a service's case is (or will be) handled under.
pub async fn definition(
    state: &AppState,
    tenant_id: Uuid,
    service_id: Uuid,
    version: i32,
) -> FlowResult<Arc<ServiceDefinition>> {
    state
        .definition(tenant_id, service_id, version)
        .await?
        .ok_or(FlowError::NotFound)
}

pub async fn definition_of(
    state: &AppState,
    tenant_id: Uuid,
    case: &Case,
) -> FlowResult<Arc<ServiceDefinition>> {
    definition(state, tenant_id, case.service_id, case.service_version).await
}

async fn calendar(state: &AppState, tenant_id: Uuid) -> FlowResult<Arc<BusinessCalendar>> {
    crate::calendar::load(state, tenant_id)
        .await
        .map_err(|e| FlowError::Store(StoreError::Other(format!("{e:?}"))))
}

fn local(tenant: &Tenant, at: DateTime<Utc>) -> NaiveDateTime {
    domain_case::to_local(at, &tenant.time_zone)
}

fn utc(tenant: &Tenant, at: NaiveDateTime) -> DateTime<Utc> {
    domain_case::from_local(at, &tenant.time_zone)
}

/// Files a case: checks who may file, the channel, the answers and the required documents
/// against the service's published definition, then writes the case, its documents and its
/// first timeline event in one transaction. Nothing is written when anything is refused.
pub async fn file(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    filing: Filing<'_>,
) -> FlowResult<Filed> {
    file_with(state, tenant, actor, filing, None).await
}

/// What an acknowledgement of receipt is written from, before the case is filed (its
/// reference and id are then named by `relais_store::outbox::{REFERENCE, CASE_ID}`).
pub struct Receipt<'a> {
    pub submitted_at: DateTime<Utc>,
    /// The anonymous filer's tracking code.
    pub tracking_code: Option<&'a str>,
    /// The anonymous filer's address, as checked.
    pub contact_email: Option<&'a str>,
    /// The answers as checked.
    pub answers: &'a Value,
}

/// Writes the acknowledgement of a filing.
pub type Acknowledge<'a> = &'a (dyn Fn(&Receipt<'_>) -> Option<OutboxMail> + Sync);

/// [`file`], with the acknowledgement `acknowledge` writes queued in the outbox in the
/// filing's own transaction: a filed case always has it, and the answer never waits for a
/// mail server.
pub async fn file_with(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    filing: Filing<'_>,
    acknowledge: Option<Acknowledge<'_>>,
) -> FlowResult<Filed> {
    let service = filing.service;
    if service.state != "published" {
        return Err(FlowError::Refused("case-service-closed"));
    }
    let version = service
        .published_version
        .ok_or(FlowError::Refused("case-service-closed"))?;
    if !service.channels.0.iter().any(|c| c == filing.channel) {
        return Err(FlowError::Refused("case-channel-not-offered"));
    }
    let anonymous = filing.requester_account_id.is_none() && filing.requester_person_id.is_none();
    match service.who_may_file.as_str() {
        "signed_in" if anonymous => return Err(FlowError::Refused("case-sign-in-required")),
        "organisations" if filing.organisation_id.is_none() => {
            return Err(FlowError::Refused("case-organisation-required"));
        }
        _ => {}
    }
    let contact_email = match (&filing.contact_email, anonymous) {
        (Some(e), _) => Some(
            relais_domain::Email::parse(e)
                .map_err(|_| {
                    FlowError::Answers(vec![AnswerError {
                        field: "contact_email".into(),
                        code: "answer-invalid-email",
                    }])
                })?
                .as_str()
                .to_owned(),
        ),
        (None, true) => {
            return Err(FlowError::Answers(vec![AnswerError {
                field: "contact_email".into(),
                code: "answer-required",
            }]));
        }
        (None, false) => None,
    };
    let definition = definition(state, tenant.id, service.id, version).await?;
    let now = Utc::now();
    let now_local = local(tenant, now);
    let clean = definition
        .form
        .validate_answers(&filing.answers, now_local.date())
        .map_err(FlowError::Answers)?;
    // Every required document must be there, and every document must be one of this
    // tenant's, pending or valid, and the requester's own (or nobody's yet).
    let mut missing = Vec::new();
    for required in definition.documents.iter().filter(|d| d.required) {
        if !filing
            .documents
            .iter()
            .any(|(_, field)| field.as_deref() == Some(required.id.as_str()))
        {
            missing.push(AnswerError {
                field: required.id.clone(),
                code: "answer-required",
            });
        }
    }
    if !missing.is_empty() {
        return Err(FlowError::Answers(missing));
    }
    for (document_id, _) in &filing.documents {
        let document = documents::get(&state.db, tenant.id, *document_id)
            .await?
            .ok_or(FlowError::Refused("case-document-unknown"))?;
        let owner_ok = document.owner_person_id.is_none()
            || document.owner_person_id == filing.requester_person_id;
        if !owner_ok || document.deleted_at.is_some() || document.status == "rejected" {
            return Err(FlowError::Refused("case-document-unknown"));
        }
    }
    let initial = definition
        .workflow
        .status(&definition.workflow.initial)
        .ok_or(FlowError::Refused("case-service-closed"))?;
    let calendar = calendar(state, tenant.id).await?;
    let history = vec![(initial.id.clone(), now_local)];
    let empty = Map::new();
    let timers = domain_case::timers(
        &definition,
        &TimerState {
            status: &initial.id,
            history: &history,
            priority: filing.priority,
            first_response_at: None,
            closed_at: None,
            recorded: SlaState::Ok,
            answers: &empty,
            all_documents_validated: false,
        },
        now_local,
        &calendar,
    );
    // Whoever has no portal account to follow the case from gets a tracking code: an
    // anonymous filer, or a person an agent filed for.
    let tracking_code = filing
        .requester_account_id
        .is_none()
        .then(|| domain_case::tracking_code(rand::random::<u128>()));
    let answers = Value::Object(clean.into_map());
    let mails: Vec<OutboxMail> = acknowledge
        .and_then(|a| {
            a(&Receipt {
                submitted_at: now,
                tracking_code: tracking_code.as_deref(),
                contact_email: contact_email.as_deref(),
                answers: &answers,
            })
        })
        .into_iter()
        .collect();
    let new_case = NewCase {
        tenant_slug: &tenant.slug,
        service_id: service.id,
        service_version: version,
        requester_person_id: filing.requester_person_id,
        requester_account_id: filing.requester_account_id,
        organisation_id: filing.organisation_id,
        contact_email: contact_email.as_deref(),
        tracking_code: tracking_code.as_deref(),
        channel: filing.channel,
        status: &initial.id,
        status_kind: initial.kind.as_str(),
        priority: filing.priority.as_str(),
        answers: &answers,
        documents: &filing.documents,
        first_response_due_at: timers.first_response_due.map(|t| utc(tenant, t)),
        resolution_due_at: timers.resolution_due.map(|t| utc(tenant, t)),
        next_timer_at: next_timer(tenant, &timers, now),
        team_id: None,
        draft_id: filing.draft_id,
        submitted_at: now,
    };
    // The routing rule and whether automation has rules for new cases are read while the
    // case is written: each read is a round trip that would otherwise follow the write.
    let (case, rule, automated) = tokio::join!(
        cases::file_with_mails(&state.db, actor, &new_case, &mails,),
        state.routing_rule(tenant.id, service.id),
        crate::automation::enabled(state, tenant.id, Trigger::CaseCreated),
    );
    let case = case?;
    if !mails.is_empty() {
        crate::jobs::wake(state);
    }
    // Routing never undoes a filing: a failure leaves the case in the unassigned queue.
    let routed = match rule {
        Ok(rule) => super::routing::route(state, tenant, case.clone(), rule).await,
        Err(e) => Err(e.into()),
    };
    let case = match routed {
        Ok(routed) => routed,
        Err(e) => {
            tracing::warn!(case = %case.reference, error = ?e, "routing failed");
            case
        }
    };
    crate::automation::queue_event(
        state,
        actor,
        tenant.id,
        case.id,
        Trigger::CaseCreated,
        automated.map(|rules| !rules.is_empty()),
    )
    .await;
    Ok(Filed {
        case,
        tracking_code,
    })
}

/// When the timer job must look at the case again: the next timer, or now if something is
/// already due.
fn next_timer(tenant: &Tenant, timers: &TimerOutcome, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if timers.sla_event.is_some() || timers.timeout.is_some() {
        return Some(now);
    }
    timers.next_at.map(|t| utc(tenant, t))
}

fn sla_rank(state: &str) -> SlaState {
    match state {
        "warning" => SlaState::Warning,
        "breached" => SlaState::Breached,
        _ => SlaState::Ok,
    }
}

/// What the timers of `case` say at `now`, its status history extended by `entering` (a
/// status it is about to enter).
async fn evaluate_timers(
    state: &AppState,
    tenant: &Tenant,
    case: &Case,
    definition: &ServiceDefinition,
    entering: Option<(&str, StatusKind)>,
    now: DateTime<Utc>,
    documents_valid: bool,
) -> FlowResult<TimerOutcome> {
    let mut history: Vec<(String, NaiveDateTime)> =
        cases::status_history(&state.db, tenant.id, case)
            .await?
            .into_iter()
            .map(|(s, at)| (s, local(tenant, at)))
            .collect();
    let mut status = case.status.as_str();
    let mut closed_at = case.closed_at.map(|t| local(tenant, t));
    if let Some((to, kind)) = entering {
        history.push((to.to_owned(), local(tenant, now)));
        status = to;
        closed_at = kind.is_closed().then(|| local(tenant, now));
    }
    let calendar = calendar(state, tenant.id).await?;
    let answers = case.answers_map();
    Ok(domain_case::timers(
        definition,
        &TimerState {
            status,
            history: &history,
            priority: Priority::parse(&case.priority).unwrap_or_default(),
            first_response_at: case.first_response_at.map(|t| local(tenant, t)),
            closed_at,
            recorded: sla_rank(&case.sla_state),
            answers: &answers,
            all_documents_validated: documents_valid,
        },
        local(tenant, now),
        &calendar,
    ))
}

/// Whether every document of the case has been found valid (a case without documents has
/// nothing left to check).
async fn all_documents_valid(state: &AppState, tenant_id: Uuid, case_id: Uuid) -> FlowResult<bool> {
    Ok(cases::documents(&state.db, tenant_id, case_id)
        .await?
        .iter()
        .all(|(d, _)| d.status == "valid"))
}

/// Fires a workflow transition and carries out its actions, all in one write that is
/// refused if the case changed since `expected_version`.
#[allow(clippy::too_many_arguments)]
pub async fn fire(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    who: workflow::Actor,
    case_id: Uuid,
    expected_version: i64,
    transition: &str,
    comment: Option<&str>,
) -> FlowResult<Case> {
    let case = cases::get(&state.db, tenant.id, case_id)
        .await?
        .ok_or(FlowError::NotFound)?;
    if case.row_version != expected_version {
        return Err(FlowError::Stale);
    }
    let definition = definition_of(state, tenant.id, &case).await?;
    let now = Utc::now();
    let documents_valid = all_documents_valid(state, tenant.id, case.id).await?;
    let answers = case.answers_map();
    let calendar = calendar(state, tenant.id).await?;
    let plan = domain_case::plan_transition(
        &definition,
        &case.status,
        Firing {
            transition,
            actor: who,
            comment,
        },
        &FireContext {
            all_documents_validated: documents_valid,
            answers: &answers,
        },
        local(tenant, now),
        &calendar,
    )
    .map_err(FlowError::Plan)?;
    let timers = evaluate_timers(
        state,
        tenant,
        &case,
        &definition,
        Some((&plan.to, plan.to_kind)),
        now,
        documents_valid,
    )
    .await?;
    let (mut write, mails) = transition_write(
        state,
        tenant,
        &case,
        &definition,
        &plan,
        who,
        comment,
        now,
        &timers,
    )
    .await?;
    // The requester's mails are queued with the step, in its transaction.
    let mut told = Vec::new();
    for (locale, subject, body) in mails {
        let to = to_requester(
            state,
            tenant,
            &case,
            locale,
            NotifyKind::Status,
            &subject,
            &body,
        )
        .await;
        write.mails.extend(to.mail());
        told.push(to);
    }
    let updated = cases::apply(&state.db, actor, case.id, write).await?;
    crate::jobs::wake(state);
    crate::automation::on_event(
        state,
        actor,
        tenant.id,
        case.id,
        relais_domain::automation::Trigger::StatusChanged,
    )
    .await;
    for to in told {
        to.after_write(state, tenant, &updated.reference).await;
    }
    Ok(updated)
}

/// The case write of a planned transition, and the mails to send once it is written.
#[allow(clippy::too_many_arguments)]
async fn transition_write(
    state: &AppState,
    tenant: &Tenant,
    case: &Case,
    definition: &ServiceDefinition,
    plan: &Plan,
    who: workflow::Actor,
    comment: Option<&str>,
    now: DateTime<Utc>,
    timers: &TimerOutcome,
) -> FlowResult<(CaseWrite, Vec<(Locale, String, String)>)> {
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let label = |status: &str| {
        definition
            .workflow
            .status(status)
            .map(|s| json!({"fr": s.label.fr, "en": s.label.en}))
            .unwrap_or(Value::Null)
    };
    let mut status_event = NewEvent::new(
        EventKind::StatusChanged,
        json!({"from": case.status, "to": plan.to, "transition": plan.transition,
               "from_label": label(&case.status), "to_label": label(&plan.to)}),
    );
    if plan.corrections.is_none()
        && let Some(c) = comment
    {
        status_event = status_event.with_body(c);
    }
    let mut write = CaseWrite {
        expected_version: case.row_version,
        status: Some((plan.to.clone(), plan.to_kind.as_str().to_owned())),
        closed_at: Some(plan.to_kind.is_closed().then_some(now)),
        events: vec![status_event],
        audit: (
            "case.transition",
            json!({"reference": case.reference, "from": case.status, "to": plan.to,
                   "transition": plan.transition}),
        ),
        ..CaseWrite::default()
    };
    if matches!(who, workflow::Actor::Staff(_)) {
        write.first_response_at = Some(now);
    }
    if let Some(team_name) = &plan.team {
        let team = teams::list(&state.db, tenant.id)
            .await?
            .into_iter()
            .find(|t| &t.name == team_name);
        match team {
            Some(team) => {
                write.team_id = Some(Some(team.id));
                write.events.push(NewEvent::new(
                    EventKind::Assigned,
                    json!({"team_id": team.id, "team": team.name}),
                ));
            }
            None => write.events.push(NewEvent::new(
                EventKind::Assigned,
                json!({"team": team_name, "error": "unknown-team"}),
            )),
        }
    }
    if let Some(email) = &plan.agent_email {
        let agent = accounts::find_by_email(&state.db, tenant.id, AccountKind::Staff, email)
            .await?
            .filter(|a| !a.disabled);
        match agent {
            Some(agent) => {
                write.assignee_id = Some(Some(agent.id));
                write.events.push(NewEvent::new(
                    EventKind::Assigned,
                    json!({"assignee_id": agent.id, "assignee": agent.display_name}),
                ));
            }
            None => write.events.push(NewEvent::new(
                EventKind::Assigned,
                json!({"agent": email, "error": "unknown-agent"}),
            )),
        }
    }
    match plan.deadline {
        Some(Some(due)) => {
            let due = utc(tenant, due);
            write.deadline_at = Some(Some(due));
            write.events.push(NewEvent::new(
                EventKind::DeadlineSet,
                json!({"deadline_at": due}),
            ));
        }
        Some(None) if case.deadline_at.is_some() => {
            write.deadline_at = Some(None);
            write
                .events
                .push(NewEvent::new(EventKind::DeadlineCleared, json!({})));
        }
        _ => {}
    }
    if let Some((fields, comment)) = &plan.corrections {
        write.corrections = Some(Some((fields.clone(), comment.clone())));
        write.events.push(
            NewEvent::new(EventKind::CorrectionsRequested, json!({"fields": fields}))
                .with_body(comment.clone()),
        );
    } else if case.correction_fields.is_some() && plan.to_kind != StatusKind::WaitingRequester {
        write.corrections = Some(None);
    }
    // What a webhook's receiver learns: the case and the step, never the answers (personal
    // data stays in Relais; the receiver can fetch more through the API with a token).
    for url in &plan.webhooks {
        let payload = json!({
            "event": "case.transition",
            "tenant": tenant.slug,
            "case_id": case.id,
            "reference": case.reference,
            "service_id": case.service_id,
            "transition": plan.transition,
            "from": case.status,
            "to": plan.to,
            "to_kind": plan.to_kind.as_str(),
            "at": now,
        });
        write.jobs.push(super::webhooks::job(case.id, url, payload));
    }
    let locale = requester_locale(state, tenant, case).await?;
    for template in &plan.documents {
        let doc =
            super::generated::issue(state, tenant, case, definition, &plan.to, template, locale)
                .await?;
        write.events.push(NewEvent::new(
            EventKind::DocumentGenerated,
            json!({"template": template, "document_id": doc.id, "file_name": doc.file_name}),
        ));
        write.generated.push(doc);
    }
    let mut mails = Vec::new();
    for (subject, body) in &plan.messages {
        let (subject, body) = (subject.get(locale).to_owned(), body.get(locale).to_owned());
        write.events.push(
            NewEvent::new(
                EventKind::MessageToRequester,
                json!({"subject": subject, "automatic": true}),
            )
            .with_body(body.clone()),
        );
        mails.push((locale, subject, body));
    }
    apply_timers(tenant, &mut write, timers, now, false);
    Ok((write, mails))
}

/// Writes the timers' due times, next wake-up and service-level event into `write`.
fn apply_timers(
    tenant: &Tenant,
    write: &mut CaseWrite,
    timers: &TimerOutcome,
    now: DateTime<Utc>,
    fire_pending: bool,
) {
    write.first_response_due_at = Some(timers.first_response_due.map(|t| utc(tenant, t)));
    write.resolution_due_at = Some(timers.resolution_due.map(|t| utc(tenant, t)));
    let pending = timers.timeout.is_some() && !fire_pending;
    write.next_timer_at = Some(if pending {
        Some(now)
    } else {
        timers.next_at.map(|t| utc(tenant, t))
    });
    match timers.sla_event {
        Some(SlaState::Warning) => {
            write.sla_state = Some("warning".into());
            write
                .events
                .push(NewEvent::new(EventKind::SlaWarning, json!({})));
        }
        Some(SlaState::Breached) => {
            write.sla_state = Some("breached".into());
            write
                .events
                .push(NewEvent::new(EventKind::SlaBreached, json!({})));
        }
        _ => {}
    }
}

/// The language the requester reads: their account's, else the tenant's.
async fn requester_locale(state: &AppState, tenant: &Tenant, case: &Case) -> FlowResult<Locale> {
    if let Some(account_id) = case.requester_account_id
        && let Some(account) = accounts::get(&state.db, tenant.id, account_id).await?
        && let Some(locale) = account.locale()
    {
        return Ok(locale);
    }
    Ok(tenant.locale())
}

/// Where mail to the requester goes: their account's address, else the anonymous contact.
async fn requester_email(state: &AppState, tenant: &Tenant, case: &Case) -> Option<String> {
    if let Some(account_id) = case.requester_account_id
        && let Ok(Some(account)) = accounts::get(&state.db, tenant.id, account_id).await
    {
        return Some(account.email);
    }
    case.contact_email.clone()
}

/// What telling the requester about a change comes to, as their notification preferences
/// for this kind of event say: a mail now (queued with the change, in its transaction), a
/// line held for the daily digest (after the change is written), or nothing.
pub enum ToRequester {
    Nothing,
    Digest {
        account_id: Uuid,
        kind: NotifyKind,
        subject: String,
        text: String,
    },
    Mail(OutboxMail),
}

impl ToRequester {
    /// The mail to queue with the change, if any.
    pub fn mail(&self) -> Option<OutboxMail> {
        match self {
            ToRequester::Mail(m) => Some(m.clone()),
            _ => None,
        }
    }

    /// Once the change is written: holds the digest line. A failure is logged, never a
    /// reason to undo the change.
    pub async fn after_write(self, state: &AppState, tenant: &Tenant, reference: &str) {
        if let ToRequester::Digest {
            account_id,
            kind,
            subject,
            text,
        } = self
            && let Err(e) = relais_store::portal_accounts::hold_for_digest(
                &state.db,
                tenant.id,
                account_id,
                kind.as_str(),
                &subject,
                &text,
            )
            .await
        {
            tracing::warn!(case = %reference, error = %e, "notification not held for the digest");
        }
    }
}

/// How the requester of `case` is to hear of a change (see [`ToRequester`]).
pub async fn to_requester(
    state: &AppState,
    tenant: &Tenant,
    case: &Case,
    locale: Locale,
    kind: NotifyKind,
    subject: &str,
    body: &str,
) -> ToRequester {
    let reference = match locale {
        Locale::Fr => format!("Dossier {}", case.reference),
        Locale::En => format!("Case {}", case.reference),
    };
    let subject = format!("[{}] {subject}", case.reference);
    let text = format!("{body}\n\n— {reference}, {}\n", tenant.name);
    if let Some(account_id) = case.requester_account_id {
        let delivery = relais_store::portal_accounts::delivery_for(
            &state.db,
            tenant.id,
            account_id,
            kind.as_str(),
        )
        .await
        .ok()
        .and_then(|d| Delivery::parse(&d))
        .unwrap_or_default();
        match delivery {
            Delivery::Never => return ToRequester::Nothing,
            Delivery::Daily => {
                return ToRequester::Digest {
                    account_id,
                    kind,
                    subject,
                    text,
                };
            }
            Delivery::Immediately => {}
        }
    }
    match requester_email(state, tenant, case).await {
        Some(to) => ToRequester::Mail(crate::outbox::mail(
            to,
            subject,
            text,
            match kind {
                NotifyKind::Message => "case.message",
                _ => "case.status",
            },
        )),
        None => ToRequester::Nothing,
    }
}

/// Looks at a case's timers now: writes a service-level warning or breach once, fires a
/// due timeout transition, and sets when to look again. A concurrent change wins (the
/// next run sees it).
pub async fn run_timers(state: &AppState, tenant: &Tenant, case_id: Uuid) -> FlowResult<()> {
    let case = cases::get(&state.db, tenant.id, case_id)
        .await?
        .ok_or(FlowError::NotFound)?;
    let definition = definition_of(state, tenant.id, &case).await?;
    let now = Utc::now();
    let documents_valid = all_documents_valid(state, tenant.id, case.id).await?;
    let timers = evaluate_timers(
        state,
        tenant,
        &case,
        &definition,
        None,
        now,
        documents_valid,
    )
    .await?;
    let mut write = CaseWrite {
        expected_version: case.row_version,
        audit: ("case.timers", json!({"reference": case.reference})),
        ..CaseWrite::default()
    };
    apply_timers(tenant, &mut write, &timers, now, true);
    let system = Actor::system(tenant.id, "relais");
    let updated = match cases::apply(&state.db, &system, case.id, write).await {
        Err(StoreError::Rule("case-stale")) => return Ok(()),
        other => other?,
    };
    if let Some(transition) = timers.timeout {
        match fire(
            state,
            tenant,
            &system,
            workflow::Actor::System,
            case.id,
            updated.row_version,
            &transition,
            None,
        )
        .await
        {
            Ok(_) | Err(FlowError::Stale) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

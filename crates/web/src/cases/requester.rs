//! What the requester does to their own case from the portal: write to the organisation
//! (with attachments), send corrected answers back and resubmit, withdraw, answer the
//! satisfaction survey. Each change is one `cases::apply` (optimistic concurrency on the
//! case's `row_version`, events and audit row in the same transaction); workflow moves go
//! through `flow::fire` as [`workflow::Actor::Requester`].

use super::flow::{self, FlowError, FlowResult};
use crate::AppState;
use relais_domain::case::EventKind;
use relais_domain::service::definition::ServiceDefinition;
use relais_domain::service::form::{AnswerError, Answers};
use relais_domain::service::workflow::{self, FireContext, StatusKind, Transition};
use relais_store::cases::{self, Case, CaseWrite, NewEvent};
use relais_store::{Actor, portal, tenants::Tenant};
use serde_json::{Value, json};
use uuid::Uuid;

/// Longest message a requester may send, in characters.
pub const MAX_MESSAGE: usize = 5000;
/// Longest survey comment, in characters.
pub const MAX_COMMENT: usize = 2000;

fn kind_of(case: &Case) -> Option<StatusKind> {
    StatusKind::ALL
        .into_iter()
        .find(|k| k.as_str() == case.status_kind)
}

fn is_closed(case: &Case) -> bool {
    kind_of(case).is_some_and(StatusKind::is_closed)
}

/// Text a person typed: trimmed, line breaks kept, no other control character; `None`
/// when it is empty, too long or holds control characters.
fn clean_text(text: &str, max: usize) -> Result<String, &'static str> {
    let text = text.trim().replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Err("answer-invalid-text");
    }
    if text.chars().count() > max {
        return Err("answer-too-long");
    }
    Ok(text)
}

/// A message from the requester, with documents already stored: on the public timeline,
/// the documents attached to the case. Refused on a closed case.
pub async fn message(
    state: &AppState,
    actor: &Actor,
    case: &Case,
    body: &str,
    attachments: &[(Uuid, String)],
) -> FlowResult<Case> {
    if is_closed(case) {
        return Err(FlowError::Refused("portal-case-closed"));
    }
    let body = clean_text(body, MAX_MESSAGE).map_err(|code| {
        FlowError::Answers(vec![AnswerError {
            field: "body".into(),
            code,
        }])
    })?;
    if body.is_empty() && attachments.is_empty() {
        return Err(FlowError::Answers(vec![AnswerError {
            field: "body".into(),
            code: "answer-required",
        }]));
    }
    let documents: Vec<Value> = attachments
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    let mut event = NewEvent::new(
        EventKind::MessageFromRequester,
        json!({"documents": documents}),
    );
    if !body.is_empty() {
        event = event.with_body(body);
    }
    let write = CaseWrite {
        expected_version: case.row_version,
        events: vec![event],
        documents: attachments
            .iter()
            .map(|(id, _)| (*id, Some("message".to_owned())))
            .collect(),
        audit: (
            "case.message_from_requester",
            json!({"reference": case.reference, "documents": attachments.len()}),
        ),
        ..CaseWrite::default()
    };
    let updated = cases::apply(&state.db, actor, case.id, write).await?;
    crate::automation::on_event(
        state,
        actor,
        case.tenant_id,
        case.id,
        relais_domain::automation::Trigger::MessageReceived,
    )
    .await;
    Ok(updated)
}

/// The transition that sends a case waiting on the requester back to the organisation: one
/// the requester may fire from the current status that neither stays waiting nor closes.
pub fn resubmission<'a>(definition: &'a ServiceDefinition, case: &Case) -> Option<&'a Transition> {
    definition
        .workflow
        .available(&case.status, workflow::Actor::Requester)
        .into_iter()
        .find(|t| {
            definition
                .workflow
                .status(&t.to)
                .is_some_and(|s| !s.kind.is_closed() && s.kind != StatusKind::WaitingRequester)
        })
}

/// The requester's way out, if the workflow has one from the current status: a transition
/// they may fire to a withdrawn status.
pub fn withdrawal<'a>(definition: &'a ServiceDefinition, case: &Case) -> Option<&'a Transition> {
    if is_closed(case) {
        return None;
    }
    definition
        .workflow
        .available(&case.status, workflow::Actor::Requester)
        .into_iter()
        .find(|t| {
            definition
                .workflow
                .status(&t.to)
                .is_some_and(|s| s.kind == StatusKind::ClosedWithdrawn)
        })
}

/// Sends corrected answers back: only the fields the agent re-opened (and the ones they
/// make appear) may change; the whole answer set must pass the definition again; then the
/// resubmission transition is fired. `answers` is the case's answers with the corrections
/// merged in; `documents` are files uploaded with them.
#[allow(clippy::too_many_arguments)]
pub async fn resubmit(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case: &Case,
    expected_version: i64,
    definition: &ServiceDefinition,
    answers: Answers,
    documents: Vec<(Uuid, Option<String>)>,
    today: chrono::NaiveDate,
) -> FlowResult<Case> {
    if case.row_version != expected_version {
        return Err(FlowError::Stale);
    }
    if kind_of(case) != Some(StatusKind::WaitingRequester) || case.correction_fields.is_none() {
        return Err(FlowError::Refused("portal-no-corrections"));
    }
    let transition =
        resubmission(definition, case).ok_or(FlowError::Refused("portal-cannot-resubmit"))?;
    let clean = definition
        .form
        .validate_answers(&answers, today)
        .map_err(FlowError::Answers)?;
    let clean = Value::Object(clean.into_map());
    // The transition must be allowed with the new answers before anything is written.
    let map = clean.as_object().cloned().unwrap_or_default();
    definition
        .workflow
        .fire(
            &case.status,
            &transition.id,
            workflow::Actor::Requester,
            &FireContext {
                all_documents_validated: false,
                answers: &map,
            },
        )
        .map_err(|e| FlowError::Plan(e.into()))?;
    let fields = case.correction_field_ids();
    let write = CaseWrite {
        expected_version,
        answers: Some(clean),
        events: vec![NewEvent::new(
            EventKind::Resubmitted,
            json!({"fields": fields}),
        )],
        documents,
        audit: (
            "case.resubmit",
            json!({"reference": case.reference, "fields": fields}),
        ),
        ..CaseWrite::default()
    };
    let updated = cases::apply(&state.db, actor, case.id, write).await?;
    flow::fire(
        state,
        tenant,
        actor,
        workflow::Actor::Requester,
        case.id,
        updated.row_version,
        &transition.id,
        None,
    )
    .await
}

/// Withdraws the case through the workflow's withdrawal transition.
pub async fn withdraw(
    state: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    case: &Case,
    expected_version: i64,
    definition: &ServiceDefinition,
) -> FlowResult<Case> {
    let transition =
        withdrawal(definition, case).ok_or(FlowError::Refused("portal-cannot-withdraw"))?;
    flow::fire(
        state,
        tenant,
        actor,
        workflow::Actor::Requester,
        case.id,
        expected_version,
        &transition.id,
        None,
    )
    .await
}

/// Whether the requester may still answer the survey: the case is closed and has no answer
/// yet (one per case).
pub async fn survey_open(state: &AppState, case: &Case) -> FlowResult<bool> {
    Ok(is_closed(case)
        && !portal::has_event(
            &state.db,
            case.tenant_id,
            case.id,
            EventKind::SurveyAnswered,
        )
        .await?)
}

/// The satisfaction survey after closure: a rating from 1 to 5 and an optional comment.
pub async fn answer_survey(
    state: &AppState,
    actor: &Actor,
    case: &Case,
    expected_version: i64,
    rating: &str,
    comment: &str,
) -> FlowResult<Case> {
    if !survey_open(state, case).await? {
        return Err(FlowError::Refused("portal-survey-closed"));
    }
    let mut errors = Vec::new();
    let rating = match rating.trim().parse::<u8>() {
        Ok(r) if (1..=5).contains(&r) => Some(r),
        _ => {
            errors.push(AnswerError {
                field: "rating".into(),
                code: "portal-rating-invalid",
            });
            None
        }
    };
    let comment = clean_text(comment, MAX_COMMENT)
        .map_err(|code| {
            errors.push(AnswerError {
                field: "comment".into(),
                code,
            })
        })
        .ok();
    let (Some(rating), Some(comment), true) = (rating, comment, errors.is_empty()) else {
        return Err(FlowError::Answers(errors));
    };
    let mut event = NewEvent::new(EventKind::SurveyAnswered, json!({"rating": rating}));
    if !comment.is_empty() {
        event = event.with_body(comment);
    }
    let write = CaseWrite {
        expected_version,
        events: vec![event],
        audit: (
            "case.survey",
            json!({"reference": case.reference, "rating": rating}),
        ),
        ..CaseWrite::default()
    };
    Ok(cases::apply(&state.db, actor, case.id, write).await?)
}

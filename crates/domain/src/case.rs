//! Cases: their public reference, the tracking code of an anonymous filing, the kinds of
//! timeline events, what firing a transition does to a case (a [`Plan`] the store carries
//! out), and the case's timers (service-level warning and breach, workflow timeouts).
//!
//! Times here are the tenant's local wall-clock times ([`NaiveDateTime`]), as the business
//! calendar counts them; [`to_local`] and [`from_local`] convert at the edge.

use crate::service::Text;
use crate::service::calendar::BusinessCalendar;
use crate::service::definition::ServiceDefinition;
use crate::service::sla::{self, Priority, SlaState};
use crate::service::workflow::{Action, Actor, FireContext, FireError, StatusKind};
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};

/// Crockford's base 32: no I, L, O, U, so a reference read over the phone is not misheard.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn crockford(mut value: u64, len: usize) -> String {
    let mut out = vec![b'0'; len];
    for slot in out.iter_mut().rev() {
        *slot = CROCKFORD[(value & 31) as usize];
        value >>= 5;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Reads a Crockford character as people type it (lowercase, O for 0, I or L for 1).
fn crockford_char(c: char) -> Option<char> {
    let c = c.to_ascii_uppercase();
    let c = match c {
        'O' => '0',
        'I' | 'L' => '1',
        _ => c,
    };
    CROCKFORD.contains(&(c as u8)).then_some(c)
}

/// A case's public reference, `BEL-2026-7K3F9QX2`: the tenant's prefix, the year of filing,
/// then 8 random characters (40 bits), so references cannot be enumerated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference(String);

impl Reference {
    /// `random` supplies the 40 random bits (only its low 40 bits are used).
    pub fn generate(tenant_slug: &str, year: i32, random: u64) -> Reference {
        let mut prefix: String = tenant_slug
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect::<String>()
            .to_ascii_uppercase();
        if prefix.len() < 2 {
            prefix = "REL".into();
        }
        Reference(format!(
            "{prefix}-{year:04}-{}",
            crockford(random & ((1 << 40) - 1), 8)
        ))
    }

    /// A reference as someone typed it: spaces and case ignored, look-alike characters read
    /// as Crockford does. `None` unless it has the shape of a reference.
    pub fn parse(input: &str) -> Option<Reference> {
        let compact: String = input
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut parts = compact.split('-');
        let (prefix, year, code) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || !(2..=3).contains(&prefix.len())
            || !prefix.chars().all(|c| c.is_ascii_alphabetic())
            || year.len() != 4
            || !year.chars().all(|c| c.is_ascii_digit())
            || code.len() != 8
        {
            return None;
        }
        let code: String = code.chars().map(crockford_char).collect::<Option<_>>()?;
        Some(Reference(format!(
            "{}-{year}-{code}",
            prefix.to_ascii_uppercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code an anonymous requester keeps to follow their case: 16 characters (80 bits) in
/// four groups, `7K3F-9QX2-M4TB-8HZ1`.
pub fn tracking_code(random: u128) -> String {
    let raw = crockford((random >> 40) as u64 & ((1 << 40) - 1), 8)
        + &crockford(random as u64 & ((1 << 40) - 1), 8);
    format!(
        "{}-{}-{}-{}",
        &raw[0..4],
        &raw[4..8],
        &raw[8..12],
        &raw[12..16]
    )
}

/// A tracking code as typed (case, spaces and dashes ignored), in the canonical form that
/// is hashed; `None` unless it can be one.
pub fn normalise_tracking_code(input: &str) -> Option<String> {
    let chars: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(crockford_char)
        .collect::<Option<_>>()?;
    (chars.len() == 16).then(|| {
        format!(
            "{}-{}-{}-{}",
            &chars[0..4],
            &chars[4..8],
            &chars[8..12],
            &chars[12..16]
        )
    })
}

/// What happened on a case. The timeline (portal and back office), the 360° view and the
/// indicators read these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Submitted,
    StatusChanged,
    Assigned,
    PriorityChanged,
    MessageToRequester,
    MessageFromRequester,
    Note,
    CorrectionsRequested,
    Resubmitted,
    DeadlineSet,
    DeadlineCleared,
    DocumentValidated,
    DocumentRejected,
    DocumentGenerated,
    WebhookCalled,
    SlaWarning,
    SlaBreached,
    SurveyAnswered,
    /// An automation rule ran (its actions are their own events).
    Automation,
    /// Linked to another case, or a link removed (`data.reference`, `data.side`).
    Linked,
    Unlinked,
    /// Merged: this duplicate into `data.into`, or `data.from` into this case.
    Merged,
}

impl EventKind {
    pub const ALL: [EventKind; 22] = [
        Self::Submitted,
        Self::StatusChanged,
        Self::Assigned,
        Self::PriorityChanged,
        Self::MessageToRequester,
        Self::MessageFromRequester,
        Self::Note,
        Self::CorrectionsRequested,
        Self::Resubmitted,
        Self::DeadlineSet,
        Self::DeadlineCleared,
        Self::DocumentValidated,
        Self::DocumentRejected,
        Self::DocumentGenerated,
        Self::WebhookCalled,
        Self::SlaWarning,
        Self::SlaBreached,
        Self::SurveyAnswered,
        Self::Automation,
        Self::Linked,
        Self::Unlinked,
        Self::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::StatusChanged => "status_changed",
            Self::Assigned => "assigned",
            Self::PriorityChanged => "priority_changed",
            Self::MessageToRequester => "message_to_requester",
            Self::MessageFromRequester => "message_from_requester",
            Self::Note => "note",
            Self::CorrectionsRequested => "corrections_requested",
            Self::Resubmitted => "resubmitted",
            Self::DeadlineSet => "deadline_set",
            Self::DeadlineCleared => "deadline_cleared",
            Self::DocumentValidated => "document_validated",
            Self::DocumentRejected => "document_rejected",
            Self::DocumentGenerated => "document_generated",
            Self::WebhookCalled => "webhook_called",
            Self::SlaWarning => "sla_warning",
            Self::SlaBreached => "sla_breached",
            Self::SurveyAnswered => "survey_answered",
            Self::Automation => "automation",
            Self::Linked => "linked",
            Self::Unlinked => "unlinked",
            Self::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the requester sees it on the portal by default (internal notes, assignment
    /// and service-level events are for staff).
    pub fn is_public(self) -> bool {
        !matches!(
            self,
            Self::Assigned
                | Self::PriorityChanged
                | Self::Note
                | Self::DeadlineSet
                | Self::DeadlineCleared
                | Self::WebhookCalled
                | Self::Automation
                | Self::Linked
                | Self::Unlinked
                | Self::Merged
                | Self::SlaWarning
                | Self::SlaBreached
        )
    }
}

/// What firing a transition does to a case, for the store to carry out in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub transition: String,
    pub to: String,
    pub to_kind: StatusKind,
    /// Team to assign, by name.
    pub team: Option<String>,
    /// Agent to assign, by e-mail.
    pub agent_email: Option<String>,
    /// `Some(None)` clears the deadline, `Some(Some(t))` sets it.
    pub deadline: Option<Option<NaiveDateTime>>,
    /// Fields re-opened for the requester, with the agent's comment.
    pub corrections: Option<(Vec<String>, String)>,
    /// Messages to the requester (subject, body), French and English.
    pub messages: Vec<(Text, Text)>,
    pub documents: Vec<String>,
    pub webhooks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Fire(#[from] FireError),
    /// Asking for corrections needs the agent's comment: the requester must know what to fix.
    #[error("a comment is required to ask for corrections")]
    CommentRequired,
}

/// Who fires which transition, with what comment.
#[derive(Debug, Clone, Copy)]
pub struct Firing<'a> {
    pub transition: &'a str,
    pub actor: Actor,
    /// The agent's words (required to ask for corrections).
    pub comment: Option<&'a str>,
}

/// Fires a transition from `current` and works out every effect of its actions at `now`.
pub fn plan_transition(
    definition: &ServiceDefinition,
    current: &str,
    firing: Firing<'_>,
    ctx: &FireContext<'_>,
    now: NaiveDateTime,
    calendar: &BusinessCalendar,
) -> Result<Plan, PlanError> {
    let fired = definition
        .workflow
        .fire(current, firing.transition, firing.actor, ctx)?;
    let comment = firing.comment;
    let to_kind = definition
        .workflow
        .status(&fired.to)
        .map(|s| s.kind)
        .ok_or_else(|| FireError::UnknownStatus(fired.to.clone()))?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    let mut plan = Plan {
        transition: fired.transition,
        to: fired.to,
        to_kind,
        team: None,
        agent_email: None,
        deadline: None,
        corrections: None,
        messages: Vec::new(),
        documents: Vec::new(),
        webhooks: Vec::new(),
    };
    for action in fired.actions {
        match action {
            Action::MessageRequester { subject, body } => plan.messages.push((subject, body)),
            Action::AssignTeam { team } => plan.team = Some(team),
            Action::AssignAgent { agent_email } => plan.agent_email = Some(agent_email),
            Action::SetDeadline {
                days,
                business_days,
            } => {
                let due = if business_days {
                    calendar
                        .add_business_days(now.date(), days)
                        .and_time(now.time())
                } else {
                    now + Duration::days(i64::from(days))
                };
                plan.deadline = Some(Some(due));
            }
            Action::ClearDeadline => plan.deadline = Some(None),
            Action::RequestCorrections { fields } => {
                let comment = comment.ok_or(PlanError::CommentRequired)?;
                plan.corrections = Some((fields, comment.to_owned()));
            }
            Action::GenerateDocument { template } => plan.documents.push(template),
            Action::CallWebhook { url } => plan.webhooks.push(url),
        }
    }
    Ok(plan)
}

/// A case as its timers see it.
#[derive(Debug, Clone)]
pub struct TimerState<'a> {
    pub status: &'a str,
    /// `(status, entered at)`, in order, the current status last.
    pub history: &'a [(String, NaiveDateTime)],
    pub priority: Priority,
    pub first_response_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    /// The worst service-level state already written on the timeline.
    pub recorded: SlaState,
    pub answers: &'a serde_json::Map<String, serde_json::Value>,
    pub all_documents_validated: bool,
}

/// What the timer job must do for a case now, and when to look again.
#[derive(Debug, Clone, PartialEq)]
pub struct TimerOutcome {
    /// A service-level state to write on the timeline (warning or breach), if it got worse.
    pub sla_event: Option<SlaState>,
    /// The first due timeout transition whose condition holds.
    pub timeout: Option<String>,
    /// The earliest future moment something can happen; `None` when nothing can.
    pub next_at: Option<NaiveDateTime>,
    /// Service-level due times, for lists and the case page.
    pub first_response_due: Option<NaiveDateTime>,
    pub resolution_due: Option<NaiveDateTime>,
}

fn severity(state: SlaState) -> u8 {
    match state {
        SlaState::Breached => 2,
        SlaState::Warning => 1,
        _ => 0,
    }
}

/// Where the case's timers stand at `now`.
pub fn timers(
    definition: &ServiceDefinition,
    case: &TimerState<'_>,
    now: NaiveDateTime,
    calendar: &BusinessCalendar,
) -> TimerOutcome {
    let periods = definition.workflow.sla_periods(case.history);
    let status = sla::evaluate(
        &definition.sla,
        case.priority,
        calendar,
        &periods,
        case.first_response_at,
        case.closed_at,
        now,
    );
    let worst = [status.first_response.state, status.resolution.state]
        .into_iter()
        .max_by_key(|s| severity(*s))
        .unwrap_or(SlaState::Ok);
    let sla_event = (severity(worst) > severity(case.recorded)).then_some(worst);
    let mut upcoming: Vec<NaiveDateTime> = Vec::new();
    for target in [status.first_response, status.resolution] {
        if matches!(target.state, SlaState::Ok | SlaState::Warning) {
            upcoming.extend(target.warn_at.filter(|t| *t > now));
            upcoming.extend(target.due_at.filter(|t| *t > now));
        }
    }
    let entered = case.history.last().map_or(now, |(_, at)| *at);
    let ctx = FireContext {
        all_documents_validated: case.all_documents_validated,
        answers: case.answers,
    };
    let timeout = definition
        .workflow
        .due_timeouts(case.status, entered, now, calendar)
        .into_iter()
        .find(|d| {
            definition
                .workflow
                .fire(case.status, &d.transition.id, Actor::System, &ctx)
                .is_ok()
        })
        .map(|d| d.transition.id.clone());
    if let Some(next) = definition
        .workflow
        .next_timeout(case.status, entered, calendar)
        .filter(|d| d.due_at > now)
    {
        upcoming.push(next.due_at);
    }
    TimerOutcome {
        sla_event,
        timeout,
        next_at: upcoming.into_iter().min(),
        first_response_due: status.first_response.due_at,
        resolution_due: status.resolution.due_at,
    }
}

/// A UTC instant as the wall-clock time of the tenant's time zone (UTC if the zone is
/// unknown, which the settings page never lets through).
pub fn to_local(at: DateTime<Utc>, time_zone: &str) -> NaiveDateTime {
    match time_zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).naive_local(),
        Err(_) => at.naive_utc(),
    }
}

/// A wall-clock time of the tenant's zone as a UTC instant: the earlier one when the clock
/// goes back, the first valid minute after the gap when it goes forward.
pub fn from_local(local: NaiveDateTime, time_zone: &str) -> DateTime<Utc> {
    let Ok(tz) = time_zone.parse::<chrono_tz::Tz>() else {
        return Utc.from_utc_datetime(&local);
    };
    let mut probe = local;
    for _ in 0..180 {
        if let Some(t) = tz.from_local_datetime(&probe).earliest() {
            return t.with_timezone(&Utc);
        }
        probe += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;

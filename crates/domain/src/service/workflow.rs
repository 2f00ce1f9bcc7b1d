//! Workflows: the statuses a case goes through, the transitions between them, who may fire
//! them, on which condition, what they do, and the transitions that fire by themselves after a
//! delay (timeouts).
//!
//! Rules of the state machine, all enforced by [`Workflow::fire`]:
//!
//! - `from: ["*"]` means *every status that is not closed*. Closed statuses are terminal: a
//!   transition leaves a closed status only when its `from` names that status explicitly (a
//!   "reopen" transition). Firing anything else from a closed status is
//!   [`FireError::AlreadyClosed`].
//! - Who may fire: a **viewer never**. Staff of any other role may fire a transition whose
//!   `roles` list is empty and which is not `by_requester`; when `roles` is not empty, only
//!   those roles. The requester may fire a transition only when it is `by_requester`. So a
//!   `by_requester` transition with no roles is for the requester alone (withdraw, resubmit);
//!   list roles as well to let staff fire it too. [`Actor::System`] (the timer) may fire only
//!   transitions that have a timeout.
//! - Conditions are checked at fire time with the case's [`FireContext`];
//!   [`Workflow::available`] lists what an actor may fire without looking at conditions (so a
//!   UI can show a disabled button with the reason).

use super::calendar::BusinessCalendar;
use super::sla::{MAX_DAYS, Period};
use super::{DefinitionError, Text};
use crate::Role;
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Statuses, transitions and the status a new case starts in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflow {
    pub statuses: Vec<Status>,
    pub transitions: Vec<Transition>,
    /// Id of the status of a new case (often a draft).
    pub initial: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Letters, digits, `_` and `-`; unique in the workflow.
    pub id: String,
    pub label: Text,
    pub kind: StatusKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusKind {
    /// Being filled in by the requester, not yet submitted.
    Draft,
    /// With the organisation.
    Open,
    /// Waiting for the requester (corrections, missing document): the SLA clock stops.
    WaitingRequester,
    /// Waiting for a third party (another administration, a supplier): the clock runs.
    WaitingThirdParty,
    ClosedAccepted,
    ClosedRefused,
    ClosedWithdrawn,
}

impl StatusKind {
    pub const ALL: [StatusKind; 7] = [
        Self::Draft,
        Self::Open,
        Self::WaitingRequester,
        Self::WaitingThirdParty,
        Self::ClosedAccepted,
        Self::ClosedRefused,
        Self::ClosedWithdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::WaitingRequester => "waiting_requester",
            Self::WaitingThirdParty => "waiting_third_party",
            Self::ClosedAccepted => "closed_accepted",
            Self::ClosedRefused => "closed_refused",
            Self::ClosedWithdrawn => "closed_withdrawn",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(
            self,
            Self::ClosedAccepted | Self::ClosedRefused | Self::ClosedWithdrawn
        )
    }

    /// The service-level clock stops while the case is in the requester's hands: waiting for
    /// the requester, or back in draft (for example while making corrections).
    pub fn pauses_sla(self) -> bool {
        matches!(self, Self::WaitingRequester | Self::Draft)
    }
}

/// A way from some statuses to another one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// Letters, digits, `_` and `-`; unique in the workflow.
    pub id: String,
    /// Status ids this transition starts from; `"*"` means every status that is not closed.
    pub from: Vec<String>,
    pub to: String,
    /// The button's wording.
    pub label: Text,
    /// Staff roles that may fire it; empty means every role but viewer (unless
    /// `by_requester`, then the requester alone). Viewers can never fire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// The requester may fire it (withdraw, resubmit after corrections).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_requester: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<TransitionCondition>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// Fires by itself after this long in a `from` status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timeout>,
}

/// What must hold for a transition to fire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TransitionCondition {
    /// Every document of the case has been validated by an agent.
    AllDocumentsValidated,
    /// The form answer `field` equals `value` (for a multiple answer: contains it).
    FieldEquals {
        field: String,
        value: serde_json::Value,
    },
}

impl TransitionCondition {
    pub fn holds(&self, ctx: &FireContext<'_>) -> bool {
        match self {
            Self::AllDocumentsValidated => ctx.all_documents_validated,
            Self::FieldEquals { field, value } => match ctx.answers.get(field) {
                Some(answer) if answer == value => true,
                Some(serde_json::Value::Array(items)) => items.contains(value),
                _ => false,
            },
        }
    }
}

/// Automatic firing after `after_days` days in a `from` status, calendar days or business
/// days of the tenant's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeout {
    pub after_days: u32,
    #[serde(default)]
    pub business_days: bool,
}

impl Timeout {
    /// When a case that entered its status at `entered_at` times out: `after_days` later at
    /// the same time of day; in business days, the `after_days`-th business day after the
    /// day it entered, at the same time of day.
    pub fn due_at(&self, entered_at: NaiveDateTime, calendar: &BusinessCalendar) -> NaiveDateTime {
        if self.business_days {
            calendar
                .add_business_days(entered_at.date(), self.after_days)
                .and_time(entered_at.time())
        } else {
            entered_at + Duration::days(i64::from(self.after_days))
        }
    }
}

/// What a transition does when it fires. The caller carries these out, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Send the requester a message (French and English; the requester's locale picks).
    MessageRequester {
        subject: Text,
        body: Text,
    },
    AssignTeam {
        team: String,
    },
    AssignAgent {
        agent_email: String,
    },
    /// Set the case's deadline `days` from now (business days of the tenant's calendar or
    /// calendar days).
    SetDeadline {
        days: u32,
        #[serde(default)]
        business_days: bool,
    },
    ClearDeadline,
    /// Reopen these form fields for the requester; the agent's comment is given at fire time.
    RequestCorrections {
        fields: Vec<String>,
    },
    /// Produce a document (certificate, receipt) from a template.
    GenerateDocument {
        template: String,
    },
    /// POST the case event to this URL (https; `http://localhost` for tests).
    CallWebhook {
        url: String,
    },
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::MessageRequester { .. } => "message_requester",
            Self::AssignTeam { .. } => "assign_team",
            Self::AssignAgent { .. } => "assign_agent",
            Self::SetDeadline { .. } => "set_deadline",
            Self::ClearDeadline => "clear_deadline",
            Self::RequestCorrections { .. } => "request_corrections",
            Self::GenerateDocument { .. } => "generate_document",
            Self::CallWebhook { .. } => "call_webhook",
        }
    }
}

/// Who fires a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Staff(Role),
    Requester,
    /// The platform itself, firing a timeout.
    System,
}

/// What the state machine needs to know about the case to check conditions.
#[derive(Debug, Clone, Copy)]
pub struct FireContext<'a> {
    pub all_documents_validated: bool,
    pub answers: &'a serde_json::Map<String, serde_json::Value>,
}

/// The outcome of a transition: the new status and the actions to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    pub transition: String,
    pub to: String,
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FireError {
    #[error("unknown transition \"{0}\"")]
    UnknownTransition(String),
    #[error("unknown status \"{0}\"")]
    UnknownStatus(String),
    #[error("transition \"{transition}\" does not start from status \"{status}\"")]
    NotFromThisStatus { transition: String, status: String },
    #[error("not allowed to fire transition \"{0}\"")]
    NotAllowedForRole(String),
    #[error("the condition of transition \"{0}\" is not met")]
    ConditionNotMet(String),
    #[error("the case is closed (status \"{0}\")")]
    AlreadyClosed(String),
}

/// A timeout that is due.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DueTimeout<'a> {
    pub transition: &'a Transition,
    pub due_at: NaiveDateTime,
}

fn join(path: &str, rest: &str) -> String {
    if path.is_empty() {
        rest.to_owned()
    } else {
        format!("{path}.{rest}")
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Supervisor => "supervisor",
        Role::Agent => "agent",
        Role::Viewer => "viewer",
    }
}

/// A document template's name: it becomes the document's kind and file name.
pub fn template_name_valid(name: &str) -> bool {
    (1..=60).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `https://host…`, or `http://localhost…` (tests and local development).
pub fn webhook_url_allowed(url: &str) -> bool {
    let host_ok = |rest: &str| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty() && !host.contains(char::is_whitespace) && !host.contains('@')
    };
    if let Some(rest) = url.strip_prefix("https://") {
        return host_ok(rest);
    }
    if let Some(rest) = url.strip_prefix("http://localhost") {
        return rest.is_empty() || rest.starts_with([':', '/']);
    }
    false
}

impl Transition {
    /// Whether it starts from `status` (of kind `kind`): named explicitly, or `"*"` and not
    /// closed.
    pub fn starts_from(&self, status: &str, kind: StatusKind) -> bool {
        self.from.iter().any(|f| f == status)
            || (!kind.is_closed() && self.from.iter().any(|f| f == "*"))
    }

    /// Whether `actor` may fire it (conditions aside).
    pub fn allows(&self, actor: Actor) -> bool {
        match actor {
            Actor::Staff(Role::Viewer) => false,
            Actor::Staff(role) => {
                if self.roles.is_empty() {
                    !self.by_requester
                } else {
                    self.roles.contains(&role)
                }
            }
            Actor::Requester => self.by_requester,
            Actor::System => self.timeout.is_some(),
        }
    }
}

impl Workflow {
    pub fn status(&self, id: &str) -> Option<&Status> {
        self.statuses.iter().find(|s| s.id == id)
    }

    pub fn transition(&self, id: &str) -> Option<&Transition> {
        self.transitions.iter().find(|t| t.id == id)
    }

    /// The transitions `actor` may fire from `current`, in declaration order, conditions not
    /// checked. Empty for an unknown status.
    pub fn available(&self, current: &str, actor: Actor) -> Vec<&Transition> {
        let Some(status) = self.status(current) else {
            return vec![];
        };
        self.transitions
            .iter()
            .filter(|t| t.starts_from(current, status.kind) && t.allows(actor))
            .collect()
    }

    /// Fire `transition_id` from `current`. Checks, in this order: the transition exists, the
    /// current status exists, a closed status is left only by a transition naming it, the
    /// transition starts from the current status, the actor may fire it, its condition holds.
    pub fn fire(
        &self,
        current: &str,
        transition_id: &str,
        actor: Actor,
        ctx: &FireContext<'_>,
    ) -> Result<Fired, FireError> {
        let transition = self
            .transition(transition_id)
            .ok_or_else(|| FireError::UnknownTransition(transition_id.to_owned()))?;
        let status = self
            .status(current)
            .ok_or_else(|| FireError::UnknownStatus(current.to_owned()))?;
        if !transition.starts_from(current, status.kind) {
            return Err(if status.kind.is_closed() {
                FireError::AlreadyClosed(current.to_owned())
            } else {
                FireError::NotFromThisStatus {
                    transition: transition_id.to_owned(),
                    status: current.to_owned(),
                }
            });
        }
        if !transition.allows(actor) {
            return Err(FireError::NotAllowedForRole(transition_id.to_owned()));
        }
        if let Some(condition) = &transition.condition
            && !condition.holds(ctx)
        {
            return Err(FireError::ConditionNotMet(transition_id.to_owned()));
        }
        Ok(Fired {
            transition: transition.id.clone(),
            to: transition.to.clone(),
            actions: transition.actions.clone(),
        })
    }

    /// The timeouts from `current` that are due at `now` for a case that entered `current` at
    /// `entered_at`, earliest first (declaration order on ties). The caller fires the first
    /// one whose condition holds, as [`Actor::System`].
    pub fn due_timeouts(
        &self,
        current: &str,
        entered_at: NaiveDateTime,
        now: NaiveDateTime,
        calendar: &BusinessCalendar,
    ) -> Vec<DueTimeout<'_>> {
        let mut due: Vec<DueTimeout<'_>> = self
            .timeouts_from(current, entered_at, calendar)
            .into_iter()
            .filter(|d| d.due_at <= now)
            .collect();
        due.sort_by_key(|d| d.due_at);
        due
    }

    /// The next timeout from `current`, due or not: when to wake up.
    pub fn next_timeout(
        &self,
        current: &str,
        entered_at: NaiveDateTime,
        calendar: &BusinessCalendar,
    ) -> Option<DueTimeout<'_>> {
        self.timeouts_from(current, entered_at, calendar)
            .into_iter()
            .min_by_key(|d| d.due_at)
    }

    fn timeouts_from(
        &self,
        current: &str,
        entered_at: NaiveDateTime,
        calendar: &BusinessCalendar,
    ) -> Vec<DueTimeout<'_>> {
        let Some(status) = self.status(current) else {
            return vec![];
        };
        self.transitions
            .iter()
            .filter(|t| t.starts_from(current, status.kind))
            .filter_map(|t| {
                let timeout = t.timeout?;
                Some(DueTimeout {
                    transition: t,
                    due_at: timeout.due_at(entered_at, calendar),
                })
            })
            .collect()
    }

    /// The periods of the service-level clock from a case's status history (`(status id,
    /// entered at)`, in order): each status lasts until the next one, the last one is still
    /// running; the clock is paused in statuses whose kind pauses it. Unknown statuses count
    /// as running.
    pub fn sla_periods(&self, history: &[(String, NaiveDateTime)]) -> Vec<Period> {
        history
            .iter()
            .enumerate()
            .map(|(i, (status, entered))| {
                let end = history.get(i + 1).map(|(_, next)| *next);
                let paused = self.status(status).is_some_and(|s| s.kind.pauses_sla());
                (*entered, end, paused)
            })
            .collect()
    }

    /// Form field ids this workflow refers to, with the path of each reference
    /// (`field_equals` conditions and `request_corrections` actions), for the definition to
    /// check against its form.
    pub fn referenced_fields(&self, path: &str) -> Vec<(String, &str)> {
        let mut refs = vec![];
        for (i, t) in self.transitions.iter().enumerate() {
            if let Some(TransitionCondition::FieldEquals { field, .. }) = &t.condition {
                refs.push((
                    join(path, &format!("transitions[{i}].condition.field")),
                    field.as_str(),
                ));
            }
            for (k, a) in t.actions.iter().enumerate() {
                if let Action::RequestCorrections { fields } = a {
                    for (f, field) in fields.iter().enumerate() {
                        refs.push((
                            join(path, &format!("transitions[{i}].actions[{k}].fields[{f}]")),
                            field.as_str(),
                        ));
                    }
                }
            }
        }
        refs
    }

    /// Everything wrong with this workflow, with paths under `path` (e.g. `workflow`).
    pub fn validate(&self, path: &str) -> Vec<DefinitionError> {
        let mut errors = vec![];
        let mut err = |p: String, reason: String| errors.push(DefinitionError::new(p, reason));

        // Statuses.
        let mut kinds: HashMap<&str, StatusKind> = HashMap::new();
        for (i, s) in self.statuses.iter().enumerate() {
            let p = join(path, &format!("statuses[{i}]"));
            if !valid_id(&s.id) {
                err(
                    format!("{p}.id"),
                    format!("invalid id \"{}\": use letters, digits, _ and -", s.id),
                );
            } else if kinds.insert(&s.id, s.kind).is_some() {
                err(format!("{p}.id"), format!("duplicate status \"{}\"", s.id));
            }
            if s.label.fr.trim().is_empty() {
                err(format!("{p}.label.fr"), "must not be empty".into());
            }
        }
        if self.statuses.is_empty() {
            err(
                join(path, "statuses"),
                "at least one status is needed".into(),
            );
        }
        if !self.statuses.iter().any(|s| s.kind.is_closed()) {
            err(
                join(path, "statuses"),
                "no closed status: a case could never end".into(),
            );
        }
        let initial_kind = kinds.get(self.initial.as_str()).copied();
        match initial_kind {
            None => err(
                join(path, "initial"),
                format!("unknown status \"{}\"", self.initial),
            ),
            Some(kind) if kind.is_closed() => err(
                join(path, "initial"),
                format!("the initial status \"{}\" is closed", self.initial),
            ),
            Some(_) => {}
        }

        // Transitions.
        let mut transition_ids = HashSet::new();
        for (i, t) in self.transitions.iter().enumerate() {
            let p = join(path, &format!("transitions[{i}]"));
            if !valid_id(&t.id) {
                err(
                    format!("{p}.id"),
                    format!("invalid id \"{}\": use letters, digits, _ and -", t.id),
                );
            } else if !transition_ids.insert(t.id.as_str()) {
                err(
                    format!("{p}.id"),
                    format!("duplicate transition \"{}\"", t.id),
                );
            }
            if t.from.is_empty() {
                err(
                    format!("{p}.from"),
                    "must name at least one status, or \"*\"".into(),
                );
            }
            let mut seen = HashSet::new();
            for (j, f) in t.from.iter().enumerate() {
                if !seen.insert(f.as_str()) {
                    err(format!("{p}.from[{j}]"), format!("\"{f}\" is listed twice"));
                } else if f != "*" && !kinds.contains_key(f.as_str()) {
                    err(format!("{p}.from[{j}]"), format!("unknown status \"{f}\""));
                }
            }
            if !kinds.contains_key(t.to.as_str()) {
                err(format!("{p}.to"), format!("unknown status \"{}\"", t.to));
            }
            if t.label.fr.trim().is_empty() {
                err(format!("{p}.label.fr"), "must not be empty".into());
            }
            let mut seen_roles = HashSet::new();
            for (j, &role) in t.roles.iter().enumerate() {
                if role == Role::Viewer {
                    err(
                        format!("{p}.roles[{j}]"),
                        "viewers cannot fire transitions".into(),
                    );
                } else if !seen_roles.insert(role) {
                    err(
                        format!("{p}.roles[{j}]"),
                        format!("\"{}\" is listed twice", role_name(role)),
                    );
                }
            }
            if let Some(TransitionCondition::FieldEquals { field, .. }) = &t.condition
                && field.trim().is_empty()
            {
                err(
                    format!("{p}.condition.field"),
                    "must name a form field".into(),
                );
            }
            if let Some(timeout) = t.timeout
                && timeout.after_days == 0
            {
                err(
                    format!("{p}.timeout.after_days"),
                    "must be at least 1".into(),
                );
            }
            if let Some(timeout) = t.timeout
                && timeout.after_days > MAX_DAYS
            {
                err(
                    format!("{p}.timeout.after_days"),
                    format!("must be at most {MAX_DAYS}"),
                );
            }
            for (k, a) in t.actions.iter().enumerate() {
                let pa = format!("{p}.actions[{k}]");
                match a {
                    Action::MessageRequester { subject, body } => {
                        if subject.fr.trim().is_empty() {
                            err(format!("{pa}.subject.fr"), "must not be empty".into());
                        }
                        if body.fr.trim().is_empty() {
                            err(format!("{pa}.body.fr"), "must not be empty".into());
                        }
                    }
                    Action::AssignTeam { team } => {
                        if team.trim().is_empty() {
                            err(format!("{pa}.team"), "must name a team".into());
                        }
                    }
                    Action::AssignAgent { agent_email } => {
                        if crate::Email::parse(agent_email).is_err() {
                            err(
                                format!("{pa}.agent_email"),
                                format!("invalid e-mail address \"{agent_email}\""),
                            );
                        }
                    }
                    Action::SetDeadline { days, .. } => {
                        if *days == 0 {
                            err(format!("{pa}.days"), "must be at least 1".into());
                        } else if *days > MAX_DAYS {
                            err(format!("{pa}.days"), format!("must be at most {MAX_DAYS}"));
                        }
                    }
                    Action::ClearDeadline => {}
                    Action::RequestCorrections { fields } => {
                        if fields.is_empty() {
                            err(
                                format!("{pa}.fields"),
                                "name at least one field to reopen".into(),
                            );
                        }
                        for (f, field) in fields.iter().enumerate() {
                            if field.trim().is_empty() {
                                err(format!("{pa}.fields[{f}]"), "must name a form field".into());
                            }
                        }
                        if t.by_requester && t.roles.is_empty() {
                            err(
                                pa.clone(),
                                "only staff can ask for corrections, not the requester".into(),
                            );
                        }
                    }
                    Action::GenerateDocument { template } => {
                        if template.trim().is_empty() {
                            err(format!("{pa}.template"), "must name a template".into());
                        } else if !template_name_valid(template) {
                            err(
                                format!("{pa}.template"),
                                format!(
                                    "\"{template}\" must be 1 to 60 lowercase letters, digits or dashes"
                                ),
                            );
                        }
                    }
                    Action::CallWebhook { url } => {
                        if !webhook_url_allowed(url) {
                            err(
                                format!("{pa}.url"),
                                format!("\"{url}\" is not an https URL"),
                            );
                        }
                    }
                }
            }
        }

        // Reachability: every status from the initial one, a closed one from every status.
        if initial_kind.is_some() {
            let edges = self.edges(&kinds);
            let reached = reach(&[self.initial.as_str()], &edges);
            for (i, s) in self.statuses.iter().enumerate() {
                if kinds.get(s.id.as_str()) == Some(&s.kind) && !reached.contains(s.id.as_str()) {
                    err(
                        join(path, &format!("statuses[{i}]")),
                        format!(
                            "status \"{}\" cannot be reached from the initial status \"{}\"",
                            s.id, self.initial
                        ),
                    );
                }
            }
        }
        if self.statuses.iter().any(|s| s.kind.is_closed()) {
            let edges = self.edges(&kinds);
            let mut reverse: HashMap<&str, Vec<&str>> = HashMap::new();
            for (from, tos) in &edges {
                for to in tos {
                    reverse.entry(to).or_default().push(from);
                }
            }
            let closed: Vec<&str> = self
                .statuses
                .iter()
                .filter(|s| s.kind.is_closed())
                .map(|s| s.id.as_str())
                .collect();
            let can_close = reach(&closed, &reverse);
            for (i, s) in self.statuses.iter().enumerate() {
                if !s.kind.is_closed() && valid_id(&s.id) && !can_close.contains(s.id.as_str()) {
                    err(
                        join(path, &format!("statuses[{i}]")),
                        format!(
                            "dead end: no closed status can be reached from \"{}\"",
                            s.id
                        ),
                    );
                }
            }
        }
        errors
    }

    /// status → statuses reachable in one transition (known statuses only).
    fn edges<'a>(&'a self, kinds: &HashMap<&'a str, StatusKind>) -> HashMap<&'a str, Vec<&'a str>> {
        let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
        for t in &self.transitions {
            if !kinds.contains_key(t.to.as_str()) {
                continue;
            }
            for (&status, &kind) in kinds {
                if t.starts_from(status, kind) {
                    edges.entry(status).or_default().push(t.to.as_str());
                }
            }
        }
        edges
    }
}

fn reach<'a>(start: &[&'a str], edges: &HashMap<&'a str, Vec<&'a str>>) -> BTreeSet<&'a str> {
    let mut seen: BTreeSet<&str> = start.iter().copied().collect();
    let mut stack: Vec<&str> = start.to_vec();
    while let Some(s) = stack.pop() {
        for &next in edges.get(s).map(Vec::as_slice).unwrap_or(&[]) {
            if seen.insert(next) {
                stack.push(next);
            }
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};
    use proptest::prelude::*;

    const SAMPLE: &str = r#"{
      "initial": "draft",
      "statuses": [
        {"id": "draft", "label": {"fr": "Brouillon", "en": "Draft"}, "kind": "draft"},
        {"id": "submitted", "label": {"fr": "Déposé", "en": "Submitted"}, "kind": "open"},
        {"id": "corrections", "label": {"fr": "À compléter"}, "kind": "waiting_requester"},
        {"id": "third_party", "label": {"fr": "Avis demandé"}, "kind": "waiting_third_party"},
        {"id": "accepted", "label": {"fr": "Accepté"}, "kind": "closed_accepted"},
        {"id": "refused", "label": {"fr": "Refusé"}, "kind": "closed_refused"},
        {"id": "withdrawn", "label": {"fr": "Retiré"}, "kind": "closed_withdrawn"}
      ],
      "transitions": [
        {"id": "submit", "from": ["draft"], "to": "submitted", "label": {"fr": "Déposer"},
         "by_requester": true, "actions": [{"type": "assign_team", "team": "etat-civil"}]},
        {"id": "ask_corrections", "from": ["submitted"], "to": "corrections",
         "label": {"fr": "Demander des corrections"},
         "actions": [{"type": "request_corrections", "fields": ["birth_date"]},
                     {"type": "set_deadline", "days": 15, "business_days": true}]},
        {"id": "resubmit", "from": ["corrections"], "to": "submitted", "label": {"fr": "Renvoyer"},
         "by_requester": true, "actions": [{"type": "clear_deadline"}]},
        {"id": "ask_third_party", "from": ["submitted"], "to": "third_party",
         "label": {"fr": "Demander un avis"},
         "actions": [{"type": "call_webhook", "url": "https://example.org/hook"}]},
        {"id": "third_party_answered", "from": ["third_party"], "to": "submitted",
         "label": {"fr": "Avis reçu"}},
        {"id": "accept", "from": ["submitted", "third_party"], "to": "accepted",
         "label": {"fr": "Accepter"}, "roles": ["supervisor", "admin"],
         "condition": {"type": "all_documents_validated"},
         "actions": [{"type": "generate_document", "template": "certificate"},
                     {"type": "message_requester", "subject": {"fr": "Accepté"},
                      "body": {"fr": "Votre demande est acceptée.", "en": "Accepted."}}]},
        {"id": "refuse", "from": ["submitted"], "to": "refused", "label": {"fr": "Refuser"},
         "roles": ["supervisor", "admin"]},
        {"id": "withdraw", "from": ["*"], "to": "withdrawn", "label": {"fr": "Retirer"},
         "by_requester": true},
        {"id": "silence", "from": ["submitted"], "to": "accepted",
         "label": {"fr": "Accord tacite"}, "roles": ["admin"],
         "timeout": {"after_days": 60}},
        {"id": "reopen", "from": ["refused"], "to": "submitted", "label": {"fr": "Rouvrir"},
         "roles": ["admin"]},
        {"id": "remind", "from": ["corrections"], "to": "corrections",
         "label": {"fr": "Relancer"}, "timeout": {"after_days": 10, "business_days": true},
         "condition": {"type": "field_equals", "field": "reminders", "value": "yes"},
         "actions": [{"type": "assign_agent", "agent_email": "agent@example.org"}]}
      ]
    }"#;

    fn sample() -> Workflow {
        serde_json::from_str(SAMPLE).unwrap()
    }

    fn ids(ts: Vec<&Transition>) -> Vec<&str> {
        ts.into_iter().map(|t| t.id.as_str()).collect()
    }

    fn no_answers() -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }

    fn ctx(answers: &serde_json::Map<String, serde_json::Value>, docs: bool) -> FireContext<'_> {
        FireContext {
            all_documents_validated: docs,
            answers,
        }
    }

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(NaiveTime::from_hms_opt(h, mi, 0).unwrap())
    }

    fn errors(w: &Workflow) -> Vec<String> {
        w.validate("workflow")
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn status(id: &str, kind: StatusKind) -> Status {
        Status {
            id: id.into(),
            label: Text {
                fr: id.into(),
                en: String::new(),
            },
            kind,
        }
    }

    fn transition(id: &str, from: &[&str], to: &str) -> Transition {
        Transition {
            id: id.into(),
            from: from.iter().map(|s| s.to_string()).collect(),
            to: to.into(),
            label: Text {
                fr: id.into(),
                en: String::new(),
            },
            roles: vec![],
            by_requester: false,
            condition: None,
            actions: vec![],
            timeout: None,
        }
    }

    /// open -> done, the smallest valid workflow.
    fn minimal() -> Workflow {
        Workflow {
            statuses: vec![
                status("open", StatusKind::Open),
                status("done", StatusKind::ClosedAccepted),
            ],
            transitions: vec![transition("close", &["open"], "done")],
            initial: "open".into(),
        }
    }

    #[test]
    fn sample_is_valid_and_round_trips() {
        let w = sample();
        assert_eq!(errors(&w), Vec::<String>::new());
        let json = serde_json::to_value(&w).unwrap();
        let back: Workflow = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, w);
        // Defaults are left out of the export; tags are snake_case.
        assert!(json["transitions"][2].get("roles").is_none());
        assert!(json["transitions"][4].get("by_requester").is_none());
        assert_eq!(
            json["transitions"][1]["actions"][0]["type"],
            "request_corrections"
        );
        assert_eq!(json["statuses"][2]["kind"], "waiting_requester");
        assert_eq!(json["transitions"][10]["condition"]["type"], "field_equals");
        assert!(minimal().validate("workflow").is_empty());
    }

    #[test]
    fn status_kinds() {
        let closed: Vec<_> = StatusKind::ALL
            .into_iter()
            .filter(|k| k.is_closed())
            .collect();
        assert_eq!(
            closed,
            vec![
                StatusKind::ClosedAccepted,
                StatusKind::ClosedRefused,
                StatusKind::ClosedWithdrawn
            ]
        );
        let paused: Vec<_> = StatusKind::ALL
            .into_iter()
            .filter(|k| k.pauses_sla())
            .collect();
        assert_eq!(
            paused,
            vec![StatusKind::Draft, StatusKind::WaitingRequester]
        );
        for k in StatusKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    #[test]
    fn available_by_actor_and_status() {
        let w = sample();
        let agent = Actor::Staff(Role::Agent);
        let supervisor = Actor::Staff(Role::Supervisor);
        let admin = Actor::Staff(Role::Admin);
        let viewer = Actor::Staff(Role::Viewer);
        assert_eq!(
            ids(w.available("draft", Actor::Requester)),
            vec!["submit", "withdraw"]
        );
        assert_eq!(ids(w.available("draft", agent)), Vec::<&str>::new());
        assert_eq!(
            ids(w.available("submitted", agent)),
            vec!["ask_corrections", "ask_third_party"]
        );
        assert_eq!(
            ids(w.available("submitted", supervisor)),
            vec!["ask_corrections", "ask_third_party", "accept", "refuse"]
        );
        assert_eq!(
            ids(w.available("submitted", admin)),
            vec![
                "ask_corrections",
                "ask_third_party",
                "accept",
                "refuse",
                "silence"
            ]
        );
        assert_eq!(ids(w.available("submitted", viewer)), Vec::<&str>::new());
        assert_eq!(
            ids(w.available("submitted", Actor::Requester)),
            vec!["withdraw"]
        );
        assert_eq!(
            ids(w.available("submitted", Actor::System)),
            vec!["silence"]
        );
        assert_eq!(
            ids(w.available("corrections", Actor::Requester)),
            vec!["resubmit", "withdraw"]
        );
        assert_eq!(ids(w.available("corrections", agent)), vec!["remind"]);
        assert_eq!(
            ids(w.available("third_party", agent)),
            vec!["third_party_answered"]
        );
        // Closed: nothing, except what names the closed status.
        assert_eq!(ids(w.available("accepted", admin)), Vec::<&str>::new());
        assert_eq!(
            ids(w.available("withdrawn", Actor::Requester)),
            Vec::<&str>::new()
        );
        assert_eq!(ids(w.available("refused", admin)), vec!["reopen"]);
        assert_eq!(ids(w.available("refused", agent)), Vec::<&str>::new());
        assert_eq!(ids(w.available("nope", admin)), Vec::<&str>::new());
    }

    #[test]
    fn fire_success_returns_target_and_actions() {
        let w = sample();
        let answers = no_answers();
        let fired = w
            .fire(
                "submitted",
                "accept",
                Actor::Staff(Role::Supervisor),
                &ctx(&answers, true),
            )
            .unwrap();
        assert_eq!(fired.transition, "accept");
        assert_eq!(fired.to, "accepted");
        assert_eq!(fired.actions.len(), 2);
        assert_eq!(
            fired.actions[0],
            Action::GenerateDocument {
                template: "certificate".into()
            }
        );
        let fired = w
            .fire("draft", "submit", Actor::Requester, &ctx(&answers, false))
            .unwrap();
        assert_eq!(fired.to, "submitted");
        assert_eq!(
            fired.actions,
            vec![Action::AssignTeam {
                team: "etat-civil".into()
            }]
        );
        let fired = w
            .fire(
                "refused",
                "reopen",
                Actor::Staff(Role::Admin),
                &ctx(&answers, false),
            )
            .unwrap();
        assert_eq!(fired.to, "submitted");
        let fired = w
            .fire("submitted", "silence", Actor::System, &ctx(&answers, false))
            .unwrap();
        assert_eq!(fired.to, "accepted");
        let fired = w
            .fire(
                "third_party",
                "withdraw",
                Actor::Requester,
                &ctx(&answers, false),
            )
            .unwrap();
        assert_eq!(fired.to, "withdrawn");
    }

    #[test]
    fn fire_errors() {
        let w = sample();
        let answers = no_answers();
        let c = ctx(&answers, true);
        let agent = Actor::Staff(Role::Agent);
        assert_eq!(
            w.fire("submitted", "nope", agent, &c),
            Err(FireError::UnknownTransition("nope".into()))
        );
        assert_eq!(
            w.fire("limbo", "accept", agent, &c),
            Err(FireError::UnknownStatus("limbo".into()))
        );
        assert_eq!(
            w.fire("draft", "accept", Actor::Staff(Role::Admin), &c),
            Err(FireError::NotFromThisStatus {
                transition: "accept".into(),
                status: "draft".into()
            })
        );
        assert_eq!(
            w.fire("submitted", "accept", agent, &c),
            Err(FireError::NotAllowedForRole("accept".into()))
        );
        for role in [Role::Admin, Role::Supervisor, Role::Agent, Role::Viewer] {
            // A requester-only transition: no staff.
            assert_eq!(
                w.fire("draft", "submit", Actor::Staff(role), &c),
                Err(FireError::NotAllowedForRole("submit".into()))
            );
        }
        // Viewers never, even where any staff may.
        assert_eq!(
            w.fire(
                "submitted",
                "ask_third_party",
                Actor::Staff(Role::Viewer),
                &c
            ),
            Err(FireError::NotAllowedForRole("ask_third_party".into()))
        );
        assert_eq!(
            w.fire("submitted", "ask_third_party", Actor::Requester, &c),
            Err(FireError::NotAllowedForRole("ask_third_party".into()))
        );
        assert_eq!(
            w.fire("submitted", "refuse", Actor::System, &c),
            Err(FireError::NotAllowedForRole("refuse".into()))
        );
        let missing_docs = ctx(&answers, false);
        assert_eq!(
            w.fire(
                "submitted",
                "accept",
                Actor::Staff(Role::Admin),
                &missing_docs
            ),
            Err(FireError::ConditionNotMet("accept".into()))
        );
        // Closed statuses: withdraw starts from "*", which excludes them.
        assert_eq!(
            w.fire("accepted", "withdraw", Actor::Requester, &c),
            Err(FireError::AlreadyClosed("accepted".into()))
        );
        assert_eq!(
            w.fire("withdrawn", "reopen", Actor::Staff(Role::Admin), &c),
            Err(FireError::AlreadyClosed("withdrawn".into()))
        );
        assert_eq!(
            FireError::AlreadyClosed("x".into()).to_string(),
            "the case is closed (status \"x\")"
        );
    }

    #[test]
    fn field_conditions() {
        let w = sample();
        let mut answers = no_answers();
        let agent = Actor::Staff(Role::Agent);
        assert_eq!(
            w.fire("corrections", "remind", agent, &ctx(&answers, false)),
            Err(FireError::ConditionNotMet("remind".into()))
        );
        answers.insert("reminders".into(), serde_json::json!("no"));
        assert!(
            w.fire("corrections", "remind", agent, &ctx(&answers, false))
                .is_err()
        );
        answers.insert("reminders".into(), serde_json::json!("yes"));
        assert!(
            w.fire("corrections", "remind", agent, &ctx(&answers, false))
                .is_ok()
        );
        answers.insert("reminders".into(), serde_json::json!(["sms", "yes"]));
        assert!(
            w.fire("corrections", "remind", agent, &ctx(&answers, false))
                .is_ok()
        );
        answers.insert("reminders".into(), serde_json::json!(["sms"]));
        assert!(
            w.fire("corrections", "remind", agent, &ctx(&answers, false))
                .is_err()
        );
        let number = TransitionCondition::FieldEquals {
            field: "n".into(),
            value: serde_json::json!(3),
        };
        let mut a = no_answers();
        a.insert("n".into(), serde_json::json!(3));
        assert!(number.holds(&ctx(&a, false)));
        a.insert("n".into(), serde_json::json!("3"));
        assert!(!number.holds(&ctx(&a, false)));
    }

    #[test]
    fn timeouts_in_calendar_and_business_days() {
        let w = sample();
        let cal = BusinessCalendar::default();
        let entered = at(2025, 3, 3, 10, 0);
        // 60 calendar days.
        assert!(
            w.due_timeouts("submitted", entered, at(2025, 5, 2, 9, 59), &cal)
                .is_empty()
        );
        let due = w.due_timeouts("submitted", entered, at(2025, 5, 2, 10, 0), &cal);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].transition.id, "silence");
        assert_eq!(due[0].due_at, at(2025, 5, 2, 10, 0));
        // 10 business days from Friday 18 April 2025 (Easter Monday 21 April, 1 and 8 May
        // closed): 22, 23, 24, 25, 28, 29, 30 April, 2, 5, 6 May.
        let entered = at(2025, 4, 18, 16, 0);
        let next = w.next_timeout("corrections", entered, &cal).unwrap();
        assert_eq!(next.transition.id, "remind");
        assert_eq!(next.due_at, at(2025, 5, 6, 16, 0));
        assert!(
            w.due_timeouts("corrections", entered, at(2025, 5, 6, 15, 59), &cal)
                .is_empty()
        );
        assert_eq!(
            w.due_timeouts("corrections", entered, at(2025, 5, 6, 16, 0), &cal)
                .len(),
            1
        );
        // No timeout from draft, none from an unknown status.
        assert!(w.next_timeout("draft", entered, &cal).is_none());
        assert!(
            w.due_timeouts("nope", entered, at(2030, 1, 1, 0, 0), &cal)
                .is_empty()
        );
    }

    #[test]
    fn several_timeouts_come_earliest_first() {
        let mut w = minimal();
        let mut slow = transition("slow", &["open"], "done");
        slow.timeout = Some(Timeout {
            after_days: 30,
            business_days: false,
        });
        let mut fast = transition("fast", &["*"], "done");
        fast.timeout = Some(Timeout {
            after_days: 7,
            business_days: false,
        });
        w.transitions.push(slow);
        w.transitions.push(fast);
        let cal = BusinessCalendar::default();
        let entered = at(2025, 1, 1, 0, 0);
        let due = w.due_timeouts("open", entered, at(2025, 3, 1, 0, 0), &cal);
        assert_eq!(
            due.iter()
                .map(|d| d.transition.id.as_str())
                .collect::<Vec<_>>(),
            vec!["fast", "slow"]
        );
        assert_eq!(
            w.next_timeout("open", entered, &cal).unwrap().transition.id,
            "fast"
        );
        // None from the closed status, "*" excludes it.
        assert!(
            w.due_timeouts("done", entered, at(2026, 1, 1, 0, 0), &cal)
                .is_empty()
        );
    }

    #[test]
    fn sla_periods_from_history() {
        let w = sample();
        let history = vec![
            ("submitted".to_string(), at(2025, 3, 3, 9, 0)),
            ("corrections".to_string(), at(2025, 3, 4, 9, 0)),
            ("submitted".to_string(), at(2025, 3, 5, 9, 0)),
        ];
        assert_eq!(
            w.sla_periods(&history),
            vec![
                (at(2025, 3, 3, 9, 0), Some(at(2025, 3, 4, 9, 0)), false),
                (at(2025, 3, 4, 9, 0), Some(at(2025, 3, 5, 9, 0)), true),
                (at(2025, 3, 5, 9, 0), None, false),
            ]
        );
    }

    #[test]
    fn referenced_fields_with_paths() {
        let w = sample();
        assert_eq!(
            w.referenced_fields("workflow"),
            vec![
                (
                    "workflow.transitions[1].actions[0].fields[0]".to_string(),
                    "birth_date"
                ),
                (
                    "workflow.transitions[10].condition.field".to_string(),
                    "reminders"
                ),
            ]
        );
    }

    #[test]
    fn template_names_become_file_names_so_only_plain_ones_pass() {
        for ok in ["certificate", "acte-etat-civil", "devis2", &"a".repeat(60)] {
            assert!(template_name_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "Certificate",
            "acte état",
            "../etc/passwd",
            "a\"b",
            "a/b",
            &"a".repeat(61),
        ] {
            assert!(!template_name_valid(bad), "{bad}");
        }
    }

    #[test]
    fn webhook_urls() {
        for ok in [
            "https://example.org",
            "https://example.org/hook?x=1",
            "http://localhost",
            "http://localhost:8080/h",
        ] {
            assert!(webhook_url_allowed(ok), "{ok}");
        }
        for bad in [
            "http://example.org",
            "ftp://example.org",
            "https://",
            "https:///path",
            "http://localhost.evil.org/",
            "http://localhostevil",
            "https://user@evil.org",
            "example.org",
            "",
        ] {
            assert!(!webhook_url_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn validation_of_ids_and_references() {
        let mut w = sample();
        w.statuses[5].label.fr = " ".into();
        w.transitions[2].to = "acepted".into();
        w.transitions[3].from = vec!["submitted".into(), "nowhere".into(), "submitted".into()];
        w.transitions[4].id = "submit".into();
        w.transitions[5].id = "bad id".into();
        w.transitions[6].from = vec![];
        w.transitions[7].label.fr = String::new();
        assert_eq!(
            errors(&w),
            vec![
                "workflow.statuses[5].label.fr: must not be empty",
                "workflow.transitions[2].to: unknown status \"acepted\"",
                "workflow.transitions[3].from[1]: unknown status \"nowhere\"",
                "workflow.transitions[3].from[2]: \"submitted\" is listed twice",
                "workflow.transitions[4].id: duplicate transition \"submit\"",
                "workflow.transitions[5].id: invalid id \"bad id\": use letters, digits, _ and -",
                "workflow.transitions[6].from: must name at least one status, or \"*\"",
                "workflow.transitions[7].label.fr: must not be empty",
                // "corrections" can now only be left by timeout "remind" (a self-loop) and
                // "withdraw"; still fine. "refused" is no longer reachable (refuse has no from).
                "workflow.statuses[5]: status \"refused\" cannot be reached from the initial status \"draft\"",
            ]
        );
    }

    #[test]
    fn validation_of_statuses() {
        let mut w = minimal();
        w.statuses.push(status("open", StatusKind::Open));
        w.statuses.push(status("x y", StatusKind::Open));
        w.statuses.push(status("", StatusKind::ClosedRefused));
        assert_eq!(
            errors(&w),
            vec![
                "workflow.statuses[2].id: duplicate status \"open\"",
                "workflow.statuses[3].id: invalid id \"x y\": use letters, digits, _ and -",
                "workflow.statuses[4].id: invalid id \"\": use letters, digits, _ and -",
                "workflow.statuses[4].label.fr: must not be empty",
            ]
        );
    }

    #[test]
    fn validation_of_initial_and_closed_statuses() {
        let mut w = minimal();
        w.initial = "opne".into();
        assert_eq!(
            errors(&w),
            vec!["workflow.initial: unknown status \"opne\""]
        );
        w.initial = "done".into();
        assert_eq!(
            errors(&w),
            vec![
                "workflow.initial: the initial status \"done\" is closed",
                "workflow.statuses[0]: status \"open\" cannot be reached from the initial status \"done\"",
            ]
        );
        let mut w = minimal();
        w.statuses[1].kind = StatusKind::WaitingThirdParty;
        assert_eq!(
            errors(&w),
            // Dead ends are not reported on top: every status would be one.
            vec!["workflow.statuses: no closed status: a case could never end"]
        );
        let empty = Workflow {
            statuses: vec![],
            transitions: vec![],
            initial: String::new(),
        };
        assert_eq!(
            errors(&empty),
            vec![
                "workflow.statuses: at least one status is needed",
                "workflow.statuses: no closed status: a case could never end",
                "workflow.initial: unknown status \"\"",
            ]
        );
    }

    #[test]
    fn validation_of_reachability() {
        let mut w = minimal();
        w.statuses.push(status("orphan", StatusKind::Open));
        w.statuses.push(status("loop_a", StatusKind::Open));
        w.statuses
            .push(status("loop_b", StatusKind::WaitingThirdParty));
        w.statuses.push(status("gone", StatusKind::ClosedWithdrawn));
        w.transitions
            .push(transition("orphan_close", &["orphan"], "done"));
        w.transitions
            .push(transition("to_loop", &["open"], "loop_a"));
        w.transitions.push(transition("a_b", &["loop_a"], "loop_b"));
        w.transitions.push(transition("b_a", &["loop_b"], "loop_a"));
        assert_eq!(
            errors(&w),
            vec![
                "workflow.statuses[2]: status \"orphan\" cannot be reached from the initial status \"open\"",
                "workflow.statuses[5]: status \"gone\" cannot be reached from the initial status \"open\"",
                "workflow.statuses[3]: dead end: no closed status can be reached from \"loop_a\"",
                "workflow.statuses[4]: dead end: no closed status can be reached from \"loop_b\"",
            ]
        );
        // A "*" transition reaches every closed status from everywhere that is not closed.
        w.transitions.push(transition("cancel", &["*"], "gone"));
        assert_eq!(
            errors(&w),
            vec![
                "workflow.statuses[2]: status \"orphan\" cannot be reached from the initial status \"open\""
            ]
        );
        // A closed status named in `from` leads on.
        w.transitions
            .push(transition("reopen", &["gone"], "orphan"));
        assert!(errors(&w).is_empty());
    }

    #[test]
    fn validation_of_roles_conditions_and_timeouts() {
        let mut w = minimal();
        let t = &mut w.transitions[0];
        t.roles = vec![Role::Agent, Role::Viewer, Role::Agent];
        t.condition = Some(TransitionCondition::FieldEquals {
            field: " ".into(),
            value: serde_json::json!(1),
        });
        t.timeout = Some(Timeout {
            after_days: 0,
            business_days: true,
        });
        let mut t2 = transition("late", &["open"], "done");
        t2.timeout = Some(Timeout {
            after_days: MAX_DAYS + 1,
            business_days: false,
        });
        w.transitions.push(t2);
        assert_eq!(
            errors(&w),
            vec![
                "workflow.transitions[0].roles[1]: viewers cannot fire transitions",
                "workflow.transitions[0].roles[2]: \"agent\" is listed twice",
                "workflow.transitions[0].condition.field: must name a form field",
                "workflow.transitions[0].timeout.after_days: must be at least 1",
                "workflow.transitions[1].timeout.after_days: must be at most 3650",
            ]
        );
    }

    #[test]
    fn validation_of_actions() {
        let mut w = minimal();
        let empty = Text::default();
        w.transitions[0].actions = vec![
            Action::MessageRequester {
                subject: empty.clone(),
                body: Text {
                    fr: String::new(),
                    en: "Hi".into(),
                },
            },
            Action::AssignTeam { team: " ".into() },
            Action::AssignAgent {
                agent_email: "not an email".into(),
            },
            Action::SetDeadline {
                days: 0,
                business_days: false,
            },
            Action::SetDeadline {
                days: MAX_DAYS + 1,
                business_days: true,
            },
            Action::ClearDeadline,
            Action::RequestCorrections { fields: vec![] },
            Action::RequestCorrections {
                fields: vec!["ok".into(), "".into()],
            },
            Action::GenerateDocument {
                template: "".into(),
            },
            Action::CallWebhook {
                url: "http://example.org/hook".into(),
            },
            Action::CallWebhook {
                url: "http://localhost:3000/hook".into(),
            },
        ];
        let mut withdraw = transition("withdraw", &["open"], "done");
        withdraw.by_requester = true;
        withdraw.actions = vec![Action::RequestCorrections {
            fields: vec!["x".into()],
        }];
        w.transitions.push(withdraw);
        assert_eq!(
            errors(&w),
            vec![
                "workflow.transitions[0].actions[0].subject.fr: must not be empty",
                "workflow.transitions[0].actions[0].body.fr: must not be empty",
                "workflow.transitions[0].actions[1].team: must name a team",
                "workflow.transitions[0].actions[2].agent_email: invalid e-mail address \"not an email\"",
                "workflow.transitions[0].actions[3].days: must be at least 1",
                "workflow.transitions[0].actions[4].days: must be at most 3650",
                "workflow.transitions[0].actions[6].fields: name at least one field to reopen",
                "workflow.transitions[0].actions[7].fields[1]: must name a form field",
                "workflow.transitions[0].actions[8].template: must name a template",
                "workflow.transitions[0].actions[9].url: \"http://example.org/hook\" is not an https URL",
                "workflow.transitions[1].actions[0]: only staff can ask for corrections, not the requester",
            ]
        );
        // With roles listed, staff may fire it too: corrections are fine.
        w.transitions[1].roles = vec![Role::Agent];
        assert_eq!(errors(&w).len(), 10);
    }

    #[test]
    fn validation_path_prefix() {
        let mut w = minimal();
        w.transitions[0].to = "nope".into();
        let e = w.validate("");
        assert_eq!(e[0].path, "transitions[0].to");
        let e = w.validate("definition.workflow");
        assert_eq!(e[0].path, "definition.workflow.transitions[0].to");
    }

    #[test]
    fn unknown_action_or_kind_is_refused_on_import() {
        let bad = SAMPLE.replace("\"assign_team\"", "\"assign_teem\"");
        assert!(serde_json::from_str::<Workflow>(&bad).is_err());
        let bad = SAMPLE.replace("\"closed_refused\"", "\"refused\"");
        assert!(serde_json::from_str::<Workflow>(&bad).is_err());
    }

    fn actors() -> impl Strategy<Value = Actor> {
        prop_oneof![
            Just(Actor::Requester),
            Just(Actor::System),
            Just(Actor::Staff(Role::Admin)),
            Just(Actor::Staff(Role::Supervisor)),
            Just(Actor::Staff(Role::Agent)),
            Just(Actor::Staff(Role::Viewer)),
        ]
    }

    proptest! {
        /// What `available` lists fires (conditions met); nothing else does.
        #[test]
        fn available_agrees_with_fire(actor in actors(), s in 0usize..7, t in 0usize..11, docs in any::<bool>()) {
            let w = sample();
            let current = w.statuses[s].id.clone();
            let transition = w.transitions[t].id.clone();
            let mut answers = no_answers();
            answers.insert("reminders".into(), serde_json::json!("yes"));
            let listed = w.available(&current, actor).iter().any(|x| x.id == transition);
            let fired = w.fire(&current, &transition, actor, &ctx(&answers, docs));
            match fired {
                Ok(f) => {
                    prop_assert!(listed);
                    prop_assert_eq!(&f.to, &w.transitions[t].to);
                }
                Err(FireError::ConditionNotMet(_)) => prop_assert!(listed && !docs),
                Err(_) => prop_assert!(!listed),
            }
            // Viewers never fire anything.
            if actor == Actor::Staff(Role::Viewer) {
                prop_assert!(!listed);
            }
        }
    }
}

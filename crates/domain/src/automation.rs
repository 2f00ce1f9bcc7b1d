//! Automation rules: when something happens to a case (filed, status changed, message from
//! the requester) or when time passes (waiting on the requester for N days, left in the same
//! status for N days), and the case fits the rule's conditions, do its actions (assign, add a
//! label, set the priority, send a canned response, fire a transition). Pure rules: the caller
//! reads the case, asks [`Rule::applies`] or [`Rule::due`], and carries the actions out.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Characters in a rule's name at most.
pub const MAX_NAME_CHARS: usize = 100;
/// Actions of one rule at most.
pub const MAX_ACTIONS: usize = 5;
/// Longest delay of a time-based rule, in days.
pub const MAX_DELAY_DAYS: i64 = 365;

/// What starts a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    CaseCreated,
    StatusChanged,
    MessageReceived,
    /// Waiting on the requester for `delay_days` (remind them, or close).
    WaitingDays,
    /// Left in the same open status for `delay_days` (escalate).
    IdleDays,
}

impl Trigger {
    pub const ALL: [Trigger; 5] = [
        Trigger::CaseCreated,
        Trigger::StatusChanged,
        Trigger::MessageReceived,
        Trigger::WaitingDays,
        Trigger::IdleDays,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::CaseCreated => "case_created",
            Trigger::StatusChanged => "status_changed",
            Trigger::MessageReceived => "message_received",
            Trigger::WaitingDays => "waiting_days",
            Trigger::IdleDays => "idle_days",
        }
    }

    pub fn parse(s: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Checked by the clock rather than by an event.
    pub fn is_timed(self) -> bool {
        matches!(self, Trigger::WaitingDays | Trigger::IdleDays)
    }
}

/// Which cases a rule acts on; an empty condition matches every case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conditions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_id: Option<Uuid>,
    /// A status id of the service's workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// The case carries this label (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// What a rule does, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Give the case to this staff member (a supervisor to escalate).
    Assign {
        agent: Uuid,
    },
    Label {
        label: String,
    },
    SetPriority {
        priority: String,
    },
    /// Reply to the requester with this canned response (a reminder).
    SendTemplate {
        canned: Uuid,
    },
    /// Fire this workflow transition as the system (close after N days…).
    Transition {
        transition: String,
    },
}

impl Action {
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "assign",
            Action::Label { .. } => "label",
            Action::SetPriority { .. } => "set_priority",
            Action::SendTemplate { .. } => "send_template",
            Action::Transition { .. } => "transition",
        }
    }
}

/// A rule as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub trigger: Trigger,
    /// Days, for a timed trigger only.
    pub delay_days: Option<i64>,
    pub conditions: Conditions,
    pub actions: Vec<Action>,
}

/// What a rule looks at on a case.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub service_id: Uuid,
    pub status: &'a str,
    /// The status's kind (`open`, `waiting_requester`, … `closed_*`).
    pub status_kind: &'a str,
    pub status_entered_at: DateTime<Utc>,
    pub priority: &'a str,
    pub channel: &'a str,
    pub labels: &'a [String],
}

impl Facts<'_> {
    fn closed(&self) -> bool {
        self.status_kind.starts_with("closed")
    }
}

impl Conditions {
    pub fn matches(&self, f: &Facts<'_>) -> bool {
        self.service_id.is_none_or(|s| s == f.service_id)
            && self.status.as_deref().is_none_or(|s| s == f.status)
            && self.priority.as_deref().is_none_or(|p| p == f.priority)
            && self.channel.as_deref().is_none_or(|c| c == f.channel)
            && self.label.as_deref().is_none_or(|l| {
                let l = l.to_lowercase();
                f.labels.iter().any(|x| x.to_lowercase() == l)
            })
    }
}

impl Rule {
    /// Whether `event` on a case with these facts starts this rule (event triggers). A case
    /// that is closed only starts rules on its closing status change.
    pub fn applies(&self, event: Trigger, f: &Facts<'_>) -> bool {
        !event.is_timed()
            && self.trigger == event
            && (event == Trigger::StatusChanged || !f.closed())
            && self.conditions.matches(f)
    }

    /// Whether the time of this (timed) rule has come for a case at `now`: in a status of the
    /// right kind for at least `delay_days`.
    pub fn due(&self, f: &Facts<'_>, now: DateTime<Utc>) -> bool {
        let Some(days) = self.delay_days.filter(|_| self.trigger.is_timed()) else {
            return false;
        };
        let kind_ok = match self.trigger {
            Trigger::WaitingDays => f.status_kind == "waiting_requester",
            Trigger::IdleDays => !f.closed(),
            _ => false,
        };
        kind_ok && f.status_entered_at + Duration::days(days) <= now && self.conditions.matches(f)
    }

    /// The earliest `status_entered_at` a case may have for this timed rule to be due now.
    pub fn entered_before(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.delay_days
            .filter(|_| self.trigger.is_timed())
            .map(|d| now - Duration::days(d))
    }
}

/// A timed rule runs once per stay of a case in a status: this is that stay's key.
pub fn stay_key(status: &str, entered_at: DateTime<Utc>) -> String {
    format!(
        "{status}@{}",
        entered_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
    )
}

/// A rule as typed in the admin form, every value a string (empty when not given).
#[derive(Debug, Clone, Default)]
pub struct RuleForm<'a> {
    pub name: &'a str,
    pub trigger: &'a str,
    pub delay_days: &'a str,
    pub service: &'a str,
    pub status: &'a str,
    pub priority: &'a str,
    pub channel: &'a str,
    pub label: &'a str,
    pub assign: &'a str,
    pub add_label: &'a str,
    pub set_priority: &'a str,
    pub send_template: &'a str,
    pub transition: &'a str,
}

/// Reads the form into a name and a rule, or every error as `(field, message id)`. Ids are
/// only read here; the caller checks they name the tenant's records.
pub fn read_form(
    form: &RuleForm<'_>,
    priorities: &[&str],
    channels: &[&str],
) -> Result<(String, Rule), Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    let name = form.name.trim();
    if name.is_empty() {
        errors.push(("name", "automation-name-required"));
    } else if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        errors.push(("name", "automation-name-too-long"));
    }
    let trigger = Trigger::parse(form.trigger);
    if trigger.is_none() {
        errors.push(("trigger", "automation-trigger-invalid"));
    }
    let delay = form.delay_days.trim();
    let delay_days = if trigger.is_some_and(Trigger::is_timed) {
        match delay.parse::<i64>() {
            Ok(d) if (1..=MAX_DELAY_DAYS).contains(&d) => Some(d),
            _ => {
                errors.push(("delay_days", "automation-delay-invalid"));
                None
            }
        }
    } else {
        None
    };
    let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut id = |s: &str, field: &'static str, code: &'static str| -> Option<Uuid> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        match Uuid::parse_str(s) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push((field, code));
                None
            }
        }
    };
    let service_id = id(form.service, "service", "automation-service-invalid");
    let agent = id(form.assign, "assign", "case-assign-unknown-agent");
    let canned = id(form.send_template, "send_template", "bulk-canned-required");
    let priority = opt(form.priority);
    if priority
        .as_deref()
        .is_some_and(|p| !priorities.contains(&p))
    {
        errors.push(("priority", "cases-invalid-priority"));
    }
    let channel = opt(form.channel);
    if channel.as_deref().is_some_and(|c| !channels.contains(&c)) {
        errors.push(("channel", "cases-invalid-channel"));
    }
    let label = opt(form.label);
    let add_label = opt(form.add_label);
    for (field, l) in [("label", &label), ("add_label", &add_label)] {
        if let Some(l) = l
            && (l.chars().count() > crate::handling::MAX_LABEL_CHARS
                || l.contains(',')
                || l.chars().any(char::is_control))
        {
            errors.push((field, "automation-label-invalid"));
        }
    }
    let set_priority = opt(form.set_priority);
    if set_priority
        .as_deref()
        .is_some_and(|p| !priorities.contains(&p))
    {
        errors.push(("set_priority", "cases-invalid-priority"));
    }
    let status = opt(form.status);
    let transition = opt(form.transition);
    for (field, s) in [("status", &status), ("transition", &transition)] {
        if s.as_deref().is_some_and(|s| {
            s.chars().count() > 64
                || !s
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }) {
            errors.push((field, "automation-id-invalid"));
        }
    }
    let mut actions = Vec::new();
    if let Some(agent) = agent {
        actions.push(Action::Assign { agent });
    }
    if let Some(label) = add_label {
        actions.push(Action::Label { label });
    }
    if let Some(priority) = set_priority {
        actions.push(Action::SetPriority { priority });
    }
    if let Some(canned) = canned {
        actions.push(Action::SendTemplate { canned });
    }
    if let Some(transition) = transition {
        actions.push(Action::Transition { transition });
    }
    if actions.is_empty() && errors.is_empty() {
        errors.push(("assign", "automation-action-required"));
    }
    match trigger {
        Some(trigger) if errors.is_empty() => Ok((
            name.to_owned(),
            Rule {
                trigger,
                delay_days,
                conditions: Conditions {
                    service_id,
                    status,
                    priority,
                    channel,
                    label,
                },
                actions,
            },
        )),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
    const CHANNELS: [&str; 2] = ["portal", "phone"];

    fn at(days_ago: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
            - Duration::days(days_ago)
    }

    fn facts<'a>(kind: &'a str, entered: DateTime<Utc>, labels: &'a [String]) -> Facts<'a> {
        Facts {
            service_id: Uuid::from_u128(1),
            status: "received",
            status_kind: kind,
            status_entered_at: entered,
            priority: "normal",
            channel: "portal",
            labels,
        }
    }

    fn rule(trigger: Trigger, delay: Option<i64>, conditions: Conditions) -> Rule {
        Rule {
            trigger,
            delay_days: delay,
            conditions,
            actions: vec![Action::Label { label: "x".into() }],
        }
    }

    #[test]
    fn event_rules_match_their_event_and_conditions() {
        let labels = vec!["Urgent".to_owned()];
        let f = facts("open", at(0), &labels);
        let any = rule(Trigger::CaseCreated, None, Conditions::default());
        assert!(any.applies(Trigger::CaseCreated, &f));
        assert!(!any.applies(Trigger::StatusChanged, &f));
        let narrow = rule(
            Trigger::CaseCreated,
            None,
            Conditions {
                service_id: Some(Uuid::from_u128(1)),
                channel: Some("portal".into()),
                label: Some("urgent".into()),
                ..Conditions::default()
            },
        );
        assert!(narrow.applies(Trigger::CaseCreated, &f));
        let other_service = rule(
            Trigger::CaseCreated,
            None,
            Conditions {
                service_id: Some(Uuid::from_u128(2)),
                ..Conditions::default()
            },
        );
        assert!(!other_service.applies(Trigger::CaseCreated, &f));
        let phone = rule(
            Trigger::CaseCreated,
            None,
            Conditions {
                channel: Some("phone".into()),
                ..Conditions::default()
            },
        );
        assert!(!phone.applies(Trigger::CaseCreated, &f));
        // A message on a closed case starts nothing; its closing does.
        let closed = facts("closed_accepted", at(0), &labels);
        let msg = rule(Trigger::MessageReceived, None, Conditions::default());
        assert!(!msg.applies(Trigger::MessageReceived, &closed));
        let status = rule(Trigger::StatusChanged, None, Conditions::default());
        assert!(status.applies(Trigger::StatusChanged, &closed));
    }

    #[test]
    fn timed_rules_come_due_after_their_days_in_the_right_kind_of_status() {
        let now = at(0);
        let waiting = rule(Trigger::WaitingDays, Some(7), Conditions::default());
        assert!(waiting.due(&facts("waiting_requester", at(7), &[]), now));
        assert!(!waiting.due(&facts("waiting_requester", at(6), &[]), now));
        assert!(!waiting.due(&facts("open", at(30), &[]), now));
        let idle = rule(Trigger::IdleDays, Some(3), Conditions::default());
        assert!(idle.due(&facts("open", at(3), &[]), now));
        assert!(idle.due(&facts("waiting_third_party", at(4), &[]), now));
        assert!(!idle.due(&facts("closed_refused", at(40), &[]), now));
        // Event rules are never due by the clock, timed rules never start on an event.
        let created = rule(Trigger::CaseCreated, Some(3), Conditions::default());
        assert!(!created.due(&facts("open", at(30), &[]), now));
        assert!(!idle.applies(Trigger::IdleDays, &facts("open", at(30), &[])));
        assert_eq!(idle.entered_before(now), Some(at(3)));
        assert_ne!(
            stay_key("received", at(3)),
            stay_key("received", at(2)),
            "a new stay in the same status runs the rule again"
        );
    }

    #[test]
    fn the_form_is_read_with_every_error_named() {
        let agent = Uuid::from_u128(7);
        let agent_text = agent.to_string();
        let ok = RuleForm {
            name: " Relance ",
            trigger: "waiting_days",
            delay_days: "7",
            status: "waiting",
            assign: &agent_text,
            add_label: "relancé",
            transition: "close_no_answer",
            ..RuleForm::default()
        };
        let (name, rule) = read_form(&ok, &PRIORITIES, &CHANNELS).unwrap();
        assert_eq!(name, "Relance");
        assert_eq!(rule.delay_days, Some(7));
        assert_eq!(
            rule.actions,
            vec![
                Action::Assign { agent },
                Action::Label {
                    label: "relancé".into()
                },
                Action::Transition {
                    transition: "close_no_answer".into()
                }
            ]
        );
        let bad = RuleForm {
            name: "",
            trigger: "waiting_days",
            delay_days: "0",
            priority: "huge",
            channel: "pigeon",
            assign: "nobody",
            transition: "a b",
            ..RuleForm::default()
        };
        let errors = read_form(&bad, &PRIORITIES, &CHANNELS).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "delay_days",
                "assign",
                "priority",
                "channel",
                "transition"
            ]
        );
        let nothing = RuleForm {
            name: "Rien",
            trigger: "case_created",
            ..RuleForm::default()
        };
        assert_eq!(
            read_form(&nothing, &PRIORITIES, &CHANNELS),
            Err(vec![("assign", "automation-action-required")])
        );
        let unknown = RuleForm {
            name: "X",
            trigger: "sometimes",
            add_label: "x",
            ..RuleForm::default()
        };
        assert_eq!(
            read_form(&unknown, &PRIORITIES, &CHANNELS),
            Err(vec![("trigger", "automation-trigger-invalid")])
        );
    }

    #[test]
    fn actions_and_conditions_survive_json() {
        let actions = vec![
            Action::SendTemplate {
                canned: Uuid::from_u128(3),
            },
            Action::SetPriority {
                priority: "high".into(),
            },
        ];
        let text = serde_json::to_string(&actions).unwrap();
        assert!(text.contains("\"action\":\"send_template\""), "{text}");
        assert_eq!(serde_json::from_str::<Vec<Action>>(&text).unwrap(), actions);
        let c = Conditions {
            label: Some("x".into()),
            ..Conditions::default()
        };
        assert_eq!(serde_json::to_string(&c).unwrap(), "{\"label\":\"x\"}");
    }
}

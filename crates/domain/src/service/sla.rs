//! Service levels: first-response and resolution targets per priority, counted in the
//! tenant's business time, paused while the case waits on the requester.
//!
//! # How the clock runs
//!
//! A case's timeline is a list of [`Period`]s `(start, end, paused)`, one per status it went
//! through ([`super::workflow::Workflow::sla_periods`] builds it from the status history).
//! The clock runs during unpaused periods only, and only in business time:
//!
//! - a target in minutes or hours counts the tenant's opening hours
//!   ([`BusinessCalendar::business_between`]);
//! - a target in days counts **business days**: each business day of the calendar counts from
//!   midnight to midnight, other days (weekends, holidays, closures) not at all
//!   ([`BusinessCalendar::whole_days`]). Two days from Monday 10:00 are due Wednesday 10:00;
//!   from Friday 10:00, Tuesday 10:00; from Saturday, Wednesday 00:00 (end of Tuesday).
//!
//! Periods are taken in order of start; a period ends at its `end` or at the next period's
//! start, whichever comes first. The **last period is the current status: its end is
//! ignored**, it runs (or stays paused) until the target stops.
//!
//! # States
//!
//! The first-response target stops at the first response, or at resolution if nobody answered
//! before; the resolution target stops at resolution.
//!
//! - `due_at` is the earliest moment the clock reaches the target; `None` while the clock is
//!   paused before reaching it (waiting on the requester: nobody can tell yet).
//! - Stopped at `t`: **met** when `t <= due_at` (answering at the due minute is on time),
//!   **breached** otherwise.
//! - Running at `now`: **breached** when `now > due_at`; **warning** when the clock has used
//!   `warn_at_percent` of the target (`now >= warn_at`); **ok** otherwise.
//! - No target for the case's priority: **not applicable**.

use super::DefinitionError;
use super::calendar::BusinessCalendar;
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// The longest target, timeout or deadline: ten years of days.
pub const MAX_DAYS: u32 = 3650;

/// `(start, end, paused)`: a stretch of the case's timeline, the clock paused or running.
pub type Period = (NaiveDateTime, Option<NaiveDateTime>, bool);

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// A length of business time: `{"hours": 8}`, `{"days": 2}`, `{"minutes": 30}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessDuration {
    /// Minutes of opening hours.
    Minutes(u32),
    /// Hours of opening hours.
    Hours(u32),
    /// Business days (see the module documentation).
    Days(u32),
}

impl BusinessDuration {
    pub fn is_zero(self) -> bool {
        matches!(self, Self::Minutes(0) | Self::Hours(0) | Self::Days(0))
    }

    /// The calendar the clock runs on and how much of it the target is.
    pub fn clock(self, calendar: &BusinessCalendar) -> (BusinessCalendar, Duration) {
        match self {
            Self::Minutes(m) => (calendar.clone(), Duration::minutes(i64::from(m))),
            Self::Hours(h) => (calendar.clone(), Duration::hours(i64::from(h))),
            Self::Days(d) => (calendar.whole_days(), Duration::days(i64::from(d))),
        }
    }

    /// Compares when the answer does not depend on the calendar: minutes and hours with each
    /// other, days with days, and minutes or hours longer than as many 24-hour days (a
    /// business day has at most 24 opening hours).
    fn surely_longer_than(self, other: Self) -> bool {
        let minutes = |d: Self| match d {
            Self::Minutes(m) => Some(u64::from(m)),
            Self::Hours(h) => Some(u64::from(h) * 60),
            Self::Days(_) => None,
        };
        match (self, other) {
            (Self::Days(a), Self::Days(b)) => a > b,
            (Self::Days(_), _) => false,
            (_, Self::Days(b)) => minutes(self).is_some_and(|m| m > u64::from(b) * 24 * 60),
            _ => minutes(self).cmp(&minutes(other)) == Ordering::Greater,
        }
    }
}

/// The targets of one priority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTarget {
    pub priority: Priority,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response: Option<BusinessDuration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<BusinessDuration>,
}

/// A service's service levels. A priority without a target has no service level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    #[serde(default)]
    pub targets: Vec<SlaTarget>,
    /// Warn when this share of a target is used (1 to 99).
    #[serde(default = "default_warn_at_percent")]
    pub warn_at_percent: u8,
}

fn default_warn_at_percent() -> u8 {
    80
}

impl Default for SlaPolicy {
    fn default() -> Self {
        Self {
            targets: vec![],
            warn_at_percent: default_warn_at_percent(),
        }
    }
}

fn join(path: &str, rest: &str) -> String {
    if path.is_empty() {
        rest.to_owned()
    } else {
        format!("{path}.{rest}")
    }
}

impl SlaPolicy {
    pub fn target(&self, priority: Priority) -> Option<&SlaTarget> {
        self.targets.iter().find(|t| t.priority == priority)
    }

    /// Everything wrong with this policy, with paths under `path` (e.g. `sla`).
    pub fn validate(&self, path: &str) -> Vec<DefinitionError> {
        let mut errors = vec![];
        if !(1..=99).contains(&self.warn_at_percent) {
            errors.push(DefinitionError::new(
                join(path, "warn_at_percent"),
                "must be between 1 and 99",
            ));
        }
        for (i, t) in self.targets.iter().enumerate() {
            let p = join(path, &format!("targets[{i}]"));
            if self.targets[..i].iter().any(|o| o.priority == t.priority) {
                errors.push(DefinitionError::new(
                    format!("{p}.priority"),
                    format!("duplicate priority \"{}\"", t.priority.as_str()),
                ));
            }
            for (name, d) in [
                ("first_response", t.first_response),
                ("resolution", t.resolution),
            ] {
                if d.is_some_and(BusinessDuration::is_zero) {
                    errors.push(DefinitionError::new(
                        format!("{p}.{name}"),
                        "must be more than zero",
                    ));
                }
            }
            for (name, d) in [
                ("first_response", t.first_response),
                ("resolution", t.resolution),
            ] {
                if d.is_some_and(|d| d.surely_longer_than(BusinessDuration::Days(MAX_DAYS))) {
                    errors.push(DefinitionError::new(
                        format!("{p}.{name}"),
                        format!("must be at most {MAX_DAYS} days"),
                    ));
                }
            }
            if let (Some(first), Some(resolution)) = (t.first_response, t.resolution)
                && first.surely_longer_than(resolution)
            {
                errors.push(DefinitionError::new(
                    format!("{p}.first_response"),
                    "longer than the resolution target",
                ));
            }
        }
        errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Ok,
    Warning,
    Breached,
    Met,
    NotApplicable,
}

/// Where one target stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetState {
    pub state: SlaState,
    /// When the target is (or was) due; `None` when not applicable or while paused short of it.
    pub due_at: Option<NaiveDateTime>,
    /// When the warning is (or was) due, same rules.
    pub warn_at: Option<NaiveDateTime>,
    /// Clock time used so far (up to the stop, or `now`), on the target's clock.
    pub elapsed: Duration,
    /// The target on its clock (days as 24-hour business days); `None` when not applicable.
    pub target: Option<Duration>,
}

impl TargetState {
    pub fn not_applicable() -> Self {
        Self {
            state: SlaState::NotApplicable,
            due_at: None,
            warn_at: None,
            elapsed: Duration::zero(),
            target: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaStatus {
    pub first_response: TargetState,
    pub resolution: TargetState,
}

/// Where a case stands against its service levels at `now` (see the module documentation).
pub fn evaluate(
    policy: &SlaPolicy,
    priority: Priority,
    calendar: &BusinessCalendar,
    periods: &[Period],
    first_response_at: Option<NaiveDateTime>,
    resolved_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> SlaStatus {
    let target = policy.target(priority);
    let responded = match (first_response_at, resolved_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let warn = policy.warn_at_percent.clamp(1, 100);
    SlaStatus {
        first_response: evaluate_target(
            target.and_then(|t| t.first_response),
            warn,
            calendar,
            periods,
            responded,
            now,
        ),
        resolution: evaluate_target(
            target.and_then(|t| t.resolution),
            warn,
            calendar,
            periods,
            resolved_at,
            now,
        ),
    }
}

/// One target: see the module documentation. `stop` is when the target stopped (first
/// response, resolution); a stop after `now` has not happened yet.
pub fn evaluate_target(
    target: Option<BusinessDuration>,
    warn_at_percent: u8,
    calendar: &BusinessCalendar,
    periods: &[Period],
    stop: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> TargetState {
    let Some(target) = target else {
        return TargetState::not_applicable();
    };
    let (clock, amount) = target.clock(calendar);
    let running = running_intervals(periods);
    let stop = stop.filter(|&s| s <= now);
    let until = stop.unwrap_or(now);
    let elapsed = running
        .iter()
        .filter(|&&(s, _)| s < until)
        .map(|&(s, e)| clock.business_between(s, e.map_or(until, |e| e.min(until))))
        .fold(Duration::zero(), |a, b| a + b);
    let due_at = project(&clock, &running, amount);
    let warn_ms = i128::from(amount.num_milliseconds()) * i128::from(warn_at_percent) / 100;
    let warn_amount = Duration::milliseconds(i64::try_from(warn_ms).unwrap_or(i64::MAX));
    let warn_at = project(&clock, &running, warn_amount);
    let state = match stop {
        Some(t) if due_at.is_some_and(|d| t > d) => SlaState::Breached,
        Some(_) => SlaState::Met,
        None if due_at.is_some_and(|d| now > d) => SlaState::Breached,
        None if warn_at.is_some_and(|w| now >= w) => SlaState::Warning,
        None => SlaState::Ok,
    };
    TargetState {
        state,
        due_at,
        warn_at,
        elapsed,
        target: Some(amount),
    }
}

/// The stretches during which the clock runs, in order, without overlaps; the last one may
/// be open-ended.
fn running_intervals(periods: &[Period]) -> Vec<(NaiveDateTime, Option<NaiveDateTime>)> {
    let mut sorted = periods.to_vec();
    sorted.sort_by_key(|p| p.0);
    let mut out = vec![];
    let mut cursor: Option<NaiveDateTime> = None;
    for (i, &(start, end, paused)) in sorted.iter().enumerate() {
        let start = cursor.map_or(start, |c| start.max(c));
        let end = match sorted.get(i + 1) {
            None => None,
            Some(&(next, _, _)) => Some(end.map_or(next, |e| e.min(next)).max(start)),
        };
        cursor = end;
        if !paused && end.is_none_or(|e| e > start) {
            out.push((start, end));
        }
    }
    out
}

/// The earliest moment the running clock reaches `amount`; `None` if it never does.
fn project(
    clock: &BusinessCalendar,
    running: &[(NaiveDateTime, Option<NaiveDateTime>)],
    amount: Duration,
) -> Option<NaiveDateTime> {
    let mut remaining = amount;
    for &(start, end) in running {
        match end {
            None => {
                let t = clock.add_business(start, remaining);
                return (t != NaiveDateTime::MAX).then_some(t);
            }
            Some(end) => {
                let len = clock.business_between(start, end);
                if remaining <= len {
                    return Some(clock.add_business(start, remaining));
                }
                remaining -= len;
            }
        }
    }
    None
}

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
        let end = sorted
            .get(i + 1)
            .map(|&(next, _, _)| end.map_or(next, |e| e.min(next)).max(start));
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_time(NaiveTime::from_hms_opt(h, mi, 0).unwrap())
    }
    /// Monday 3 March 2025 (an ordinary week).
    fn mon(h: u32, m: u32) -> NaiveDateTime {
        at(2025, 3, 3, h, m)
    }
    fn policy() -> SlaPolicy {
        serde_json::from_str(
            r#"{"targets": [
                {"priority": "normal", "first_response": {"hours": 4}, "resolution": {"days": 2}},
                {"priority": "high", "first_response": {"minutes": 30}, "resolution": {"hours": 8}},
                {"priority": "urgent", "resolution": {"hours": 2}}
            ]}"#,
        )
        .unwrap()
    }
    fn cal() -> BusinessCalendar {
        BusinessCalendar::default()
    }
    fn run(
        periods: &[Period],
        first: Option<NaiveDateTime>,
        resolved: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> SlaStatus {
        evaluate(
            &policy(),
            Priority::Normal,
            &cal(),
            periods,
            first,
            resolved,
            now,
        )
    }
    fn filed_monday_9() -> Vec<Period> {
        vec![(mon(9, 0), None, false)]
    }
    const SECOND: Duration = Duration::seconds(1);

    #[test]
    fn policy_json_defaults() {
        let p = policy();
        assert_eq!(p.warn_at_percent, 80);
        assert!(p.validate("sla").is_empty());
        assert_eq!(
            p.target(Priority::High).unwrap().first_response,
            Some(BusinessDuration::Minutes(30))
        );
        assert!(p.target(Priority::Low).is_none());
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json["targets"][0]["resolution"],
            serde_json::json!({"days": 2})
        );
        assert!(json["targets"][2].get("first_response").is_none());
        assert_eq!(serde_json::from_value::<SlaPolicy>(json).unwrap(), p);
        assert_eq!(SlaPolicy::default().warn_at_percent, 80);
        for pr in Priority::ALL {
            assert_eq!(Priority::parse(pr.as_str()), Some(pr));
            assert_eq!(serde_json::to_value(pr).unwrap(), pr.as_str());
        }
        assert_eq!(Priority::default(), Priority::Normal);
    }

    #[test]
    fn first_response_ok_warning_breached_boundaries() {
        // 4 business hours from Monday 09:00: 3h30 in the morning, 30 min after lunch: 14:00.
        // Warning at 80% = 3h12: 12:12.
        let p = filed_monday_9();
        let s = run(&p, None, None, mon(12, 11));
        assert_eq!(s.first_response.state, SlaState::Ok);
        assert_eq!(s.first_response.due_at, Some(mon(14, 0)));
        assert_eq!(s.first_response.warn_at, Some(mon(12, 12)));
        assert_eq!(s.first_response.elapsed, Duration::minutes(191));
        assert_eq!(s.first_response.target, Some(Duration::hours(4)));
        assert_eq!(
            run(&p, None, None, mon(12, 12)).first_response.state,
            SlaState::Warning
        );
        // Lunch does not count.
        assert_eq!(
            run(&p, None, None, mon(13, 0)).first_response.elapsed,
            Duration::minutes(210)
        );
        assert_eq!(
            run(&p, None, None, mon(14, 0)).first_response.state,
            SlaState::Warning
        );
        assert_eq!(
            run(&p, None, None, mon(14, 0) + SECOND)
                .first_response
                .state,
            SlaState::Breached
        );
        assert_eq!(
            run(&p, None, None, at(2025, 3, 20, 9, 0))
                .first_response
                .state,
            SlaState::Breached
        );
    }

    #[test]
    fn met_or_breached_once_stopped() {
        let p = filed_monday_9();
        let later = at(2025, 3, 20, 9, 0);
        let s = run(&p, Some(mon(14, 0)), None, later);
        assert_eq!(
            s.first_response.state,
            SlaState::Met,
            "answering at the due minute is on time"
        );
        assert_eq!(s.first_response.elapsed, Duration::hours(4));
        let s = run(&p, Some(mon(14, 0) + SECOND), None, later);
        assert_eq!(s.first_response.state, SlaState::Breached);
        // Resolution stops the first-response clock too when nobody answered before.
        let s = run(&p, None, Some(mon(10, 0)), later);
        assert_eq!(s.first_response.state, SlaState::Met);
        assert_eq!(s.resolution.state, SlaState::Met);
        // The earlier of the two stops.
        let s = run(&p, Some(at(2025, 3, 10, 9, 0)), Some(mon(10, 0)), later);
        assert_eq!(s.first_response.state, SlaState::Met);
        // A stop after `now` has not happened yet.
        let s = run(&p, Some(mon(15, 0)), None, mon(10, 0));
        assert_eq!(s.first_response.state, SlaState::Ok);
        assert_eq!(s.first_response.elapsed, Duration::hours(1));
    }

    #[test]
    fn resolution_in_business_days() {
        // 2 business days from Monday 09:00: Wednesday 09:00; warning at 80% of 48h = 38h24.
        let p = filed_monday_9();
        let s = run(&p, None, None, mon(10, 0));
        assert_eq!(s.resolution.due_at, Some(at(2025, 3, 5, 9, 0)));
        assert_eq!(s.resolution.warn_at, Some(at(2025, 3, 4, 23, 24)));
        assert_eq!(s.resolution.state, SlaState::Ok);
        assert_eq!(
            run(&p, None, None, at(2025, 3, 4, 23, 24)).resolution.state,
            SlaState::Warning
        );
        assert_eq!(
            run(&p, None, None, at(2025, 3, 5, 9, 1)).resolution.state,
            SlaState::Breached
        );
        // Filed Friday 10:00: the weekend does not count, Tuesday 10:00.
        let friday = vec![(at(2025, 3, 7, 10, 0), None, false)];
        let s = run(&friday, None, None, at(2025, 3, 7, 10, 0));
        assert_eq!(s.resolution.due_at, Some(at(2025, 3, 11, 10, 0)));
        // Filed Saturday: Monday and Tuesday count whole, due Wednesday 00:00.
        let saturday = vec![(at(2025, 3, 8, 11, 0), None, false)];
        let s = run(&saturday, None, None, at(2025, 3, 8, 11, 0));
        assert_eq!(s.resolution.due_at, Some(at(2025, 3, 12, 0, 0)));
        // Filed the Thursday before Easter 2025: Friday 18, (Easter Monday 21 closed), Tuesday 22.
        let easter = vec![(at(2025, 4, 17, 12, 0), None, false)];
        let s = run(&easter, None, None, at(2025, 4, 17, 12, 0));
        assert_eq!(s.resolution.due_at, Some(at(2025, 4, 22, 12, 0)));
    }

    #[test]
    fn waiting_on_the_requester_pauses_the_clock() {
        // 1h running on Monday, then paused until Wednesday 10:00, then running again:
        // 3h left from Wednesday 10:00 = 14:00.
        let periods = vec![
            (mon(9, 0), Some(mon(10, 0)), false),
            (mon(10, 0), Some(at(2025, 3, 5, 10, 0)), true),
            (at(2025, 3, 5, 10, 0), None, false),
        ];
        let s = run(&periods, None, None, at(2025, 3, 5, 11, 0));
        assert_eq!(s.first_response.elapsed, Duration::hours(2));
        assert_eq!(s.first_response.due_at, Some(at(2025, 3, 5, 14, 0)));
        assert_eq!(s.first_response.state, SlaState::Ok);
        // Resolution: Monday 09:00-10:00 is 1h of 48h; from Wednesday 10:00, 47h more of
        // whole days: Thursday 10:00 is 24h, Friday 09:00 is 47h.
        assert_eq!(s.resolution.due_at, Some(at(2025, 3, 7, 9, 0)));
        // Still paused: no due date yet, never breached while paused short of the target.
        let paused_now = vec![
            (mon(9, 0), Some(mon(10, 0)), false),
            (mon(10, 0), None, true),
        ];
        let s = run(&paused_now, None, None, at(2025, 3, 20, 9, 0));
        assert_eq!(s.first_response.due_at, None);
        assert_eq!(s.first_response.warn_at, None);
        assert_eq!(s.first_response.elapsed, Duration::hours(1));
        assert_eq!(s.first_response.state, SlaState::Ok);
        // Paused after the warning: the warning stays.
        let paused_late = vec![
            (mon(9, 0), Some(mon(13, 45)), false),
            (mon(13, 45), None, true),
        ];
        let s = run(&paused_late, None, None, at(2025, 3, 20, 9, 0));
        assert_eq!(s.first_response.state, SlaState::Warning);
        assert_eq!(s.first_response.due_at, None);
        assert_eq!(s.first_response.warn_at, Some(mon(12, 12)));
        // Paused after the breach: breached it stays.
        let paused_after = vec![
            (mon(9, 0), Some(mon(15, 0)), false),
            (mon(15, 0), None, true),
        ];
        let s = run(&paused_after, None, None, at(2025, 3, 20, 9, 0));
        assert_eq!(s.first_response.state, SlaState::Breached);
        assert_eq!(s.first_response.due_at, Some(mon(14, 0)));
        assert_eq!(s.first_response.elapsed, Duration::hours(5));
    }

    #[test]
    fn periods_are_sorted_clipped_and_the_last_one_runs_on() {
        // Out of order, overlapping, last one with an end that is ignored.
        let periods = vec![
            (mon(10, 0), Some(mon(11, 0)), true),
            (mon(9, 0), Some(mon(10, 30)), false), // clipped to 10:00 by the next start
            (mon(11, 0), Some(mon(11, 30)), false), // last: runs on
        ];
        let s = run(&periods, None, None, mon(12, 0));
        assert_eq!(s.first_response.elapsed, Duration::hours(2));
        assert_eq!(s.first_response.due_at, Some(mon(15, 0)));
        // No periods: the clock has not started.
        let s = run(&[], None, None, mon(12, 0));
        assert_eq!(s.first_response.state, SlaState::Ok);
        assert_eq!(s.first_response.due_at, None);
        assert_eq!(s.first_response.elapsed, Duration::zero());
    }

    #[test]
    fn not_applicable_without_target() {
        let s = evaluate(
            &policy(),
            Priority::Low,
            &cal(),
            &filed_monday_9(),
            None,
            None,
            mon(12, 0),
        );
        assert_eq!(s.first_response, TargetState::not_applicable());
        assert_eq!(s.resolution.state, SlaState::NotApplicable);
        let s = evaluate(
            &policy(),
            Priority::Urgent,
            &cal(),
            &filed_monday_9(),
            None,
            None,
            mon(12, 0),
        );
        assert_eq!(s.first_response.state, SlaState::NotApplicable);
        assert_eq!(s.resolution.due_at, Some(mon(11, 0)));
        assert_eq!(s.resolution.state, SlaState::Breached);
    }

    #[test]
    fn high_priority_in_minutes_and_hours() {
        // Filed at 12:15: 15 minutes before lunch, 15 after: 13:45.
        let p = vec![(mon(12, 15), None, false)];
        let s = evaluate(
            &policy(),
            Priority::High,
            &cal(),
            &p,
            None,
            None,
            mon(12, 15),
        );
        assert_eq!(s.first_response.due_at, Some(mon(13, 45)));
        assert_eq!(s.first_response.warn_at, Some(mon(13, 39)));
        // 8 business hours from Monday 12:15: Monday 4h15, Tuesday 3h45 from 09:00 = 13:45.
        assert_eq!(s.resolution.due_at, Some(at(2025, 3, 4, 13, 45)));
    }

    #[test]
    fn validation_errors_with_paths() {
        let p = SlaPolicy {
            targets: vec![
                SlaTarget {
                    priority: Priority::Normal,
                    first_response: Some(BusinessDuration::Hours(0)),
                    resolution: Some(BusinessDuration::Days(5)),
                },
                SlaTarget {
                    priority: Priority::High,
                    first_response: Some(BusinessDuration::Hours(2)),
                    resolution: Some(BusinessDuration::Minutes(0)),
                },
                SlaTarget {
                    priority: Priority::Normal,
                    first_response: None,
                    resolution: None,
                },
                SlaTarget {
                    priority: Priority::Urgent,
                    first_response: Some(BusinessDuration::Minutes(121)),
                    resolution: Some(BusinessDuration::Hours(2)),
                },
                SlaTarget {
                    priority: Priority::Low,
                    first_response: Some(BusinessDuration::Days(3)),
                    resolution: Some(BusinessDuration::Days(2)),
                },
            ],
            warn_at_percent: 100,
        };
        let errors: Vec<String> = p.validate("sla").iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            vec![
                "sla.warn_at_percent: must be between 1 and 99",
                "sla.targets[0].first_response: must be more than zero",
                "sla.targets[1].resolution: must be more than zero",
                "sla.targets[1].first_response: longer than the resolution target",
                "sla.targets[2].priority: duplicate priority \"normal\"",
                "sla.targets[3].first_response: longer than the resolution target",
                "sla.targets[4].first_response: longer than the resolution target",
            ]
        );
        let zero = SlaPolicy {
            targets: vec![],
            warn_at_percent: 0,
        };
        assert_eq!(
            zero.validate("sla")[0].to_string(),
            "sla.warn_at_percent: must be between 1 and 99"
        );
        let edge = SlaPolicy {
            targets: vec![],
            warn_at_percent: 1,
        };
        assert!(edge.validate("sla").is_empty());
        assert!(
            SlaPolicy {
                warn_at_percent: 99,
                ..edge
            }
            .validate("sla")
            .is_empty()
        );
    }

    #[test]
    fn comparing_hours_with_days_only_when_sure() {
        let t = |first, resolution| SlaPolicy {
            targets: vec![SlaTarget {
                priority: Priority::Normal,
                first_response: Some(first),
                resolution: Some(resolution),
            }],
            warn_at_percent: 80,
        };
        // 30 business hours may well fit in 2 business days of 24h... but not 49.
        assert!(
            t(BusinessDuration::Hours(30), BusinessDuration::Days(2))
                .validate("sla")
                .is_empty()
        );
        assert_eq!(
            t(BusinessDuration::Hours(49), BusinessDuration::Days(2))
                .validate("sla")
                .len(),
            1
        );
        // A day against hours depends on the calendar: not refused.
        assert!(
            t(BusinessDuration::Days(1), BusinessDuration::Hours(4))
                .validate("sla")
                .is_empty()
        );
        assert!(
            t(BusinessDuration::Hours(2), BusinessDuration::Minutes(120))
                .validate("sla")
                .is_empty()
        );
    }

    #[test]
    fn too_long_targets() {
        let p = SlaPolicy {
            targets: vec![SlaTarget {
                priority: Priority::Normal,
                first_response: Some(BusinessDuration::Hours(MAX_DAYS * 24 + 1)),
                resolution: Some(BusinessDuration::Days(MAX_DAYS + 1)),
            }],
            warn_at_percent: 80,
        };
        let errors: Vec<String> = p.validate("sla").iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            vec![
                "sla.targets[0].first_response: must be at most 3650 days",
                "sla.targets[0].resolution: must be at most 3650 days",
            ]
        );
    }

    fn timelines() -> impl Strategy<Value = Vec<Period>> {
        // Alternating running/paused stretches of random length from Monday 08:00.
        (proptest::collection::vec(1i64..5000, 0..6), any::<bool>()).prop_map(
            |(lengths, first_paused)| {
                let mut t = mon(8, 0);
                let mut paused = first_paused;
                let mut out = vec![];
                for len in lengths {
                    let end = t + Duration::minutes(len);
                    out.push((t, Some(end), paused));
                    t = end;
                    paused = !paused;
                }
                out.push((t, None, false));
                out
            },
        )
    }

    proptest! {
        #[test]
        fn at_due_time_the_whole_target_is_used(periods in timelines(), hours in 1u32..40, high in any::<bool>()) {
            let priority = if high { Priority::High } else { Priority::Normal };
            let mut p = policy();
            p.targets[0].resolution = Some(BusinessDuration::Hours(hours));
            p.targets[1].resolution = Some(BusinessDuration::Days(hours % 5 + 1));
            let first = evaluate(&p, priority, &cal(), &periods, None, None, periods[0].0);
            let due = first.resolution.due_at.unwrap();
            let warn = first.resolution.warn_at.unwrap();
            prop_assert!(warn <= due);
            let at_due = evaluate(&p, priority, &cal(), &periods, None, None, due);
            prop_assert_eq!(Some(at_due.resolution.elapsed), at_due.resolution.target);
            prop_assert_eq!(at_due.resolution.state, SlaState::Warning);
            let after = evaluate(&p, priority, &cal(), &periods, None, None, due + SECOND);
            prop_assert_eq!(after.resolution.state, SlaState::Breached);
            let before_warn = evaluate(&p, priority, &cal(), &periods, None, None, warn - SECOND);
            prop_assert!(before_warn.resolution.state == SlaState::Ok || warn == periods[0].0);
            // Answered at the due time: met; a second later: breached.
            let met = evaluate(&p, priority, &cal(), &periods, None, Some(due), due + Duration::days(30));
            prop_assert_eq!(met.resolution.state, SlaState::Met);
            let late = evaluate(&p, priority, &cal(), &periods, None, Some(due + SECOND), due + Duration::days(30));
            prop_assert_eq!(late.resolution.state, SlaState::Breached);
        }

        #[test]
        fn elapsed_never_decreases(periods in timelines(), a in 0i64..20000, b in 0i64..20000) {
            let (a, b) = (a.min(b), a.max(b));
            let ea = run(&periods, None, None, mon(8, 0) + Duration::minutes(a)).resolution.elapsed;
            let eb = run(&periods, None, None, mon(8, 0) + Duration::minutes(b)).resolution.elapsed;
            prop_assert!(ea <= eb);
        }
    }
}

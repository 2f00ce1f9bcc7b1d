//! Business calendars: when a tenant is open, and business-time arithmetic on top of it.
//!
//! Everything works in the tenant's **local** time (`NaiveDateTime`); converting from UTC with
//! the tenant's time zone is the caller's job. Opening intervals are half-open,
//! `[opens, closes)`: a calendar open 09:00–12:30 is open at 09:00 and at 12:29:59, closed at
//! 12:30. A closing time of `00:00` means midnight at the end of the day, so `00:00–00:00` is a
//! whole day and a 24/7 calendar is seven such days.
//!
//! A day is closed as a whole when it falls in one of the tenant's closures (inclusive dates)
//! or, when `public_holidays` is set, on a French public holiday (see
//! [`french_public_holidays`]).
//!
//! # Business-time arithmetic
//!
//! - [`BusinessCalendar::add_business`]`(start, d)` is the earliest instant `t` such that `d` of
//!   open time lies between `start` and `t`. For `d > 0` the result is therefore always inside
//!   an opening interval or **exactly at its closing time** when the duration runs out there:
//!   three hours from Monday 09:30 with a 09:00–12:30 morning is Monday 12:30, not 13:30. For
//!   `d <= 0` the result is `start` itself (nothing to add), even when `start` is closed.
//! - [`BusinessCalendar::business_between`]`(a, b)` is the open time in `[a, b)` (zero when
//!   `b <= a`), so `business_between(s, add_business(s, d)) == d` for every `d >= 0`, and adding
//!   in two steps equals adding once.
//! - A calendar that never opens (refused by [`BusinessCalendar::validate`], or closed for more
//!   than ten years in a row) never accumulates business time: `add_business` then returns
//!   `NaiveDateTime::MAX`, `add_business_days` `NaiveDate::MAX` and `next_open` `None`.

use super::{DefinitionError, Text};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

/// How many days in a row without any opening end a search (ten years and a bit).
const HORIZON_DAYS: u32 = 3700;

/// Opening hours per weekday, closures and public holidays of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BusinessCalendar {
    /// Opening intervals per weekday, Monday first (`hours[0]` is Monday, `hours[6]` Sunday).
    /// Each interval is `[opens, closes)` in local time; `closes == 00:00` means midnight.
    pub hours: [Vec<(NaiveTime, NaiveTime)>; 7],
    /// Days the tenant closes beyond its weekly hours (bridges, inventory, strikes…).
    #[serde(default)]
    pub closures: Vec<Closure>,
    /// Closed on French public holidays.
    #[serde(default = "yes")]
    pub public_holidays: bool,
}

fn yes() -> bool {
    true
}

/// Closed from `from` to `to`, both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    pub label: Text,
}

impl Closure {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

impl Default for BusinessCalendar {
    /// Monday to Friday, 09:00–12:30 and 13:30–17:30, closed on French public holidays.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        let day = vec![(t(9, 0), t(12, 30)), (t(13, 30), t(17, 30))];
        Self {
            hours: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                vec![],
                vec![],
            ],
            closures: vec![],
            public_holidays: true,
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

const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// Seconds since midnight of an opening interval, with `closes == 00:00` read as 24:00.
fn bounds(open: NaiveTime, close: NaiveTime) -> (NaiveTime, Option<NaiveTime>) {
    if close == NaiveTime::MIN {
        (open, None)
    } else {
        (open, Some(close))
    }
}

impl BusinessCalendar {
    /// Open all day, every day, no holidays: business time is wall-clock time.
    pub fn always_open() -> Self {
        let day = vec![(NaiveTime::MIN, NaiveTime::MIN)];
        Self {
            hours: std::array::from_fn(|_| day.clone()),
            closures: vec![],
            public_holidays: false,
        }
    }

    /// The same days as this calendar, but each business day open from midnight to midnight.
    /// Counting "business days" is counting time on this calendar: two business days from
    /// Monday 10:00 are Wednesday 10:00, and from Saturday (closed) Wednesday 00:00 (the end
    /// of Tuesday).
    pub fn whole_days(&self) -> Self {
        Self {
            hours: std::array::from_fn(|i| {
                if self.weekday_intervals(i).is_empty() {
                    vec![]
                } else {
                    vec![(NaiveTime::MIN, NaiveTime::MIN)]
                }
            }),
            closures: self.closures.clone(),
            public_holidays: self.public_holidays,
        }
    }

    /// Everything wrong with this calendar, with paths under `path` (e.g. `calendar`):
    /// inverted or empty intervals, overlapping intervals on one day, closures ending before
    /// they start, and a calendar that never opens.
    pub fn validate(&self, path: &str) -> Vec<DefinitionError> {
        let mut errors = vec![];
        for (d, intervals) in self.hours.iter().enumerate() {
            let mut valid: Vec<(usize, NaiveTime, Option<NaiveTime>)> = vec![];
            for (k, &(open, close)) in intervals.iter().enumerate() {
                let p = join(path, &format!("hours[{d}][{k}]"));
                let (o, c) = bounds(open, close);
                if c.is_some_and(|c| c <= o) {
                    errors.push(DefinitionError::new(
                        p,
                        format!(
                            "closes at {} before it opens at {} ({})",
                            hhmm(close),
                            hhmm(open),
                            WEEKDAY_NAMES[d]
                        ),
                    ));
                    continue;
                }
                for &(j, o2, c2) in &valid {
                    // [o, c) and [o2, c2) overlap when each starts before the other ends.
                    let starts_before_other_ends = c2.is_none_or(|c2| o < c2);
                    let other_starts_before_end = c.is_none_or(|c| o2 < c);
                    if starts_before_other_ends && other_starts_before_end {
                        let (open2, close2) = intervals[j];
                        errors.push(DefinitionError::new(
                            p.clone(),
                            format!(
                                "overlaps {}–{} ({})",
                                hhmm(open2),
                                hhmm(close2),
                                WEEKDAY_NAMES[d]
                            ),
                        ));
                        break;
                    }
                }
                valid.push((k, o, c));
            }
        }
        if self.hours.iter().all(|day| day.is_empty()) {
            errors.push(DefinitionError::new(
                join(path, "hours"),
                "no opening hours on any day",
            ));
        }
        for (i, closure) in self.closures.iter().enumerate() {
            if closure.to < closure.from {
                errors.push(DefinitionError::new(
                    join(path, &format!("closures[{i}].to")),
                    format!(
                        "ends on {} before it starts on {}",
                        closure.to, closure.from
                    ),
                ));
            }
        }
        errors
    }

    /// The valid intervals of a weekday (0 = Monday), sorted and merged, as offsets from
    /// midnight. Inverted intervals are ignored (validation reports them).
    fn weekday_intervals(&self, weekday: usize) -> Vec<(Duration, Duration)> {
        let mut v: Vec<(Duration, Duration)> = self.hours[weekday]
            .iter()
            .filter_map(|&(open, close)| {
                let o = open - NaiveTime::MIN;
                let c = if close == NaiveTime::MIN {
                    Duration::days(1)
                } else {
                    close - NaiveTime::MIN
                };
                (o < c).then_some((o, c))
            })
            .collect();
        v.sort();
        let mut merged: Vec<(Duration, Duration)> = Vec::with_capacity(v.len());
        for (o, c) in v {
            match merged.last_mut() {
                Some(last) if o <= last.1 => last.1 = last.1.max(c),
                _ => merged.push((o, c)),
            }
        }
        merged
    }

    /// Closed all day by a closure or a public holiday (whatever the weekly hours say).
    pub fn is_closed_day(&self, date: NaiveDate) -> bool {
        self.closures.iter().any(|c| c.contains(date))
            || (self.public_holidays && is_french_public_holiday(date))
    }

    /// A day with at least one opening interval.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        !self.is_closed_day(date) && !self.weekday_intervals(weekday_index(date)).is_empty()
    }

    /// The opening intervals of a date, in order, as local date-times.
    pub fn openings_on(&self, date: NaiveDate) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        if self.is_closed_day(date) {
            return vec![];
        }
        let midnight = date.and_time(NaiveTime::MIN);
        self.weekday_intervals(weekday_index(date))
            .into_iter()
            .map(|(o, c)| (midnight + o, midnight + c))
            .collect()
    }

    /// Open at this instant.
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        self.openings_on(at.date())
            .iter()
            .any(|&(o, c)| o <= at && at < c)
    }

    /// `at` itself when open, else the next opening; `None` when the calendar never opens.
    pub fn next_open(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        self.openings_from(at).next().map(|(o, _)| o)
    }

    /// The opening intervals from `at` on, the first one cut to start at `at` when `at` is
    /// inside it. Ends after [`HORIZON_DAYS`] days in a row without any opening.
    fn openings_from(
        &self,
        at: NaiveDateTime,
    ) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        let never_opens = (0..7).all(|d| self.weekday_intervals(d).is_empty());
        let mut date = if never_opens { None } else { Some(at.date()) };
        let mut pending = std::collections::VecDeque::new();
        let mut empty_days = 0u32;
        std::iter::from_fn(move || {
            loop {
                if let Some(next) = pending.pop_front() {
                    return Some(next);
                }
                let d = date?;
                date = d.succ_opt();
                let openings = self.openings_on(d);
                if openings.is_empty() {
                    empty_days += 1;
                    if empty_days > HORIZON_DAYS {
                        date = None;
                    }
                    continue;
                }
                empty_days = 0;
                pending.extend(
                    openings
                        .into_iter()
                        .filter(|&(_, c)| c > at)
                        .map(|(o, c)| (o.max(at), c)),
                );
            }
        })
    }

    /// The earliest instant at which `duration` of business time has elapsed since `start`
    /// (see the module documentation for the exact rules).
    pub fn add_business(&self, start: NaiveDateTime, duration: Duration) -> NaiveDateTime {
        if duration <= Duration::zero() {
            return start;
        }
        let mut remaining = duration;
        for (o, c) in self.openings_from(start) {
            let len = c - o;
            if remaining <= len {
                return o + remaining;
            }
            remaining -= len;
        }
        NaiveDateTime::MAX
    }

    /// The business time in `[a, b)`; zero when `b <= a`.
    pub fn business_between(&self, a: NaiveDateTime, b: NaiveDateTime) -> Duration {
        let mut total = Duration::zero();
        if b <= a {
            return total;
        }
        for (o, c) in self.openings_from(a) {
            if o >= b {
                break;
            }
            total += c.min(b) - o;
        }
        total
    }

    /// The `n`-th business day after `date` (`date` itself when `n == 0`, whether or not it
    /// is a business day). One business day after Friday is Monday (when Monday is open).
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        if n == 0 {
            return date;
        }
        if (0..7).all(|d| self.weekday_intervals(d).is_empty()) {
            return NaiveDate::MAX;
        }
        let mut left = n;
        let mut d = date;
        let mut empty_days = 0u32;
        while let Some(next) = d.succ_opt() {
            d = next;
            if self.is_business_day(d) {
                empty_days = 0;
                left -= 1;
                if left == 0 {
                    return d;
                }
            } else {
                empty_days += 1;
                if empty_days > HORIZON_DAYS {
                    break;
                }
            }
        }
        NaiveDate::MAX
    }
}

fn weekday_index(date: NaiveDate) -> usize {
    date.weekday().num_days_from_monday() as usize
}

/// Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// The eleven French public holidays of a year (metropolitan law: Alsace-Moselle's Good
/// Friday and 26 December, and overseas abolition days, are tenant closures), sorted by date,
/// with their French names. Ascension may fall on 1 or 8 May: both entries are then kept.
pub fn french_public_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let fixed = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    let easter = easter_sunday(year);
    let mut days = vec![
        (fixed(1, 1), "Jour de l'an"),
        (easter + Duration::days(1), "Lundi de Pâques"),
        (fixed(5, 1), "Fête du Travail"),
        (fixed(5, 8), "Victoire 1945"),
        (easter + Duration::days(39), "Ascension"),
        (easter + Duration::days(50), "Lundi de Pentecôte"),
        (fixed(7, 14), "Fête nationale"),
        (fixed(8, 15), "Assomption"),
        (fixed(11, 1), "Toussaint"),
        (fixed(11, 11), "Armistice 1918"),
        (fixed(12, 25), "Noël"),
    ];
    days.sort_by_key(|&(d, _)| d);
    days
}

/// Whether a date is a French public holiday (same list as [`french_public_holidays`]).
pub fn is_french_public_holiday(date: NaiveDate) -> bool {
    match (date.month(), date.day()) {
        (1, 1) | (5, 1) | (5, 8) | (7, 14) | (8, 15) | (11, 1) | (11, 11) | (12, 25) => true,
        _ => {
            // Easter-based holidays fall on Mondays (Easter, Whit) or a Thursday (Ascension).
            if !matches!(date.weekday(), Weekday::Mon | Weekday::Thu) {
                return false;
            }
            let offset = (date - easter_sunday(date.year())).num_days();
            matches!(offset, 1 | 39 | 50)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        date(y, mo, d).and_time(t(h, mi))
    }
    fn hours(h: i64) -> Duration {
        Duration::hours(h)
    }
    fn minutes(m: i64) -> Duration {
        Duration::minutes(m)
    }

    #[test]
    fn easter_known_dates() {
        for (y, m, d) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (1818, 3, 22),
            (1943, 4, 25),
        ] {
            assert_eq!(easter_sunday(y), date(y, m, d), "Easter {y}");
        }
    }

    #[test]
    fn holidays_2025() {
        let h = french_public_holidays(2025);
        let dates: Vec<_> = h.iter().map(|&(d, _)| d).collect();
        assert_eq!(
            dates,
            vec![
                date(2025, 1, 1),
                date(2025, 4, 21),
                date(2025, 5, 1),
                date(2025, 5, 8),
                date(2025, 5, 29),
                date(2025, 6, 9),
                date(2025, 7, 14),
                date(2025, 8, 15),
                date(2025, 11, 1),
                date(2025, 11, 11),
                date(2025, 12, 25),
            ]
        );
        assert_eq!(h[1].1, "Lundi de Pâques");
        assert_eq!(h[4].1, "Ascension");
        assert_eq!(h[5].1, "Lundi de Pentecôte");
    }

    #[test]
    fn easter_based_holidays_of_several_years() {
        // (year, Easter Monday, Ascension, Whit Monday)
        for (y, em, asc, wm) in [
            (2024, (4, 1), (5, 9), (5, 20)),
            (2026, (4, 6), (5, 14), (5, 25)),
            (2027, (3, 29), (5, 6), (5, 17)),
            (2038, (4, 26), (6, 3), (6, 14)),
            (2285, (3, 23), (4, 30), (5, 11)),
        ] {
            let h = french_public_holidays(y);
            let find = |name: &str| h.iter().find(|&&(_, n)| n == name).unwrap().0;
            assert_eq!(find("Lundi de Pâques"), date(y, em.0, em.1), "{y}");
            assert_eq!(find("Ascension"), date(y, asc.0, asc.1), "{y}");
            assert_eq!(find("Lundi de Pentecôte"), date(y, wm.0, wm.1), "{y}");
            assert_eq!(h.len(), 11);
            assert!(h.windows(2).all(|w| w[0].0 <= w[1].0), "sorted {y}");
        }
    }

    #[test]
    fn ascension_on_labour_day_keeps_both() {
        // 2008: Easter 23 March, Ascension 1 May.
        let h = french_public_holidays(2008);
        assert_eq!(h.len(), 11);
        assert_eq!(h.iter().filter(|&&(d, _)| d == date(2008, 5, 1)).count(), 2);
    }

    #[test]
    fn is_holiday_agrees_with_list_over_many_years() {
        for y in 1990..2110 {
            let list: Vec<_> = french_public_holidays(y)
                .into_iter()
                .map(|(d, _)| d)
                .collect();
            let mut d = date(y, 1, 1);
            while d.year() == y {
                assert_eq!(is_french_public_holiday(d), list.contains(&d), "{d}");
                d = d.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn default_calendar() {
        let c = BusinessCalendar::default();
        assert!(c.validate("calendar").is_empty());
        // Monday 2025-03-03.
        assert!(!c.is_open(at(2025, 3, 3, 8, 59)));
        assert!(c.is_open(at(2025, 3, 3, 9, 0)));
        assert!(c.is_open(at(2025, 3, 3, 12, 29)));
        assert!(!c.is_open(at(2025, 3, 3, 12, 30)));
        assert!(!c.is_open(at(2025, 3, 3, 13, 0)));
        assert!(c.is_open(at(2025, 3, 3, 13, 30)));
        assert!(!c.is_open(at(2025, 3, 3, 17, 30)));
        // Saturday, Sunday.
        assert!(!c.is_open(at(2025, 3, 8, 10, 0)));
        assert!(!c.is_open(at(2025, 3, 9, 10, 0)));
        // Easter Monday 2025, Ascension Thursday 2025.
        assert!(!c.is_open(at(2025, 4, 21, 10, 0)));
        assert!(!c.is_open(at(2025, 5, 29, 10, 0)));
        assert!(c.is_open(at(2025, 5, 28, 10, 0)));
    }

    #[test]
    fn holidays_can_be_ignored_and_closures_close_days() {
        let mut c = BusinessCalendar {
            public_holidays: false,
            ..Default::default()
        };
        assert!(c.is_open(at(2025, 4, 21, 10, 0)));
        c.closures.push(Closure {
            from: date(2025, 3, 3),
            to: date(2025, 3, 4),
            label: Text {
                fr: "Inventaire".into(),
                en: String::new(),
            },
        });
        assert!(!c.is_open(at(2025, 3, 3, 10, 0)));
        assert!(!c.is_open(at(2025, 3, 4, 10, 0)));
        assert!(c.is_open(at(2025, 3, 5, 10, 0)));
        assert!(!c.is_business_day(date(2025, 3, 4)));
        assert!(c.is_business_day(date(2025, 3, 5)));
    }

    #[test]
    fn next_open() {
        let c = BusinessCalendar::default();
        assert_eq!(
            c.next_open(at(2025, 3, 3, 10, 0)),
            Some(at(2025, 3, 3, 10, 0))
        );
        assert_eq!(
            c.next_open(at(2025, 3, 3, 7, 0)),
            Some(at(2025, 3, 3, 9, 0))
        );
        assert_eq!(
            c.next_open(at(2025, 3, 3, 12, 30)),
            Some(at(2025, 3, 3, 13, 30))
        );
        assert_eq!(
            c.next_open(at(2025, 3, 7, 17, 30)),
            Some(at(2025, 3, 10, 9, 0))
        );
        // Friday before Easter Monday 2025 -> Tuesday.
        assert_eq!(
            c.next_open(at(2025, 4, 18, 18, 0)),
            Some(at(2025, 4, 22, 9, 0))
        );
        // 1 May 2025 (Thursday) evening of 30 April -> Friday 2 May.
        assert_eq!(
            c.next_open(at(2025, 4, 30, 18, 0)),
            Some(at(2025, 5, 2, 9, 0))
        );
    }

    #[test]
    fn add_business_examples() {
        let c = BusinessCalendar::default();
        let mon = |h, m| at(2025, 3, 3, h, m);
        assert_eq!(
            c.add_business(mon(9, 30), hours(3)),
            mon(12, 30),
            "ends at closing time"
        );
        assert_eq!(
            c.add_business(mon(9, 30), hours(3) + minutes(1)),
            mon(13, 31)
        );
        assert_eq!(c.add_business(mon(7, 0), hours(1)), mon(10, 0));
        assert_eq!(c.add_business(mon(12, 45), hours(1)), mon(14, 30));
        // A whole day is 7.5 hours.
        assert_eq!(
            c.add_business(mon(9, 0), hours(7) + minutes(30)),
            mon(17, 30)
        );
        assert_eq!(c.add_business(mon(9, 0), hours(8)), at(2025, 3, 4, 9, 30));
        // Friday 17:00 + 1h -> Monday 09:30.
        assert_eq!(
            c.add_business(at(2025, 3, 7, 17, 0), hours(1)),
            at(2025, 3, 10, 9, 30)
        );
        // Zero and negative: the start, unchanged, even when closed.
        assert_eq!(
            c.add_business(at(2025, 3, 8, 10, 0), Duration::zero()),
            at(2025, 3, 8, 10, 0)
        );
        assert_eq!(c.add_business(mon(10, 0), -hours(2)), mon(10, 0));
        // Across Easter Monday 2025: Friday 18 April 17:00 + 1h -> Tuesday 22 April 09:30.
        assert_eq!(
            c.add_business(at(2025, 4, 18, 17, 0), hours(1)),
            at(2025, 4, 22, 9, 30)
        );
    }

    #[test]
    fn business_between_examples() {
        let c = BusinessCalendar::default();
        let mon = |h, m| at(2025, 3, 3, h, m);
        assert_eq!(
            c.business_between(mon(9, 0), mon(17, 30)),
            hours(7) + minutes(30)
        );
        assert_eq!(c.business_between(mon(12, 0), mon(14, 0)), minutes(60));
        assert_eq!(c.business_between(mon(14, 0), mon(12, 0)), Duration::zero());
        assert_eq!(
            c.business_between(mon(9, 0), at(2025, 3, 10, 9, 0)),
            hours(5 * 15) / 2
        );
        assert_eq!(
            c.business_between(at(2025, 3, 8, 0, 0), at(2025, 3, 10, 0, 0)),
            Duration::zero()
        );
    }

    #[test]
    fn add_business_days_examples() {
        let c = BusinessCalendar::default();
        assert_eq!(c.add_business_days(date(2025, 3, 3), 0), date(2025, 3, 3));
        assert_eq!(c.add_business_days(date(2025, 3, 8), 0), date(2025, 3, 8));
        assert_eq!(c.add_business_days(date(2025, 3, 3), 1), date(2025, 3, 4));
        assert_eq!(c.add_business_days(date(2025, 3, 7), 1), date(2025, 3, 10));
        assert_eq!(c.add_business_days(date(2025, 3, 8), 1), date(2025, 3, 10));
        assert_eq!(c.add_business_days(date(2025, 3, 3), 5), date(2025, 3, 10));
        // Across Easter Monday 2025 (21 April) and 1 May.
        assert_eq!(c.add_business_days(date(2025, 4, 18), 1), date(2025, 4, 22));
        assert_eq!(c.add_business_days(date(2025, 4, 30), 1), date(2025, 5, 2));
        // Christmas to New Year 2025: 26, 29, 30, 31 Dec, then 2 Jan 2026.
        assert_eq!(c.add_business_days(date(2025, 12, 24), 5), date(2026, 1, 2));
    }

    #[test]
    fn midnight_closing_and_always_open() {
        let c = BusinessCalendar::always_open();
        assert!(c.validate("calendar").is_empty());
        let s = at(2025, 5, 1, 22, 0);
        assert_eq!(c.add_business(s, hours(30)), s + hours(30));
        assert_eq!(c.business_between(s, s + hours(49)), hours(49));
        assert!(c.is_open(at(2025, 12, 25, 0, 0)));
        let evening = BusinessCalendar {
            hours: std::array::from_fn(|_| vec![(t(20, 0), t(0, 0))]),
            closures: vec![],
            public_holidays: false,
        };
        assert!(evening.validate("c").is_empty());
        assert!(evening.is_open(at(2025, 3, 3, 23, 59)));
        assert!(!evening.is_open(at(2025, 3, 4, 0, 0)));
        assert_eq!(
            evening.add_business(at(2025, 3, 3, 23, 0), hours(2)),
            at(2025, 3, 4, 21, 0)
        );
        assert_eq!(
            evening.add_business(at(2025, 3, 3, 23, 0), hours(1)),
            at(2025, 3, 4, 0, 0)
        );
    }

    #[test]
    fn whole_days_counts_business_days() {
        let c = BusinessCalendar::default().whole_days();
        let two_days = Duration::days(2);
        assert_eq!(
            c.add_business(at(2025, 3, 3, 10, 0), two_days),
            at(2025, 3, 5, 10, 0)
        );
        assert_eq!(
            c.add_business(at(2025, 3, 7, 10, 0), two_days),
            at(2025, 3, 11, 10, 0)
        );
        assert_eq!(
            c.add_business(at(2025, 3, 8, 11, 0), two_days),
            at(2025, 3, 12, 0, 0)
        );
        // Holidays are kept: Friday before Easter Monday 2025.
        assert_eq!(
            c.add_business(at(2025, 4, 18, 10, 0), Duration::days(1)),
            at(2025, 4, 22, 10, 0)
        );
    }

    #[test]
    fn never_open() {
        let c = BusinessCalendar {
            hours: Default::default(),
            closures: vec![],
            public_holidays: true,
        };
        assert_eq!(c.next_open(at(2025, 1, 1, 0, 0)), None);
        assert_eq!(
            c.add_business(at(2025, 1, 1, 0, 0), hours(1)),
            NaiveDateTime::MAX
        );
        assert_eq!(
            c.business_between(at(2025, 1, 1, 0, 0), at(2026, 1, 1, 0, 0)),
            Duration::zero()
        );
        assert_eq!(c.add_business_days(date(2025, 1, 1), 1), NaiveDate::MAX);
        // Closed for twenty years: the search gives up.
        let closed = BusinessCalendar {
            closures: vec![Closure {
                from: date(2025, 1, 1),
                to: date(2045, 1, 1),
                label: Text::default(),
            }],
            ..Default::default()
        };
        assert_eq!(closed.next_open(at(2025, 1, 1, 0, 0)), None);
        // Closed for two years: found after it.
        let closed = BusinessCalendar {
            closures: vec![Closure {
                from: date(2025, 1, 1),
                to: date(2026, 12, 31),
                label: Text::default(),
            }],
            ..Default::default()
        };
        assert_eq!(
            closed.next_open(at(2025, 1, 1, 0, 0)),
            Some(at(2027, 1, 4, 9, 0))
        );
    }

    #[test]
    fn validation_errors_with_paths() {
        let mut c = BusinessCalendar::default();
        c.hours[0].push((t(17, 0), t(18, 0))); // overlaps 13:30-17:30
        c.hours[1][1] = (t(17, 30), t(13, 30)); // inverted
        c.hours[2].push((t(10, 0), t(10, 0))); // empty
        c.closures.push(Closure {
            from: date(2025, 5, 2),
            to: date(2025, 5, 1),
            label: Text::default(),
        });
        let errors: Vec<String> = c
            .validate("calendar")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            vec![
                "calendar.hours[0][2]: overlaps 13:30–17:30 (Monday)",
                "calendar.hours[1][1]: closes at 13:30 before it opens at 17:30 (Tuesday)",
                "calendar.hours[2][2]: closes at 10:00 before it opens at 10:00 (Wednesday)",
                "calendar.closures[0].to: ends on 2025-05-01 before it starts on 2025-05-02",
            ]
        );
        let empty = BusinessCalendar {
            hours: Default::default(),
            closures: vec![],
            public_holidays: true,
        };
        let errors: Vec<String> = empty
            .validate("calendar")
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(errors, vec!["calendar.hours: no opening hours on any day"]);
        // Adjacent intervals do not overlap; a midnight close overlaps a later evening start.
        let mut ok = BusinessCalendar::default();
        ok.hours[5] = vec![(t(9, 0), t(12, 0)), (t(12, 0), t(13, 0))];
        assert!(ok.validate("").is_empty());
        ok.hours[6] = vec![(t(20, 0), t(0, 0)), (t(22, 0), t(23, 0))];
        let errors: Vec<String> = ok.validate("").iter().map(ToString::to_string).collect();
        assert_eq!(errors, vec!["hours[6][1]: overlaps 20:00–00:00 (Sunday)"]);
    }

    #[test]
    fn serde_round_trip_and_short_times() {
        let c = BusinessCalendar::default();
        let json = serde_json::to_string(&c).unwrap();
        let back: BusinessCalendar = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let short: BusinessCalendar = serde_json::from_str(
            r#"{"hours": [[["09:00","12:00"]],[],[],[],[],[],[]],
                "closures": [{"from": "2025-08-01", "to": "2025-08-15"}]}"#,
        )
        .unwrap();
        assert!(short.public_holidays, "holidays by default");
        assert_eq!(short.hours[0], vec![(t(9, 0), t(12, 0))]);
        assert_eq!(short.closures[0].label, Text::default());
    }

    /// Odd calendars too: several intervals, weekends, midnight closes, closures.
    fn calendars() -> impl Strategy<Value = BusinessCalendar> {
        let interval = (0u32..48, 1u32..16).prop_map(|(start, len)| {
            let s = start * 30;
            let e = (s + len * 30).min(24 * 60);
            let time = |m: u32| {
                if m == 24 * 60 {
                    NaiveTime::MIN
                } else {
                    t(m / 60, m % 60)
                }
            };
            (s, e, time(s), time(e))
        });
        let day = proptest::collection::vec(interval, 0..3).prop_map(|mut v| {
            // Keep non-overlapping intervals only, so the calendar validates.
            v.sort_by_key(|i| i.0);
            let mut out: Vec<(NaiveTime, NaiveTime)> = vec![];
            let mut end = 0;
            for (s, e, ts, te) in v {
                if s >= end && s < e {
                    out.push((ts, te));
                    end = e;
                }
            }
            out
        });
        (
            proptest::array::uniform7(day),
            proptest::collection::vec((0i64..400, 0i64..20), 0..3),
            any::<bool>(),
        )
            .prop_filter_map("needs an opening", |(hours, closures, public_holidays)| {
                if hours.iter().all(Vec::is_empty) {
                    return None;
                }
                let base = date(2025, 1, 1);
                let closures = closures
                    .into_iter()
                    .map(|(from, len)| Closure {
                        from: base + Duration::days(from),
                        to: base + Duration::days(from + len),
                        label: Text::default(),
                    })
                    .collect();
                Some(BusinessCalendar {
                    hours,
                    closures,
                    public_holidays,
                })
            })
    }

    fn starts() -> impl Strategy<Value = NaiveDateTime> {
        (0i64..500 * 24 * 60).prop_map(|m| at(2024, 12, 1, 0, 0) + Duration::minutes(m))
    }

    fn durations() -> impl Strategy<Value = Duration> {
        (0i64..200 * 60 * 60).prop_map(Duration::seconds)
    }

    /// Open just before `t`: `t` is inside an opening or at its very end.
    fn open_or_closing_time(c: &BusinessCalendar, t: NaiveDateTime) -> bool {
        let day_before = t.date().pred_opt().unwrap();
        c.is_open(t)
            || [day_before, t.date()]
                .iter()
                .flat_map(|&d| c.openings_on(d))
                .any(|(o, close)| o < t && t <= close)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn add_business_never_lands_in_a_closed_period(c in calendars(), s in starts(), d in durations()) {
            prop_assume!(d > Duration::zero());
            let end = c.add_business(s, d);
            prop_assume!(end != NaiveDateTime::MAX);
            prop_assert!(open_or_closing_time(&c, end), "{end} is closed");
            prop_assert!(end > s);
        }

        #[test]
        fn add_business_is_monotonic(c in calendars(), s in starts(), d1 in durations(), d2 in durations()) {
            let (d1, d2) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
            prop_assert!(c.add_business(s, d1) <= c.add_business(s, d2));
        }

        #[test]
        fn business_between_inverts_add_business(c in calendars(), s in starts(), d in durations()) {
            let end = c.add_business(s, d);
            prop_assume!(end != NaiveDateTime::MAX);
            prop_assert_eq!(c.business_between(s, end), d);
        }

        #[test]
        fn adding_in_two_steps_equals_adding_once(c in calendars(), s in starts(), d1 in durations(), d2 in durations()) {
            let once = c.add_business(s, d1 + d2);
            prop_assume!(once != NaiveDateTime::MAX);
            prop_assert_eq!(c.add_business(c.add_business(s, d1), d2), once);
        }

        #[test]
        fn business_between_is_additive(c in calendars(), a in starts(), x in 0i64..2000, y in 0i64..2000) {
            let b = a + Duration::hours(x);
            let e = b + Duration::hours(y);
            prop_assert_eq!(c.business_between(a, b) + c.business_between(b, e), c.business_between(a, e));
            prop_assert!(c.business_between(a, e) <= e - a);
        }

        #[test]
        fn next_open_is_open_and_nothing_before_it(c in calendars(), s in starts()) {
            let n = c.next_open(s).unwrap();
            prop_assert!(c.is_open(n));
            prop_assert!(n >= s);
            prop_assert_eq!(c.business_between(s, n), Duration::zero());
        }

        #[test]
        fn add_business_days_lands_on_business_days(c in calendars(), s in starts(), n in 1u32..40) {
            let d = c.add_business_days(s.date(), n);
            prop_assert!(c.is_business_day(d));
            prop_assert!(d > s.date());
            let mut count = 0;
            let mut x = s.date();
            while x < d {
                x = x.succ_opt().unwrap();
                if c.is_business_day(x) { count += 1; }
            }
            prop_assert_eq!(count, n);
        }
    }
}

//! Likely duplicates among persons: the same normalised e-mail address or phone number, or a
//! similar name with the same birth date or the same postcode. Pure rules on snapshots; the
//! store gathers the candidates and asks [`likely_duplicate`] about each pair.

use super::fold;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What the rules know of a person. Names may be given folded or not (they are folded
/// here again); e-mails lowercase, phones in E.164, postcodes without spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonSnapshot {
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub postcodes: Vec<String>,
}

impl PersonSnapshot {
    /// A snapshot with the names folded and no contact point.
    pub fn new(given_name: &str, family_name: &str, birth_date: Option<NaiveDate>) -> Self {
        Self {
            given_name: fold(given_name),
            family_name: fold(family_name),
            birth_date,
            ..Self::default()
        }
    }
}

/// Why two persons are probably one, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    SameEmail,
    SamePhone,
    SimilarNameSameBirthDate,
    SimilarNameSameAddress,
}

impl Reason {
    pub const ALL: [Reason; 4] = [
        Reason::SameEmail,
        Reason::SamePhone,
        Reason::SimilarNameSameBirthDate,
        Reason::SimilarNameSameAddress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SameEmail => "same-email",
            Self::SamePhone => "same-phone",
            Self::SimilarNameSameBirthDate => "similar-name-same-birth-date",
            Self::SimilarNameSameAddress => "similar-name-same-address",
        }
    }

    /// Its message id (`duplicate-reason-…`).
    pub fn message_id(self) -> &'static str {
        match self {
            Self::SameEmail => "duplicate-reason-same-email",
            Self::SamePhone => "duplicate-reason-same-phone",
            Self::SimilarNameSameBirthDate => "duplicate-reason-similar-name-same-birth-date",
            Self::SimilarNameSameAddress => "duplicate-reason-similar-name-same-address",
        }
    }
}

fn shares(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| !x.is_empty() && b.contains(x))
}

/// The strongest reason to think `a` and `b` are the same person, if any. A similar name at
/// the same postcode is not enough when both birth dates are known and differ (a father and
/// his son of the same name at one address).
pub fn likely_duplicate(a: &PersonSnapshot, b: &PersonSnapshot) -> Option<Reason> {
    if shares(&a.emails, &b.emails) {
        return Some(Reason::SameEmail);
    }
    if shares(&a.phones, &b.phones) {
        return Some(Reason::SamePhone);
    }
    if !similar_name(&a.given_name, &a.family_name, &b.given_name, &b.family_name) {
        return None;
    }
    match (a.birth_date, b.birth_date) {
        (Some(x), Some(y)) if x == y => Some(Reason::SimilarNameSameBirthDate),
        (Some(_), Some(_)) => None,
        _ => shares(&a.postcodes, &b.postcodes).then_some(Reason::SimilarNameSameAddress),
    }
}

/// Folded full names equal, or each of given and family name within one edit (insertion,
/// deletion, substitution or transposition of two neighbours), possibly swapped.
pub fn similar_name(a_given: &str, a_family: &str, b_given: &str, b_family: &str) -> bool {
    let (ag, af, bg, bf) = (fold(a_given), fold(a_family), fold(b_given), fold(b_family));
    if ag.is_empty() && af.is_empty() {
        return false;
    }
    if format!("{ag} {af}") == format!("{bg} {bf}") {
        return true;
    }
    (within_one_edit(&ag, &bg) && within_one_edit(&af, &bf))
        || (within_one_edit(&ag, &bf) && within_one_edit(&af, &bg))
}

/// Damerau–Levenshtein distance at most 1.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    match long.len() - short.len() {
        0 => {
            if prefix == short.len() {
                return true;
            }
            // One substitution, or one transposition of neighbours.
            short[prefix + 1..] == long[prefix + 1..]
                || (prefix + 1 < short.len()
                    && short[prefix] == long[prefix + 1]
                    && short[prefix + 1] == long[prefix]
                    && short[prefix + 2..] == long[prefix + 2..])
        }
        // One insertion into the shorter.
        1 => short[prefix..] == long[prefix + 1..],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn one_edit() {
        for (a, b) in [
            ("durand", "durand"),
            ("durand", "durnad"),
            ("durand", "durant"),
            ("durand", "duran"),
            ("durand", "ddurand"),
            ("helene", "hlene"),
            ("ab", "ba"),
            ("", "a"),
        ] {
            assert!(within_one_edit(a, b), "{a} {b}");
            assert!(within_one_edit(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("durand", "dupont"),
            ("durand", "drunad"),
            ("durand", "duradn "),
            ("abc", "cba"),
            ("martin", "martine s"),
            ("", "ab"),
        ] {
            assert!(!within_one_edit(a, b), "{a} {b}");
            assert!(!within_one_edit(b, a), "{b} {a}");
        }
    }

    #[test]
    fn a_typo_in_the_name_with_the_same_birth_date() {
        let a = PersonSnapshot::new("Hélène", "Durand", d(1980, 2, 29));
        let b = PersonSnapshot::new("Helene", "Durnad", d(1980, 2, 29));
        assert_eq!(
            likely_duplicate(&a, &b),
            Some(Reason::SimilarNameSameBirthDate)
        );
        assert_eq!(
            likely_duplicate(&b, &a),
            Some(Reason::SimilarNameSameBirthDate)
        );
    }

    #[test]
    fn swapped_names() {
        let a = PersonSnapshot::new("Martin", "Bernard", d(1975, 5, 1));
        let b = PersonSnapshot::new("Bernard", "Martin", d(1975, 5, 1));
        assert_eq!(
            likely_duplicate(&a, &b),
            Some(Reason::SimilarNameSameBirthDate)
        );
        let c = PersonSnapshot::new("Bernart", "Martin", d(1975, 5, 1));
        assert_eq!(
            likely_duplicate(&a, &c),
            Some(Reason::SimilarNameSameBirthDate)
        );
    }

    #[test]
    fn different_birth_dates_are_not_duplicates() {
        let a = PersonSnapshot {
            postcodes: vec!["69001".into()],
            ..PersonSnapshot::new("Jean", "Martin", d(1950, 1, 1))
        };
        let b = PersonSnapshot {
            postcodes: vec!["69001".into()],
            ..PersonSnapshot::new("Jean", "Martin", d(1980, 1, 1))
        };
        assert_eq!(likely_duplicate(&a, &b), None);
        // Without a birth date on one side, the same postcode is enough.
        let c = PersonSnapshot {
            postcodes: vec!["69001".into()],
            ..PersonSnapshot::new("Jean", "Martn", None)
        };
        assert_eq!(
            likely_duplicate(&a, &c),
            Some(Reason::SimilarNameSameAddress)
        );
        // Similar names and nothing else in common.
        let e = PersonSnapshot::new("Jean", "Martin", None);
        assert_eq!(likely_duplicate(&a, &e), None);
    }

    #[test]
    fn different_names_are_not_duplicates() {
        let a = PersonSnapshot::new("Hélène", "Durand", d(1980, 2, 29));
        for (g, f) in [("Hélène", "Dupont"), ("Marc", "Durand"), ("Hln", "Durand")] {
            let b = PersonSnapshot::new(g, f, d(1980, 2, 29));
            assert_eq!(likely_duplicate(&a, &b), None, "{g} {f}");
        }
    }

    #[test]
    fn shared_contact_points_come_first() {
        let a = PersonSnapshot {
            emails: vec!["a@b.fr".into()],
            phones: vec!["+33612345678".into()],
            ..PersonSnapshot::new("Anne", "Petit", d(1990, 1, 1))
        };
        let b = PersonSnapshot {
            emails: vec!["x@b.fr".into(), "a@b.fr".into()],
            phones: vec!["+33612345678".into()],
            ..PersonSnapshot::new("Paul", "Grand", None)
        };
        assert_eq!(likely_duplicate(&a, &b), Some(Reason::SameEmail));
        let c = PersonSnapshot {
            phones: vec!["+33612345678".into()],
            ..PersonSnapshot::default()
        };
        assert_eq!(likely_duplicate(&a, &c), Some(Reason::SamePhone));
        assert_eq!(
            likely_duplicate(&PersonSnapshot::default(), &PersonSnapshot::default()),
            None
        );
        for r in Reason::ALL {
            assert!(r.message_id().ends_with(r.as_str()));
        }
    }
}

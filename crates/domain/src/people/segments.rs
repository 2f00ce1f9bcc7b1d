//! Segments: saved filters on persons — tags, custom field values, the current state of a
//! consent per purpose, creation and update date ranges, and activity (an interaction within
//! the last N days, or none for N days). The filter is kept as JSON; the store turns it into
//! SQL. The form's inputs are named here once, for the page and for the checks.

use super::custom_fields::{FieldKind, Rule, parse_date, parse_number};
use super::tag;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a custom field's value must be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "match", rename_all = "snake_case")]
pub enum CustomMatch {
    /// Text fields: the value contains these words (accents and case ignored).
    Contains { text: String },
    /// Choice fields: the value is this choice.
    Is { value: String },
    /// Number fields: the value is within the bounds (each optional, inclusive).
    Between { min: Option<f64>, max: Option<f64> },
    /// Date fields: the value is within the dates (each optional, inclusive).
    DateBetween {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

// No `deny_unknown_fields` here: serde does not support it together with `flatten`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomCondition {
    pub key: String,
    #[serde(flatten)]
    pub matches: CustomMatch,
}

/// The current state of a consent, as a segment asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentWanted {
    Given,
    Withdrawn,
    /// Withdrawn or never recorded.
    NotGiven,
    /// Never recorded.
    Never,
}

impl ConsentWanted {
    pub const ALL: [ConsentWanted; 4] = [
        ConsentWanted::Given,
        ConsentWanted::Withdrawn,
        ConsentWanted::NotGiven,
        ConsentWanted::Never,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Given => "given",
            Self::Withdrawn => "withdrawn",
            Self::NotGiven => "not_given",
            Self::Never => "never",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentCondition {
    pub purpose: String,
    pub state: ConsentWanted,
}

/// Contact activity, from the interactions logged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Activity {
    /// At least one interaction in the last `days` days.
    Within { days: u32 },
    /// No interaction in the last `days` days (including never).
    NoneSince { days: u32 },
}

impl Activity {
    pub fn days(self) -> u32 {
        match self {
            Self::Within { days } | Self::NoneSince { days } => days,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Within { .. } => "within",
            Self::NoneSince { .. } => "none_since",
        }
    }
}

/// Most days an activity condition may span (about ten years).
pub const MAX_DAYS: u32 = 3650;

/// Every condition holds at once (AND). An empty filter is every active person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentFilter {
    /// Every one of these tags.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub custom: Vec<CustomCondition>,
    #[serde(default)]
    pub consents: Vec<ConsentCondition>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    pub updated_from: Option<NaiveDate>,
    pub updated_to: Option<NaiveDate>,
    pub activity: Option<Activity>,
}

/// A refusal of one input of the segment form: its name and the message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub field: String,
    pub code: &'static str,
}

fn err(field: impl Into<String>, code: &'static str) -> FilterError {
    FilterError {
        field: field.into(),
        code,
    }
}

/// The names of the form's inputs of a custom field: one for text and choice fields, two
/// (bounds) for numbers and dates.
pub fn custom_inputs(key: &str, kind: FieldKind) -> Vec<String> {
    match kind {
        FieldKind::Text | FieldKind::Choice => vec![format!("cf-{key}")],
        FieldKind::Number => vec![format!("cf-{key}-min"), format!("cf-{key}-max")],
        FieldKind::Date => vec![format!("cf-{key}-from"), format!("cf-{key}-to")],
    }
}

/// The input of a consent purpose already known in the tenant.
pub fn consent_input(purpose: &str) -> String {
    format!("consent-{purpose}")
}

/// A segment's name: 1 to 80 characters.
pub fn segment_name(s: &str) -> Result<String, FilterError> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = s.chars().count();
    if n == 0 || n > 80 || s.chars().any(char::is_control) {
        return Err(err("name", "segment-invalid-name"));
    }
    Ok(s)
}

fn date_range(
    get: &dyn Fn(&str) -> String,
    from_name: &str,
    to_name: &str,
    errors: &mut Vec<FilterError>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let one = |name: &str, errors: &mut Vec<FilterError>| {
        let raw = get(name);
        if raw.trim().is_empty() {
            return None;
        }
        let d = parse_date(&raw);
        if d.is_none() {
            errors.push(err(name, "segment-invalid-date"));
        }
        d
    };
    let (from, to) = (one(from_name, errors), one(to_name, errors));
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        errors.push(err(from_name, "segment-invalid-range"));
    }
    (from, to)
}

impl SegmentFilter {
    /// Reads the segment form. `get` gives an input's value ("" when absent); `fields` are the
    /// tenant's custom fields (key, rule); `purposes` the consent purposes it knows, each
    /// with its own select, plus one free purpose (`consent_other_purpose`/`_state`).
    pub fn from_form(
        get: &dyn Fn(&str) -> String,
        fields: &[(&str, Rule<'_>)],
        purposes: &[String],
    ) -> Result<Self, Vec<FilterError>> {
        let mut errors = Vec::new();
        let mut filter = SegmentFilter::default();
        for t in get("tags").split(',').filter(|t| !t.trim().is_empty()) {
            match tag(t) {
                Ok(t) if !filter.tags.contains(&t) => filter.tags.push(t),
                Ok(_) => {}
                Err(_) => {
                    errors.push(err("tags", "person-invalid-tag"));
                    break;
                }
            }
        }
        if filter.tags.len() > 20 {
            errors.push(err("tags", "person-too-many-tags"));
        }
        for (key, rule) in fields {
            let names = custom_inputs(key, rule.kind);
            let matches = match rule.kind {
                FieldKind::Text => {
                    let text = get(&names[0])
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    if text.chars().count() > 100 {
                        errors.push(err(&names[0], "custom-field-invalid-text"));
                    }
                    (!text.is_empty()).then_some(CustomMatch::Contains { text })
                }
                FieldKind::Choice => {
                    let value = get(&names[0]).trim().to_owned();
                    if value.is_empty() {
                        None
                    } else if rule.choices.contains(&value) {
                        Some(CustomMatch::Is { value })
                    } else {
                        errors.push(err(&names[0], "custom-field-invalid-choice"));
                        None
                    }
                }
                FieldKind::Number => {
                    let mut bound = |name: &str| {
                        let raw = get(name);
                        if raw.trim().is_empty() {
                            return None;
                        }
                        let n = parse_number(&raw);
                        if n.is_none() {
                            errors.push(err(name, "custom-field-invalid-number"));
                        }
                        n
                    };
                    let (min, max) = (bound(&names[0]), bound(&names[1]));
                    if let (Some(a), Some(b)) = (min, max)
                        && a > b
                    {
                        errors.push(err(&names[0], "segment-invalid-range"));
                    }
                    (min.is_some() || max.is_some()).then_some(CustomMatch::Between { min, max })
                }
                FieldKind::Date => {
                    let (from, to) = date_range(get, &names[0], &names[1], &mut errors);
                    (from.is_some() || to.is_some())
                        .then_some(CustomMatch::DateBetween { from, to })
                }
            };
            if let Some(matches) = matches {
                filter.custom.push(CustomCondition {
                    key: (*key).to_owned(),
                    matches,
                });
            }
        }
        for purpose in purposes {
            let name = consent_input(purpose);
            match get(&name).trim() {
                "" => {}
                s => match ConsentWanted::parse(s) {
                    Some(state) => filter.consents.push(ConsentCondition {
                        purpose: purpose.clone(),
                        state,
                    }),
                    None => errors.push(err(name, "segment-invalid-consent-state")),
                },
            }
        }
        let other = get("consent_other_purpose");
        if !other.trim().is_empty() {
            match (
                tag(&other),
                ConsentWanted::parse(get("consent_other_state").trim()),
            ) {
                (Err(_), _) => errors.push(err(
                    "consent_other_purpose",
                    "person-invalid-consent-purpose",
                )),
                (_, None) => {
                    errors.push(err("consent_other_state", "segment-invalid-consent-state"))
                }
                (Ok(purpose), Some(state)) => {
                    filter.consents.retain(|c| c.purpose != purpose);
                    filter.consents.push(ConsentCondition { purpose, state });
                }
            }
        }
        (filter.created_from, filter.created_to) =
            date_range(get, "created_from", "created_to", &mut errors);
        (filter.updated_from, filter.updated_to) =
            date_range(get, "updated_from", "updated_to", &mut errors);
        let kind = get("activity");
        if !kind.trim().is_empty() {
            let days = get("activity_days")
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=MAX_DAYS).contains(d));
            match (kind.trim(), days) {
                (_, None) => errors.push(err("activity_days", "segment-invalid-days")),
                ("within", Some(days)) => filter.activity = Some(Activity::Within { days }),
                ("none_since", Some(days)) => filter.activity = Some(Activity::NoneSince { days }),
                _ => errors.push(err("activity", "segment-invalid-activity")),
            }
        }
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }

    /// The form's inputs holding this filter, to show it for editing.
    pub fn to_form(&self, fields: &[(&str, FieldKind)]) -> Vec<(String, String)> {
        let mut out = vec![("tags".to_owned(), self.tags.join(", "))];
        for c in &self.custom {
            let Some((_, kind)) = fields.iter().find(|(k, _)| *k == c.key) else {
                continue;
            };
            let names = custom_inputs(&c.key, *kind);
            let text =
                |n: Option<f64>| n.map(super::custom_fields::number_text).unwrap_or_default();
            let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
            match &c.matches {
                CustomMatch::Contains { text } => out.push((names[0].clone(), text.clone())),
                CustomMatch::Is { value } => out.push((names[0].clone(), value.clone())),
                CustomMatch::Between { min, max } if names.len() == 2 => {
                    out.push((names[0].clone(), text(*min)));
                    out.push((names[1].clone(), text(*max)));
                }
                CustomMatch::DateBetween { from, to } if names.len() == 2 => {
                    out.push((names[0].clone(), date(*from)));
                    out.push((names[1].clone(), date(*to)));
                }
                _ => {}
            }
        }
        for c in &self.consents {
            out.push((consent_input(&c.purpose), c.state.as_str().to_owned()));
        }
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        out.push(("created_from".into(), date(self.created_from)));
        out.push(("created_to".into(), date(self.created_to)));
        out.push(("updated_from".into(), date(self.updated_from)));
        out.push(("updated_to".into(), date(self.updated_to)));
        if let Some(a) = self.activity {
            out.push(("activity".into(), a.as_str().to_owned()));
            out.push(("activity_days".into(), a.days().to_string()));
        }
        out
    }

    /// The consent purposes this filter names.
    pub fn purposes(&self) -> Vec<String> {
        self.consents.iter().map(|c| c.purpose.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn form(pairs: &[(&str, &str)]) -> impl Fn(&str) -> String {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name: &str| map.get(name).cloned().unwrap_or_default()
    }

    fn fields(choices: &[String]) -> Vec<(&'static str, Rule<'_>)> {
        vec![
            (
                "quartier",
                Rule {
                    kind: FieldKind::Choice,
                    choices,
                },
            ),
            (
                "age",
                Rule {
                    kind: FieldKind::Number,
                    choices: &[],
                },
            ),
            (
                "arrivee",
                Rule {
                    kind: FieldKind::Date,
                    choices: &[],
                },
            ),
            (
                "note",
                Rule {
                    kind: FieldKind::Text,
                    choices: &[],
                },
            ),
        ]
    }

    #[test]
    fn a_whole_form_round_trips() {
        let choices = vec!["Centre".to_owned(), "Gare".to_owned()];
        let fields = fields(&choices);
        let purposes = vec!["newsletter".to_owned()];
        let get = form(&[
            ("tags", "Élu, vip, vip"),
            ("cf-quartier", "Gare"),
            ("cf-age-min", "18"),
            ("cf-age-max", "64,5"),
            ("cf-arrivee-from", "2020-01-01"),
            ("cf-note", "  très   bien "),
            ("consent-newsletter", "given"),
            ("consent_other_purpose", "SMS rappels"),
            ("consent_other_state", "never"),
            ("created_from", "01/01/2025"),
            ("updated_to", "2026-12-31"),
            ("activity", "none_since"),
            ("activity_days", "90"),
        ]);
        let f = SegmentFilter::from_form(&get, &fields, &purposes).unwrap();
        assert_eq!(f.tags, ["elu", "vip"]);
        assert_eq!(
            f.custom,
            [
                CustomCondition {
                    key: "quartier".into(),
                    matches: CustomMatch::Is {
                        value: "Gare".into()
                    }
                },
                CustomCondition {
                    key: "age".into(),
                    matches: CustomMatch::Between {
                        min: Some(18.0),
                        max: Some(64.5)
                    }
                },
                CustomCondition {
                    key: "arrivee".into(),
                    matches: CustomMatch::DateBetween {
                        from: NaiveDate::from_ymd_opt(2020, 1, 1),
                        to: None
                    }
                },
                CustomCondition {
                    key: "note".into(),
                    matches: CustomMatch::Contains {
                        text: "très bien".into()
                    }
                },
            ]
        );
        assert_eq!(
            f.consents,
            [
                ConsentCondition {
                    purpose: "newsletter".into(),
                    state: ConsentWanted::Given
                },
                ConsentCondition {
                    purpose: "sms-rappels".into(),
                    state: ConsentWanted::Never
                },
            ]
        );
        assert_eq!(f.created_from, NaiveDate::from_ymd_opt(2025, 1, 1));
        assert_eq!(f.activity, Some(Activity::NoneSince { days: 90 }));
        // JSON and back.
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<SegmentFilter>(&json).unwrap(), f);
        // The form again: reading it gives the same filter (the free purpose is now known).
        let kinds: Vec<(&str, FieldKind)> = fields.iter().map(|(k, r)| (*k, r.kind)).collect();
        let pairs = f.to_form(&kinds);
        let map: HashMap<String, String> = pairs.into_iter().collect();
        let again = SegmentFilter::from_form(
            &|n: &str| map.get(n).cloned().unwrap_or_default(),
            &fields,
            &f.purposes(),
        )
        .unwrap();
        assert_eq!(again, f);
        // An empty form is every active person.
        assert_eq!(
            SegmentFilter::from_form(&form(&[]), &fields, &purposes).unwrap(),
            SegmentFilter::default()
        );
    }

    #[test]
    fn each_bad_input_is_named() {
        let choices = vec!["Centre".to_owned()];
        let fields = fields(&choices);
        let purposes = vec!["newsletter".to_owned()];
        let get = form(&[
            ("tags", "ok, %%"),
            ("cf-quartier", "Port"),
            ("cf-age-min", "dix"),
            ("cf-arrivee-from", "2026-02-01"),
            ("cf-arrivee-to", "2026-01-01"),
            ("consent-newsletter", "maybe"),
            ("consent_other_purpose", "x"),
            ("consent_other_state", ""),
            ("created_from", "32/01/2026"),
            ("activity", "within"),
            ("activity_days", "0"),
        ]);
        let errors = SegmentFilter::from_form(&get, &fields, &purposes).unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("tags", "person-invalid-tag"),
                ("cf-quartier", "custom-field-invalid-choice"),
                ("cf-age-min", "custom-field-invalid-number"),
                ("cf-arrivee-from", "segment-invalid-range"),
                ("consent-newsletter", "segment-invalid-consent-state"),
                ("consent_other_state", "segment-invalid-consent-state"),
                ("created_from", "segment-invalid-date"),
                ("activity_days", "segment-invalid-days"),
            ]
        );
        assert!(segment_name("  ").is_err());
        assert_eq!(
            segment_name(" Seniors   du centre ").unwrap(),
            "Seniors du centre"
        );
        // Unknown JSON keys are refused, not ignored.
        assert!(serde_json::from_str::<SegmentFilter>(r#"{"tagz": []}"#).is_err());
    }
}

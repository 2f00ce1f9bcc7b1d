//! Custom fields a tenant defines on persons (text, number, date, choice): the checks of a
//! definition and of the values typed in a form or sent to the API. Every refusal is a
//! message id (`custom-field-…`); a form names the input at fault, the API the key.

use super::fold;
use crate::{Locale, error::Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    Text,
    Number,
    Date,
    Choice,
}

impl FieldKind {
    pub const ALL: [FieldKind; 4] = [
        FieldKind::Text,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::Choice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Choice => "choice",
        }
    }

    /// The message id of a value of the wrong kind.
    pub fn invalid_code(self) -> &'static str {
        match self {
            Self::Text => "custom-field-invalid-text",
            Self::Number => "custom-field-invalid-number",
            Self::Date => "custom-field-invalid-date",
            Self::Choice => "custom-field-invalid-choice",
        }
    }
}

impl FromStr for FieldKind {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(Invalid::new("kind", "custom-field-invalid-kind"))
    }
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest key, label, choice and text value.
pub const MAX_KEY: usize = 40;
pub const MAX_LABEL: usize = 80;
pub const MAX_CHOICES: usize = 50;
pub const MAX_TEXT: usize = 500;

/// A field as an administrator defines it. The key names it in the API and in segments; it
/// never changes once the field exists, nor does its kind (stored values would no longer fit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDefinition {
    pub key: String,
    pub label_fr: String,
    pub label_en: String,
    pub kind: FieldKind,
    /// The values a choice field offers, in order; empty for other kinds.
    pub choices: Vec<String>,
    pub required: bool,
}

fn label(s: &str, field: &'static str) -> Result<String, Invalid> {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let n = s.chars().count();
    if n == 0 || n > MAX_LABEL || s.chars().any(char::is_control) {
        return Err(Invalid::new(field, "custom-field-invalid-label"));
    }
    Ok(s)
}

/// A key: a lowercase letter, then lowercase letters, digits or underscores, 40 at most.
/// Empty: made from the French label ("Quartier de résidence" → `quartier_de_residence`).
pub fn field_key(key: &str, label_fr: &str) -> Result<String, Invalid> {
    let key = match key.trim() {
        "" => fold(label_fr)
            .replace(' ', "_")
            .chars()
            .take(MAX_KEY)
            .collect::<String>()
            .trim_end_matches('_')
            .to_owned(),
        k => k.to_owned(),
    };
    let ok = key.chars().count() <= MAX_KEY
        && key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(key)
    } else {
        Err(Invalid::new("key", "custom-field-invalid-key"))
    }
}

/// The choices of a choice field as typed, one per line (empty lines ignored).
pub fn parse_choices(text: &str) -> Result<Vec<String>, Invalid> {
    let bad = || Invalid::new("choices", "custom-field-invalid-choices");
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let c = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if c.is_empty() {
            continue;
        }
        if c.chars().count() > MAX_LABEL || c.chars().any(char::is_control) || out.contains(&c) {
            return Err(bad());
        }
        out.push(c);
    }
    if out.is_empty() || out.len() > MAX_CHOICES {
        return Err(bad());
    }
    Ok(out)
}

impl FieldDefinition {
    /// Checks a definition as typed in the administration form, every problem reported.
    pub fn parse(
        key: &str,
        label_fr: &str,
        label_en: &str,
        kind: &str,
        choices: &str,
        required: bool,
    ) -> Result<Self, Vec<Invalid>> {
        let mut errors = Vec::new();
        let fr = label(label_fr, "label_fr").map_err(|e| errors.push(e)).ok();
        let en = label(label_en, "label_en").map_err(|e| errors.push(e)).ok();
        let key = field_key(key, fr.as_deref().unwrap_or(""))
            .map_err(|e| errors.push(e))
            .ok();
        let kind = kind
            .trim()
            .parse::<FieldKind>()
            .map_err(|e| errors.push(e))
            .ok();
        let choices = match kind {
            Some(FieldKind::Choice) => parse_choices(choices).map_err(|e| errors.push(e)).ok(),
            _ => Some(Vec::new()),
        };
        match (key, fr, en, kind, choices) {
            (Some(key), Some(label_fr), Some(label_en), Some(kind), Some(choices))
                if errors.is_empty() =>
            {
                Ok(Self {
                    key,
                    label_fr,
                    label_en,
                    kind,
                    choices,
                    required,
                })
            }
            _ => Err(errors),
        }
    }

    pub fn label(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.label_fr,
            Locale::En => &self.label_en,
        }
    }
}

/// A value of a custom field.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Choice(String),
}

impl FieldValue {
    pub fn kind(&self) -> FieldKind {
        match self {
            Self::Text(_) => FieldKind::Text,
            Self::Number(_) => FieldKind::Number,
            Self::Date(_) => FieldKind::Date,
            Self::Choice(_) => FieldKind::Choice,
        }
    }

    /// As a form input holds it: a date as `YYYY-MM-DD`, a number with a point.
    pub fn input(&self) -> String {
        match self {
            Self::Text(s) | Self::Choice(s) => s.clone(),
            Self::Number(n) => number_text(*n),
            Self::Date(d) => d.to_string(),
        }
    }

    /// As people read it: a date as `31/01/2026` in French, a number with a decimal comma.
    pub fn display(&self, locale: Locale) -> String {
        match (self, locale) {
            (Self::Number(n), Locale::Fr) => number_text(*n).replace('.', ","),
            (Self::Date(d), Locale::Fr) => d.format("%d/%m/%Y").to_string(),
            _ => self.input(),
        }
    }

    /// As the API sends it: a string, a number, or a date as `YYYY-MM-DD`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Text(s) | Self::Choice(s) => serde_json::Value::String(s.clone()),
            Self::Number(n) => serde_json::Number::from_f64(*n)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Self::Date(d) => serde_json::Value::String(d.to_string()),
        }
    }

    /// What the audit log keeps of it.
    pub fn audit_text(&self) -> String {
        self.input()
    }
}

/// A number without a useless fraction: `12`, `12.5`, `-0.25`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A number as French or English people type it: `1 234,5`, `1234.5`, `-3`. No exponent,
/// at most 15 digits.
pub fn parse_number(s: &str) -> Option<f64> {
    let s: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect::<String>()
        .replace(',', ".");
    let digits = s.strip_prefix(['-', '+']).unwrap_or(&s);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    if int.len() + frac.map_or(0, str::len) > 15 {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A date as typed: `YYYY-MM-DD` (date inputs) or `DD/MM/YYYY`, years 1000 to 9999.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1000..=9999).contains(&chrono::Datelike::year(d)))
}

/// What a field needs to check a value: its kind and, for a choice, the choices.
#[derive(Debug, Clone, Copy)]
pub struct Rule<'a> {
    pub kind: FieldKind,
    pub choices: &'a [String],
}

impl Rule<'_> {
    /// A value as typed in a form; empty is none. The error is a message id.
    pub fn parse(&self, raw: &str) -> Result<Option<FieldValue>, &'static str> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let bad = self.kind.invalid_code();
        match self.kind {
            FieldKind::Text => {
                let text = trimmed.replace("\r\n", "\n");
                if text.chars().count() > MAX_TEXT
                    || text.chars().any(|c| c.is_control() && c != '\n')
                {
                    return Err(bad);
                }
                Ok(Some(FieldValue::Text(text)))
            }
            FieldKind::Number => parse_number(trimmed)
                .map(|n| Some(FieldValue::Number(n)))
                .ok_or(bad),
            FieldKind::Date => parse_date(trimmed)
                .map(|d| Some(FieldValue::Date(d)))
                .ok_or(bad),
            FieldKind::Choice => self
                .choices
                .iter()
                .find(|c| c.as_str() == trimmed)
                .map(|c| Some(FieldValue::Choice(c.clone())))
                .ok_or(bad),
        }
    }

    /// A value sent as JSON: `null` is none; a number field takes a JSON number (or a
    /// string holding one), the others a string. Anything else is of the wrong kind.
    pub fn from_json(&self, v: &serde_json::Value) -> Result<Option<FieldValue>, &'static str> {
        match v {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::Number(n) if self.kind == FieldKind::Number => n
                .as_f64()
                .filter(|n| n.is_finite())
                .map(|n| Some(FieldValue::Number(n)))
                .ok_or(self.kind.invalid_code()),
            serde_json::Value::String(s) => self.parse(s),
            _ => Err(self.kind.invalid_code()),
        }
    }
}

/// A refusal of one value: the key of the field and the message id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    pub key: String,
    pub code: &'static str,
}

/// Checks values given by key against the tenant's active fields (`(key, rule, required)`).
/// A key no active field has is `custom-field-unknown`; an empty required field is
/// `custom-field-value-required` — only for the keys given unless `complete` (a form that shows
/// every field, or a creation, where a missing required field is an error too).
pub fn check_values<'a>(
    fields: &[(&'a str, Rule<'a>, bool)],
    given: Vec<(String, Result<Option<FieldValue>, &'static str>)>,
    complete: bool,
) -> Result<Vec<(String, Option<FieldValue>)>, Vec<ValueError>> {
    let mut errors = Vec::new();
    let mut out: Vec<(String, Option<FieldValue>)> = Vec::new();
    for (key, parsed) in given {
        let Some((_, _, required)) = fields.iter().find(|(k, _, _)| *k == key) else {
            errors.push(ValueError {
                key,
                code: "custom-field-unknown",
            });
            continue;
        };
        match parsed {
            Err(code) => errors.push(ValueError { key, code }),
            Ok(None) if *required => errors.push(ValueError {
                key,
                code: "custom-field-value-required",
            }),
            Ok(v) => {
                out.retain(|(k, _)| *k != key);
                out.push((key, v));
            }
        }
    }
    if complete {
        for (key, _, required) in fields {
            let seen = out.iter().any(|(k, _)| k == key) || errors.iter().any(|e| e.key == *key);
            if *required && !seen {
                errors.push(ValueError {
                    key: (*key).to_owned(),
                    code: "custom-field-value-required",
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Every message id of this module.
pub const CODES: &[&str] = &[
    "custom-field-invalid-kind",
    "custom-field-invalid-label",
    "custom-field-invalid-key",
    "custom-field-invalid-choices",
    "custom-field-invalid-text",
    "custom-field-invalid-number",
    "custom-field-invalid-date",
    "custom-field-invalid-choice",
    "custom-field-unknown",
    "custom-field-value-required",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn definitions() {
        let d = FieldDefinition::parse(
            "",
            " Quartier  de résidence ",
            "Neighbourhood",
            "choice",
            "Centre\n\n Gare \nPort",
            true,
        )
        .unwrap();
        assert_eq!(d.key, "quartier_de_residence");
        assert_eq!(d.label_fr, "Quartier de résidence");
        assert_eq!(d.choices, ["Centre", "Gare", "Port"]);
        assert_eq!(d.label(Locale::En), "Neighbourhood");
        // Choices are for choice fields only.
        let d = FieldDefinition::parse("age", "Âge", "Age", "number", "x", false).unwrap();
        assert!(d.choices.is_empty());
        let codes = |r: Result<FieldDefinition, Vec<Invalid>>| {
            r.unwrap_err()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(FieldDefinition::parse("1abc", "", " ", "colour", "", false)),
            [
                ("label_fr", "custom-field-invalid-label"),
                ("label_en", "custom-field-invalid-label"),
                ("key", "custom-field-invalid-key"),
                ("kind", "custom-field-invalid-kind"),
            ]
        );
        assert_eq!(
            codes(FieldDefinition::parse(
                "k", "K", "K", "choice", "a\na", false
            )),
            [("choices", "custom-field-invalid-choices")]
        );
        assert_eq!(
            codes(FieldDefinition::parse(
                "k", "K", "K", "choice", " \n", false
            )),
            [("choices", "custom-field-invalid-choices")]
        );
        assert_eq!(
            codes(FieldDefinition::parse(
                "Bad-Key", "K", "K", "text", "", false
            )),
            [("key", "custom-field-invalid-key")]
        );
        // A label that folds to nothing gives no key: the administrator must type one.
        assert_eq!(
            codes(FieldDefinition::parse("", "%%", "K", "text", "", false)),
            [("key", "custom-field-invalid-key")]
        );
    }

    #[test]
    fn values_of_each_kind() {
        let choices = vec!["Centre".to_owned(), "Gare".to_owned()];
        let text = Rule {
            kind: FieldKind::Text,
            choices: &[],
        };
        let number = Rule {
            kind: FieldKind::Number,
            choices: &[],
        };
        let date = Rule {
            kind: FieldKind::Date,
            choices: &[],
        };
        let choice = Rule {
            kind: FieldKind::Choice,
            choices: &choices,
        };
        assert_eq!(text.parse("  "), Ok(None));
        assert_eq!(
            text.parse(" deux\r\nlignes "),
            Ok(Some(FieldValue::Text("deux\nlignes".into())))
        );
        assert_eq!(
            text.parse(&"x".repeat(501)),
            Err("custom-field-invalid-text")
        );
        assert_eq!(
            number.parse("1 234,5"),
            Ok(Some(FieldValue::Number(1234.5)))
        );
        assert_eq!(number.parse("-3"), Ok(Some(FieldValue::Number(-3.0))));
        for bad in ["douze", "1e3", "1,2,3", "12.", ".5", "--1", "NaN", "inf"] {
            assert_eq!(
                number.parse(bad),
                Err("custom-field-invalid-number"),
                "{bad}"
            );
        }
        assert_eq!(
            date.parse("31/01/2026"),
            Ok(Some(FieldValue::Date(
                NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()
            )))
        );
        assert_eq!(date.parse("2026-02-30"), Err("custom-field-invalid-date"));
        assert_eq!(
            choice.parse(" Gare "),
            Ok(Some(FieldValue::Choice("Gare".into())))
        );
        assert_eq!(choice.parse("gare"), Err("custom-field-invalid-choice"));
        // JSON: the kind must match.
        assert_eq!(
            number.from_json(&serde_json::json!(12)),
            Ok(Some(FieldValue::Number(12.0)))
        );
        assert_eq!(
            number.from_json(&serde_json::json!("12,5")),
            Ok(Some(FieldValue::Number(12.5)))
        );
        assert_eq!(
            date.from_json(&serde_json::json!(20260131)),
            Err("custom-field-invalid-date")
        );
        assert_eq!(
            text.from_json(&serde_json::json!(["a"])),
            Err("custom-field-invalid-text")
        );
        assert_eq!(text.from_json(&serde_json::Value::Null), Ok(None));
        // Display.
        assert_eq!(FieldValue::Number(1234.5).display(Locale::Fr), "1234,5");
        assert_eq!(FieldValue::Number(12.0).display(Locale::En), "12");
        assert_eq!(
            FieldValue::Date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap()).display(Locale::Fr),
            "31/01/2026"
        );
        assert_eq!(FieldValue::Number(2.5).to_json(), serde_json::json!(2.5));
    }

    #[test]
    fn checking_a_set_of_values() {
        let fields = [
            (
                "age",
                Rule {
                    kind: FieldKind::Number,
                    choices: &[],
                },
                true,
            ),
            (
                "note",
                Rule {
                    kind: FieldKind::Text,
                    choices: &[],
                },
                false,
            ),
        ];
        let number = fields[0].1;
        let text = fields[1].1;
        // A form: every field is there.
        let ok = check_values(
            &fields,
            vec![
                ("age".into(), number.parse("42")),
                ("note".into(), text.parse("")),
            ],
            true,
        )
        .unwrap();
        assert_eq!(
            ok,
            [
                ("age".to_owned(), Some(FieldValue::Number(42.0))),
                ("note".to_owned(), None)
            ]
        );
        let errors = check_values(
            &fields,
            vec![
                ("age".into(), number.parse("")),
                ("colour".into(), Ok(None)),
            ],
            true,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                ValueError {
                    key: "age".into(),
                    code: "custom-field-value-required"
                },
                ValueError {
                    key: "colour".into(),
                    code: "custom-field-unknown"
                },
            ]
        );
        // An update of one field leaves the required one alone; a creation does not.
        assert!(check_values(&fields, vec![("note".into(), text.parse("x"))], false).is_ok());
        assert_eq!(
            check_values(&fields, vec![("note".into(), text.parse("x"))], true)
                .unwrap_err()
                .len(),
            1
        );
    }

    proptest! {
        #[test]
        fn numbers_round_trip_through_their_text(n in -1.0e9f64..1.0e9) {
            let n = (n * 100.0).round() / 100.0;
            let shown = FieldValue::Number(n).display(Locale::Fr);
            prop_assert_eq!(parse_number(&shown), Some(n));
            let input = FieldValue::Number(n).input();
            prop_assert_eq!(parse_number(&input), Some(n));
        }

        #[test]
        fn keys_made_from_labels_are_valid_or_refused(label in "\\PC{0,60}") {
            if let Ok(key) = field_key("", &label) {
                prop_assert!(field_key(&key, "").is_ok());
                prop_assert!(key.len() <= MAX_KEY);
            }
        }
    }
}

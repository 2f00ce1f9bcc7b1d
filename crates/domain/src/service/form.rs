//! The form of a service: pages of fields, conditions that show a field or a page from earlier
//! answers, validation of the definition itself (with the JSON path of every error) and the
//! server-side check of the answers a client sent, whatever it sent.
//!
//! The JSON shape is documented in `docs/SERVICE-DEFINITION.md`.

use super::{DefinitionError, Text};
use crate::{Email, Locale};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Answers as a client sends them or as they are stored: field id → JSON value.
pub type Answers = Map<String, Value>;

/// Length limit of a short text without an explicit `max_length`.
pub const DEFAULT_SHORT_TEXT_MAX: u32 = 255;
/// Length limit of a long text without an explicit `max_length`.
pub const DEFAULT_LONG_TEXT_MAX: u32 = 10_000;
/// The largest `max_length` a definition may ask for.
pub const MAX_TEXT_LENGTH: u32 = 100_000;
/// Item limit of a repeatable group without an explicit `max_items`.
pub const DEFAULT_MAX_ITEMS: u32 = 100;
/// Length limit of each part of a postal address and of a file reference.
const MAX_PART_LENGTH: usize = 200;
/// The longest identifier (field, page) a definition may use.
pub const MAX_ID_LENGTH: usize = 64;

/// Every code [`Form::validate_answers`] can return in an [`AnswerError`]; each is a message id
/// of the French and English catalogues.
pub const ANSWER_CODES: &[&str] = &[
    "answer-required",
    "answer-unknown-field",
    "answer-invalid-type",
    "answer-invalid-text",
    "answer-too-long",
    "answer-not-a-number",
    "answer-not-an-integer",
    "answer-out-of-range",
    "answer-invalid-date",
    "answer-invalid-email",
    "answer-invalid-phone",
    "answer-invalid-address",
    "answer-invalid-postcode",
    "answer-invalid-country",
    "answer-invalid-choice",
    "answer-too-few-choices",
    "answer-too-many-choices",
    "answer-invalid-file",
    "answer-too-many-files",
    "answer-too-few-items",
    "answer-too-many-items",
];

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/// A form: one or more pages, shown in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    pub pages: Vec<Page>,
}

/// A page of a form, shown only when its condition (if any) holds on the answers of earlier
/// pages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
}

/// A field of a page (or of a repeatable group). The kind's own keys sit beside the common
/// ones in JSON: `{"id": "name", "label": {...}, "kind": "short_text", "max_length": 80}`.
/// Unknown keys are refused by the kind (so a typo such as `"requird"` is reported).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub id: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
    #[serde(flatten)]
    pub kind: FieldKind,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Writes an integral bound as an integer (`0`, not `0.0`), so exports read as written.
fn tidy_number<S: serde::Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => number_value(*x).serialize(s),
        None => s.serialize_none(),
    }
}

/// What a field is filled from in the person's profile when the form opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    GivenName,
    FamilyName,
    Email,
    Phone,
    Address,
    BirthDate,
}

impl Prefill {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GivenName => "given_name",
            Self::FamilyName => "family_name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Address => "address",
            Self::BirthDate => "birth_date",
        }
    }

    /// Whether a field of this kind can hold the profile value.
    fn fits(self, kind: &FieldKind) -> bool {
        match self {
            Self::GivenName | Self::FamilyName => matches!(kind, FieldKind::ShortText { .. }),
            Self::Email => matches!(kind, FieldKind::Email {}),
            Self::Phone => matches!(kind, FieldKind::Phone {}),
            Self::Address => matches!(kind, FieldKind::PostalAddress {}),
            Self::BirthDate => matches!(kind, FieldKind::Date { .. }),
        }
    }
}

/// The kind of a field and its own settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    /// One line of text.
    ShortText {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// Several lines of text.
    LongText {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    /// A number, optionally an integer, within optional bounds (inclusive).
    Number {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "tidy_number"
        )]
        min: Option<f64>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            serialize_with = "tidy_number"
        )]
        max: Option<f64>,
        #[serde(default, skip_serializing_if = "is_false")]
        integer: bool,
    },
    /// A calendar date within optional bounds (inclusive), absolute or relative to today.
    Date {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<DateBound>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<DateBound>,
    },
    /// An e-mail address (stored lowercased).
    Email {},
    /// A phone number, French or international (stored in E.164, `+33` by default).
    Phone {},
    /// A postal address: street, complement, postcode, city, country (ISO 3166 alpha-2).
    PostalAddress {},
    /// One option among several.
    SingleChoice { options: Vec<ChoiceOption> },
    /// Several options among several, with optional bounds on how many.
    MultipleChoice {
        options: Vec<ChoiceOption>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_selections: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_selections: Option<u32>,
    },
    /// Yes or no (a boolean).
    YesNo {},
    /// Documents uploaded beforehand: the answer is a list of document references.
    File {
        /// Allowed MIME types, `type/subtype` or `type/*`.
        accept: Vec<String>,
        max_size_bytes: u64,
        max_count: u32,
    },
    /// A block of sub-fields the person can repeat (children, vehicles…).
    Group {
        fields: Vec<Field>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_items: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_items: Option<u32>,
    },
    /// Explanatory text shown between fields; it holds no value.
    Explanation { text: Text },
}

impl FieldKind {
    /// The kind's name as it is written in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ShortText { .. } => "short_text",
            Self::LongText { .. } => "long_text",
            Self::Number { .. } => "number",
            Self::Date { .. } => "date",
            Self::Email {} => "email",
            Self::Phone {} => "phone",
            Self::PostalAddress {} => "postal_address",
            Self::SingleChoice { .. } => "single_choice",
            Self::MultipleChoice { .. } => "multiple_choice",
            Self::YesNo {} => "yes_no",
            Self::File { .. } => "file",
            Self::Group { .. } => "group",
            Self::Explanation { .. } => "explanation",
        }
    }

    /// Whether a field of this kind holds an answer (explanatory text does not).
    pub fn has_value(&self) -> bool {
        !matches!(self, Self::Explanation { .. })
    }

    fn options(&self) -> Option<&[ChoiceOption]> {
        match self {
            Self::SingleChoice { options } | Self::MultipleChoice { options, .. } => Some(options),
            _ => None,
        }
    }
}

/// A bound of a date field: `{"date": "2000-01-01"}` or `{"days_from_today": -36500}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateBound {
    Date(NaiveDate),
    DaysFromToday(i32),
}

impl DateBound {
    /// The bound as a date, `today` being the day of the check. `None` when out of the
    /// calendar's range.
    pub fn resolve(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::Date(d) => Some(d),
            Self::DaysFromToday(n) if n >= 0 => today.checked_add_days(Days::new(n as u64)),
            Self::DaysFromToday(n) => today.checked_sub_days(Days::new(n.unsigned_abs() as u64)),
        }
    }
}

/// An option of a choice: a stable value (what is stored) and its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: Text,
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

/// A condition on earlier answers. In JSON, one operator per object:
/// `{"field": "x", "equals": v}`, `{"field": "x", "not_equals": v}`,
/// `{"field": "x", "in": [v, …]}`, `{"field": "x", "is_answered": true}`,
/// `{"field": "x", "greater_than": v}`, `{"field": "x", "less_than": v}`,
/// `{"all": [c, …]}`, `{"any": [c, …]}`, `{"not": c}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCondition", into = "RawCondition")]
pub enum Condition {
    /// The answer equals the value; for a multiple choice, the value is among the selections.
    Equals {
        field: String,
        value: Value,
    },
    /// The negation of `Equals` (true too when the field is not answered).
    NotEquals {
        field: String,
        value: Value,
    },
    /// The answer equals one of the values (for a multiple choice: any selection does).
    In {
        field: String,
        values: Vec<Value>,
    },
    /// The field is answered (`answered: true`) or not (`false`).
    IsAnswered {
        field: String,
        answered: bool,
    },
    /// The answer (number or date) is strictly greater than the value.
    GreaterThan {
        field: String,
        value: Value,
    },
    /// The answer (number or date) is strictly less than the value.
    LessThan {
        field: String,
        value: Value,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// The JSON shape of a condition: every operator is an optional key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    equals: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_equals: Option<Value>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    in_: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_answered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    greater_than: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    less_than: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not: Option<Box<Condition>>,
}

const OPERATORS: &str =
    "equals, not_equals, in, is_answered, greater_than, less_than, all, any, not";

impl TryFrom<RawCondition> for Condition {
    type Error = String;

    fn try_from(raw: RawCondition) -> Result<Self, String> {
        let RawCondition {
            field,
            equals,
            not_equals,
            in_,
            is_answered,
            greater_than,
            less_than,
            all,
            any,
            not,
        } = raw;
        let count = [
            equals.is_some(),
            not_equals.is_some(),
            in_.is_some(),
            is_answered.is_some(),
            greater_than.is_some(),
            less_than.is_some(),
            all.is_some(),
            any.is_some(),
            not.is_some(),
        ]
        .into_iter()
        .filter(|b| *b)
        .count();
        if count != 1 {
            return Err(format!(
                "a condition needs exactly one operator among {OPERATORS}"
            ));
        }
        let combinator = all.is_some() || any.is_some() || not.is_some();
        match (field, combinator) {
            (Some(_), true) => Err("\"field\" does not go with all, any or not".into()),
            (None, false) => Err("this condition needs a \"field\"".into()),
            (None, true) => Ok(if let Some(c) = all {
                Self::All(c)
            } else if let Some(c) = any {
                Self::Any(c)
            } else {
                Self::Not(not.expect("counted"))
            }),
            (Some(field), false) => Ok(if let Some(value) = equals {
                Self::Equals { field, value }
            } else if let Some(value) = not_equals {
                Self::NotEquals { field, value }
            } else if let Some(values) = in_ {
                Self::In { field, values }
            } else if let Some(answered) = is_answered {
                Self::IsAnswered { field, answered }
            } else if let Some(value) = greater_than {
                Self::GreaterThan { field, value }
            } else {
                Self::LessThan {
                    field,
                    value: less_than.expect("counted"),
                }
            }),
        }
    }
}

impl From<Condition> for RawCondition {
    fn from(c: Condition) -> Self {
        let leaf = |field: String| RawCondition {
            field: Some(field),
            ..Default::default()
        };
        match c {
            Condition::Equals { field, value } => RawCondition {
                equals: Some(value),
                ..leaf(field)
            },
            Condition::NotEquals { field, value } => RawCondition {
                not_equals: Some(value),
                ..leaf(field)
            },
            Condition::In { field, values } => RawCondition {
                in_: Some(values),
                ..leaf(field)
            },
            Condition::IsAnswered { field, answered } => RawCondition {
                is_answered: Some(answered),
                ..leaf(field)
            },
            Condition::GreaterThan { field, value } => RawCondition {
                greater_than: Some(value),
                ..leaf(field)
            },
            Condition::LessThan { field, value } => RawCondition {
                less_than: Some(value),
                ..leaf(field)
            },
            Condition::All(c) => RawCondition {
                all: Some(c),
                ..Default::default()
            },
            Condition::Any(c) => RawCondition {
                any: Some(c),
                ..Default::default()
            },
            Condition::Not(c) => RawCondition {
                not: Some(c),
                ..Default::default()
            },
        }
    }
}

impl Condition {
    /// Whether the condition holds on these answers. A field that is absent, `null`, an empty
    /// string, list or object is "not answered": comparisons on it are false (and
    /// `not_equals` true).
    pub fn eval(&self, answers: &Answers) -> bool {
        let get = |field: &str| answers.get(field).filter(|v| is_answered(v));
        match self {
            Self::Equals { field, value } => get(field).is_some_and(|a| matches_value(a, value)),
            Self::NotEquals { field, value } => {
                !get(field).is_some_and(|a| matches_value(a, value))
            }
            Self::In { field, values } => {
                get(field).is_some_and(|a| values.iter().any(|v| matches_value(a, v)))
            }
            Self::IsAnswered { field, answered } => get(field).is_some() == *answered,
            Self::GreaterThan { field, value } => {
                get(field).and_then(|a| compare(a, value)) == Some(Ordering::Greater)
            }
            Self::LessThan { field, value } => {
                get(field).and_then(|a| compare(a, value)) == Some(Ordering::Less)
            }
            Self::All(cs) => cs.iter().all(|c| c.eval(answers)),
            Self::Any(cs) => cs.iter().any(|c| c.eval(answers)),
            Self::Not(c) => !c.eval(answers),
        }
    }

    /// Every field id the condition reads, in order of appearance (with repeats).
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    /// Makes every test on field `old` test field `new` instead.
    pub fn rename_field(&mut self, old: &str, new: &str) {
        match self {
            Self::Equals { field, .. }
            | Self::NotEquals { field, .. }
            | Self::In { field, .. }
            | Self::IsAnswered { field, .. }
            | Self::GreaterThan { field, .. }
            | Self::LessThan { field, .. } => {
                if field == old {
                    *field = new.to_owned();
                }
            }
            Self::All(cs) | Self::Any(cs) => cs.iter_mut().for_each(|c| c.rename_field(old, new)),
            Self::Not(c) => c.rename_field(old, new),
        }
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Self::Equals { field, .. }
            | Self::NotEquals { field, .. }
            | Self::In { field, .. }
            | Self::IsAnswered { field, .. }
            | Self::GreaterThan { field, .. }
            | Self::LessThan { field, .. } => out.push(field),
            Self::All(cs) | Self::Any(cs) => cs.iter().for_each(|c| c.collect_fields(out)),
            Self::Not(c) => c.collect_fields(out),
        }
    }
}

/// Whether a value counts as an answer: not null, not blank, not an empty list or object.
pub fn is_answered(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_number(s),
        _ => None,
    }
}

fn as_date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(parse_date)
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), _) | (_, Value::Number(_)) => {
            matches!((as_number(a), as_number(b)), (Some(x), Some(y)) if x == y)
        }
        (Value::String(x), Value::String(y)) => x.trim() == y.trim(),
        _ => a == b,
    }
}

fn matches_value(answer: &Value, value: &Value) -> bool {
    match answer {
        Value::Array(items) if !value.is_array() => items.iter().any(|i| loose_eq(i, value)),
        _ => loose_eq(answer, value),
    }
}

fn compare(answer: &Value, value: &Value) -> Option<Ordering> {
    if let (Some(a), Some(b)) = (as_number(answer), as_number(value)) {
        return a.partial_cmp(&b);
    }
    Some(as_date(answer)?.cmp(&as_date(value)?))
}

// ---------------------------------------------------------------------------------------------
// Parsing helpers (shared by answer validation and condition evaluation)
// ---------------------------------------------------------------------------------------------

/// A number as typed: `12`, `-3.5`, `3,5` (French decimal comma). Finite only.
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | ','))
    {
        return None;
    }
    s.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

/// A date as `YYYY-MM-DD` or `DD/MM/YYYY`.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// French overseas prefixes whose national numbers (`0262…`) are not under `+33`.
const OVERSEAS: &[(&str, &str)] = &[
    ("0262", "262"),
    ("0263", "262"),
    ("0269", "262"),
    ("0639", "262"),
    ("0692", "262"),
    ("0693", "262"),
    ("0590", "590"),
    ("0690", "590"),
    ("0691", "590"),
    ("0594", "594"),
    ("0694", "594"),
    ("0596", "596"),
    ("0696", "596"),
    ("0697", "596"),
];

/// A phone number in E.164 (`+33612345678`), from French national numbers (`06 12 34 56 78`,
/// overseas departments included), international ones (`+44 20 7946 0958`, `0044…`) and the
/// `+33 (0)6…` habit. Spaces, dots, dashes, slashes and parentheses are ignored. Idempotent.
pub fn normalise_phone(input: &str) -> Option<String> {
    let mut s: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/' | '\u{a0}'))
        .collect();
    // "+33 (0)6 12…": the bracketed trunk zero is dropped.
    if let Some(rest) = s.strip_prefix("+33(0)") {
        s = format!("+33{rest}");
    }
    let s: String = s.chars().filter(|c| !matches!(c, '(' | ')')).collect();
    let international = if let Some(rest) = s.strip_prefix('+') {
        rest.to_owned()
    } else if let Some(rest) = s.strip_prefix("00") {
        rest.to_owned()
    } else if s.len() == 10 && s.starts_with('0') && s.chars().all(|c| c.is_ascii_digit()) {
        if s.as_bytes()[1] == b'0' {
            return None;
        }
        let cc = OVERSEAS
            .iter()
            .find(|(p, _)| s.starts_with(p))
            .map_or("33", |(_, cc)| cc);
        return Some(format!("+{cc}{}", &s[1..]));
    } else {
        return None;
    };
    if !international.chars().all(|c| c.is_ascii_digit()) || international.starts_with('0') {
        return None;
    }
    if let Some(national) = international.strip_prefix("33") {
        // "+33 0 6…" (a trunk zero kept after the country code) is a common typo.
        let national = match national.strip_prefix('0') {
            Some(n) if n.len() == 9 => n,
            _ => national,
        };
        return (national.len() == 9 && !national.starts_with('0'))
            .then(|| format!("+33{national}"));
    }
    (8..=15)
        .contains(&international.len())
        .then(|| format!("+{international}"))
}

/// A postcode for a country: five digits in France (and its overseas departments, Monaco),
/// otherwise letters, digits, spaces and dashes, 2 to 12 characters. Uppercased.
fn normalise_postcode(postcode: &str, country: &str) -> Option<String> {
    let p = postcode.trim().to_uppercase();
    if matches!(
        country,
        "FR" | "MC" | "GP" | "MQ" | "GF" | "RE" | "YT" | "PM" | "BL" | "MF"
    ) {
        (p.len() == 5 && p.chars().all(|c| c.is_ascii_digit()) && !p.starts_with("00")).then_some(p)
    } else {
        ((2..=12).contains(&p.len())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-'))
        .then_some(p)
    }
}

// ---------------------------------------------------------------------------------------------
// Answer validation
// ---------------------------------------------------------------------------------------------

/// A problem with one answer. `field` is a path (`email`, `children[2].birth_date`,
/// `address.postcode`); `code` is one of [`ANSWER_CODES`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnswerError {
    pub field: String,
    pub code: &'static str,
}

impl AnswerError {
    fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self {
            field: field.into(),
            code,
        }
    }
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.code)
    }
}

/// Answers checked against a form: only the visible fields with a value, each normalised
/// (trimmed text, lowercased e-mail, E.164 phone, ISO dates, choices in the form's order).
/// Validating them again gives them back unchanged.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct CleanAnswers(Answers);

impl CleanAnswers {
    /// Answers stored after [`Form::validate_answers`] passed (a case's answers), taken as
    /// clean for [`Form::summary`]. Never for input from outside: validate that instead.
    pub fn from_stored(answers: Answers) -> Self {
        CleanAnswers(answers)
    }

    pub fn get(&self, id: &str) -> Option<&Value> {
        self.0.get(id)
    }
    pub fn as_map(&self) -> &Answers {
        &self.0
    }
    pub fn into_map(self) -> Answers {
        self.0
    }
}

impl Form {
    /// Every top-level field of every page, in order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.pages.iter().flat_map(|p| p.fields.iter())
    }

    /// The top-level field with this id.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields().find(|f| f.id == id)
    }

    /// The pages shown for these answers, in order. A page's condition, like a field's, sees
    /// only the answers of fields that are themselves shown.
    pub fn visible_pages(&self, answers: &Answers) -> Vec<&Page> {
        let mut seen = Answers::new();
        let mut pages = Vec::new();
        for page in &self.pages {
            if !page.show_if.as_ref().is_none_or(|c| c.eval(&seen)) {
                continue;
            }
            pages.push(page);
            for field in &page.fields {
                if field.show_if.as_ref().is_none_or(|c| c.eval(&seen))
                    && let Some(v) = answers.get(&field.id)
                {
                    seen.insert(field.id.clone(), v.clone());
                }
            }
        }
        pages
    }

    /// The ids of the top-level fields shown for these answers (pages and fields whose
    /// conditions hold), seen as [`Form::visible_pages`] sees them: what a page on the portal
    /// renders, the server evaluating the conditions between pages.
    pub fn visible_fields(&self, answers: &Answers) -> HashSet<String> {
        let mut seen = Answers::new();
        let mut shown = HashSet::new();
        for page in &self.pages {
            if !page.show_if.as_ref().is_none_or(|c| c.eval(&seen)) {
                continue;
            }
            for field in &page.fields {
                if field.show_if.as_ref().is_none_or(|c| c.eval(&seen)) {
                    shown.insert(field.id.clone());
                    if let Some(v) = answers.get(&field.id) {
                        seen.insert(field.id.clone(), v.clone());
                    }
                }
            }
        }
        shown
    }

    /// The server-side check of answers, whatever the client sent: unknown keys are refused,
    /// answers to hidden fields (condition false, or on a hidden page) are dropped, required
    /// fields that are shown must be answered, and each value must fit its field. Conditions
    /// are evaluated on the clean answers of the fields before them. `today` resolves the
    /// relative date bounds.
    pub fn validate_answers(
        &self,
        answers: &Answers,
        today: NaiveDate,
    ) -> Result<CleanAnswers, Vec<AnswerError>> {
        let mut errors = Vec::new();
        let known: HashSet<&str> = self.fields().map(|f| f.id.as_str()).collect();
        for key in answers.keys() {
            if !known.contains(key.as_str()) {
                errors.push(AnswerError::new(key.clone(), "answer-unknown-field"));
            }
        }
        let mut clean = Answers::new();
        for page in &self.pages {
            if !page.show_if.as_ref().is_none_or(|c| c.eval(&clean)) {
                continue;
            }
            for field in &page.fields {
                if !field.show_if.as_ref().is_none_or(|c| c.eval(&clean)) {
                    continue;
                }
                let checker = Checker {
                    today,
                    context: &clean,
                };
                if let Some(v) =
                    checker.field(field, answers.get(&field.id), &field.id, &mut errors)
                {
                    clean.insert(field.id.clone(), v);
                }
            }
        }
        if errors.is_empty() {
            Ok(CleanAnswers(clean))
        } else {
            Err(errors)
        }
    }

    /// One answer checked on its own against the top-level field `id`, as
    /// [`Form::validate_answers`] would check it but ignoring conditions and `required` (a
    /// draft is incomplete): its clean value, or `None` when the field does not exist, holds no
    /// answer, the value is empty or it does not fit. `context` is what the conditions of a
    /// group's sub-fields see.
    pub fn check_answer(
        &self,
        id: &str,
        value: &Value,
        context: &Answers,
        today: NaiveDate,
    ) -> Option<Value> {
        let field = self.field(id)?;
        let mut errors = Vec::new();
        let checker = Checker { today, context };
        let clean = checker.field(field, Some(value), id, &mut errors);
        if errors.is_empty() { clean } else { None }
    }

    /// What the summary page before submission shows: each answered field's label and its
    /// answer as text in `locale`, in the form's order. A repeatable group gives a line with
    /// its number of items, then one line per answered sub-field labelled `Group 1 — Field`.
    pub fn summary(&self, clean: &CleanAnswers, locale: Locale) -> Vec<(Text, String)> {
        let mut out = Vec::new();
        for field in self.fields() {
            if let Some(v) = clean.get(&field.id) {
                summarise(field, v, locale, &mut out);
            }
        }
        out
    }
}

struct Checker<'a> {
    today: NaiveDate,
    /// Answers the conditions of the fields being checked can see.
    context: &'a Answers,
}

impl Checker<'_> {
    /// Checks one field's raw value; returns its clean value when answered and valid.
    fn field(
        &self,
        field: &Field,
        raw: Option<&Value>,
        path: &str,
        errors: &mut Vec<AnswerError>,
    ) -> Option<Value> {
        if !field.kind.has_value() {
            return None;
        }
        let Some(raw) = raw.filter(|v| is_answered(v)) else {
            if field.required {
                errors.push(AnswerError::new(path, "answer-required"));
            }
            return None;
        };
        let before = errors.len();
        let err = |errors: &mut Vec<AnswerError>, code| {
            errors.push(AnswerError::new(path, code));
            None
        };
        let value = match &field.kind {
            FieldKind::ShortText { max_length } => {
                let max = max_length.unwrap_or(DEFAULT_SHORT_TEXT_MAX);
                match text_value(raw, false, max) {
                    Ok(s) => Some(Value::String(s)),
                    Err(code) => err(errors, code),
                }
            }
            FieldKind::LongText { max_length } => {
                let max = max_length.unwrap_or(DEFAULT_LONG_TEXT_MAX);
                match text_value(raw, true, max) {
                    Ok(s) => Some(Value::String(s)),
                    Err(code) => err(errors, code),
                }
            }
            FieldKind::Number { min, max, integer } => {
                let Some(x) = (match raw {
                    Value::Number(_) | Value::String(_) => as_number(raw),
                    _ => None,
                }) else {
                    return err(errors, "answer-not-a-number");
                };
                if *integer && x.fract() != 0.0 {
                    return err(errors, "answer-not-an-integer");
                }
                if min.is_some_and(|m| x < m) || max.is_some_and(|m| x > m) {
                    return err(errors, "answer-out-of-range");
                }
                Some(number_value(x))
            }
            FieldKind::Date { min, max } => {
                let Some(d) = raw.as_str().and_then(parse_date) else {
                    return err(errors, "answer-invalid-date");
                };
                let below = min
                    .and_then(|b| b.resolve(self.today))
                    .is_some_and(|m| d < m);
                let above = max
                    .and_then(|b| b.resolve(self.today))
                    .is_some_and(|m| d > m);
                if below || above {
                    return err(errors, "answer-out-of-range");
                }
                Some(Value::String(d.format("%Y-%m-%d").to_string()))
            }
            FieldKind::Email {} => match raw.as_str().map(Email::parse) {
                Some(Ok(e)) => Some(Value::String(e.into())),
                _ => err(errors, "answer-invalid-email"),
            },
            FieldKind::Phone {} => match raw.as_str().and_then(normalise_phone) {
                Some(p) => Some(Value::String(p)),
                None => err(errors, "answer-invalid-phone"),
            },
            FieldKind::PostalAddress {} => address_value(raw, path, errors),
            FieldKind::SingleChoice { options } => {
                let chosen = scalar_string(raw);
                match chosen.and_then(|c| options.iter().find(|o| o.value == c)) {
                    Some(o) => Some(Value::String(o.value.clone())),
                    None => err(errors, "answer-invalid-choice"),
                }
            }
            FieldKind::MultipleChoice {
                options,
                min_selections,
                max_selections,
            } => {
                let items: Vec<&Value> = match raw {
                    Value::Array(a) => a.iter().collect(),
                    single => vec![single],
                };
                let mut chosen = HashSet::new();
                for item in items {
                    match scalar_string(item).filter(|c| options.iter().any(|o| &o.value == c)) {
                        Some(c) => {
                            chosen.insert(c);
                        }
                        None => return err(errors, "answer-invalid-choice"),
                    }
                }
                let n = chosen.len() as u32;
                if min_selections.is_some_and(|m| n < m) {
                    return err(errors, "answer-too-few-choices");
                }
                if max_selections.is_some_and(|m| n > m) {
                    return err(errors, "answer-too-many-choices");
                }
                Some(Value::Array(
                    options
                        .iter()
                        .filter(|o| chosen.contains(&o.value))
                        .map(|o| Value::String(o.value.clone()))
                        .collect(),
                ))
            }
            FieldKind::YesNo {} => match raw {
                Value::Bool(b) => Some(Value::Bool(*b)),
                Value::String(s) => match s.trim().to_lowercase().as_str() {
                    "true" | "yes" | "oui" | "on" | "1" => Some(Value::Bool(true)),
                    "false" | "no" | "non" | "off" | "0" => Some(Value::Bool(false)),
                    _ => err(errors, "answer-invalid-type"),
                },
                _ => err(errors, "answer-invalid-type"),
            },
            FieldKind::File { max_count, .. } => {
                let items: Vec<&Value> = match raw {
                    Value::Array(a) => a.iter().collect(),
                    single => vec![single],
                };
                let mut refs: Vec<Value> = Vec::new();
                for item in items {
                    match item.as_str().map(str::trim) {
                        Some(r)
                            if !r.is_empty()
                                && r.len() <= MAX_PART_LENGTH
                                && !r.chars().any(char::is_control) =>
                        {
                            let r = Value::String(r.to_owned());
                            if !refs.contains(&r) {
                                refs.push(r);
                            }
                        }
                        _ => return err(errors, "answer-invalid-file"),
                    }
                }
                if refs.len() > *max_count as usize {
                    return err(errors, "answer-too-many-files");
                }
                Some(Value::Array(refs))
            }
            FieldKind::Group {
                fields,
                min_items,
                max_items,
            } => {
                let Value::Array(items) = raw else {
                    return err(errors, "answer-invalid-type");
                };
                let n = items.len() as u32;
                if n > max_items.unwrap_or(DEFAULT_MAX_ITEMS) {
                    return err(errors, "answer-too-many-items");
                }
                if min_items.is_some_and(|m| n < m) {
                    errors.push(AnswerError::new(path, "answer-too-few-items"));
                }
                let mut clean_items = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    let Value::Object(item) = item else {
                        errors.push(AnswerError::new(item_path, "answer-invalid-type"));
                        continue;
                    };
                    clean_items.push(Value::Object(self.item(fields, item, &item_path, errors)));
                }
                Some(Value::Array(clean_items))
            }
            FieldKind::Explanation { .. } => None,
        };
        if errors.len() > before { None } else { value }
    }

    /// One item of a repeatable group: its sub-fields' conditions see the item's earlier
    /// answers and the form's answers before the group.
    fn item(
        &self,
        fields: &[Field],
        item: &Answers,
        path: &str,
        errors: &mut Vec<AnswerError>,
    ) -> Answers {
        for key in item.keys() {
            if !fields.iter().any(|f| &f.id == key) {
                errors.push(AnswerError::new(
                    format!("{path}.{key}"),
                    "answer-unknown-field",
                ));
            }
        }
        // A sub-field shadows a form field of the same id, answered or not.
        let mut context = self.context.clone();
        for field in fields {
            context.remove(&field.id);
        }
        let mut clean = Answers::new();
        for field in fields {
            if !field.show_if.as_ref().is_none_or(|c| c.eval(&context)) {
                continue;
            }
            let checker = Checker {
                today: self.today,
                context: &context,
            };
            let sub_path = format!("{path}.{}", field.id);
            if let Some(v) = checker.field(field, item.get(&field.id), &sub_path, errors) {
                context.insert(field.id.clone(), v.clone());
                clean.insert(field.id.clone(), v);
            }
        }
        clean
    }
}

/// A choice sent as a string (or a number, for numeric option values).
fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A number as stored: integral values as integers (`3`, not `3.0`).
fn number_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

fn text_value(raw: &Value, multiline: bool, max: u32) -> Result<String, &'static str> {
    let s = match raw {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return Err("answer-invalid-type"),
    };
    let s = if multiline {
        s.replace("\r\n", "\n")
    } else {
        s
    };
    let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\t'));
    if !s.chars().all(allowed) {
        return Err("answer-invalid-text");
    }
    if s.chars().count() > max as usize {
        return Err("answer-too-long");
    }
    Ok(s)
}

const ADDRESS_KEYS: [&str; 5] = ["street", "complement", "postcode", "city", "country"];

fn address_value(raw: &Value, path: &str, errors: &mut Vec<AnswerError>) -> Option<Value> {
    let Value::Object(obj) = raw else {
        errors.push(AnswerError::new(path, "answer-invalid-address"));
        return None;
    };
    let before = errors.len();
    for key in obj.keys() {
        if !ADDRESS_KEYS.contains(&key.as_str()) {
            errors.push(AnswerError::new(
                format!("{path}.{key}"),
                "answer-unknown-field",
            ));
        }
    }
    let mut part = |key: &str, required: bool| -> Option<String> {
        let sub = format!("{path}.{key}");
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(_) => {
                errors.push(AnswerError::new(sub.clone(), "answer-invalid-address"));
                return None;
            }
        }
        .filter(|s| !s.is_empty())
        .inspect(|s| {
            if s.chars().count() > MAX_PART_LENGTH {
                errors.push(AnswerError::new(sub.clone(), "answer-too-long"));
            } else if s.chars().any(char::is_control) {
                errors.push(AnswerError::new(sub.clone(), "answer-invalid-address"));
            }
        })
        .or_else(|| {
            if required && errors.len() == before {
                errors.push(AnswerError::new(sub.clone(), "answer-required"));
            }
            None
        })
    };
    let street = part("street", true);
    let complement = part("complement", false);
    let postcode = part("postcode", true);
    let city = part("city", true);
    let country = part("country", false)
        .unwrap_or_else(|| "FR".to_owned())
        .to_uppercase();
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        errors.push(AnswerError::new(
            format!("{path}.country"),
            "answer-invalid-country",
        ));
    }
    let postcode = postcode.and_then(|p| {
        let n = normalise_postcode(&p, &country);
        if n.is_none() && errors.len() == before {
            errors.push(AnswerError::new(
                format!("{path}.postcode"),
                "answer-invalid-postcode",
            ));
        }
        n
    });
    if errors.len() > before {
        return None;
    }
    let mut out = Map::new();
    out.insert("street".into(), Value::String(street?));
    if let Some(c) = complement {
        out.insert("complement".into(), Value::String(c));
    }
    out.insert("postcode".into(), Value::String(postcode?));
    out.insert("city".into(), Value::String(city?));
    out.insert("country".into(), Value::String(country));
    Some(Value::Object(out))
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

fn summarise(field: &Field, v: &Value, locale: Locale, out: &mut Vec<(Text, String)>) {
    let fr = locale == Locale::Fr;
    let display = match (&field.kind, v) {
        (FieldKind::Group { fields, .. }, Value::Array(items)) => {
            let n = items.len();
            let count = match (fr, n) {
                (true, 0 | 1) => format!("{n} élément"),
                (true, _) => format!("{n} éléments"),
                (false, 1) => "1 item".to_owned(),
                (false, _) => format!("{n} items"),
            };
            out.push((field.label.clone(), count));
            for (i, item) in items.iter().enumerate() {
                for sub in fields {
                    if let Some(sv) = item.get(&sub.id) {
                        let mut lines = Vec::new();
                        summarise(sub, sv, locale, &mut lines);
                        for (label, value) in lines {
                            let label = Text {
                                fr: format!("{} {} — {}", field.label.fr, i + 1, label.fr),
                                en: if field.label.en.is_empty() && label.en.is_empty() {
                                    String::new()
                                } else {
                                    format!(
                                        "{} {} — {}",
                                        field.label.get(Locale::En),
                                        i + 1,
                                        label.get(Locale::En)
                                    )
                                },
                            };
                            out.push((label, value));
                        }
                    }
                }
            }
            return;
        }
        (FieldKind::YesNo {}, Value::Bool(b)) => match (fr, b) {
            (true, true) => "Oui",
            (true, false) => "Non",
            (false, true) => "Yes",
            (false, false) => "No",
        }
        .to_owned(),
        (FieldKind::Date { .. }, Value::String(s)) => match parse_date(s) {
            Some(d) if fr => d.format("%d/%m/%Y").to_string(),
            Some(d) => d.format("%-d %B %Y").to_string(),
            None => s.clone(),
        },
        (FieldKind::Number { .. }, Value::Number(n)) => {
            let s = n.to_string();
            if fr { s.replace('.', ",") } else { s }
        }
        (FieldKind::SingleChoice { .. } | FieldKind::MultipleChoice { .. }, _) => {
            let options = field.kind.options().unwrap_or_default();
            let label = |value: &Value| {
                options
                    .iter()
                    .find(|o| Some(o.value.as_str()) == value.as_str())
                    .map_or_else(|| value.to_string(), |o| o.label.get(locale).to_owned())
            };
            match v {
                Value::Array(a) => a.iter().map(label).collect::<Vec<_>>().join(", "),
                single => label(single),
            }
        }
        (FieldKind::PostalAddress {}, Value::Object(o)) => {
            let get = |k: &str| o.get(k).and_then(Value::as_str).unwrap_or_default();
            let mut parts = vec![get("street").to_owned()];
            if !get("complement").is_empty() {
                parts.push(get("complement").to_owned());
            }
            parts.push(format!("{} {}", get("postcode"), get("city")));
            if get("country") != "FR" {
                parts.push(get("country").to_owned());
            }
            parts.join(", ")
        }
        (FieldKind::File { .. }, Value::Array(a)) => match (fr, a.len()) {
            (true, 0 | 1) => format!("{} fichier", a.len()),
            (true, n) => format!("{n} fichiers"),
            (false, 1) => "1 file".to_owned(),
            (false, n) => format!("{n} files"),
        },
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    };
    out.push((field.label.clone(), display));
}

// ---------------------------------------------------------------------------------------------
// Definition validation
// ---------------------------------------------------------------------------------------------

/// Whether `id` is a snake_case identifier: a lowercase letter, then lowercase letters, digits
/// and single underscores, at most [`MAX_ID_LENGTH`] characters, not ending with `_`.
pub fn is_identifier(id: &str) -> bool {
    id.len() <= MAX_ID_LENGTH
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !id.ends_with('_')
        && !id.contains("__")
}

/// Where a top-level field sits, for the ordering rule of conditions.
struct Located<'a> {
    field: &'a Field,
    page: usize,
    /// Position among all top-level fields of the form.
    order: usize,
    path: String,
}

/// What a condition may read from where it stands.
enum Scope<'a> {
    /// A page's condition: fields of earlier pages.
    Page { page: usize },
    /// A top-level field's condition: fields before it.
    Field { order: usize },
    /// A sub-field's condition: earlier sub-fields of its group, and top-level fields before
    /// the group.
    SubField {
        group_order: usize,
        group: &'a Field,
        siblings: &'a [Field],
        index: usize,
    },
}

impl Form {
    /// Checks the definition; every error carries the JSON path under `path` (normally
    /// `"form"`). An empty list means the form is valid.
    pub fn validate(&self, path: &str) -> Vec<DefinitionError> {
        let mut errors = Vec::new();
        if self.pages.is_empty() {
            errors.push(DefinitionError::new(
                format!("{path}.pages"),
                "a form needs at least one page",
            ));
        }
        // Ids first, so conditions can refer to any field.
        let mut fields: HashMap<&str, Located> = HashMap::new();
        let mut page_ids: HashMap<&str, usize> = HashMap::new();
        let mut order = 0;
        for (p, page) in self.pages.iter().enumerate() {
            let page_path = format!("{path}.pages[{p}]");
            check_id(&page.id, &format!("{page_path}.id"), "page", &mut errors);
            if let Some(first) = page_ids.insert(&page.id, p) {
                page_ids.insert(&page.id, first);
                errors.push(DefinitionError::new(
                    format!("{page_path}.id"),
                    format!(
                        "duplicate page id \"{}\" (also {path}.pages[{first}])",
                        page.id
                    ),
                ));
            }
            check_text(&page.title, &format!("{page_path}.title"), &mut errors);
            if page.fields.is_empty() {
                errors.push(DefinitionError::new(
                    format!("{page_path}.fields"),
                    "a page needs at least one field",
                ));
            }
            for (i, field) in page.fields.iter().enumerate() {
                let field_path = format!("{page_path}.fields[{i}]");
                check_id(&field.id, &format!("{field_path}.id"), "field", &mut errors);
                if let Some(first) = fields.get(field.id.as_str()) {
                    errors.push(DefinitionError::new(
                        format!("{field_path}.id"),
                        format!("duplicate field id \"{}\" (also {})", field.id, first.path),
                    ));
                } else {
                    fields.insert(
                        &field.id,
                        Located {
                            field,
                            page: p,
                            order,
                            path: field_path,
                        },
                    );
                }
                order += 1;
            }
        }
        let v = Validator { fields: &fields };
        let mut order = 0;
        for (p, page) in self.pages.iter().enumerate() {
            let page_path = format!("{path}.pages[{p}]");
            if let Some(c) = &page.show_if {
                v.condition(
                    c,
                    &format!("{page_path}.show_if"),
                    &Scope::Page { page: p },
                    &mut errors,
                );
            }
            for (i, field) in page.fields.iter().enumerate() {
                let field_path = format!("{page_path}.fields[{i}]");
                v.field(field, &field_path, &Scope::Field { order }, &mut errors);
                order += 1;
            }
        }
        check_cycles(self, path, &mut errors);
        errors
    }
}

fn check_id(id: &str, path: &str, what: &str, errors: &mut Vec<DefinitionError>) {
    if !is_identifier(id) {
        errors.push(DefinitionError::new(
            path,
            format!(
                "{what} id \"{id}\" is not a snake_case identifier (a-z, 0-9 and _, starting \
                 with a letter, at most {MAX_ID_LENGTH} characters)"
            ),
        ));
    }
}

fn check_text(text: &Text, path: &str, errors: &mut Vec<DefinitionError>) {
    if text.fr.trim().is_empty() {
        errors.push(DefinitionError::new(
            format!("{path}.fr"),
            "the French text is required",
        ));
    }
}

fn is_mime_pattern(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match s.split_once('/') {
        Some((ty, "*")) => token(ty) && ty == ty.to_lowercase(),
        Some((ty, sub)) => token(ty) && token(sub) && s == s.to_lowercase(),
        None => false,
    }
}

struct Validator<'a> {
    fields: &'a HashMap<&'a str, Located<'a>>,
}

impl Validator<'_> {
    fn field(&self, field: &Field, path: &str, scope: &Scope, errors: &mut Vec<DefinitionError>) {
        let err = |errors: &mut Vec<DefinitionError>, key: &str, reason: String| {
            let p = if key.is_empty() {
                path.to_owned()
            } else {
                format!("{path}.{key}")
            };
            errors.push(DefinitionError::new(p, reason));
        };
        check_text(&field.label, &format!("{path}.label"), errors);
        if let Some(help) = &field.help {
            check_text(help, &format!("{path}.help"), errors);
        }
        if let Some(c) = &field.show_if {
            self.condition(c, &format!("{path}.show_if"), scope, errors);
        }
        if let Some(prefill) = field.prefill {
            if matches!(scope, Scope::SubField { .. }) {
                err(
                    errors,
                    "prefill",
                    "a field of a repeatable group cannot be prefilled".into(),
                );
            } else if !prefill.fits(&field.kind) {
                err(
                    errors,
                    "prefill",
                    format!(
                        "prefill \"{}\" does not fit a {} field",
                        prefill.as_str(),
                        field.kind.name()
                    ),
                );
            }
        }
        match &field.kind {
            FieldKind::ShortText { max_length } | FieldKind::LongText { max_length } => {
                match max_length {
                    Some(0) => err(errors, "max_length", "max_length must be at least 1".into()),
                    Some(n) if *n > MAX_TEXT_LENGTH => err(
                        errors,
                        "max_length",
                        format!("max_length must be at most {MAX_TEXT_LENGTH}"),
                    ),
                    _ => {}
                }
            }
            FieldKind::Number { min, max, integer } => {
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    err(
                        errors,
                        "min",
                        format!("min ({a}) is greater than max ({b})"),
                    );
                }
                if *integer
                    && let (Some(a), Some(b)) = (min, max)
                    && a.ceil() > b.floor()
                {
                    err(
                        errors,
                        "max",
                        format!("no integer lies between {a} and {b}"),
                    );
                }
            }
            FieldKind::Date { min, max } => {
                let inverted = match (min, max) {
                    (Some(DateBound::Date(a)), Some(DateBound::Date(b))) => a > b,
                    (Some(DateBound::DaysFromToday(a)), Some(DateBound::DaysFromToday(b))) => a > b,
                    _ => false,
                };
                if inverted {
                    err(errors, "min", "min is after max".into());
                }
            }
            FieldKind::Email {}
            | FieldKind::Phone {}
            | FieldKind::PostalAddress {}
            | FieldKind::YesNo {} => {}
            FieldKind::SingleChoice { options } => self.options(options, path, errors),
            FieldKind::MultipleChoice {
                options,
                min_selections,
                max_selections,
            } => {
                self.options(options, path, errors);
                if let (Some(a), Some(b)) = (min_selections, max_selections)
                    && a > b
                {
                    err(
                        errors,
                        "min_selections",
                        format!("min_selections ({a}) is greater than max_selections ({b})"),
                    );
                }
                if let Some(b) = max_selections
                    && *b == 0
                {
                    err(
                        errors,
                        "max_selections",
                        "max_selections must be at least 1".into(),
                    );
                }
                if let Some(a) = min_selections
                    && *a as usize > options.len()
                    && !options.is_empty()
                {
                    err(
                        errors,
                        "min_selections",
                        format!("min_selections ({a}) exceeds the {} options", options.len()),
                    );
                }
            }
            FieldKind::File {
                accept,
                max_size_bytes,
                max_count,
            } => {
                if accept.is_empty() {
                    err(
                        errors,
                        "accept",
                        "list at least one allowed MIME type".into(),
                    );
                }
                for (i, mime) in accept.iter().enumerate() {
                    if !is_mime_pattern(mime) {
                        err(
                            errors,
                            &format!("accept[{i}]"),
                            format!(
                                "\"{mime}\" is not a MIME type (type/subtype or type/*, lowercase)"
                            ),
                        );
                    }
                }
                if *max_size_bytes == 0 {
                    err(
                        errors,
                        "max_size_bytes",
                        "max_size_bytes must be at least 1".into(),
                    );
                }
                if *max_count == 0 {
                    err(errors, "max_count", "max_count must be at least 1".into());
                }
            }
            FieldKind::Group {
                fields,
                min_items,
                max_items,
            } => {
                if let Scope::SubField { .. } = scope {
                    err(
                        errors,
                        "kind",
                        "a repeatable group cannot contain another group".into(),
                    );
                    return;
                }
                if let (Some(a), Some(b)) = (min_items, max_items)
                    && a > b
                {
                    err(
                        errors,
                        "min_items",
                        format!("min_items ({a}) is greater than max_items ({b})"),
                    );
                }
                if *max_items == Some(0) {
                    err(errors, "max_items", "max_items must be at least 1".into());
                }
                if fields.is_empty() {
                    err(
                        errors,
                        "fields",
                        "a repeatable group needs at least one field".into(),
                    );
                }
                let Scope::Field { order } = scope else {
                    return;
                };
                let mut seen: HashMap<&str, usize> = HashMap::new();
                for (j, sub) in fields.iter().enumerate() {
                    let sub_path = format!("{path}.fields[{j}]");
                    check_id(&sub.id, &format!("{sub_path}.id"), "field", errors);
                    if let Some(first) = seen.get(sub.id.as_str()) {
                        errors.push(DefinitionError::new(
                            format!("{sub_path}.id"),
                            format!(
                                "duplicate field id \"{}\" in this group (also {path}.fields[{first}])",
                                sub.id
                            ),
                        ));
                    } else {
                        seen.insert(&sub.id, j);
                    }
                    let sub_scope = Scope::SubField {
                        group_order: *order,
                        group: field,
                        siblings: fields,
                        index: j,
                    };
                    self.field(sub, &sub_path, &sub_scope, errors);
                }
            }
            FieldKind::Explanation { text } => {
                check_text(text, &format!("{path}.text"), errors);
                if field.required {
                    err(
                        errors,
                        "required",
                        "explanatory text holds no answer: it cannot be required".into(),
                    );
                }
            }
        }
    }

    fn options(&self, options: &[ChoiceOption], path: &str, errors: &mut Vec<DefinitionError>) {
        if options.is_empty() {
            errors.push(DefinitionError::new(
                format!("{path}.options"),
                "a choice needs at least one option",
            ));
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, o) in options.iter().enumerate() {
            let opath = format!("{path}.options[{i}]");
            if o.value.trim().is_empty() || o.value.trim() != o.value || o.value.len() > 100 {
                errors.push(DefinitionError::new(
                    format!("{opath}.value"),
                    "an option value must be 1 to 100 characters, without surrounding spaces",
                ));
            }
            if let Some(first) = seen.insert(&o.value, i) {
                seen.insert(&o.value, first);
                errors.push(DefinitionError::new(
                    format!("{opath}.value"),
                    format!(
                        "duplicate option value \"{}\" (also {path}.options[{first}])",
                        o.value
                    ),
                ));
            }
            check_text(&o.label, &format!("{opath}.label"), errors);
        }
    }

    /// Finds the field a condition reads, or says why it may not read it from here.
    fn resolve<'f>(&'f self, id: &str, scope: &Scope<'f>) -> Result<&'f Field, String> {
        if let Scope::SubField {
            siblings,
            index,
            group,
            ..
        } = scope
        {
            if let Some(j) = siblings.iter().position(|f| f.id == id) {
                return match j.cmp(index) {
                    Ordering::Less => Ok(&siblings[j]),
                    Ordering::Equal => Err(format!("field \"{id}\" refers to itself")),
                    Ordering::Greater => Err(format!(
                        "field \"{id}\" comes later in the group \"{}\": a condition may only use earlier fields",
                        group.id
                    )),
                };
            }
            if id == group.id {
                return Err(format!("field \"{id}\" is the group this field belongs to"));
            }
        }
        let Some(target) = self.fields.get(id) else {
            let in_group = self.fields.values().find(|l| match &l.field.kind {
                FieldKind::Group { fields, .. } => fields.iter().any(|f| f.id == id),
                _ => false,
            });
            return Err(match in_group {
                Some(g) => format!(
                    "field \"{id}\" belongs to the repeatable group \"{}\": only its own fields can use it",
                    g.field.id
                ),
                None => format!("unknown field \"{id}\""),
            });
        };
        let later = || {
            format!(
                "field \"{id}\" ({}) is not answered yet at this point: a condition may only use fields of earlier pages or earlier fields of the same page",
                target.path
            )
        };
        match scope {
            Scope::Page { page } if target.page >= *page => Err(format!(
                "field \"{id}\" ({}) is not answered yet at this point: a page's condition may only use fields of earlier pages",
                target.path
            )),
            Scope::Field { order } if target.order == *order => {
                Err(format!("field \"{id}\" refers to itself"))
            }
            Scope::Field { order }
            | Scope::SubField {
                group_order: order, ..
            } if target.order > *order => Err(later()),
            _ => Ok(target.field),
        }
    }

    fn condition(
        &self,
        c: &Condition,
        path: &str,
        scope: &Scope,
        errors: &mut Vec<DefinitionError>,
    ) {
        let (field, op, values): (&str, &str, Vec<&Value>) = match c {
            Condition::All(cs) | Condition::Any(cs) => {
                let op = if matches!(c, Condition::All(_)) {
                    "all"
                } else {
                    "any"
                };
                if cs.is_empty() {
                    errors.push(DefinitionError::new(
                        format!("{path}.{op}"),
                        format!("\"{op}\" needs at least one condition"),
                    ));
                }
                for (i, sub) in cs.iter().enumerate() {
                    self.condition(sub, &format!("{path}.{op}[{i}]"), scope, errors);
                }
                return;
            }
            Condition::Not(sub) => {
                self.condition(sub, &format!("{path}.not"), scope, errors);
                return;
            }
            Condition::IsAnswered { field, .. } => (field, "is_answered", vec![]),
            Condition::Equals { field, value } => (field, "equals", vec![value]),
            Condition::NotEquals { field, value } => (field, "not_equals", vec![value]),
            Condition::In { field, values } => {
                if values.is_empty() {
                    errors.push(DefinitionError::new(
                        format!("{path}.in"),
                        "\"in\" needs at least one value",
                    ));
                }
                (field, "in", values.iter().collect())
            }
            Condition::GreaterThan { field, value } => (field, "greater_than", vec![value]),
            Condition::LessThan { field, value } => (field, "less_than", vec![value]),
        };
        let target = match self.resolve(field, scope) {
            Ok(t) => t,
            Err(reason) => {
                errors.push(DefinitionError::new(path, reason));
                return;
            }
        };
        let kind = &target.kind;
        if !kind.has_value() {
            errors.push(DefinitionError::new(
                path,
                format!("field \"{field}\" is explanatory text and holds no answer"),
            ));
            return;
        }
        if op == "is_answered" {
            return;
        }
        let ordered = op == "greater_than" || op == "less_than";
        let comparable = match kind {
            FieldKind::ShortText { .. }
            | FieldKind::LongText { .. }
            | FieldKind::Email {}
            | FieldKind::Phone {}
            | FieldKind::SingleChoice { .. }
            | FieldKind::MultipleChoice { .. }
            | FieldKind::YesNo {} => !ordered,
            FieldKind::Number { .. } | FieldKind::Date { .. } => true,
            _ => false,
        };
        if !comparable {
            errors.push(DefinitionError::new(
                format!("{path}.{op}"),
                format!(
                    "\"{op}\" does not apply to the {} field \"{field}\"",
                    kind.name()
                ),
            ));
            return;
        }
        for (i, value) in values.into_iter().enumerate() {
            let vpath = if op == "in" {
                format!("{path}.in[{i}]")
            } else {
                format!("{path}.{op}")
            };
            let wrong = |expected: &str| {
                DefinitionError::new(
                    vpath.clone(),
                    format!(
                        "field \"{field}\" is a {} field: expected {expected}, got {value}",
                        kind.name()
                    ),
                )
            };
            match kind {
                FieldKind::Number { .. } if !value.is_number() => errors.push(wrong("a number")),
                FieldKind::Date { .. } if value.as_str().and_then(parse_date).is_none() => {
                    errors.push(wrong("a date \"YYYY-MM-DD\""))
                }
                FieldKind::YesNo {} if !value.is_boolean() => errors.push(wrong("true or false")),
                FieldKind::ShortText { .. }
                | FieldKind::LongText { .. }
                | FieldKind::Email {}
                | FieldKind::Phone {}
                    if !value.is_string() =>
                {
                    errors.push(wrong("a string"))
                }
                FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. }
                    if !value
                        .as_str()
                        .is_some_and(|s| options.iter().any(|o| o.value == s)) =>
                {
                    errors.push(DefinitionError::new(
                        vpath.clone(),
                        format!("{value} is not an option of field \"{field}\""),
                    ));
                }
                _ => {}
            }
        }
    }
}

/// Reports every cycle of conditions: a field whose visibility (through its own condition,
/// its page's or, for a group, its sub-fields') depends on itself.
fn check_cycles(form: &Form, path: &str, errors: &mut Vec<DefinitionError>) {
    // Node per top-level field; edges to the top-level fields its visibility reads.
    let mut nodes: Vec<(&str, String, Vec<&str>)> = Vec::new();
    for (p, page) in form.pages.iter().enumerate() {
        let page_refs: Vec<&str> = page.show_if.iter().flat_map(|c| c.fields()).collect();
        for (i, field) in page.fields.iter().enumerate() {
            let mut refs = page_refs.clone();
            refs.extend(field.show_if.iter().flat_map(|c| c.fields()));
            if let FieldKind::Group { fields, .. } = &field.kind {
                for sub in fields {
                    refs.extend(
                        sub.show_if
                            .iter()
                            .flat_map(|c| c.fields())
                            .filter(|r| !fields.iter().any(|s| s.id == *r)),
                    );
                }
                // Cycles among the sub-fields themselves.
                let sub_nodes: Vec<(&str, String, Vec<&str>)> = fields
                    .iter()
                    .enumerate()
                    .map(|(j, s)| {
                        (
                            s.id.as_str(),
                            format!("{path}.pages[{p}].fields[{i}].fields[{j}].show_if"),
                            s.show_if.iter().flat_map(|c| c.fields()).collect(),
                        )
                    })
                    .collect();
                report_cycles(&sub_nodes, errors);
            }
            let field_path = if field.show_if.is_some() {
                format!("{path}.pages[{p}].fields[{i}].show_if")
            } else {
                format!("{path}.pages[{p}].show_if")
            };
            nodes.push((&field.id, field_path, refs));
        }
    }
    report_cycles(&nodes, errors);
}

fn report_cycles(nodes: &[(&str, String, Vec<&str>)], errors: &mut Vec<DefinitionError>) {
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .rev()
        .map(|(i, n)| (n.0, i))
        .collect();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; nodes.len()];
    let mut reported: HashSet<Vec<usize>> = HashSet::new();
    for start in 0..nodes.len() {
        if state[start] != 0 {
            continue;
        }
        // Iterative DFS: (node, next edge to follow).
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        state[start] = 1;
        while let Some(&mut (node, ref mut edge)) = stack.last_mut() {
            let refs = &nodes[node].2;
            if *edge >= refs.len() {
                state[node] = 2;
                stack.pop();
                continue;
            }
            let next = refs[*edge];
            *edge += 1;
            let Some(&n) = index.get(next) else { continue };
            match state[n] {
                0 => {
                    state[n] = 1;
                    stack.push((n, 0));
                }
                1 => {
                    let from = stack
                        .iter()
                        .position(|(s, _)| *s == n)
                        .expect("on the stack");
                    let cycle: Vec<usize> = stack[from..].iter().map(|(s, _)| *s).collect();
                    let mut key = cycle.clone();
                    key.sort_unstable();
                    if reported.insert(key) {
                        let names: Vec<&str> = cycle
                            .iter()
                            .chain(std::iter::once(&n))
                            .map(|i| nodes[*i].0)
                            .collect();
                        errors.push(DefinitionError::new(
                            nodes[node].1.clone(),
                            format!("cycle of conditions: {}", names.join(" → ")),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;

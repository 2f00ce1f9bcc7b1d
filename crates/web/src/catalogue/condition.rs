//! The condition editor shared by fields, pages and sub-fields: a list of simple tests
//! (equals, does not equal, is one of, is answered, is not answered, greater than, less than)
//! on earlier fields, combined with "all of" or "any of". Works without JavaScript: the form
//! shows the tests in use and empty rows for more. A condition it cannot show (a negation,
//! nested combinations) is kept as imported unless replaced.

use super::builder::condition_value;
use crate::admin::{Errors, Fields, value};
use chrono::NaiveDate;
use relais_domain::service::form::{Condition, FieldKind};
use serde_json::Value;

/// Most tests in one condition.
pub const MAX_ROWS: usize = 6;
const FIELD: [&str; MAX_ROWS] = [
    "cond_field",
    "cond_field_1",
    "cond_field_2",
    "cond_field_3",
    "cond_field_4",
    "cond_field_5",
];
const OP: [&str; MAX_ROWS] = [
    "cond_op",
    "cond_op_1",
    "cond_op_2",
    "cond_op_3",
    "cond_op_4",
    "cond_op_5",
];
const VALUE: [&str; MAX_ROWS] = [
    "cond_value",
    "cond_value_1",
    "cond_value_2",
    "cond_value_3",
    "cond_value_4",
    "cond_value_5",
];

/// Operators of a test, in the order of the select.
pub const OPS: [&str; 7] = [
    "equals",
    "not_equals",
    "in",
    "is_answered",
    "is_not_answered",
    "greater_than",
    "less_than",
];

/// The select's value for "keep the condition as imported".
pub const KEEP: &str = "__keep";

/// One test as typed.
pub struct CondRow {
    /// 1-based, for labels.
    pub n: usize,
    pub field_name: &'static str,
    pub op_name: &'static str,
    pub value_name: &'static str,
    pub field: String,
    pub op: String,
    pub value: String,
}

/// The editor's inputs.
pub struct ConditionForm {
    /// `all` or `any`.
    pub combine: String,
    pub rows: Vec<CondRow>,
    /// The current condition cannot be shown as rows: offer to keep it.
    pub keep: bool,
    pub keep_json: String,
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// (field, op, value) of a simple test.
fn simple(c: &Condition) -> Option<(String, &'static str, String)> {
    Some(match c {
        Condition::Equals { field, value } => (field.clone(), "equals", value_text(value)),
        Condition::NotEquals { field, value } => (field.clone(), "not_equals", value_text(value)),
        Condition::In { field, values } => (
            field.clone(),
            "in",
            values
                .iter()
                .map(value_text)
                .collect::<Vec<_>>()
                .join(" | "),
        ),
        Condition::IsAnswered {
            field,
            answered: true,
        } => (field.clone(), "is_answered", String::new()),
        Condition::IsAnswered {
            field,
            answered: false,
        } => (field.clone(), "is_not_answered", String::new()),
        Condition::GreaterThan { field, value } => {
            (field.clone(), "greater_than", value_text(value))
        }
        Condition::LessThan { field, value } => (field.clone(), "less_than", value_text(value)),
        Condition::All(_) | Condition::Any(_) | Condition::Not(_) => return None,
    })
}

fn rows(typed: Vec<(String, String, String)>) -> Vec<CondRow> {
    // The tests in use and room for more: at least two rows, one empty.
    let shown = (typed.len() + 1).clamp(2, MAX_ROWS);
    (0..shown)
        .map(|i| {
            let (field, op, value) = typed.get(i).cloned().unwrap_or_default();
            CondRow {
                n: i + 1,
                field_name: FIELD[i],
                op_name: OP[i],
                value_name: VALUE[i],
                field,
                op,
                value,
            }
        })
        .collect()
}

impl ConditionForm {
    /// The editor for a saved condition.
    pub fn of(c: Option<&Condition>) -> Self {
        let keep_json = c
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .unwrap_or_default();
        let (combine, list): (&str, Option<Vec<_>>) = match c {
            None => ("all", Some(vec![])),
            Some(Condition::All(cs)) => ("all", cs.iter().map(simple).collect()),
            Some(Condition::Any(cs)) => ("any", cs.iter().map(simple).collect()),
            Some(c) => ("all", simple(c).map(|s| vec![s])),
        };
        match list {
            Some(list) if list.len() < MAX_ROWS => Self {
                combine: combine.into(),
                rows: rows(
                    list.into_iter()
                        .map(|(f, o, v)| (f, o.to_owned(), v))
                        .collect(),
                ),
                keep: false,
                keep_json,
            },
            _ => {
                let mut r = rows(vec![]);
                r[0].field = KEEP.into();
                Self {
                    combine: "all".into(),
                    rows: r,
                    keep: true,
                    keep_json,
                }
            }
        }
    }

    /// The editor as typed (shown again when refused); `current` for the keep option.
    pub fn typed(fields: &Fields, current: Option<&Condition>) -> Self {
        let mut typed = Vec::new();
        for i in 0..MAX_ROWS {
            let f = value(fields, FIELD[i]);
            if !f.is_empty() || !value(fields, VALUE[i]).is_empty() {
                typed.resize_with(i, Default::default);
                typed.push((
                    f.to_owned(),
                    value(fields, OP[i]).to_owned(),
                    value(fields, VALUE[i]).to_owned(),
                ));
            }
        }
        let saved = Self::of(current);
        Self {
            combine: match value(fields, "cond_combine") {
                "any" => "any".into(),
                _ => "all".into(),
            },
            rows: rows(typed),
            keep: saved.keep,
            keep_json: saved.keep_json,
        }
    }
}

fn date_value(t: &str) -> Result<Value, ()> {
    NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
        .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
        .map_err(|_| ())
}

/// The condition the editor describes. `allowed`: the fields a test may use (id, label);
/// `kind_of`: the kind of such a field; `current`: the saved condition (for "keep").
pub fn parse<'a>(
    fields: &Fields,
    allowed: &[(String, String)],
    kind_of: impl Fn(&str) -> Option<&'a FieldKind>,
    current: Option<&Condition>,
    errors: &mut Errors,
) -> Option<Condition> {
    if !matches!(value(fields, "cond_combine"), "" | "all" | "any") {
        errors.push(("cond_combine", "catalogue-invalid-choice"));
    }
    if value(fields, FIELD[0]) == KEEP {
        return current.cloned();
    }
    let mut tests = Vec::new();
    for i in 0..MAX_ROWS {
        let target = value(fields, FIELD[i]);
        if target.is_empty() {
            continue;
        }
        if !allowed.iter().any(|(id, _)| id == target) {
            errors.push((FIELD[i], "catalogue-invalid-condition-field"));
            continue;
        }
        let field = target.to_owned();
        let kind = kind_of(target);
        let typed = value(fields, VALUE[i]);
        let mut bad_value = || errors.push((VALUE[i], "catalogue-invalid-condition-value"));
        let test = match value(fields, OP[i]) {
            "is_answered" => Some(Condition::IsAnswered {
                field,
                answered: true,
            }),
            "is_not_answered" => Some(Condition::IsAnswered {
                field,
                answered: false,
            }),
            "equals" => condition_value(kind, typed)
                .map(|value| Condition::Equals { field, value })
                .map_err(|()| bad_value())
                .ok(),
            "not_equals" => condition_value(kind, typed)
                .map(|value| Condition::NotEquals { field, value })
                .map_err(|()| bad_value())
                .ok(),
            "in" => {
                let values: Result<Vec<Value>, ()> = typed
                    .split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| condition_value(kind, s))
                    .collect();
                match values {
                    Ok(values) if !values.is_empty() => Some(Condition::In { field, values }),
                    _ => {
                        bad_value();
                        None
                    }
                }
            }
            op @ ("greater_than" | "less_than") => {
                let v = match kind {
                    Some(FieldKind::Number { .. }) => condition_value(kind, typed),
                    Some(FieldKind::Date { .. }) => date_value(typed),
                    _ => {
                        errors.push((OP[i], "catalogue-invalid-comparison"));
                        continue;
                    }
                };
                match v {
                    Ok(value) if op == "greater_than" => {
                        Some(Condition::GreaterThan { field, value })
                    }
                    Ok(value) => Some(Condition::LessThan { field, value }),
                    Err(()) => {
                        bad_value();
                        None
                    }
                }
            }
            _ => {
                errors.push((OP[i], "catalogue-invalid-choice"));
                None
            }
        };
        tests.extend(test);
    }
    match tests.len() {
        0 => None,
        1 => tests.pop(),
        _ if value(fields, "cond_combine") == "any" => Some(Condition::Any(tests)),
        _ => Some(Condition::All(tests)),
    }
}

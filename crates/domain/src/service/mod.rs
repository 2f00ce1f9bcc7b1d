//! Services (démarches / request types): the versioned definition of a form, the documents
//! it needs, its workflow and its service levels. Everything here is pure: validation of a
//! definition, evaluation of conditions, the workflow state machine, business-time arithmetic.

pub mod calendar;
pub mod definition;
pub mod form;
pub mod meta;
pub mod sla;
pub mod workflow;

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a definition is wrong and why, e.g.
/// `form.pages[1].fields[3].show_if: unknown field "children_count"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefinitionError {
    /// A path into the JSON document: `form.pages[1].fields[3].show_if`.
    pub path: String,
    /// What is wrong, in English (administrators also see the path).
    pub reason: String,
}

impl DefinitionError {
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Text in both interface languages. French is required (the default locale); English falls
/// back to French when empty.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub fr: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

impl Text {
    pub fn get(&self, locale: crate::Locale) -> &str {
        in_locale(locale, &self.fr, &self.en)
    }
}

/// A text kept as a French and an English column: the English one when asked for and not
/// blank, else the French one.
pub fn in_locale<'a>(locale: crate::Locale, fr: &'a str, en: &'a str) -> &'a str {
    match locale {
        crate::Locale::En if !en.trim().is_empty() => en,
        _ => fr,
    }
}

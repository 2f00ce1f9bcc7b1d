//! A service's versioned definition: its form, the documents it asks for, its workflow and its
//! service levels, exported and imported as JSON (`docs/SERVICE-DEFINITION.md`). Import checks
//! everything and points at the exact place of each error.

use super::form::{Answers, DateBound, Field, FieldKind, Form};
use super::sla::{BusinessDuration, Priority, SlaPolicy, SlaTarget};
use super::workflow::{Action, TransitionCondition, Workflow};
use super::{DefinitionError, Text};
use crate::Locale;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Everything a case of a service is filed under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDefinition {
    pub form: Form,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<RequiredDocument>,
    pub workflow: Workflow,
    #[serde(default)]
    pub sla: SlaPolicy,
}

/// A supporting document the service asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    /// snake_case identifier, unique among the service's documents (uploads are filed under
    /// it).
    pub id: String,
    pub kind: DocumentKind,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    /// The person may pick a still-valid document of this kind from their document safe
    /// instead of uploading it again.
    #[serde(default)]
    pub reuse_from_safe: bool,
    /// A document issued (or, for one from the safe, validated) more than this many days ago
    /// is not accepted, e.g. 90 for a proof of address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_days: Option<u32>,
}

/// Kinds of supporting documents (they say what can be reused from the document safe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Identity,
    ProofOfAddress,
    CivilStatus,
    Income,
    VehicleRegistration,
    Invoice,
    Photo,
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 8] = [
        Self::Identity,
        Self::ProofOfAddress,
        Self::CivilStatus,
        Self::Income,
        Self::VehicleRegistration,
        Self::Invoice,
        Self::Photo,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Identity => "identity",
            Self::ProofOfAddress => "proof_of_address",
            Self::CivilStatus => "civil_status",
            Self::Income => "income",
            Self::VehicleRegistration => "vehicle_registration",
            Self::Invoice => "invoice",
            Self::Photo => "photo",
            Self::Other => "other",
        }
    }
}

/// The longest a document may be required to be recent: ten years.
pub const MAX_DOCUMENT_AGE_DAYS: u32 = 3653;

impl ServiceDefinition {
    /// Everything wrong with the definition, with paths from its root (`form.pages[1]…`,
    /// `documents[0]…`, `workflow…`, `sla…`). Nothing may be published unless this is `Ok`.
    pub fn validate(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = self.form.validate("form");
        errors.extend(validate_documents(&self.documents, "documents"));
        errors.extend(self.workflow.validate("workflow"));
        errors.extend(self.sla.validate("sla"));
        errors.extend(self.check_workflow_fields());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Parses and validates an imported definition. A JSON or shape error gives one error
    /// whose path is where the parser stopped (`form.pages[0].fields[2]`); a well-formed
    /// definition gives every validation error.
    pub fn from_json(json: &str) -> Result<Self, Vec<DefinitionError>> {
        let mut de = serde_json::Deserializer::from_str(json);
        let parsed: Result<Self, _> = serde_path_to_error::deserialize(&mut de);
        let def = match parsed {
            Ok(def) => de.end().map(|()| def).map_err(|e| {
                vec![DefinitionError::new(
                    "",
                    format!("trailing characters after the definition: {e}"),
                )]
            })?,
            Err(e) => {
                let path = json_path(e.path());
                return Err(vec![DefinitionError::new(path, e.into_inner().to_string())]);
            }
        };
        def.validate()?;
        Ok(def)
    }

    /// Renames the top-level form field `old` to `new` and every reference to it: the
    /// conditions of pages, fields and sub-fields, the workflow's `field_equals` conditions
    /// and `request_corrections` actions. The field itself is renamed too.
    pub fn rename_field(&mut self, old: &str, new: &str) {
        for page in &mut self.form.pages {
            if let Some(c) = &mut page.show_if {
                c.rename_field(old, new);
            }
            for field in &mut page.fields {
                if field.id == old {
                    field.id = new.to_owned();
                }
                if let Some(c) = &mut field.show_if {
                    c.rename_field(old, new);
                }
                if let FieldKind::Group { fields, .. } = &mut field.kind
                    && !fields.iter().any(|f| f.id == old || f.id == new)
                {
                    // A sub-field of the same name hides the form field inside its group.
                    for sub in fields {
                        if let Some(c) = &mut sub.show_if {
                            c.rename_field(old, new);
                        }
                    }
                }
            }
        }
        for t in &mut self.workflow.transitions {
            if let Some(TransitionCondition::FieldEquals { field, .. }) = &mut t.condition
                && field == old
            {
                *field = new.to_owned();
            }
            for a in &mut t.actions {
                if let Action::RequestCorrections { fields } = a {
                    fields
                        .iter_mut()
                        .filter(|f| *f == old)
                        .for_each(|f| *f = new.to_owned());
                }
            }
        }
    }

    /// Renames the workflow status `old` to `new` and every reference to it: the initial
    /// status and the transitions' `from` and `to`.
    pub fn rename_status(&mut self, old: &str, new: &str) {
        let w = &mut self.workflow;
        for s in &mut w.statuses {
            if s.id == old {
                s.id = new.to_owned();
            }
        }
        if w.initial == old {
            w.initial = new.to_owned();
        }
        for t in &mut w.transitions {
            if t.to == old {
                t.to = new.to_owned();
            }
            t.from
                .iter_mut()
                .filter(|f| *f == old)
                .for_each(|f| *f = new.to_owned());
        }
    }

    /// The definition as exported: pretty JSON, keys in a stable order.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a definition always serialises")
    }

    /// Form fields the workflow names (conditions, corrections) must exist and hold answers.
    fn check_workflow_fields(&self) -> Vec<DefinitionError> {
        let mut errors = Vec::new();
        let check =
            |id: &str, path: String, errors: &mut Vec<DefinitionError>| match self.form.field(id) {
                None => errors.push(DefinitionError::new(
                    path,
                    format!("unknown form field \"{id}\""),
                )),
                Some(f) if !f.kind.has_value() => errors.push(DefinitionError::new(
                    path,
                    format!("form field \"{id}\" is explanatory text and holds no answer"),
                )),
                Some(_) => {}
            };
        for (i, t) in self.workflow.transitions.iter().enumerate() {
            let tpath = format!("workflow.transitions[{i}]");
            if let Some(TransitionCondition::FieldEquals { field, value }) = &t.condition {
                check(field, format!("{tpath}.condition.field"), &mut errors);
                if let Some(
                    FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. },
                ) = self.form.field(field).map(|f| &f.kind)
                    && !value
                        .as_str()
                        .is_some_and(|v| options.iter().any(|o| o.value == v))
                {
                    errors.push(DefinitionError::new(
                        format!("{tpath}.condition.value"),
                        format!("{value} is not an option of form field \"{field}\""),
                    ));
                }
            }
            for (j, action) in t.actions.iter().enumerate() {
                if let Action::RequestCorrections { fields } = action {
                    let apath = format!("{tpath}.actions[{j}].fields");
                    if fields.is_empty() {
                        errors.push(DefinitionError::new(
                            apath.clone(),
                            "name at least one form field to reopen",
                        ));
                    }
                    for (k, id) in fields.iter().enumerate() {
                        check(id, format!("{apath}[{k}]"), &mut errors);
                    }
                }
            }
        }
        errors
    }
}

/// The path serde_path_to_error reports, without its placeholders for unknown segments.
fn json_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    out
}

fn validate_documents(documents: &[RequiredDocument], path: &str) -> Vec<DefinitionError> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, d) in documents.iter().enumerate() {
        let dpath = format!("{path}[{i}]");
        if !super::form::is_identifier(&d.id) {
            errors.push(DefinitionError::new(
                format!("{dpath}.id"),
                format!("document id \"{}\" is not a snake_case identifier", d.id),
            ));
        }
        if let Some(first) = seen.get(d.id.as_str()) {
            errors.push(DefinitionError::new(
                format!("{dpath}.id"),
                format!("duplicate document id \"{}\" (also {path}[{first}])", d.id),
            ));
        } else {
            seen.insert(&d.id, i);
        }
        if d.label.fr.trim().is_empty() {
            errors.push(DefinitionError::new(
                format!("{dpath}.label.fr"),
                "the French text is required",
            ));
        }
        if let Some(help) = &d.help
            && help.fr.trim().is_empty()
        {
            errors.push(DefinitionError::new(
                format!("{dpath}.help.fr"),
                "the French text is required",
            ));
        }
        match d.max_age_days {
            Some(0) => errors.push(DefinitionError::new(
                format!("{dpath}.max_age_days"),
                "max_age_days must be at least 1",
            )),
            Some(n) if n > MAX_DOCUMENT_AGE_DAYS => errors.push(DefinitionError::new(
                format!("{dpath}.max_age_days"),
                format!("max_age_days must be at most {MAX_DOCUMENT_AGE_DAYS}"),
            )),
            _ => {}
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// Changes between two versions
// ---------------------------------------------------------------------------------------------

/// One difference between two versions of a definition that a person with a draft in progress
/// (or an administrator about to publish) needs to know. Fields of a repeatable group are
/// named `group.sub_field`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum DefinitionChange {
    PageAdded {
        page: String,
        title: Text,
    },
    PageRemoved {
        page: String,
        title: Text,
    },
    PageConditionChanged {
        page: String,
        title: Text,
    },
    FieldAdded {
        field: String,
        label: Text,
        page: String,
        required: bool,
    },
    FieldRemoved {
        field: String,
        label: Text,
        page: String,
        /// False for explanatory text, which holds no answer.
        holds_answer: bool,
    },
    FieldMoved {
        field: String,
        label: Text,
        from_page: String,
        to_page: String,
        to_title: Text,
    },
    FieldKindChanged {
        field: String,
        label: Text,
        from: String,
        to: String,
    },
    FieldBecameRequired {
        field: String,
        label: Text,
    },
    FieldBecameOptional {
        field: String,
        label: Text,
    },
    FieldLabelChanged {
        field: String,
        from: Text,
        to: Text,
    },
    /// Length, number, date, selection, file or item limits changed; `narrowed` when some
    /// value accepted before may be refused now.
    FieldBoundsChanged {
        field: String,
        label: Text,
        narrowed: bool,
    },
    /// Options of a choice added or removed, by value, in the order of the form.
    FieldOptionsChanged {
        field: String,
        label: Text,
        added: Vec<String>,
        removed: Vec<String>,
    },
    FieldConditionChanged {
        field: String,
        label: Text,
    },
    DocumentAdded {
        document: String,
        label: Text,
        required: bool,
    },
    DocumentRemoved {
        document: String,
        label: Text,
    },
    DocumentBecameRequired {
        document: String,
        label: Text,
    },
    DocumentBecameOptional {
        document: String,
        label: Text,
    },
    StatusAdded {
        status: String,
        label: Text,
    },
    StatusRemoved {
        status: String,
        label: Text,
    },
    /// The targets of a priority changed (`None`: no target).
    SlaTargetChanged {
        priority: Priority,
        first_response_before: Option<BusinessDuration>,
        first_response_after: Option<BusinessDuration>,
        resolution_before: Option<BusinessDuration>,
        resolution_after: Option<BusinessDuration>,
    },
}

impl DefinitionChange {
    /// Whether an answer (or document) given under the old version may no longer be valid:
    /// a field that held answers removed, a kind changed, a field or document became required,
    /// limits narrowed, options removed.
    pub fn affects_answers(&self) -> bool {
        match self {
            Self::FieldRemoved { holds_answer, .. } => *holds_answer,
            Self::FieldKindChanged { .. }
            | Self::FieldBecameRequired { .. }
            | Self::DocumentBecameRequired { .. } => true,
            Self::FieldBoundsChanged { narrowed, .. } => *narrowed,
            Self::FieldOptionsChanged { removed, .. } => !removed.is_empty(),
            _ => false,
        }
    }

    /// One sentence in `locale`, with the labels of the definitions.
    pub fn describe(&self, locale: Locale) -> String {
        let fr = locale == Locale::Fr;
        let pick = |f: String, e: String| if fr { f } else { e };
        let l = |t: &Text| t.get(locale).to_owned();
        match self {
            Self::PageAdded { page, title } => pick(
                format!("Page « {} » ({page}) ajoutée.", l(title)),
                format!("Page “{}” ({page}) added.", l(title)),
            ),
            Self::PageRemoved { page, title } => pick(
                format!("Page « {} » ({page}) supprimée.", l(title)),
                format!("Page “{}” ({page}) removed.", l(title)),
            ),
            Self::PageConditionChanged { page, title } => pick(
                format!(
                    "La condition d'affichage de la page « {} » ({page}) a changé.",
                    l(title)
                ),
                format!(
                    "The condition showing page “{}” ({page}) changed.",
                    l(title)
                ),
            ),
            Self::FieldAdded {
                field,
                label,
                required,
                ..
            } => match (fr, required) {
                (true, true) => format!("Champ obligatoire « {} » ({field}) ajouté.", l(label)),
                (true, false) => format!("Champ « {} » ({field}) ajouté.", l(label)),
                (false, true) => format!("Required field “{}” ({field}) added.", l(label)),
                (false, false) => format!("Field “{}” ({field}) added.", l(label)),
            },
            Self::FieldRemoved { field, label, .. } => pick(
                format!("Champ « {} » ({field}) supprimé.", l(label)),
                format!("Field “{}” ({field}) removed.", l(label)),
            ),
            Self::FieldMoved {
                field,
                label,
                to_title,
                ..
            } => pick(
                format!(
                    "Champ « {} » ({field}) déplacé vers la page « {} ».",
                    l(label),
                    l(to_title)
                ),
                format!(
                    "Field “{}” ({field}) moved to page “{}”.",
                    l(label),
                    l(to_title)
                ),
            ),
            Self::FieldKindChanged {
                field,
                label,
                from,
                to,
            } => pick(
                format!(
                    "Le champ « {} » ({field}) change de type : {} → {}.",
                    l(label),
                    kind_label(from, locale),
                    kind_label(to, locale)
                ),
                format!(
                    "Field “{}” ({field}) changed kind: {} → {}.",
                    l(label),
                    kind_label(from, locale),
                    kind_label(to, locale)
                ),
            ),
            Self::FieldBecameRequired { field, label } => pick(
                format!("Le champ « {} » ({field}) devient obligatoire.", l(label)),
                format!("Field “{}” ({field}) is now required.", l(label)),
            ),
            Self::FieldBecameOptional { field, label } => pick(
                format!("Le champ « {} » ({field}) devient facultatif.", l(label)),
                format!("Field “{}” ({field}) is now optional.", l(label)),
            ),
            Self::FieldLabelChanged { field, from, to } => pick(
                format!(
                    "Le champ « {} » ({field}) s'intitule désormais « {} ».",
                    l(from),
                    l(to)
                ),
                format!("Field “{}” ({field}) is now labelled “{}”.", l(from), l(to)),
            ),
            Self::FieldBoundsChanged {
                field,
                label,
                narrowed,
            } => match (fr, narrowed) {
                (true, true) => format!(
                    "Les limites du champ « {} » ({field}) sont plus strictes.",
                    l(label)
                ),
                (true, false) => format!(
                    "Les limites du champ « {} » ({field}) sont élargies.",
                    l(label)
                ),
                (false, true) => format!("Field “{}” ({field}) has narrower limits.", l(label)),
                (false, false) => format!("Field “{}” ({field}) has wider limits.", l(label)),
            },
            Self::FieldOptionsChanged {
                field,
                label,
                added,
                removed,
            } => {
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(pick(
                        format!("ajoutées : {}", added.join(", ")),
                        format!("added: {}", added.join(", ")),
                    ));
                }
                if !removed.is_empty() {
                    parts.push(pick(
                        format!("supprimées : {}", removed.join(", ")),
                        format!("removed: {}", removed.join(", ")),
                    ));
                }
                pick(
                    format!(
                        "Options du champ « {} » ({field}) {}.",
                        l(label),
                        parts.join(" ; ")
                    ),
                    format!(
                        "Options of field “{}” ({field}) {}.",
                        l(label),
                        parts.join("; ")
                    ),
                )
            }
            Self::FieldConditionChanged { field, label } => pick(
                format!(
                    "La condition d'affichage du champ « {} » ({field}) a changé.",
                    l(label)
                ),
                format!(
                    "The condition showing field “{}” ({field}) changed.",
                    l(label)
                ),
            ),
            Self::DocumentAdded {
                document,
                label,
                required,
            } => match (fr, required) {
                (true, true) => format!(
                    "Pièce justificative obligatoire « {} » ({document}) ajoutée.",
                    l(label)
                ),
                (true, false) => {
                    format!("Pièce justificative « {} » ({document}) ajoutée.", l(label))
                }
                (false, true) => format!("Required document “{}” ({document}) added.", l(label)),
                (false, false) => format!("Document “{}” ({document}) added.", l(label)),
            },
            Self::DocumentRemoved { document, label } => pick(
                format!(
                    "Pièce justificative « {} » ({document}) supprimée.",
                    l(label)
                ),
                format!("Document “{}” ({document}) removed.", l(label)),
            ),
            Self::DocumentBecameRequired { document, label } => pick(
                format!(
                    "La pièce justificative « {} » ({document}) devient obligatoire.",
                    l(label)
                ),
                format!("Document “{}” ({document}) is now required.", l(label)),
            ),
            Self::DocumentBecameOptional { document, label } => pick(
                format!(
                    "La pièce justificative « {} » ({document}) devient facultative.",
                    l(label)
                ),
                format!("Document “{}” ({document}) is now optional.", l(label)),
            ),
            Self::StatusAdded { status, label } => pick(
                format!("Statut « {} » ({status}) ajouté.", l(label)),
                format!("Status “{}” ({status}) added.", l(label)),
            ),
            Self::StatusRemoved { status, label } => pick(
                format!("Statut « {} » ({status}) supprimé.", l(label)),
                format!("Status “{}” ({status}) removed.", l(label)),
            ),
            Self::SlaTargetChanged {
                priority,
                first_response_before,
                first_response_after,
                resolution_before,
                resolution_after,
            } => {
                let d = |x: &Option<BusinessDuration>| duration_label(*x, locale);
                let mut parts = Vec::new();
                if first_response_before != first_response_after {
                    parts.push(pick(
                        format!(
                            "première réponse {} → {}",
                            d(first_response_before),
                            d(first_response_after)
                        ),
                        format!(
                            "first response {} → {}",
                            d(first_response_before),
                            d(first_response_after)
                        ),
                    ));
                }
                if resolution_before != resolution_after {
                    parts.push(pick(
                        format!(
                            "résolution {} → {}",
                            d(resolution_before),
                            d(resolution_after)
                        ),
                        format!(
                            "resolution {} → {}",
                            d(resolution_before),
                            d(resolution_after)
                        ),
                    ));
                }
                pick(
                    format!(
                        "Engagements de la priorité {} : {}.",
                        priority_label(*priority, locale),
                        parts.join(", ")
                    ),
                    format!(
                        "Targets of {} priority: {}.",
                        priority_label(*priority, locale),
                        parts.join(", ")
                    ),
                )
            }
        }
    }
}

fn kind_label(kind: &str, locale: Locale) -> &'static str {
    let (fr, en) = match kind {
        "short_text" => ("texte court", "short text"),
        "long_text" => ("texte long", "long text"),
        "number" => ("nombre", "number"),
        "date" => ("date", "date"),
        "email" => ("e-mail", "e-mail"),
        "phone" => ("téléphone", "phone"),
        "postal_address" => ("adresse postale", "postal address"),
        "single_choice" => ("choix unique", "single choice"),
        "multiple_choice" => ("choix multiple", "multiple choice"),
        "yes_no" => ("oui/non", "yes/no"),
        "file" => ("fichier", "file"),
        "group" => ("groupe répétable", "repeatable group"),
        "explanation" => ("texte explicatif", "explanatory text"),
        _ => ("?", "?"),
    };
    if locale == Locale::Fr { fr } else { en }
}

fn priority_label(p: Priority, locale: Locale) -> &'static str {
    match (p, locale == Locale::Fr) {
        (Priority::Low, true) => "basse",
        (Priority::Normal, true) => "normale",
        (Priority::High, true) => "haute",
        (Priority::Urgent, true) => "urgente",
        (Priority::Low, false) => "low",
        (Priority::Normal, false) => "normal",
        (Priority::High, false) => "high",
        (Priority::Urgent, false) => "urgent",
    }
}

fn duration_label(d: Option<BusinessDuration>, locale: Locale) -> String {
    let fr = locale == Locale::Fr;
    match d {
        None if fr => "aucun".into(),
        None => "none".into(),
        Some(BusinessDuration::Minutes(n)) if fr => format!("{n} min ouvrées"),
        Some(BusinessDuration::Minutes(n)) => format!("{n} business minutes"),
        Some(BusinessDuration::Hours(n)) if fr => format!("{n} h ouvrées"),
        Some(BusinessDuration::Hours(n)) => format!("{n} business hours"),
        Some(BusinessDuration::Days(n)) if fr => format!("{n} jours ouvrés"),
        Some(BusinessDuration::Days(n)) => format!("{n} business days"),
    }
}

/// What changed from `old` to `new` that a person with a draft in progress, or an
/// administrator about to publish, needs to know. Deterministic: pages, then fields (those of
/// `old` in its order, then the added ones in `new`'s order; a group's sub-fields right after
/// the group), documents, statuses, then service levels by priority.
pub fn changes(old: &ServiceDefinition, new: &ServiceDefinition) -> Vec<DefinitionChange> {
    use DefinitionChange as C;
    let mut out = Vec::new();
    let new_page = |id: &str| new.form.pages.iter().find(|p| p.id == id);
    for p in &old.form.pages {
        match new_page(&p.id) {
            None => out.push(C::PageRemoved {
                page: p.id.clone(),
                title: p.title.clone(),
            }),
            Some(n) if n.show_if != p.show_if => out.push(C::PageConditionChanged {
                page: n.id.clone(),
                title: n.title.clone(),
            }),
            Some(_) => {}
        }
    }
    for p in &new.form.pages {
        if !old.form.pages.iter().any(|o| o.id == p.id) {
            out.push(C::PageAdded {
                page: p.id.clone(),
                title: p.title.clone(),
            });
        }
    }
    let placed = |def: &ServiceDefinition| -> Vec<(String, Field)> {
        def.form
            .pages
            .iter()
            .flat_map(|p| p.fields.iter().map(|f| (p.id.clone(), f.clone())))
            .collect()
    };
    diff_fields(&placed(old), &placed(new), "", new, &mut out);

    for d in &old.documents {
        match new.documents.iter().find(|n| n.id == d.id) {
            None => out.push(C::DocumentRemoved {
                document: d.id.clone(),
                label: d.label.clone(),
            }),
            Some(n) if n.required && !d.required => out.push(C::DocumentBecameRequired {
                document: n.id.clone(),
                label: n.label.clone(),
            }),
            Some(n) if !n.required && d.required => out.push(C::DocumentBecameOptional {
                document: n.id.clone(),
                label: n.label.clone(),
            }),
            Some(_) => {}
        }
    }
    for d in &new.documents {
        if !old.documents.iter().any(|o| o.id == d.id) {
            out.push(C::DocumentAdded {
                document: d.id.clone(),
                label: d.label.clone(),
                required: d.required,
            });
        }
    }

    for s in &old.workflow.statuses {
        if !new.workflow.statuses.iter().any(|n| n.id == s.id) {
            out.push(C::StatusRemoved {
                status: s.id.clone(),
                label: s.label.clone(),
            });
        }
    }
    for s in &new.workflow.statuses {
        if !old.workflow.statuses.iter().any(|o| o.id == s.id) {
            out.push(C::StatusAdded {
                status: s.id.clone(),
                label: s.label.clone(),
            });
        }
    }

    for priority in Priority::ALL {
        let before = old.sla.target(priority);
        let after = new.sla.target(priority);
        let fr = |t: Option<&SlaTarget>| t.and_then(|t| t.first_response);
        let res = |t: Option<&SlaTarget>| t.and_then(|t| t.resolution);
        if fr(before) != fr(after) || res(before) != res(after) {
            out.push(C::SlaTargetChanged {
                priority,
                first_response_before: fr(before),
                first_response_after: fr(after),
                resolution_before: res(before),
                resolution_after: res(after),
            });
        }
    }
    out
}

/// Fields of a form (with their page) or of a group (page of the group), `prefix` naming the
/// group (`children.`).
fn diff_fields(
    old: &[(String, Field)],
    new: &[(String, Field)],
    prefix: &str,
    new_def: &ServiceDefinition,
    out: &mut Vec<DefinitionChange>,
) {
    use DefinitionChange as C;
    for (page, o) in old {
        let id = format!("{prefix}{}", o.id);
        let Some((new_page, n)) = new.iter().find(|(_, n)| n.id == o.id) else {
            out.push(C::FieldRemoved {
                field: id,
                label: o.label.clone(),
                page: page.clone(),
                holds_answer: o.kind.has_value(),
            });
            continue;
        };
        let label = n.label.clone();
        if new_page != page {
            let to_title = new_def
                .form
                .pages
                .iter()
                .find(|p| &p.id == new_page)
                .map(|p| p.title.clone())
                .unwrap_or_default();
            out.push(C::FieldMoved {
                field: id.clone(),
                label: label.clone(),
                from_page: page.clone(),
                to_page: new_page.clone(),
                to_title,
            });
        }
        if o.label != n.label {
            out.push(C::FieldLabelChanged {
                field: id.clone(),
                from: o.label.clone(),
                to: n.label.clone(),
            });
        }
        if o.kind.name() != n.kind.name() {
            out.push(C::FieldKindChanged {
                field: id.clone(),
                label: label.clone(),
                from: o.kind.name().into(),
                to: n.kind.name().into(),
            });
        }
        if n.required && !o.required {
            out.push(C::FieldBecameRequired {
                field: id.clone(),
                label: label.clone(),
            });
        } else if o.required && !n.required {
            out.push(C::FieldBecameOptional {
                field: id.clone(),
                label: label.clone(),
            });
        }
        if o.show_if != n.show_if {
            out.push(C::FieldConditionChanged {
                field: id.clone(),
                label: label.clone(),
            });
        }
        if o.kind.name() != n.kind.name() {
            continue;
        }
        if let Some(narrowed) = bounds_change(&o.kind, &n.kind) {
            out.push(C::FieldBoundsChanged {
                field: id.clone(),
                label: label.clone(),
                narrowed,
            });
        }
        if let (Some(before), Some(after)) = (kind_options(&o.kind), kind_options(&n.kind)) {
            let added: Vec<String> = after
                .iter()
                .filter(|a| !before.iter().any(|b| b.value == a.value))
                .map(|a| a.value.clone())
                .collect();
            let removed: Vec<String> = before
                .iter()
                .filter(|b| !after.iter().any(|a| a.value == b.value))
                .map(|b| b.value.clone())
                .collect();
            if !added.is_empty() || !removed.is_empty() {
                out.push(C::FieldOptionsChanged {
                    field: id.clone(),
                    label: label.clone(),
                    added,
                    removed,
                });
            }
        }
        if let (FieldKind::Group { fields: before, .. }, FieldKind::Group { fields: after, .. }) =
            (&o.kind, &n.kind)
        {
            let at = |fs: &[Field], p: &String| -> Vec<(String, Field)> {
                fs.iter().map(|f| (p.clone(), f.clone())).collect()
            };
            // Sub-fields stay with their group: only the group itself moves between pages.
            diff_fields(
                &at(before, new_page),
                &at(after, new_page),
                &format!("{id}."),
                new_def,
                out,
            );
        }
    }
    for (page, n) in new {
        if !old.iter().any(|(_, o)| o.id == n.id) {
            out.push(C::FieldAdded {
                field: format!("{prefix}{}", n.id),
                label: n.label.clone(),
                page: page.clone(),
                required: n.required,
            });
        }
    }
}

fn kind_options(kind: &FieldKind) -> Option<&[super::form::ChoiceOption]> {
    match kind {
        FieldKind::SingleChoice { options } | FieldKind::MultipleChoice { options, .. } => {
            Some(options)
        }
        _ => None,
    }
}

/// How the limits of two fields of the same kind differ: `None` when they do not, otherwise
/// whether any is narrower (a value accepted before may now be refused).
fn bounds_change(old: &FieldKind, new: &FieldKind) -> Option<bool> {
    use super::form::{DEFAULT_LONG_TEXT_MAX, DEFAULT_MAX_ITEMS, DEFAULT_SHORT_TEXT_MAX};
    // Each limit: (changed, narrowed).
    let mut changed = false;
    let mut narrowed = false;
    let mut note = |c: bool, n: bool| {
        changed |= c;
        narrowed |= c && n;
    };
    // A lower bound: narrower when added or raised.
    fn lower<T: PartialOrd>(o: Option<T>, n: Option<T>) -> (bool, bool) {
        match (o, n) {
            (None, None) => (false, false),
            (None, Some(_)) => (true, true),
            (Some(_), None) => (true, false),
            (Some(a), Some(b)) => (a != b, b > a),
        }
    }
    fn upper<T: PartialOrd>(o: Option<T>, n: Option<T>) -> (bool, bool) {
        match (o, n) {
            (None, None) => (false, false),
            (None, Some(_)) => (true, true),
            (Some(_), None) => (true, false),
            (Some(a), Some(b)) => (a != b, b < a),
        }
    }
    // A date bound of another sort (absolute ↔ relative) counts as narrower.
    fn date(o: Option<DateBound>, n: Option<DateBound>, is_min: bool) -> (bool, bool) {
        let f = if is_min { lower::<i64> } else { upper::<i64> };
        match (o, n) {
            (Some(DateBound::Date(a)), Some(DateBound::Date(b))) => f(
                Some(a.num_days_from_ce().into()),
                Some(b.num_days_from_ce().into()),
            ),
            (Some(DateBound::DaysFromToday(a)), Some(DateBound::DaysFromToday(b))) => {
                f(Some(a.into()), Some(b.into()))
            }
            (Some(a), Some(b)) => (a != b, a != b),
            (a, b) => f(a.map(|_| 0), b.map(|_| 0)),
        }
    }
    match (old, new) {
        (FieldKind::ShortText { max_length: a }, FieldKind::ShortText { max_length: b }) => {
            let (c, n) = upper(
                Some(a.unwrap_or(DEFAULT_SHORT_TEXT_MAX)),
                Some(b.unwrap_or(DEFAULT_SHORT_TEXT_MAX)),
            );
            note(c, n);
        }
        (FieldKind::LongText { max_length: a }, FieldKind::LongText { max_length: b }) => {
            let (c, n) = upper(
                Some(a.unwrap_or(DEFAULT_LONG_TEXT_MAX)),
                Some(b.unwrap_or(DEFAULT_LONG_TEXT_MAX)),
            );
            note(c, n);
        }
        (
            FieldKind::Number {
                min: a_min,
                max: a_max,
                integer: a_int,
            },
            FieldKind::Number {
                min: b_min,
                max: b_max,
                integer: b_int,
            },
        ) => {
            let (c, n) = lower(*a_min, *b_min);
            note(c, n);
            let (c, n) = upper(*a_max, *b_max);
            note(c, n);
            note(a_int != b_int, *b_int);
        }
        (
            FieldKind::Date {
                min: a_min,
                max: a_max,
            },
            FieldKind::Date {
                min: b_min,
                max: b_max,
            },
        ) => {
            let (c, n) = date(*a_min, *b_min, true);
            note(c, n);
            let (c, n) = date(*a_max, *b_max, false);
            note(c, n);
        }
        (
            FieldKind::MultipleChoice {
                min_selections: a_min,
                max_selections: a_max,
                ..
            },
            FieldKind::MultipleChoice {
                min_selections: b_min,
                max_selections: b_max,
                ..
            },
        ) => {
            let (c, n) = lower(*a_min, *b_min);
            note(c, n);
            let (c, n) = upper(*a_max, *b_max);
            note(c, n);
        }
        (
            FieldKind::File {
                accept: a_accept,
                max_size_bytes: a_size,
                max_count: a_count,
            },
            FieldKind::File {
                accept: b_accept,
                max_size_bytes: b_size,
                max_count: b_count,
            },
        ) => {
            let removed = a_accept.iter().any(|t| !b_accept.contains(t));
            let added = b_accept.iter().any(|t| !a_accept.contains(t));
            note(removed || added, removed);
            let (c, n) = upper(Some(*a_size), Some(*b_size));
            note(c, n);
            let (c, n) = upper(Some(*a_count), Some(*b_count));
            note(c, n);
        }
        (
            FieldKind::Group {
                min_items: a_min,
                max_items: a_max,
                ..
            },
            FieldKind::Group {
                min_items: b_min,
                max_items: b_max,
                ..
            },
        ) => {
            let (c, n) = lower(*a_min, *b_min);
            note(c, n);
            let (c, n) = upper(
                Some(a_max.unwrap_or(DEFAULT_MAX_ITEMS)),
                Some(b_max.unwrap_or(DEFAULT_MAX_ITEMS)),
            );
            note(c, n);
        }
        _ => {}
    }
    changed.then_some(narrowed)
}

/// Carries the answers of a draft to the definition `new`: an answer is kept when its field
/// still exists, holds answers and the value still fits the field's rules (checked with
/// [`Form::check_answer`], its clean value kept; conditions and `required` are left to the
/// submission). Returns the kept answers and the ids of the dropped ones, in the answers'
/// order. Empty answers are neither kept nor reported.
pub fn carry_answers(
    new: &ServiceDefinition,
    answers: &Answers,
    today: NaiveDate,
) -> (Answers, Vec<String>) {
    let mut kept = Answers::new();
    let mut dropped = Vec::new();
    for (id, value) in answers {
        if !super::form::is_answered(value) {
            continue;
        }
        match new.form.check_answer(id, value, answers, today) {
            Some(clean) => {
                kept.insert(id.clone(), clean);
            }
            None => dropped.push(id.clone()),
        }
    }
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn workflow() -> Value {
        json!({
            "initial": "submitted",
            "statuses": [
                {"id": "submitted", "label": {"fr": "Déposée"}, "kind": "open"},
                {"id": "corrections", "label": {"fr": "À compléter"}, "kind": "waiting_requester"},
                {"id": "accepted", "label": {"fr": "Acceptée"}, "kind": "closed_accepted"},
                {"id": "refused", "label": {"fr": "Refusée"}, "kind": "closed_refused"}
            ],
            "transitions": [
                {"id": "accept", "from": ["submitted"], "to": "accepted",
                 "label": {"fr": "Accepter"}, "condition": {"type": "all_documents_validated"}},
                {"id": "refuse", "from": ["*"], "to": "refused", "label": {"fr": "Refuser"}},
                {"id": "ask", "from": ["submitted"], "to": "corrections",
                 "label": {"fr": "Demander des corrections"},
                 "actions": [{"type": "request_corrections", "fields": ["reason"]}]},
                {"id": "resubmit", "from": ["corrections"], "to": "submitted",
                 "label": {"fr": "Renvoyer"}, "by_requester": true},
                {"id": "fast", "from": ["submitted"], "to": "accepted", "label": {"fr": "Vite"},
                 "condition": {"type": "field_equals", "field": "urgency", "value": "high"}}
            ]
        })
    }

    fn definition() -> Value {
        json!({
            "form": {"pages": [{"id": "main", "title": {"fr": "Demande", "en": "Request"},
                "fields": [
                    {"id": "reason", "label": {"fr": "Motif"}, "kind": "long_text",
                     "required": true},
                    {"id": "urgency", "label": {"fr": "Urgence"}, "kind": "single_choice",
                     "options": [{"value": "low", "label": {"fr": "Faible"}},
                                 {"value": "high", "label": {"fr": "Forte"}}]},
                    {"id": "note", "label": {"fr": "Note"}, "kind": "explanation",
                     "text": {"fr": "Merci."}}
                ]}]},
            "documents": [
                {"id": "id_card", "kind": "identity", "label": {"fr": "Pièce d'identité"},
                 "required": true, "reuse_from_safe": true},
                {"id": "proof", "kind": "proof_of_address", "label": {"fr": "Justificatif"},
                 "required": false, "reuse_from_safe": true, "max_age_days": 90}
            ],
            "workflow": workflow(),
            "sla": {"targets": [{"priority": "normal", "resolution": {"days": 10}}]}
        })
    }

    fn parsed() -> ServiceDefinition {
        let mut v = definition();
        v["form"]["pages"][0]["fields"][1]["show_if"] = json!({"any": [{"field": "reason", "is_answered": true}, {"not": {"field": "reason", "equals": "x"}}]});
        ServiceDefinition::from_json(&v.to_string()).expect("valid")
    }

    #[test]
    fn renaming_a_field_renames_every_reference() {
        let mut d = parsed();
        d.rename_field("urgency", "priority");
        d.rename_field("reason", "motive");
        assert_eq!(d.validate(), Ok(()));
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["form"]["pages"][0]["fields"][0]["id"], "motive");
        assert_eq!(
            v["form"]["pages"][0]["fields"][1]["show_if"],
            json!({"any": [{"field": "motive", "is_answered": true}, {"not": {"field": "motive", "equals": "x"}}]})
        );
        assert_eq!(
            v["workflow"]["transitions"][2]["actions"][0]["fields"],
            json!(["motive"])
        );
        assert_eq!(
            v["workflow"]["transitions"][4]["condition"]["field"],
            "priority"
        );
        // Renaming an unknown field changes nothing.
        let before = d.clone();
        d.rename_field("nothing", "else");
        assert_eq!(d, before);
    }

    #[test]
    fn renaming_a_status_renames_every_reference() {
        let mut d = parsed();
        d.rename_status("submitted", "received");
        d.rename_status("accepted", "granted");
        assert_eq!(d.validate(), Ok(()));
        let w = &d.workflow;
        assert_eq!(w.initial, "received");
        assert_eq!(w.statuses[0].id, "received");
        assert_eq!(w.transitions[0].from, vec!["received"]);
        assert_eq!(w.transitions[0].to, "granted");
        assert_eq!(w.transitions[1].from, vec!["*"]);
        assert_eq!(w.transitions[3].to, "received");
    }

    fn errors(v: Value) -> Vec<String> {
        match ServiceDefinition::from_json(&v.to_string()) {
            Ok(_) => vec![],
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }

    fn has(v: Value, expected: &str) {
        let e = errors(v);
        assert!(
            e.iter().any(|x| x == expected),
            "expected {expected:?} in {e:#?}"
        );
    }

    #[test]
    fn a_valid_definition_round_trips() {
        let def = ServiceDefinition::from_json(&definition().to_string()).unwrap();
        assert_eq!(def.validate(), Ok(()));
        let again = ServiceDefinition::from_json(&def.to_json_pretty()).unwrap();
        assert_eq!(again, def);
        assert!(def.to_json_pretty().contains("\n  \"form\": {"));
    }

    #[test]
    fn sla_and_documents_are_optional() {
        let mut v = definition();
        v.as_object_mut().unwrap().remove("sla");
        v.as_object_mut().unwrap().remove("documents");
        let def = ServiceDefinition::from_json(&v.to_string()).unwrap();
        assert_eq!(def.sla, SlaPolicy::default());
        assert!(def.documents.is_empty());
    }

    #[test]
    fn shape_errors_carry_their_path() {
        let mut v = definition();
        v["form"]["pages"][0]["fields"][1]["kind"] = json!("dropdown");
        let e = errors(v);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("form.pages[0].fields[1]: unknown variant `dropdown`"),
            "{e:?}"
        );
        let mut v = definition();
        v["documents"][1]["kind"] = json!("passport");
        let e = errors(v);
        assert!(
            e[0].starts_with("documents[1].kind: unknown variant `passport`"),
            "{e:?}"
        );
        let mut v = definition();
        v["form"]["pages"][0]["fields"][0]["show_if"] = json!({"field": "x", "equal": 1});
        let e = errors(v);
        assert!(e[0].starts_with("form.pages[0].fields[0]"), "{e:?}");
        assert!(e[0].contains("equal"), "{e:?}");
        let mut v = definition();
        v["form"]["pagse"] = json!([]);
        let e = errors(v);
        assert!(
            e[0].starts_with("form.pagse: unknown field `pagse`"),
            "{e:?}"
        );
        let mut v = definition();
        v["extra"] = json!(1);
        assert!(errors(v)[0].starts_with("extra: unknown field `extra`"));
        let e = ServiceDefinition::from_json("{\"form\": ").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].reason.contains("EOF"), "{e:?}");
        let e = ServiceDefinition::from_json(&format!("{} x", definition())).unwrap_err();
        assert!(e[0].reason.starts_with("trailing characters"), "{e:?}");
        let e = ServiceDefinition::from_json("[]").unwrap_err();
        assert_eq!(e[0].path, "");
    }

    #[test]
    fn the_issue_example() {
        let mut v = definition();
        v["form"]["pages"] = json!([
            {"id": "one", "title": {"fr": "1"}, "fields": [
                {"id": "a", "label": {"fr": "A"}, "kind": "yes_no"}]},
            {"id": "two", "title": {"fr": "2"}, "fields": [
                {"id": "b", "label": {"fr": "B"}, "kind": "yes_no"},
                {"id": "c", "label": {"fr": "C"}, "kind": "yes_no"},
                {"id": "reason", "label": {"fr": "Motif"}, "kind": "long_text"},
                {"id": "urgency", "label": {"fr": "Urgence"}, "kind": "number",
                 "show_if": {"field": "children_count", "greater_than": 2}}]}
        ]);
        let e = errors(v);
        assert!(
            e.contains(&"form.pages[1].fields[3].show_if: unknown field \"children_count\"".into()),
            "{e:#?}"
        );
    }

    #[test]
    fn every_part_is_validated_with_its_prefix() {
        let mut v = definition();
        v["form"]["pages"][0]["fields"][0]["max_length"] = json!(0);
        v["documents"][0]["max_age_days"] = json!(0);
        v["workflow"]["transitions"][1]["to"] = json!("nowhere");
        v["sla"]["targets"][0]["resolution"] = json!({"days": 0});
        let e = errors(v);
        assert!(
            e.contains(&"form.pages[0].fields[0].max_length: max_length must be at least 1".into()),
            "{e:#?}"
        );
        assert!(
            e.contains(&"documents[0].max_age_days: max_age_days must be at least 1".into()),
            "{e:#?}"
        );
        assert!(
            e.iter()
                .any(|x| x.starts_with("workflow.transitions[1].to")),
            "{e:#?}"
        );
        assert!(
            e.iter().any(|x| x.starts_with("sla.targets[0].resolution")),
            "{e:#?}"
        );
    }

    #[test]
    fn document_errors() {
        let mut v = definition();
        v["documents"][1]["id"] = json!("id_card");
        has(
            v,
            "documents[1].id: duplicate document id \"id_card\" (also documents[0])",
        );
        let mut v = definition();
        v["documents"][0]["id"] = json!("ID");
        has(
            v,
            "documents[0].id: document id \"ID\" is not a snake_case identifier",
        );
        let mut v = definition();
        v["documents"][0]["label"] = json!({"fr": "", "en": "Identity"});
        has(v, "documents[0].label.fr: the French text is required");
        let mut v = definition();
        v["documents"][0]["help"] = json!({"fr": " "});
        has(v, "documents[0].help.fr: the French text is required");
        let mut v = definition();
        v["documents"][1]["max_age_days"] = json!(4000);
        has(
            v,
            "documents[1].max_age_days: max_age_days must be at most 3653",
        );
        for kind in DocumentKind::ALL {
            let parsed: DocumentKind = serde_json::from_value(json!(kind.as_str())).unwrap();
            assert_eq!(parsed, kind);
        }
    }

    #[test]
    fn workflow_references_to_the_form() {
        let mut v = definition();
        v["workflow"]["transitions"][2]["actions"][0]["fields"] =
            json!(["reason", "motive", "note"]);
        let e = errors(v);
        assert!(
            e.contains(
                &"workflow.transitions[2].actions[0].fields[1]: unknown form field \"motive\""
                    .into()
            ),
            "{e:#?}"
        );
        assert!(e.contains(&"workflow.transitions[2].actions[0].fields[2]: form field \"note\" is explanatory text and holds no answer".into()), "{e:#?}");
        let mut v = definition();
        v["workflow"]["transitions"][2]["actions"][0]["fields"] = json!([]);
        has(
            v,
            "workflow.transitions[2].actions[0].fields: name at least one form field to reopen",
        );
        let mut v = definition();
        v["workflow"]["transitions"][4]["condition"]["field"] = json!("priority");
        has(
            v,
            "workflow.transitions[4].condition.field: unknown form field \"priority\"",
        );
        let mut v = definition();
        v["workflow"]["transitions"][4]["condition"]["value"] = json!("urgent");
        has(
            v,
            "workflow.transitions[4].condition.value: \"urgent\" is not an option of form field \"urgency\"",
        );
    }

    #[test]
    fn nothing_is_accepted_when_anything_is_wrong() {
        let mut v = definition();
        v["form"]["pages"][0]["fields"][1]["show_if"] =
            json!({"field": "urgency", "equals": "low"});
        let e = ServiceDefinition::from_json(&v.to_string()).unwrap_err();
        assert!(
            e.iter()
                .any(|x| x.path == "form.pages[0].fields[1].show_if"),
            "{e:#?}"
        );
        assert!(
            e.iter().any(|x| x.reason.contains("cycle of conditions")),
            "{e:#?}"
        );
    }

    #[test]
    fn the_documented_example_is_valid() {
        let doc = include_str!("../../../../docs/SERVICE-DEFINITION.md");
        let section = &doc[doc.find("## A complete example").expect("example section")..];
        let start = section.find("```json\n").expect("json block") + "```json\n".len();
        let json = &section[start..start + section[start..].find("```").unwrap()];
        let def = ServiceDefinition::from_json(json).unwrap_or_else(|e| panic!("{e:#?}"));
        let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
        let answers = json!({
            "email": "Lea@Example.fr",
            "address": {"street": "1 rue Haute", "postcode": "69001", "city": "Lyon"},
            "vehicle_kind": "car", "electric": false, "plates": 2,
            "residents": [{"name": "Léa"}], "registration": ["doc-1"]
        });
        let clean = def
            .form
            .validate_answers(answers.as_object().unwrap(), today)
            .unwrap();
        assert_eq!(clean.get("email"), Some(&json!("lea@example.fr")));
        let answers = json!({"email": "lea@example.fr", "address": {"street": "1 rue Haute",
            "postcode": "69001", "city": "Lyon"}, "vehicle_kind": "motorbike", "plates": 2});
        let clean = def
            .form
            .validate_answers(answers.as_object().unwrap(), today)
            .unwrap();
        assert_eq!(
            clean.get("plates"),
            None,
            "the household page is hidden for a motorbike"
        );
    }

    // --- changes and carry_answers ---------------------------------------------------------

    fn base() -> Value {
        let mut v = definition();
        v["form"]["pages"] = json!([
            {"id": "main", "title": {"fr": "Demande", "en": "Request"}, "fields": [
                {"id": "reason", "label": {"fr": "Motif", "en": "Reason"}, "kind": "long_text",
                 "required": true},
                {"id": "urgency", "label": {"fr": "Urgence"}, "kind": "single_choice",
                 "options": [{"value": "low", "label": {"fr": "Faible"}},
                             {"value": "high", "label": {"fr": "Forte"}}]},
                {"id": "count", "label": {"fr": "Nombre"}, "kind": "number", "min": 1, "max": 10},
                {"id": "note", "label": {"fr": "Note"}, "kind": "explanation",
                 "text": {"fr": "Merci."}}
            ]},
            {"id": "more", "title": {"fr": "Compléments", "en": "More"}, "fields": [
                {"id": "phone", "label": {"fr": "Téléphone"}, "kind": "phone"},
                {"id": "kids", "label": {"fr": "Enfants"}, "kind": "group", "fields": [
                    {"id": "name", "label": {"fr": "Prénom"}, "kind": "short_text"}]}
            ]}
        ]);
        v
    }

    fn def(v: &Value) -> ServiceDefinition {
        ServiceDefinition::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{e:#?}"))
    }

    fn diff(edit: impl FnOnce(&mut Value)) -> Vec<DefinitionChange> {
        let old = base();
        let mut new = old.clone();
        edit(&mut new);
        changes(&def(&old), &def(&new))
    }

    fn text(fr: &str, en: &str) -> Text {
        Text {
            fr: fr.into(),
            en: en.into(),
        }
    }

    #[test]
    fn no_change_no_list() {
        assert_eq!(diff(|_| {}), vec![]);
    }

    #[test]
    fn pages_added_removed_and_their_conditions() {
        let c = diff(|v| {
            let more = v["form"]["pages"][1].clone();
            v["form"]["pages"][1] = json!({"id": "extra", "title": {"fr": "En plus"},
                "fields": more["fields"]});
            v["form"]["pages"][1]["show_if"] = json!({"field": "reason", "is_answered": true});
        });
        assert_eq!(
            c,
            vec![
                DefinitionChange::PageRemoved {
                    page: "more".into(),
                    title: text("Compléments", "More")
                },
                DefinitionChange::PageAdded {
                    page: "extra".into(),
                    title: text("En plus", "")
                },
                DefinitionChange::FieldMoved {
                    field: "phone".into(),
                    label: text("Téléphone", ""),
                    from_page: "more".into(),
                    to_page: "extra".into(),
                    to_title: text("En plus", "")
                },
                DefinitionChange::FieldMoved {
                    field: "kids".into(),
                    label: text("Enfants", ""),
                    from_page: "more".into(),
                    to_page: "extra".into(),
                    to_title: text("En plus", "")
                },
            ]
        );
        assert!(c.iter().all(|x| !x.affects_answers()));
        let c = diff(|v| {
            v["form"]["pages"][1]["show_if"] = json!({"field": "reason", "is_answered": true})
        });
        assert_eq!(
            c,
            vec![DefinitionChange::PageConditionChanged {
                page: "more".into(),
                title: text("Compléments", "More")
            }]
        );
        assert_eq!(
            c[0].describe(Locale::En),
            "The condition showing page “More” (more) changed."
        );
    }

    #[test]
    fn fields_added_and_removed() {
        let c = diff(|v| {
            v["form"]["pages"][1]["fields"][0] = json!({"id": "mail", "label": {"fr": "Courriel", "en": "E-mail"},
                       "kind": "email", "required": true});
            v["form"]["pages"][0]["fields"]
                .as_array_mut()
                .unwrap()
                .remove(3);
        });
        assert_eq!(
            c,
            vec![
                DefinitionChange::FieldRemoved {
                    field: "note".into(),
                    label: text("Note", ""),
                    page: "main".into(),
                    holds_answer: false
                },
                DefinitionChange::FieldRemoved {
                    field: "phone".into(),
                    label: text("Téléphone", ""),
                    page: "more".into(),
                    holds_answer: true
                },
                DefinitionChange::FieldAdded {
                    field: "mail".into(),
                    label: text("Courriel", "E-mail"),
                    page: "more".into(),
                    required: true
                },
            ]
        );
        assert_eq!(
            c.iter().map(|x| x.affects_answers()).collect::<Vec<_>>(),
            [false, true, false]
        );
        assert_eq!(
            c[1].describe(Locale::Fr),
            "Champ « Téléphone » (phone) supprimé."
        );
        assert_eq!(
            c[2].describe(Locale::En),
            "Required field “E-mail” (mail) added."
        );
        assert_eq!(
            c[2].describe(Locale::Fr),
            "Champ obligatoire « Courriel » (mail) ajouté."
        );
    }

    #[test]
    fn kind_required_label_and_condition() {
        let c = diff(|v| {
            let f = &mut v["form"]["pages"][0]["fields"];
            f[0]["required"] = json!(false);
            f[0]["label"] = json!({"fr": "Raison", "en": "Why"});
            f[2] = json!({"id": "count", "label": {"fr": "Nombre"}, "kind": "short_text"});
            v["form"]["pages"][1]["fields"][0]["required"] = json!(true);
            v["form"]["pages"][1]["fields"][0]["show_if"] =
                json!({"field": "urgency", "equals": "high"});
        });
        assert_eq!(
            c,
            vec![
                DefinitionChange::FieldLabelChanged {
                    field: "reason".into(),
                    from: text("Motif", "Reason"),
                    to: text("Raison", "Why")
                },
                DefinitionChange::FieldBecameOptional {
                    field: "reason".into(),
                    label: text("Raison", "Why")
                },
                DefinitionChange::FieldKindChanged {
                    field: "count".into(),
                    label: text("Nombre", ""),
                    from: "number".into(),
                    to: "short_text".into()
                },
                DefinitionChange::FieldBecameRequired {
                    field: "phone".into(),
                    label: text("Téléphone", "")
                },
                DefinitionChange::FieldConditionChanged {
                    field: "phone".into(),
                    label: text("Téléphone", "")
                },
            ]
        );
        assert_eq!(
            c.iter().map(|x| x.affects_answers()).collect::<Vec<_>>(),
            [false, false, true, true, false]
        );
        assert_eq!(
            c[0].describe(Locale::En),
            "Field “Reason” (reason) is now labelled “Why”."
        );
        assert_eq!(
            c[2].describe(Locale::Fr),
            "Le champ « Nombre » (count) change de type : nombre → texte court."
        );
        assert_eq!(
            c[3].describe(Locale::En),
            "Field “Téléphone” (phone) is now required."
        );
    }

    #[test]
    fn bounds_narrowed_or_widened() {
        let bounds = |edit: &dyn Fn(&mut Value)| {
            let c = diff(|v| edit(&mut v["form"]["pages"][0]["fields"][2]));
            assert_eq!(c.len(), 1, "{c:#?}");
            match &c[0] {
                DefinitionChange::FieldBoundsChanged {
                    field, narrowed, ..
                } => {
                    assert_eq!(field, "count");
                    assert_eq!(*narrowed, c[0].affects_answers());
                    *narrowed
                }
                other => panic!("{other:?}"),
            }
        };
        assert!(bounds(&|f| f["max"] = json!(5)));
        assert!(!bounds(&|f| f["max"] = json!(50)));
        assert!(bounds(&|f| f["min"] = json!(2)));
        assert!(!bounds(&|f| {
            f.as_object_mut().unwrap().remove("min");
        }));
        assert!(bounds(&|f| f["integer"] = json!(true)));
        // One limit wider, another narrower: narrower.
        assert!(bounds(&|f| {
            f["min"] = json!(0);
            f["max"] = json!(9);
        }));
        let text_limit = diff(|v| v["form"]["pages"][0]["fields"][0]["max_length"] = json!(500));
        assert!(text_limit[0].affects_answers(), "{text_limit:?}");
        let date = |old: Value, new: Value| {
            let mut o = base();
            o["form"]["pages"][1]["fields"][0] =
                json!({"id": "phone", "label": {"fr": "Date"}, "kind": "date", "min": old});
            let mut n = o.clone();
            n["form"]["pages"][1]["fields"][0]["min"] = new;
            changes(&def(&o), &def(&n))
        };
        assert!(
            date(json!({"days_from_today": 0}), json!({"days_from_today": 1}))[0].affects_answers()
        );
        assert!(
            !date(
                json!({"days_from_today": 0}),
                json!({"days_from_today": -1})
            )[0]
            .affects_answers()
        );
        assert!(
            date(
                json!({"date": "2020-01-01"}),
                json!({"days_from_today": -1})
            )[0]
            .affects_answers()
        );
        let c = diff(|v| v["form"]["pages"][0]["fields"][2]["max"] = json!(5));
        assert_eq!(
            c[0].describe(Locale::En),
            "Field “Nombre” (count) has narrower limits."
        );
        assert_eq!(
            c[0].describe(Locale::Fr),
            "Les limites du champ « Nombre » (count) sont plus strictes."
        );
    }

    #[test]
    fn options_added_and_removed_by_value() {
        let c = diff(|v| {
            v["form"]["pages"][0]["fields"][1]["options"] = json!([
                {"value": "high", "label": {"fr": "Très forte"}},
                {"value": "medium", "label": {"fr": "Moyenne"}}]);
        });
        assert_eq!(
            c,
            vec![DefinitionChange::FieldOptionsChanged {
                field: "urgency".into(),
                label: text("Urgence", ""),
                added: vec!["medium".into()],
                removed: vec!["low".into()]
            }]
        );
        assert!(c[0].affects_answers());
        assert_eq!(
            c[0].describe(Locale::En),
            "Options of field “Urgence” (urgency) added: medium; removed: low."
        );
        let c = diff(|v| {
            v["form"]["pages"][0]["fields"][1]["options"]
                .as_array_mut()
                .unwrap()
                .push(json!({"value": "max", "label": {"fr": "Maximale"}}));
        });
        assert!(!c[0].affects_answers());
    }

    #[test]
    fn group_sub_fields_are_compared_too() {
        let c = diff(|v| {
            v["form"]["pages"][1]["fields"][1]["fields"] = json!([
                {"id": "name", "label": {"fr": "Prénom"}, "kind": "short_text", "required": true},
                {"id": "age", "label": {"fr": "Âge"}, "kind": "number"}]);
            v["form"]["pages"][1]["fields"][1]["max_items"] = json!(3);
        });
        assert_eq!(
            c,
            vec![
                DefinitionChange::FieldBoundsChanged {
                    field: "kids".into(),
                    label: text("Enfants", ""),
                    narrowed: true
                },
                DefinitionChange::FieldBecameRequired {
                    field: "kids.name".into(),
                    label: text("Prénom", "")
                },
                DefinitionChange::FieldAdded {
                    field: "kids.age".into(),
                    label: text("Âge", ""),
                    page: "more".into(),
                    required: false
                },
            ]
        );
    }

    #[test]
    fn documents_statuses_and_service_levels() {
        let c = diff(|v| {
            v["documents"][1]["required"] = json!(true);
            v["documents"][0] = json!({"id": "photo", "kind": "photo",
                "label": {"fr": "Photo"}, "required": false});
            v["workflow"]["statuses"][1]["id"] = json!("to_complete");
            v["workflow"]["transitions"][2]["to"] = json!("to_complete");
            v["workflow"]["transitions"][3]["from"] = json!(["to_complete"]);
            v["sla"]["targets"] = json!([
                {"priority": "normal", "resolution": {"days": 5}},
                {"priority": "urgent", "first_response": {"hours": 4}}]);
        });
        let label = text("À compléter", "");
        assert_eq!(
            c,
            vec![
                DefinitionChange::DocumentRemoved {
                    document: "id_card".into(),
                    label: text("Pièce d'identité", "")
                },
                DefinitionChange::DocumentBecameRequired {
                    document: "proof".into(),
                    label: text("Justificatif", "")
                },
                DefinitionChange::DocumentAdded {
                    document: "photo".into(),
                    label: text("Photo", ""),
                    required: false
                },
                DefinitionChange::StatusRemoved {
                    status: "corrections".into(),
                    label: label.clone()
                },
                DefinitionChange::StatusAdded {
                    status: "to_complete".into(),
                    label
                },
                DefinitionChange::SlaTargetChanged {
                    priority: Priority::Normal,
                    first_response_before: None,
                    first_response_after: None,
                    resolution_before: Some(BusinessDuration::Days(10)),
                    resolution_after: Some(BusinessDuration::Days(5)),
                },
                DefinitionChange::SlaTargetChanged {
                    priority: Priority::Urgent,
                    first_response_before: None,
                    first_response_after: Some(BusinessDuration::Hours(4)),
                    resolution_before: None,
                    resolution_after: None,
                },
            ]
        );
        assert_eq!(
            c.iter().map(|x| x.affects_answers()).collect::<Vec<_>>(),
            [false, true, false, false, false, false, false]
        );
        assert_eq!(
            c[5].describe(Locale::Fr),
            "Engagements de la priorité normale : résolution 10 jours ouvrés → 5 jours ouvrés."
        );
        assert_eq!(
            c[6].describe(Locale::En),
            "Targets of urgent priority: first response none → 4 business hours."
        );
        assert_eq!(
            c[1].describe(Locale::En),
            "Document “Justificatif” (proof) is now required."
        );
        // Reversed, every change is reported the other way round.
        let old = base();
        let new = def(&old);
        let mut edited = old.clone();
        edited["documents"][1]["required"] = json!(true);
        let back = changes(&def(&edited), &new);
        assert_eq!(
            back,
            vec![DefinitionChange::DocumentBecameOptional {
                document: "proof".into(),
                label: text("Justificatif", "")
            }]
        );
    }

    #[test]
    fn changes_serialise_with_their_ids() {
        let c = diff(|v| {
            v["form"]["pages"][0]["fields"]
                .as_array_mut()
                .unwrap()
                .remove(2);
        });
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(
            json,
            json!([{"change": "field_removed", "field": "count", "label": {"fr": "Nombre"},
                    "page": "main", "holds_answer": true}])
        );
        let back: Vec<DefinitionChange> = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn every_change_describes_itself_in_both_languages() {
        let c = diff(|v| {
            let f = &mut v["form"]["pages"][0]["fields"];
            f[0]["label"] = json!({"fr": "Raison"});
            f[1]["options"] = json!([{"value": "high", "label": {"fr": "Forte"}}]);
            f[2]["max"] = json!(100);
            v["form"]["pages"][1]["fields"][0]["kind"] = json!("email");
            v["documents"][0]["required"] = json!(false);
            v["sla"]["targets"] = json!([]);
        });
        assert!(c.len() >= 6, "{c:#?}");
        for x in &c {
            let fr = x.describe(Locale::Fr);
            let en = x.describe(Locale::En);
            assert!(fr.ends_with('.') && en.ends_with('.'), "{fr} / {en}");
            assert_ne!(fr, en);
        }
    }

    #[test]
    fn answers_are_carried_when_they_still_fit() {
        let today = chrono::NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
        let mut v = base();
        {
            let f = &mut v["form"]["pages"][0]["fields"];
            f[1]["options"] = json!([{"value": "high", "label": {"fr": "Forte"}}]);
            f[2]["max"] = json!(5);
            v["form"]["pages"][1]["fields"][0] =
                json!({"id": "phone", "label": {"fr": "Tél."}, "kind": "yes_no"});
        }
        v["form"]["pages"][1]["fields"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "mail", "label": {"fr": "Courriel"}, "kind": "email"}));
        let new = def(&v);
        let answers = json!({
            "reason": "  Parce que  ",
            "urgency": "low",
            "count": 7,
            "phone": "0612345678",
            "gone": "x",
            "note": "no value",
            "mail": "Lea@Example.fr",
            "kids": [{"name": "Léa"}],
            "empty": ""
        });
        let (kept, dropped) = carry_answers(&new, answers.as_object().unwrap(), today);
        assert_eq!(
            Value::Object(kept),
            json!({"reason": "Parce que", "mail": "lea@example.fr", "kids": [{"name": "Léa"}]})
        );
        let mut dropped = dropped;
        dropped.sort();
        assert_eq!(
            dropped,
            ["count", "gone", "note", "phone", "urgency"].map(String::from)
        );
        // The same definition keeps every valid answer.
        let (kept, dropped) = carry_answers(
            &def(&base()),
            json!({"count": 7, "urgency": "low"}).as_object().unwrap(),
            today,
        );
        assert_eq!(Value::Object(kept), json!({"count": 7, "urgency": "low"}));
        assert!(dropped.is_empty());
    }
}

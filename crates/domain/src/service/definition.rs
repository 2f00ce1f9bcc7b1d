//! A service's versioned definition: its form, the documents it asks for, its workflow and its
//! service levels, exported and imported as JSON (`docs/SERVICE-DEFINITION.md`). Import checks
//! everything and points at the exact place of each error.

use super::form::{FieldKind, Form};
use super::sla::SlaPolicy;
use super::workflow::{Action, TransitionCondition, Workflow};
use super::{DefinitionError, Text};
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
}

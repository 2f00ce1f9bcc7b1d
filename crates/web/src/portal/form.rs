//! A service's form on the portal: what was posted (plain form or multipart with files),
//! the answers it gives for the fields of a page, and the view of each field for the
//! templates (its input, its value as typed, its error tied to it with aria-describedby).
//!
//! Posted names follow the answers' paths: `plate`, `address.postcode`, `children[1].name`,
//! the item count of a group in `children.count`. The conditions between fields are evaluated
//! here on the server, page by page; validation is the domain's (`Form::validate_answers`).

use super::size_text;
use crate::{
    ctx::Ctx,
    error::{AppError, AppResult},
    state::AppState,
};
use axum::{
    extract::{Form as FormBody, FromRequest, Multipart, Request},
    http::{StatusCode, header},
};
use relais_domain::Locale;
use relais_domain::service::form::{
    AnswerError, Answers, DEFAULT_LONG_TEXT_MAX, DEFAULT_MAX_ITEMS, DEFAULT_SHORT_TEXT_MAX, Field,
    FieldKind, is_answered,
};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// Most parts a posted form may have, and longest text part, so a crafted request cannot
/// make the server hold much more than a real form sends.
const MAX_PARTS: usize = 500;
const MAX_TEXT_PART: usize = 100_000;

/// A file as posted.
pub struct Upload {
    /// The input's name: the field path, or `doc:<id>` for a required document.
    pub name: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A posted form: its text fields (in order, names may repeat) and its files.
#[derive(Default)]
pub struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Upload>,
}

fn bad_multipart(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge
    } else {
        AppError::BadRequest
    }
}

impl Posted {
    /// Reads a plain or multipart form.
    pub async fn read(state: &AppState, req: Request) -> AppResult<Posted> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        if !multipart {
            let FormBody(fields) = FormBody::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(|_| AppError::BadRequest)?;
            if fields.len() > MAX_PARTS {
                return Err(AppError::BadRequest);
            }
            return Ok(Posted {
                fields,
                files: Vec::new(),
            });
        }
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
        let mut posted = Posted::default();
        while let Some(mut part) = multipart.next_field().await.map_err(bad_multipart)? {
            if posted.fields.len() + posted.files.len() >= MAX_PARTS {
                return Err(AppError::BadRequest);
            }
            let name = part.name().unwrap_or_default().to_owned();
            let file_name = part.file_name().map(str::to_owned);
            let mut bytes = Vec::new();
            while let Some(chunk) = part.chunk().await.map_err(bad_multipart)? {
                bytes.extend_from_slice(&chunk);
                if file_name.is_none() && bytes.len() > MAX_TEXT_PART {
                    return Err(AppError::TooLarge);
                }
            }
            match file_name {
                // A file input left empty sends a part without name or bytes.
                Some(f) if f.is_empty() && bytes.is_empty() => {}
                Some(file_name) => posted.files.push(Upload {
                    name,
                    file_name,
                    bytes,
                }),
                None => {
                    let text = String::from_utf8(bytes).map_err(|_| AppError::BadRequest)?;
                    posted.fields.push((name, text));
                }
            }
        }
        Ok(posted)
    }

    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn action(&self) -> &str {
        self.get("action")
    }
}

/// The HTML id of a path: `children[1].name` → `f-children-1-name` (field ids are
/// snake_case, so the dashes cannot collide with them).
pub fn html_id(path: &str) -> String {
    let mut id = String::from("f-");
    for c in path.chars() {
        match c {
            '[' | '.' => id.push('-'),
            ']' => {}
            c => id.push(c),
        }
    }
    id
}

/// Errors of a page by path, with their message ids.
#[derive(Default)]
pub struct Errors {
    pub list: Vec<(String, &'static str)>,
}

impl Errors {
    pub fn from_answers(errors: Vec<AnswerError>) -> Errors {
        Errors {
            list: errors.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    pub fn push(&mut self, path: impl Into<String>, code: &'static str) {
        self.list.push((path.into(), code));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&'static str> {
        self.list.iter().find(|(p, _)| p == path).map(|(_, c)| *c)
    }

    /// Keeps the errors of these top-level fields (and their parts and items).
    pub fn only(self, top_level: &BTreeSet<String>) -> Errors {
        Errors {
            list: self
                .list
                .into_iter()
                .filter(|(p, _)| top_level.contains(top_of(p)))
                .collect(),
        }
    }
}

/// The top-level field of a path: `children[1].name` → `children`.
pub fn top_of(path: &str) -> &str {
    path.split(['.', '[']).next().unwrap_or(path)
}

/// A document shown beside a file input.
pub struct FileView {
    pub id: Uuid,
    pub name: String,
    pub size: String,
}

/// Names and sizes of the documents the answers refer to.
pub type DocumentNames = HashMap<Uuid, (String, i64)>;

pub struct OptionView {
    pub id: String,
    pub value: String,
    pub label: String,
    pub checked: bool,
}

pub struct PartView {
    pub name: String,
    pub id: String,
    pub label: String,
    pub value: String,
    pub autocomplete: &'static str,
    pub required: bool,
    pub error: Option<String>,
    pub error_id: String,
}

pub struct ItemView {
    pub legend: String,
    pub fields: Vec<FieldView>,
    pub remove_action: String,
    pub remove_label: String,
}

/// One field as the templates render it.
pub struct FieldView {
    pub kind: &'static str,
    pub name: String,
    pub id: String,
    pub label: String,
    pub help: Option<String>,
    pub required: bool,
    pub value: String,
    pub options: Vec<OptionView>,
    pub parts: Vec<PartView>,
    pub files: Vec<FileView>,
    pub accept: String,
    pub multiple: bool,
    /// Input attributes made here from the definition's numbers (never from user text).
    pub attrs: String,
    pub error: Option<String>,
    pub items: Vec<ItemView>,
    pub count_name: String,
    pub add_action: Option<String>,
    pub text: String,
}

impl FieldView {
    pub fn hint_id(&self) -> String {
        format!("{}-hint", self.id)
    }
    pub fn error_id(&self) -> String {
        format!("{}-error", self.id)
    }
    /// `aria-describedby` (hint and error) and `aria-invalid` of the field's input.
    pub fn aria(&self) -> String {
        let mut ids = Vec::new();
        if self.help.is_some() || !self.accept.is_empty() {
            ids.push(self.hint_id());
        }
        if self.error.is_some() {
            ids.push(self.error_id());
        }
        let mut out = String::new();
        if self.error.is_some()
            && !matches!(self.kind, "single_choice" | "multiple_choice" | "yes_no")
        {
            out.push_str(" aria-invalid=\"true\"");
        }
        if !ids.is_empty() {
            out.push_str(&format!(" aria-describedby=\"{}\"", ids.join(" ")));
        }
        out
    }
}

fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(true)) => "yes".into(),
        Some(Value::Bool(false)) => "no".into(),
        _ => String::new(),
    }
}

fn selected(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().map(|x| text_of(Some(x))).collect(),
        Some(other) => vec![text_of(Some(other))],
        None => Vec::new(),
    }
}

/// Document ids an answer refers to (a file field's answer).
pub fn document_ids(v: Option<&Value>) -> Vec<Uuid> {
    selected(v)
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect()
}

/// Every document id the answers refer to, with the field it answers (`group.sub` for a
/// file inside a repeatable group).
pub fn documents_in(fields: &[Field], answers: &Answers) -> Vec<(Uuid, String)> {
    let mut out = Vec::new();
    for field in fields {
        match &field.kind {
            FieldKind::File { .. } => {
                for id in document_ids(answers.get(&field.id)) {
                    out.push((id, field.id.clone()));
                }
            }
            FieldKind::Group { fields: subs, .. } => {
                if let Some(Value::Array(items)) = answers.get(&field.id) {
                    for item in items.iter().filter_map(Value::as_object) {
                        for (id, sub) in documents_in(subs, item) {
                            out.push((id, format!("{}.{sub}", field.id)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

const ADDRESS_PARTS: [(&str, &str, &str, bool); 5] = [
    ("street", "portal-address-street", "address-line1", true),
    (
        "complement",
        "portal-address-complement",
        "address-line2",
        false,
    ),
    ("postcode", "portal-address-postcode", "postal-code", true),
    ("city", "portal-address-city", "address-level2", true),
    ("country", "portal-address-country", "country", false),
];

/// Whether a sub-field of a group item is shown: its condition sees the form's answers (a
/// sub-field shadowing a form field of the same id) and the item's earlier answers.
fn sub_visible(sub: &Field, subs: &[Field], item: &Map<String, Value>, context: &Answers) -> bool {
    let Some(condition) = &sub.show_if else {
        return true;
    };
    let mut seen = context.clone();
    for s in subs {
        seen.remove(&s.id);
    }
    for s in subs.iter().take_while(|s| s.id != sub.id) {
        if let Some(v) = item.get(&s.id) {
            seen.insert(s.id.clone(), v.clone());
        }
    }
    condition.eval(&seen)
}

fn items_of(v: Option<&Value>) -> Vec<Map<String, Value>> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_object().cloned().unwrap_or_default())
            .collect(),
        _ => Vec::new(),
    }
}

/// The paths of the inputs shown for these fields: each field, and each shown sub-field of
/// each item of a group. A new one after a post means a condition opened more questions.
pub fn shown_paths(fields: &[&Field], answers: &Answers) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for field in fields {
        out.insert(field.id.clone());
        if let FieldKind::Group { fields: subs, .. } = &field.kind {
            for (i, item) in items_of(answers.get(&field.id)).iter().enumerate() {
                for sub in subs.iter().filter(|s| sub_visible(s, subs, item, answers)) {
                    out.insert(format!("{}[{i}].{}", field.id, sub.id));
                }
            }
        }
    }
    out
}

fn max_items(kind: &FieldKind) -> usize {
    match kind {
        FieldKind::Group { max_items, .. } => max_items.unwrap_or(DEFAULT_MAX_ITEMS) as usize,
        _ => 0,
    }
}

/// One field's value from the posted form (`None`: not answered). File answers are not
/// posted: they come from the uploads, so the answer already held is kept.
fn read_value(field: &Field, path: &str, posted: &Posted, held: Option<&Value>) -> Option<Value> {
    let text = |name: &str| -> Option<Value> {
        let v = posted.get(name);
        (!v.trim().is_empty()).then(|| Value::String(v.to_owned()))
    };
    match &field.kind {
        FieldKind::ShortText { .. }
        | FieldKind::LongText { .. }
        | FieldKind::Number { .. }
        | FieldKind::Date { .. }
        | FieldKind::Email {}
        | FieldKind::Phone {}
        | FieldKind::SingleChoice { .. } => text(path),
        FieldKind::YesNo {} => match posted.get(path) {
            "yes" => Some(Value::Bool(true)),
            "no" => Some(Value::Bool(false)),
            "" => None,
            other => Some(Value::String(other.to_owned())),
        },
        FieldKind::MultipleChoice { .. } => {
            let chosen: Vec<Value> = posted
                .all(path)
                .into_iter()
                .filter(|v| !v.is_empty())
                .map(|v| Value::String(v.to_owned()))
                .collect();
            (!chosen.is_empty()).then_some(Value::Array(chosen))
        }
        FieldKind::PostalAddress {} => {
            let mut parts = Map::new();
            for (key, ..) in ADDRESS_PARTS {
                if let Some(v) = text(&format!("{path}.{key}")) {
                    parts.insert(key.to_owned(), v);
                }
            }
            (!parts.is_empty()).then_some(Value::Object(parts))
        }
        FieldKind::File { .. } => held.filter(|v| is_answered(v)).cloned(),
        FieldKind::Group { fields: subs, .. } => {
            let held_items = items_of(held);
            let count = posted
                .get(&format!("{path}.count"))
                .parse::<usize>()
                .unwrap_or(held_items.len())
                .min(max_items(&field.kind));
            let items: Vec<Value> = (0..count)
                .map(|i| {
                    let held_item = held_items.get(i);
                    let mut item = Map::new();
                    for sub in subs {
                        let sub_path = format!("{path}[{i}].{}", sub.id);
                        if let Some(v) = read_value(
                            sub,
                            &sub_path,
                            posted,
                            held_item.and_then(|h| h.get(&sub.id)),
                        ) {
                            item.insert(sub.id.clone(), v);
                        }
                    }
                    Value::Object(item)
                })
                .collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        FieldKind::Explanation { .. } => None,
    }
}

/// Merges the posted values of these fields into the answers (a field left empty loses its
/// answer). Only the inputs that were shown (`shown`) are read: a hidden sub-field keeps
/// nothing.
pub fn read(fields: &[&Field], posted: &Posted, answers: &mut Answers) {
    for field in fields {
        match read_value(field, &field.id, posted, answers.get(&field.id)) {
            Some(v) => {
                answers.insert(field.id.clone(), v);
            }
            None => {
                answers.remove(&field.id);
            }
        }
    }
}

/// Names in the post that are neither one of the given controls nor an input of any field
/// of the form (`fields`: every top-level field of the service): a client sending fields the
/// service does not have is refused, naming them.
pub fn unknown_names(all_fields: &[Field], posted: &Posted, controls: &[&str]) -> Vec<String> {
    let known = |name: &str| -> bool {
        if controls.contains(&name) || name.starts_with("doc:") || name.starts_with("safe:") {
            return true;
        }
        let top = top_of(name);
        let Some(field) = all_fields.iter().find(|f| f.id == top) else {
            return false;
        };
        let rest = &name[top.len()..];
        match &field.kind {
            FieldKind::PostalAddress {} => {
                rest.is_empty()
                    || rest
                        .strip_prefix('.')
                        .is_some_and(|k| ADDRESS_PARTS.iter().any(|(p, ..)| *p == k))
            }
            FieldKind::Group { fields: subs, .. } => {
                if rest == ".count" || rest.is_empty() {
                    return true;
                }
                let Some(after) = rest.strip_prefix('[') else {
                    return false;
                };
                let Some((index, sub_path)) = after.split_once("].") else {
                    return false;
                };
                if index.parse::<usize>().is_err() {
                    return false;
                }
                let sub_id = sub_path.split('.').next().unwrap_or(sub_path);
                let sub_rest = &sub_path[sub_id.len()..];
                subs.iter().any(|s| {
                    s.id == sub_id
                        && (sub_rest.is_empty()
                            || matches!(s.kind, FieldKind::PostalAddress {})
                                && sub_rest
                                    .strip_prefix('.')
                                    .is_some_and(|k| ADDRESS_PARTS.iter().any(|(p, ..)| *p == k)))
                })
            }
            _ => rest.is_empty(),
        }
    };
    let mut unknown: Vec<String> = posted
        .fields
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(posted.files.iter().map(|f| f.name.as_str()))
        .filter(|name| !known(name))
        .map(|name| name.chars().take(64).collect())
        .collect();
    unknown.dedup();
    unknown
}

/// The limits of a file field as a hint: "PDF, images · 5 MB max. · 2 files max.".
pub fn file_hint(ctx: &Ctx, accept: &[String], max_size: u64, max_count: u32) -> String {
    let types: Vec<String> = accept
        .iter()
        .map(|a| match a.as_str() {
            "application/pdf" => "PDF".to_owned(),
            "image/*" => ctx.t("portal-file-images"),
            "image/jpeg" => "JPEG".to_owned(),
            "image/png" => "PNG".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    crate::i18n::message(
        ctx.locale,
        "portal-file-hint",
        &[
            ("types", types.join(", ").into()),
            ("size", size_text(ctx, max_size).into()),
            ("count", i64::from(max_count).into()),
        ],
    )
}

/// Everything the views of one page need besides the answers.
pub struct ViewContext<'a> {
    pub ctx: &'a Ctx,
    pub errors: &'a Errors,
    pub documents: &'a DocumentNames,
    pub today: chrono::NaiveDate,
}

impl ViewContext<'_> {
    fn error(&self, path: &str) -> Option<String> {
        self.errors.get(path).map(|code| self.ctx.t(code))
    }

    fn file_views(&self, v: Option<&Value>) -> Vec<FileView> {
        document_ids(v)
            .into_iter()
            .map(|id| {
                let (name, size) = self
                    .documents
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| (self.ctx.t("portal-file-unknown"), 0));
                FileView {
                    id,
                    name,
                    size: size_text(self.ctx, size.max(0) as u64),
                }
            })
            .collect()
    }

    /// The views of these top-level fields for these answers.
    pub fn fields(&self, fields: &[&Field], answers: &Answers) -> Vec<FieldView> {
        fields
            .iter()
            .map(|f| self.field(f, &f.id, answers.get(&f.id), answers))
            .collect()
    }

    fn field(
        &self,
        field: &Field,
        path: &str,
        value: Option<&Value>,
        answers: &Answers,
    ) -> FieldView {
        let locale: Locale = self.ctx.locale;
        let id = html_id(path);
        let mut view = FieldView {
            kind: field.kind.name(),
            name: path.to_owned(),
            id: id.clone(),
            label: field.label.get(locale).to_owned(),
            help: field.help.as_ref().map(|h| h.get(locale).to_owned()),
            required: field.required,
            value: text_of(value),
            options: Vec::new(),
            parts: Vec::new(),
            files: Vec::new(),
            accept: String::new(),
            multiple: false,
            attrs: String::new(),
            error: self.error(path),
            items: Vec::new(),
            count_name: String::new(),
            add_action: None,
            text: String::new(),
        };
        let option_views = |options: &[relais_domain::service::form::ChoiceOption]| {
            let chosen = selected(value);
            options
                .iter()
                .enumerate()
                .map(|(i, o)| OptionView {
                    id: format!("{id}-{i}"),
                    value: o.value.clone(),
                    label: o.label.get(locale).to_owned(),
                    checked: chosen.contains(&o.value),
                })
                .collect::<Vec<_>>()
        };
        match &field.kind {
            FieldKind::ShortText { max_length } => {
                view.attrs = format!(
                    " maxlength=\"{}\"",
                    max_length.unwrap_or(DEFAULT_SHORT_TEXT_MAX)
                );
            }
            FieldKind::LongText { max_length } => {
                view.attrs = format!(
                    " maxlength=\"{}\"",
                    max_length.unwrap_or(DEFAULT_LONG_TEXT_MAX)
                );
            }
            FieldKind::Number { integer, .. } => {
                view.attrs = if *integer {
                    " inputmode=\"numeric\"".into()
                } else {
                    " inputmode=\"decimal\"".into()
                };
            }
            FieldKind::Date { min, max } => {
                let bound = |b: &Option<relais_domain::service::form::DateBound>, attr: &str| {
                    b.and_then(|b| b.resolve(self.today))
                        .map(|d| format!(" {attr}=\"{}\"", d.format("%Y-%m-%d")))
                        .unwrap_or_default()
                };
                view.attrs = format!("{}{}", bound(min, "min"), bound(max, "max"));
                // A date kept as typed (`14/07/2024`) is shown as the date input wants it.
                if let Ok(d) = chrono::NaiveDate::parse_from_str(&view.value, "%d/%m/%Y") {
                    view.value = d.format("%Y-%m-%d").to_string();
                }
            }
            FieldKind::SingleChoice { options } => view.options = option_views(options),
            FieldKind::MultipleChoice { options, .. } => view.options = option_views(options),
            FieldKind::YesNo {} => {
                let v = view.value.clone();
                view.options = [("yes", "yes"), ("no", "no")]
                    .into_iter()
                    .enumerate()
                    .map(|(i, (value, label))| OptionView {
                        id: format!("{id}-{i}"),
                        value: value.into(),
                        label: self.ctx.t(&format!("portal-{label}")),
                        checked: v == value,
                    })
                    .collect();
            }
            FieldKind::PostalAddress {} => {
                let obj = value.and_then(Value::as_object);
                view.parts = ADDRESS_PARTS
                    .iter()
                    .map(|(key, label, autocomplete, required)| {
                        let part_path = format!("{path}.{key}");
                        let part_id = html_id(&part_path);
                        let mut value = text_of(obj.and_then(|o| o.get(*key)));
                        if *key == "country" && value.is_empty() {
                            value = "FR".into();
                        }
                        PartView {
                            error: self.error(&part_path),
                            error_id: format!("{part_id}-error"),
                            name: part_path,
                            id: part_id,
                            label: self.ctx.t(label),
                            value,
                            autocomplete,
                            required: *required && field.required,
                        }
                    })
                    .collect();
            }
            FieldKind::File {
                accept,
                max_size_bytes,
                max_count,
            } => {
                view.files = self.file_views(value);
                view.accept = relais_domain::filing::accept_attribute(accept);
                view.multiple = *max_count > 1;
                view.help = Some(
                    view.help.map(|h| format!("{h} — ")).unwrap_or_default()
                        + &file_hint(self.ctx, accept, *max_size_bytes, *max_count),
                );
            }
            FieldKind::Group {
                fields: subs,
                min_items,
                ..
            } => {
                let items = items_of(value);
                // A required group, or one with a minimum, starts with the items it needs.
                let shown = items
                    .len()
                    .max(min_items.unwrap_or(0) as usize)
                    .max(usize::from(field.required))
                    .min(max_items(&field.kind));
                view.count_name = format!("{path}.count");
                view.value = shown.to_string();
                view.add_action = (shown < max_items(&field.kind)).then(|| format!("add:{path}"));
                let empty = Map::new();
                view.items = (0..shown)
                    .map(|i| {
                        let item = items.get(i).unwrap_or(&empty);
                        let fields = subs
                            .iter()
                            .filter(|s| sub_visible(s, subs, item, answers))
                            .map(|s| {
                                self.field(
                                    s,
                                    &format!("{path}[{i}].{}", s.id),
                                    item.get(&s.id),
                                    answers,
                                )
                            })
                            .collect();
                        ItemView {
                            legend: format!("{} {}", field.label.get(locale), i + 1),
                            fields,
                            remove_action: format!("remove-item:{path}:{i}"),
                            remove_label: self.ctx.t1(
                                "portal-group-remove",
                                "item",
                                format!("{} {}", field.label.get(locale), i + 1),
                            ),
                        }
                    })
                    .collect();
            }
            FieldKind::Explanation { text } => view.text = text.get(locale).to_owned(),
            FieldKind::Email {} | FieldKind::Phone {} => {}
        }
        view
    }
}

/// Carries out a form's "add an item" (`add:<group>`) or "remove an item"
/// (`remove-item:<group>:<index>`) button on `answers`, for a group `is_group` accepts; true
/// if `action` was one of those buttons (the form is then shown again, nothing sent).
pub fn item_action(answers: &mut Answers, action: &str, is_group: impl Fn(&str) -> bool) -> bool {
    if let Some(group) = action.strip_prefix("add:") {
        if is_group(group) {
            add_item(answers, group);
        }
        return true;
    }
    if let Some(rest) = action.strip_prefix("remove-item:")
        && let Some((group, index)) = rest.rsplit_once(':')
        && let Ok(index) = index.parse::<usize>()
    {
        if is_group(group) {
            remove_item(answers, group, index);
        }
        return true;
    }
    false
}

/// A group's answer with one more (empty) item, or one item fewer.
pub fn add_item(answers: &mut Answers, group: &str) {
    let mut items = match answers.remove(group) {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    items.push(Value::Object(Map::new()));
    answers.insert(group.to_owned(), Value::Array(items));
}

pub fn remove_item(answers: &mut Answers, group: &str, index: usize) {
    if let Some(Value::Array(items)) = answers.get_mut(group)
        && index < items.len()
    {
        items.remove(index);
    }
}

/// The value of a file field at `path` (a top-level field or `group[i].sub`).
pub fn file_value_mut<'a>(answers: &'a mut Answers, path: &str) -> Option<&'a mut Value> {
    let top = top_of(path);
    let rest = &path[top.len()..];
    if rest.is_empty() {
        return Some(
            answers
                .entry(top.to_owned())
                .or_insert_with(|| Value::Array(Vec::new())),
        );
    }
    let after = rest.strip_prefix('[')?;
    let (index, sub) = after.split_once("].")?;
    let index: usize = index.parse().ok()?;
    let items = answers.get_mut(top)?.as_array_mut()?;
    let item = items.get_mut(index)?.as_object_mut()?;
    Some(
        item.entry(sub.to_owned())
            .or_insert_with(|| Value::Array(Vec::new())),
    )
}

/// The definition of the file input at `path` among the form's fields.
pub fn file_field<'a>(fields: &'a [Field], path: &str) -> Option<&'a Field> {
    let top = top_of(path);
    let field = fields.iter().find(|f| f.id == top)?;
    let rest = &path[top.len()..];
    match (&field.kind, rest) {
        (FieldKind::File { .. }, "") => Some(field),
        (FieldKind::Group { fields: subs, .. }, rest) => {
            let (_, sub) = rest.strip_prefix('[')?.split_once("].")?;
            subs.iter()
                .find(|s| s.id == sub && matches!(s.kind, FieldKind::File { .. }))
        }
        _ => None,
    }
}

/// Appends document ids to a file answer (kept as strings, as the form stores them).
pub fn push_documents(value: &mut Value, ids: &[Uuid]) {
    if !value.is_array() {
        *value = Value::Array(Vec::new());
    }
    if let Value::Array(items) = value {
        for id in ids {
            items.push(Value::String(id.to_string()));
        }
    }
}

/// Removes one document id from a file answer; whether it was there.
pub fn remove_document(value: &mut Value, id: Uuid) -> bool {
    let Value::Array(items) = value else {
        return false;
    };
    let before = items.len();
    items.retain(|v| v.as_str() != Some(id.to_string().as_str()));
    items.len() != before
}

/// 422 with a page, for handlers.
pub fn unprocessable(mut r: axum::response::Response) -> axum::response::Response {
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

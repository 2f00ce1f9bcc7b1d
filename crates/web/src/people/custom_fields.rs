//! Custom fields of persons: the administration page that defines them
//! (`/admin/custom-fields`, `ManageCustomFields`), and the inputs and checks the person
//! forms share (the creation and identity forms, the 360° page).
//!
//! A field's input is named `cf-<key>`. A value of the wrong kind is refused with the
//! field's own message next to its input; a `cf-…` input of no active field is refused as
//! `custom-field-unknown`.

use super::Typed;
use crate::{
    admin::{Errors, FieldErrors, Fields, NavLink, checked, nav, parse_id, value, with_status},
    ctx::Ctx,
    error::{AppError, AppResult},
    pages::render,
    state::AppState,
};
use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use relais_domain::{
    Invalid, Permission,
    people::custom_fields::{FieldDefinition, FieldKind, FieldValue, Rule, check_values},
};
use relais_store::{StoreError, people::custom_fields as store};
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/custom-fields", get(list).post(create))
        .route("/admin/custom-fields/{field}", get(edit).post(save))
}

/// Errors of forms whose inputs are not all known in advance (custom fields): (input id,
/// message id), in the order of the form.
pub(crate) type DynErrors = Vec<(String, &'static str)>;

impl FieldErrors for DynErrors {
    fn error_for(&self, field: &str) -> Option<&'static str> {
        self.iter().find(|(f, _)| f == field).map(|(_, code)| *code)
    }

    fn aria(&self, field: &str, hint: &str) -> String {
        let invalid = self.error_for(field).is_some();
        let mut ids = Vec::new();
        if !hint.is_empty() {
            ids.push(hint.to_owned());
        }
        if invalid {
            ids.push(format!("{field}-error"));
        }
        let mut out = String::new();
        if invalid {
            out.push_str(" aria-invalid=\"true\"");
        }
        if !ids.is_empty() {
            out.push_str(&format!(" aria-describedby=\"{}\"", ids.join(" ")));
        }
        out
    }
}

/// Fixed-name errors as dynamic ones.
pub(crate) fn dyn_errors(errors: Errors) -> DynErrors {
    errors.into_iter().map(|(f, c)| (f.to_owned(), c)).collect()
}

pub(crate) fn push_invalid(errors: &mut DynErrors, invalid: Vec<Invalid>) {
    errors.extend(invalid.into_iter().map(|e| (e.field.to_owned(), e.code)));
}

/// The input of a field.
pub fn input_name(key: &str) -> String {
    format!("cf-{key}")
}

/// A custom field as a page shows it: its input (for forms) and its value (for reading).
pub struct CustomInput {
    pub id: String,
    pub label: String,
    pub kind: &'static str,
    /// The value in the input: as typed when the form is shown again, else as stored.
    pub value: String,
    /// The stored value as people read it ("" when none).
    pub display: String,
    pub choices: Vec<String>,
    pub required: bool,
    pub hint: Option<String>,
}

impl CustomInput {
    /// The id of its hint, "" when it has none.
    pub fn hint_id(&self) -> String {
        if self.hint.is_some() {
            format!("{}-hint", self.id)
        } else {
            String::new()
        }
    }
}

/// The inputs of the active fields, filled from `typed` (a refused form) or from the stored
/// `values`.
pub fn inputs(
    ctx: &Ctx,
    fields: &[store::CustomField],
    values: &[(Uuid, FieldValue)],
    typed: Option<&Typed>,
) -> Vec<CustomInput> {
    fields
        .iter()
        .filter(|f| f.is_active())
        .map(|f| {
            let stored = values.iter().find(|(id, _)| *id == f.id).map(|(_, v)| v);
            let id = input_name(&f.key);
            let value = match typed {
                Some(t) => t.get(&id).to_owned(),
                None => stored.map(FieldValue::input).unwrap_or_default(),
            };
            let hint = match f.kind() {
                FieldKind::Number => Some(ctx.t("custom-field-number-hint")),
                FieldKind::Date => Some(ctx.t("custom-field-date-hint")),
                _ => None,
            };
            CustomInput {
                display: stored.map(|v| v.display(ctx.locale)).unwrap_or_default(),
                id,
                label: f.label(ctx.locale).to_owned(),
                kind: f.kind().as_str(),
                value,
                choices: f.choices.0.clone(),
                required: f.required,
                hint,
            }
        })
        .collect()
}

/// The values stored for archived fields, as (label, value) to read only.
pub fn archived_values(
    ctx: &Ctx,
    fields: &[store::CustomField],
    values: &[(Uuid, FieldValue)],
) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|f| !f.is_active())
        .filter_map(|f| {
            let v = values.iter().find(|(id, _)| *id == f.id)?;
            Some((f.label(ctx.locale).to_owned(), v.1.display(ctx.locale)))
        })
        .collect()
}

/// Reads every active field's input of a form (an empty input clears the value; a required
/// field must be filled). Any `cf-…` input of no active field: `custom-field-unknown`.
pub fn parse_form(
    fields: &Fields,
    defs: &[store::CustomField],
) -> Result<Vec<(Uuid, Option<FieldValue>)>, DynErrors> {
    let active: Vec<&store::CustomField> = defs.iter().filter(|f| f.is_active()).collect();
    let rules: Vec<(&str, Rule<'_>, bool)> = active
        .iter()
        .map(|f| (f.key.as_str(), f.rule(), f.required))
        .collect();
    let mut given = Vec::new();
    for (name, raw) in fields {
        let Some(key) = name.strip_prefix("cf-") else {
            continue;
        };
        let parsed = match active.iter().find(|f| f.key == key) {
            Some(f) => f.rule().parse(raw),
            None => Ok(None),
        };
        given.push((key.to_owned(), parsed));
    }
    match check_values(&rules, given, true) {
        Ok(values) => Ok(values
            .into_iter()
            .filter_map(|(key, v)| active.iter().find(|f| f.key == key).map(|f| (f.id, v)))
            .collect()),
        Err(errors) => Err(errors
            .into_iter()
            .map(|e| {
                let field = if active.iter().any(|f| f.key == e.key) {
                    input_name(&e.key)
                } else {
                    "custom_fields".to_owned()
                };
                (field, e.code)
            })
            .collect()),
    }
}

// ---------------------------------------------------------------------------------------
// Administration

#[derive(Deserialize, Default)]
pub struct NoticeOnly {
    pub notice: Option<String>,
}

fn notice(q: &NoticeOnly, ctx: &Ctx) -> Option<String> {
    q.notice
        .as_deref()
        .filter(|n| ["custom-field-created", "custom-field-saved"].contains(n))
        .map(|n| ctx.t(n))
}

pub struct FieldRow {
    pub id: Uuid,
    pub key: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub archived: bool,
}

#[derive(Template)]
#[template(path = "admin/custom_fields.html")]
struct ListTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    notice: Option<String>,
    errors: Errors,
    form: Typed,
    rows: Vec<FieldRow>,
}

impl ListTpl<'_> {
    fn kinds(&self) -> Vec<&'static str> {
        FieldKind::ALL.iter().map(|k| k.as_str()).collect()
    }
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    notice: Option<String>,
    form: Typed,
    errors: Errors,
) -> AppResult<Response> {
    let rows = store::list_fields(&state.db, ctx.tenant.id, true)
        .await?
        .into_iter()
        .map(|f| FieldRow {
            id: f.id,
            label: f.label(ctx.locale).to_owned(),
            kind: f.kind.clone(),
            required: f.required,
            archived: !f.is_active(),
            key: f.key,
        })
        .collect();
    let r = render(&ListTpl {
        ctx,
        nav: nav(ctx, "/admin/custom-fields", true),
        notice,
        errors: errors.clone(),
        form,
        rows,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeOnly>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCustomFields)?;
    let form = Typed(vec![("kind".into(), "text".into())]);
    list_page(&state, &ctx, notice(&q, &ctx), form, Errors::new()).await
}

fn parse_definition(fields: &Fields, key: &str) -> Result<FieldDefinition, Errors> {
    FieldDefinition::parse(
        key,
        value(fields, "label_fr"),
        value(fields, "label_en"),
        value(fields, "kind"),
        value(fields, "choices"),
        checked(fields, "required"),
    )
    .map_err(|e| e.into_iter().map(|e| (e.field, e.code)).collect())
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCustomFields)?;
    let def = match parse_definition(&fields, value(&fields, "key")) {
        Ok(d) => d,
        Err(errors) => return list_page(&state, &ctx, None, Typed(fields), errors).await,
    };
    match store::create_field(&state.db, &ctx.actor(), &def).await {
        Ok(_) => {
            Ok(Redirect::to("/admin/custom-fields?notice=custom-field-created").into_response())
        }
        Err(StoreError::Conflict) => {
            list_page(
                &state,
                &ctx,
                None,
                Typed(fields),
                vec![("key", "custom-field-key-exists")],
            )
            .await
        }
        Err(StoreError::Rule(code)) => {
            list_page(&state, &ctx, None, Typed(fields), vec![("key", code)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/custom_field_edit.html")]
struct EditTpl<'a> {
    ctx: &'a Ctx,
    nav: Vec<NavLink>,
    errors: Errors,
    form: Typed,
    field: store::CustomField,
}

impl EditTpl<'_> {
    fn label(&self) -> &str {
        self.field.label(self.ctx.locale)
    }
}

fn edit_page(
    ctx: &Ctx,
    field: store::CustomField,
    form: Typed,
    errors: Errors,
) -> AppResult<Response> {
    let r = render(&EditTpl {
        ctx,
        nav: nav(ctx, "/admin/custom-fields", false),
        errors: errors.clone(),
        form,
        field,
    })?;
    Ok(with_status(r, &errors, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn field_of(state: &AppState, ctx: &Ctx, id: &str) -> AppResult<store::CustomField> {
    store::get_field(&state.db, ctx.tenant.id, parse_id(id)?)
        .await?
        .ok_or(AppError::NotFound)
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCustomFields)?;
    let field = field_of(&state, &ctx, &id).await?;
    let mut form = vec![
        ("label_fr".to_owned(), field.label_fr.clone()),
        ("label_en".to_owned(), field.label_en.clone()),
        ("choices".to_owned(), field.choices.0.join("\n")),
    ];
    if field.required {
        form.push(("required".into(), "on".into()));
    }
    if !field.is_active() {
        form.push(("archived".into(), "on".into()));
    }
    edit_page(&ctx, field, Typed(form), Errors::new())
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(fields): Form<Fields>,
) -> AppResult<Response> {
    ctx.staff(Permission::ManageCustomFields)?;
    let field = field_of(&state, &ctx, &id).await?;
    // The key and the kind never change: the form does not offer them.
    let mut with_kind = fields.clone();
    with_kind.retain(|(k, _)| k != "kind");
    with_kind.push(("kind".into(), field.kind.clone()));
    let def = match parse_definition(&with_kind, &field.key) {
        Ok(d) => d,
        Err(errors) => return edit_page(&ctx, field, Typed(fields), errors),
    };
    store::update_field(
        &state.db,
        &ctx.actor(),
        field.id,
        &def,
        checked(&fields, "archived"),
    )
    .await?;
    Ok(Redirect::to("/admin/custom-fields?notice=custom-field-saved").into_response())
}

#[cfg(test)]
mod tests {
    use crate::i18n::has_message;
    use relais_domain::{
        Locale, Permission,
        people::{
            custom_fields::{CODES, FieldKind},
            segments::ConsentWanted,
            timeline::TimelineKind,
        },
    };

    /// Every message id the rules of custom fields, segments and merges can produce, and the
    /// labels built from enumerations, have a French and an English text.
    #[test]
    fn every_code_and_label_has_text_in_both_languages() {
        let mut ids: Vec<String> = CODES.iter().map(|c| (*c).to_owned()).collect();
        ids.extend(
            FieldKind::ALL
                .iter()
                .map(|k| format!("custom-field-kind-{}", k.as_str())),
        );
        ids.extend(
            TimelineKind::ALL
                .iter()
                .map(|k| format!("timeline-kind-{}", k.as_str())),
        );
        ids.extend(
            ConsentWanted::ALL
                .iter()
                .map(|w| format!("segment-consent-{}", w.as_str())),
        );
        ids.extend(
            Permission::ALL
                .iter()
                .map(|p| format!("perm-{}", p.as_str())),
        );
        for code in [
            "merge-same-person",
            "merge-archived",
            "merge-already-merged",
            "merge-invalid-choice",
            "segment-invalid-name",
            "segment-invalid-date",
            "segment-invalid-range",
            "segment-invalid-consent-state",
            "segment-invalid-days",
            "segment-invalid-activity",
            "custom-field-fixed",
            "custom-field-too-many",
            "custom-field-key-exists",
        ] {
            ids.push(code.to_owned());
        }
        for id in ids {
            for locale in Locale::ALL {
                assert!(has_message(locale, &id), "{id} has no {locale} text");
            }
        }
    }
}

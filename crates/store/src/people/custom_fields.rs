//! Custom fields of persons, defined per tenant, and their values: one row per person and
//! field, the value in the column of the field's kind. Definitions and values arrive checked
//! by `relais_domain::people::custom_fields`; every write is audited.

use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, NaiveDate, Utc};
use relais_domain::{
    Locale,
    people::{
        self,
        custom_fields::{FieldDefinition, FieldKind, FieldValue, Rule},
    },
};
use serde::Serialize;
use serde_json::json;
use sqlx::types::Json;
use uuid::Uuid;

/// Most fields a tenant may define.
pub const MAX_FIELDS: i64 = 100;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CustomField {
    pub id: Uuid,
    pub key: String,
    pub label_fr: String,
    pub label_en: String,
    pub kind: String,
    pub choices: Json<Vec<String>>,
    pub required: bool,
    pub position: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CustomField {
    pub fn kind(&self) -> FieldKind {
        self.kind.parse().unwrap_or(FieldKind::Text)
    }

    pub fn rule(&self) -> Rule<'_> {
        Rule {
            kind: self.kind(),
            choices: &self.choices.0,
        }
    }

    pub fn label(&self, locale: Locale) -> &str {
        match locale {
            Locale::Fr => &self.label_fr,
            Locale::En => &self.label_en,
        }
    }

    pub fn is_active(&self) -> bool {
        self.archived_at.is_none()
    }
}

const COLUMNS: &str = "id, key, label_fr, label_en, kind, choices, required, position, archived_at, created_at, updated_at";

/// The tenant's fields in their order; archived ones only when asked.
pub async fn list_fields(
    db: &Db,
    tenant_id: Uuid,
    include_archived: bool,
) -> Result<Vec<CustomField>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM custom_fields WHERE tenant_id = $1 AND ($2 OR archived_at IS NULL)
         ORDER BY position, id"
    );
    on_pool!(db, |p| sqlx::query_as::<_, CustomField>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(include_archived)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn get_field(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<CustomField>> {
    let sql = format!("SELECT {COLUMNS} FROM custom_fields WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, CustomField>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// A new field, last in the order. A key already used: `Conflict`; more than
/// [`MAX_FIELDS`]: `Rule("custom-field-too-many")`.
pub async fn create_field(db: &Db, actor: &Actor, def: &FieldDefinition) -> Result<CustomField> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let (count, last): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(position) FROM custom_fields WHERE tenant_id = $1",
        )
        .bind(actor.tenant_id)
        .fetch_one(&mut *tx)
        .await?;
        if count >= MAX_FIELDS {
            return Err(StoreError::Rule("custom-field-too-many"));
        }
        let now = Utc::now();
        sqlx::query(
            "INSERT INTO custom_fields (tenant_id, id, key, label_fr, label_en, kind, choices, required, position, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&def.key)
        .bind(&def.label_fr)
        .bind(&def.label_en)
        .bind(def.kind.as_str())
        .bind(Json(&def.choices))
        .bind(def.required)
        .bind(last.unwrap_or(0) + 1)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "custom_field.create",
                "custom_field",
                id,
                json!({"key": def.key, "kind": def.kind.as_str(), "label_fr": def.label_fr,
                       "label_en": def.label_en, "choices": def.choices, "required": def.required})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_field(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Changes labels, choices, whether it is required, and archives or restores it. The key
/// and the kind never change (`Rule("custom-field-fixed")` if `def` asks for it).
pub async fn update_field(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    def: &FieldDefinition,
    archived: bool,
) -> Result<CustomField> {
    let before = get_field(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.key != def.key || before.kind() != def.kind {
        return Err(StoreError::Rule("custom-field-fixed"));
    }
    let diff = crate::audit::diff(&[
        ("label_fr", before.label_fr.clone(), def.label_fr.clone()),
        ("label_en", before.label_en.clone(), def.label_en.clone()),
        (
            "choices",
            before.choices.0.join(" | "),
            def.choices.join(" | "),
        ),
        (
            "required",
            before.required.to_string(),
            def.required.to_string(),
        ),
        (
            "archived",
            (!before.is_active()).to_string(),
            archived.to_string(),
        ),
    ]);
    if diff.as_object().is_some_and(|m| m.is_empty()) {
        return Ok(before);
    }
    let now = Utc::now();
    let archived_at = if archived {
        Some(before.archived_at.unwrap_or(now))
    } else {
        None
    };
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE custom_fields SET label_fr = $3, label_en = $4, choices = $5, required = $6,
                archived_at = $7, updated_at = $8
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(&def.label_fr)
        .bind(&def.label_en)
        .bind(Json(&def.choices))
        .bind(def.required)
        .bind(archived_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new("custom_field.update", "custom_field", id, diff)
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_field(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

fn value_of(
    kind: FieldKind,
    text: Option<String>,
    number: Option<f64>,
    date: Option<NaiveDate>,
) -> Option<FieldValue> {
    match kind {
        FieldKind::Text => text.map(FieldValue::Text),
        FieldKind::Choice => text.map(FieldValue::Choice),
        FieldKind::Number => number.map(FieldValue::Number),
        FieldKind::Date => date.map(FieldValue::Date),
    }
}

/// A person's values, by field id (archived fields included), in the fields' order.
pub async fn values_of(
    db: &Db,
    tenant_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<(Uuid, FieldValue)>> {
    Ok(values_of_persons(db, tenant_id, &[person_id])
        .await?
        .into_iter()
        .map(|(_, field, value)| (field, value))
        .collect())
}

/// The values of several persons of the tenant: (person, field, value).
pub async fn values_of_persons(
    db: &Db,
    tenant_id: Uuid,
    persons: &[Uuid],
) -> Result<Vec<(Uuid, Uuid, FieldValue)>> {
    let mut out = Vec::new();
    for chunk in persons.chunks(500) {
        let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT v.person_id, v.field_id, f.kind, v.value_text, v.value_number, v.value_date
             FROM person_custom_values v JOIN custom_fields f ON f.tenant_id = v.tenant_id AND f.id = v.field_id
             WHERE v.tenant_id = $1 AND v.person_id IN ({})
             ORDER BY v.person_id, f.position, f.id",
            marks.join(", ")
        );
        let rows = on_pool!(db, |p| {
            let mut q = sqlx::query_as::<
                _,
                (
                    Uuid,
                    Uuid,
                    String,
                    Option<String>,
                    Option<f64>,
                    Option<NaiveDate>,
                ),
            >(sqlx::AssertSqlSafe(sql.clone()))
            .bind(tenant_id);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        out.extend(
            rows.into_iter()
                .filter_map(|(person, field, kind, t, n, d)| {
                    value_of(kind.parse().unwrap_or(FieldKind::Text), t, n, d)
                        .map(|v| (person, field, v))
                }),
        );
    }
    Ok(out)
}

/// Sets (or, with `None`, clears) values of a person, each for a field of the tenant given
/// by id with its kind checked again. Only changes are written; one audit row
/// (`person.custom_fields`) lists them by key as `[old, new]`.
pub async fn set_values(
    db: &Db,
    actor: &Actor,
    person_id: Uuid,
    values: &[(Uuid, Option<FieldValue>)],
) -> Result<()> {
    let fields = list_fields(db, actor.tenant_id, true).await?;
    let current = values_of(db, actor.tenant_id, person_id).await?;
    let mut changes = serde_json::Map::new();
    let mut writes: Vec<(Uuid, Option<FieldValue>)> = Vec::new();
    for (field_id, value) in values {
        let field = fields
            .iter()
            .find(|f| f.id == *field_id)
            .ok_or(StoreError::NotFound)?;
        if value.as_ref().is_some_and(|v| v.kind() != field.kind()) {
            return Err(StoreError::Rule(field.kind().invalid_code()));
        }
        let old = current.iter().find(|(f, _)| f == field_id).map(|(_, v)| v);
        if old == value.as_ref() {
            continue;
        }
        let text = |v: Option<&FieldValue>| v.map(FieldValue::audit_text).unwrap_or_default();
        changes.insert(field.key.clone(), json!([text(old), text(value.as_ref())]));
        writes.push((*field_id, value.clone()));
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let now = Utc::now();
        let found =
            sqlx::query("UPDATE persons SET updated_at = $3 WHERE tenant_id = $1 AND id = $2")
                .bind(actor.tenant_id)
                .bind(person_id)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if found == 0 {
            return Err(StoreError::NotFound);
        }
        if writes.is_empty() {
            // Nothing changed: leave the person as it was.
            return Ok(());
        }
        for (field_id, value) in &writes {
            sqlx::query(
                "DELETE FROM person_custom_values WHERE tenant_id = $1 AND person_id = $2 AND field_id = $3",
            )
            .bind(actor.tenant_id)
            .bind(person_id)
            .bind(field_id)
            .execute(&mut *tx)
            .await?;
            let Some(value) = value else { continue };
            let (text, number, date) = match value {
                FieldValue::Text(s) | FieldValue::Choice(s) => (Some(s.clone()), None, None),
                FieldValue::Number(n) => (None, Some(*n), None),
                FieldValue::Date(d) => (None, None, Some(*d)),
            };
            sqlx::query(
                "INSERT INTO person_custom_values (tenant_id, person_id, field_id, value_text, value_folded, value_number, value_date, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(actor.tenant_id)
            .bind(person_id)
            .bind(field_id)
            .bind(&text)
            .bind(text.as_deref().map(people::fold))
            .bind(number)
            .bind(date)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        record!(
            tx,
            actor,
            Change::new(
                "person.custom_fields",
                "person",
                person_id,
                serde_json::Value::Object(changes.clone())
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

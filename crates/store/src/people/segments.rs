//! Segments: saved filters on the tenant's active persons
//! (`relais_domain::people::segments::SegmentFilter`, kept as JSON), turned here into one
//! SQL condition per criterion, all of them required. Lists use the same keyset order as
//! the People list (folded name, then id).

use super::{MAX_PAGE, PersonSummary, SUMMARY_SELECT};
use crate::{Actor, Change, Db, Result, StoreError, audit::record, db::BeginWrite, db::on_pool};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use relais_domain::people::{
    self,
    segments::{Activity, ConsentWanted, CustomMatch, SegmentFilter},
};
use serde::Serialize;
use serde_json::json;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Segment {
    pub id: Uuid,
    pub name: String,
    pub filter: Json<SegmentFilter>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, name, filter, created_by, created_at, updated_at";

pub async fn list_segments(db: &Db, tenant_id: Uuid) -> Result<Vec<Segment>> {
    let sql = format!("SELECT {COLUMNS} FROM segments WHERE tenant_id = $1 ORDER BY name, id");
    on_pool!(db, |p| sqlx::query_as::<_, Segment>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

pub async fn get_segment(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Segment>> {
    let sql = format!("SELECT {COLUMNS} FROM segments WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, Segment>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// A new segment. A name already used in the tenant: `Conflict`.
pub async fn create_segment(
    db: &Db,
    actor: &Actor,
    name: &str,
    filter: &SegmentFilter,
) -> Result<Segment> {
    let id = relais_domain::new_id();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO segments (tenant_id, id, name, filter, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(name)
        .bind(Json(filter))
        .bind(actor.account_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "segment.create",
                "segment",
                id,
                json!({"name": name, "filter": filter})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_segment(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Renames a segment and replaces its filter. A name used by another segment: `Conflict`.
pub async fn update_segment(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    name: &str,
    filter: &SegmentFilter,
) -> Result<Segment> {
    let before = get_segment(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if before.name == name && before.filter.0 == *filter {
        return Ok(before);
    }
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE segments SET name = $3, filter = $4, updated_at = $5 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(name)
        .bind(Json(filter))
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "segment.update",
                "segment",
                id,
                json!({"name": [before.name, name], "filter": [before.filter.0, filter]})
            )
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    get_segment(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn delete_segment(db: &Db, actor: &Actor, id: Uuid) -> Result<()> {
    let before = get_segment(db, actor.tenant_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query("DELETE FROM segments WHERE tenant_id = $1 AND id = $2")
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        record!(
            tx,
            actor,
            Change::new(
                "segment.delete",
                "segment",
                id,
                json!({"name": before.name, "filter": before.filter.0})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// `s` with LIKE's wildcards escaped (for `LIKE … ESCAPE '\'`).
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A value bound to the SQL of a filter.
#[derive(Debug, Clone)]
enum Param {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

/// The SQL condition of a filter on `persons p`, its parameters numbered from `$2` (`$1`
/// is the tenant).
#[derive(Debug, Default)]
struct Where {
    conditions: Vec<String>,
    params: Vec<Param>,
}

impl Where {
    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("${}", self.params.len() + 1)
    }

    fn of(filter: &SegmentFilter, now: DateTime<Utc>) -> Self {
        let mut w = Where::default();
        for tag in &filter.tags {
            let t = w.bind(Param::Text(tag.clone()));
            w.conditions.push(format!(
                "EXISTS (SELECT 1 FROM person_tags t WHERE t.tenant_id = p.tenant_id AND t.person_id = p.id AND t.tag = {t})"
            ));
        }
        for c in &filter.custom {
            let key = w.bind(Param::Text(c.key.clone()));
            let test = match &c.matches {
                CustomMatch::Contains { text } => {
                    let like = w.bind(Param::Text(format!(
                        "%{}%",
                        like_escape(&people::fold(text))
                    )));
                    format!("v.value_folded LIKE {like} ESCAPE '\\'")
                }
                CustomMatch::Is { value } => {
                    format!("v.value_text = {}", w.bind(Param::Text(value.clone())))
                }
                CustomMatch::Between { min, max } => {
                    let mut parts = vec!["v.value_number IS NOT NULL".to_owned()];
                    if let Some(min) = min {
                        parts.push(format!("v.value_number >= {}", w.bind(Param::Number(*min))));
                    }
                    if let Some(max) = max {
                        parts.push(format!("v.value_number <= {}", w.bind(Param::Number(*max))));
                    }
                    parts.join(" AND ")
                }
                CustomMatch::DateBetween { from, to } => {
                    let mut parts = vec!["v.value_date IS NOT NULL".to_owned()];
                    if let Some(from) = from {
                        parts.push(format!("v.value_date >= {}", w.bind(Param::Date(*from))));
                    }
                    if let Some(to) = to {
                        parts.push(format!("v.value_date <= {}", w.bind(Param::Date(*to))));
                    }
                    parts.join(" AND ")
                }
            };
            w.conditions.push(format!(
                "EXISTS (SELECT 1 FROM person_custom_values v
                         JOIN custom_fields f ON f.tenant_id = v.tenant_id AND f.id = v.field_id
                         WHERE v.tenant_id = p.tenant_id AND v.person_id = p.id AND f.key = {key} AND {test})"
            ));
        }
        for c in &filter.consents {
            let purpose = w.bind(Param::Text(c.purpose.clone()));
            let latest = format!(
                "(SELECT c.state FROM consents c
                  WHERE c.tenant_id = p.tenant_id AND c.person_id = p.id AND c.purpose = {purpose}
                  ORDER BY c.at DESC, c.id DESC LIMIT 1)"
            );
            w.conditions.push(match c.state {
                ConsentWanted::Given => format!("{latest} = 'given'"),
                ConsentWanted::Withdrawn => format!("{latest} = 'withdrawn'"),
                ConsentWanted::NotGiven => format!("COALESCE({latest}, 'none') <> 'given'"),
                ConsentWanted::Never => format!(
                    "NOT EXISTS (SELECT 1 FROM consents c WHERE c.tenant_id = p.tenant_id AND c.person_id = p.id AND c.purpose = {purpose})"
                ),
            });
        }
        // Dates are whole days in UTC, both ends included.
        let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        for (column, from, to) in [
            ("created_at", filter.created_from, filter.created_to),
            ("updated_at", filter.updated_from, filter.updated_to),
        ] {
            if let Some(from) = from.and_then(day) {
                let b = w.bind(Param::Time(from));
                w.conditions.push(format!("p.{column} >= {b}"));
            }
            if let Some(to) = to.and_then(|d| d.succ_opt()).and_then(day) {
                let b = w.bind(Param::Time(to));
                w.conditions.push(format!("p.{column} < {b}"));
            }
        }
        if let Some(activity) = filter.activity {
            let since = w.bind(Param::Time(
                now - Duration::days(i64::from(activity.days())),
            ));
            let recent = format!(
                "EXISTS (SELECT 1 FROM interactions i WHERE i.tenant_id = p.tenant_id AND i.person_id = p.id AND i.at >= {since})"
            );
            w.conditions.push(match activity {
                Activity::Within { .. } => recent,
                Activity::NoneSince { .. } => format!("NOT {recent}"),
            });
        }
        w
    }

    fn sql(&self) -> String {
        let mut all = vec![
            "p.tenant_id = $1".to_owned(),
            "p.archived_at IS NULL".to_owned(),
        ];
        all.extend(self.conditions.iter().cloned());
        all.join("\n AND ")
    }
}

/// Binds a filter's parameters (after the tenant) to a query of either backend.
macro_rules! bind_params {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                Param::Text(s) => q.bind(s.clone()),
                Param::Number(n) => q.bind(*n),
                Param::Date(d) => q.bind(*d),
                Param::Time(t) => q.bind(*t),
            };
        }
        q
    }};
}

/// The active persons the filter selects, by name, `limit` at most after the person
/// `after` (keyset).
pub async fn segment_persons(
    db: &Db,
    tenant_id: Uuid,
    filter: &SegmentFilter,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<PersonSummary>> {
    let w = Where::of(filter, Utc::now());
    let n = w.params.len();
    let sql = format!(
        "{SUMMARY_SELECT}
         WHERE {}
           AND (${a} IS NULL OR (p.search_name, p.id) >
                (SELECT c.search_name, c.id FROM persons c WHERE c.tenant_id = $1 AND c.id = ${a}))
         ORDER BY p.search_name, p.id
         LIMIT ${l}",
        w.sql(),
        a = n + 2,
        l = n + 3
    );
    on_pool!(db, |p| {
        let q =
            sqlx::query_as::<_, PersonSummary>(sqlx::AssertSqlSafe(sql.clone())).bind(tenant_id);
        bind_params!(q, &w.params)
            .bind(after)
            .bind(limit.clamp(1, MAX_PAGE))
            .fetch_all(p)
            .await
            .map_err(Into::into)
    })
}

/// How many active persons the filter selects.
pub async fn segment_count(db: &Db, tenant_id: Uuid, filter: &SegmentFilter) -> Result<i64> {
    let w = Where::of(filter, Utc::now());
    let sql = format!("SELECT COUNT(*) FROM persons p WHERE {}", w.sql());
    on_pool!(db, |p| {
        let q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone())).bind(tenant_id);
        bind_params!(q, &w.params)
            .fetch_one(p)
            .await
            .map_err(Into::into)
    })
}

/// The consent purposes recorded in the tenant, by name (50 at most), for the segment form.
pub async fn consent_purposes(db: &Db, tenant_id: Uuid) -> Result<Vec<String>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT purpose FROM consents WHERE tenant_id = $1 ORDER BY purpose LIMIT 50"
    )
    .bind(tenant_id)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// A person as a segment export writes it: every contact point, tag and custom value.
#[derive(Debug, Clone, Default)]
pub struct ExportRow {
    pub id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Option<NaiveDate>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub addresses: Vec<relais_domain::people::PostalAddress>,
    pub tags: Vec<String>,
    /// By field id.
    pub values: Vec<(Uuid, relais_domain::people::custom_fields::FieldValue)>,
}

/// The export rows of the given persons of the tenant, in the order given.
pub async fn export_rows(
    db: &Db,
    tenant_id: Uuid,
    persons: &[PersonSummary],
) -> Result<Vec<ExportRow>> {
    let mut rows: Vec<ExportRow> = persons
        .iter()
        .map(|p| ExportRow {
            id: p.id,
            given_name: p.given_name.clone(),
            family_name: p.family_name.clone(),
            birth_date: p.birth_date,
            ..ExportRow::default()
        })
        .collect();
    if rows.is_empty() {
        return Ok(rows);
    }
    let marks: Vec<String> = (0..rows.len()).map(|i| format!("${}", i + 2)).collect();
    let marks = marks.join(", ");
    let texts = |table: &str, value: &str| {
        format!(
            "SELECT person_id, {value} FROM {table} WHERE tenant_id = $1 AND person_id IN ({marks})
             ORDER BY person_id, created_at, id"
        )
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let queries = [
        texts("person_emails", "email"),
        texts("person_phones", "e164"),
        format!(
            "SELECT person_id, tag FROM person_tags WHERE tenant_id = $1 AND person_id IN ({marks}) ORDER BY person_id, tag"
        ),
    ];
    let mut lists: Vec<Vec<(Uuid, String)>> = Vec::new();
    for sql in &queries {
        let found = on_pool!(db, |p| {
            let mut q = sqlx::query_as::<_, (Uuid, String)>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(tenant_id);
            for id in &ids {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?;
        lists.push(found);
    }
    let sql = format!(
        "SELECT person_id, lines, postcode, city, country FROM person_addresses
         WHERE tenant_id = $1 AND person_id IN ({marks}) ORDER BY person_id, created_at, id"
    );
    let addresses = on_pool!(db, |p| {
        let mut q = sqlx::query_as::<_, (Uuid, String, String, String, String)>(
            sqlx::AssertSqlSafe(sql.clone()),
        )
        .bind(tenant_id);
        for id in &ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?;
    let values = super::custom_fields::values_of_persons(db, tenant_id, &ids).await?;
    for row in &mut rows {
        let of = |list: &Vec<(Uuid, String)>| {
            list.iter()
                .filter(|(p, _)| *p == row.id)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        row.emails = of(&lists[0]);
        row.phones = of(&lists[1]);
        row.tags = of(&lists[2]);
        row.addresses = addresses
            .iter()
            .filter(|a| a.0 == row.id)
            .map(
                |(_, lines, postcode, city, country)| relais_domain::people::PostalAddress {
                    lines: lines.lines().map(str::to_owned).collect(),
                    postcode: postcode.clone(),
                    city: city.clone(),
                    country: country.clone(),
                },
            )
            .collect();
        row.values = values
            .iter()
            .filter(|(p, _, _)| *p == row.id)
            .map(|(_, f, v)| (*f, v.clone()))
            .collect();
    }
    Ok(rows)
}

/// Records that a staff member downloaded a segment's persons (`segment.export`).
pub async fn record_export(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    count: usize,
    format: &str,
) -> Result<()> {
    crate::audit::append(
        db,
        actor,
        Change::new(
            "segment.export",
            "segment",
            id,
            json!({"persons": count, "format": format}),
        ),
    )
    .await
}

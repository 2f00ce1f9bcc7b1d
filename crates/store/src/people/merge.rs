//! Merging two records of one person. Every row of every table that points at the merged
//! record is moved to the survivor (or, for a duplicate of a row the survivor already has,
//! removed and reported); the merged record is archived with a pointer to the survivor
//! (`person_merges`); one audit row lists what moved, table by table, with counts and ids.
//!
//! [`PERSON_REFERENCES`] is the one list of the columns that point at persons. A test
//! compares it with the foreign keys the database declares (on both backends), so a new
//! table that references persons fails the build's tests until this list says what a merge
//! does with it.

use super::{Person, get_person};
use crate::{
    Actor, Change, Db, Result, StoreError,
    audit::record,
    db::{BeginWrite, on_pool},
    search::index_persons,
};
use chrono::Utc;
use relais_domain::{
    Locale,
    people::{
        PersonIdentity,
        merge::{IdentityChoice, check_pair, merged_identity},
    },
};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a merge does with the rows that point at the merged record through one column.
#[derive(Debug, Clone, Copy)]
pub enum OnMerge {
    /// Every row moves to the survivor.
    Move,
    /// Rows move, except duplicates: a row whose `same` columns equal those of a row of the
    /// survivor is removed (the survivor's row stays). With `self_link`, a row whose
    /// `self_link` column names the survivor would link the survivor to itself: removed too.
    MoveDistinct {
        same: &'static [&'static str],
        self_link: Option<&'static str>,
    },
    /// Rows stay as they are, for the reason given.
    Keep { why: &'static str },
}

/// A column that points at `persons.id`.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    pub table: &'static str,
    pub column: &'static str,
    /// The column that names a row of the table for the audit row (within its person).
    pub row: &'static str,
    /// Whether `row` is text (a tag) rather than a UUID.
    pub row_is_text: bool,
    pub on_merge: OnMerge,
}

const fn moves(table: &'static str, column: &'static str) -> Reference {
    Reference {
        table,
        column,
        row: "id",
        row_is_text: false,
        on_merge: OnMerge::Move,
    }
}

/// Every column of the schema that points at a person, and what a merge does with it.
pub const PERSON_REFERENCES: &[Reference] = &[
    Reference {
        on_merge: OnMerge::MoveDistinct {
            same: &["email"],
            self_link: None,
        },
        ..moves("person_emails", "person_id")
    },
    Reference {
        on_merge: OnMerge::MoveDistinct {
            same: &["e164"],
            self_link: None,
        },
        ..moves("person_phones", "person_id")
    },
    Reference {
        on_merge: OnMerge::MoveDistinct {
            same: &["lines", "postcode", "city", "country"],
            self_link: None,
        },
        ..moves("person_addresses", "person_id")
    },
    Reference {
        row: "tag",
        row_is_text: true,
        on_merge: OnMerge::MoveDistinct {
            same: &["tag"],
            self_link: None,
        },
        ..moves("person_tags", "person_id")
    },
    // Every change of every consent is history: all of it moves.
    moves("consents", "person_id"),
    Reference {
        on_merge: OnMerge::MoveDistinct {
            same: &["kind", "to_person_id", "to_organisation_id"],
            self_link: Some("to_person_id"),
        },
        ..moves("relationships", "person_id")
    },
    Reference {
        on_merge: OnMerge::MoveDistinct {
            same: &["kind", "person_id"],
            self_link: Some("person_id"),
        },
        ..moves("relationships", "to_person_id")
    },
    moves("interactions", "person_id"),
    // The survivor's value of a field wins; the merged record's fills the gaps.
    Reference {
        row: "field_id",
        on_merge: OnMerge::MoveDistinct {
            same: &["field_id"],
            self_link: None,
        },
        ..moves("person_custom_values", "person_id")
    },
    // Cases filed by the person and documents of their safe are theirs: they follow.
    moves("cases", "requester_person_id"),
    moves("documents", "owner_person_id"),
    // A portal account follows its person to the survivor (its cases and documents do too).
    Reference {
        row: "account_id",
        ..moves("account_persons", "person_id")
    },
    // Records merged earlier into the merged one now lead to the survivor.
    Reference {
        row: "merged_id",
        ..moves("person_merges", "survivor_id")
    },
    Reference {
        row: "merged_id",
        on_merge: OnMerge::Keep {
            why: "the merged record's own pointer, written by the merge itself",
        },
        ..moves("person_merges", "merged_id")
    },
    Reference {
        row: "other_person_id",
        on_merge: OnMerge::Keep {
            why: "a dismissal is about one pair; the merged record leaves the queue anyway",
        },
        ..moves("duplicate_dismissals", "person_id")
    },
    Reference {
        row: "person_id",
        on_merge: OnMerge::Keep {
            why: "a dismissal is about one pair; the merged record leaves the queue anyway",
        },
        ..moves("duplicate_dismissals", "other_person_id")
    },
];

/// What a merge did, table by table (row ids as text).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergeReport {
    pub survivor: Uuid,
    pub merged: Uuid,
    pub moved: BTreeMap<String, Vec<String>>,
    /// Rows of the merged record equal to one of the survivor's, removed.
    pub deduplicated: BTreeMap<String, Vec<String>>,
    /// Links between the two records, which would link the survivor to itself, removed.
    pub dropped: BTreeMap<String, Vec<String>>,
}

impl MergeReport {
    /// `{table: {count, ids}}`, as the audit row keeps it.
    fn counted(map: &BTreeMap<String, Vec<String>>) -> serde_json::Value {
        map.iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(t, ids)| (t.clone(), json!({"count": ids.len(), "ids": ids})))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    /// Rows moved from `table`.
    pub fn moved_from(&self, table: &str) -> usize {
        self.moved.get(table).map_or(0, Vec::len)
    }
}

fn identity_of(p: &Person) -> PersonIdentity {
    PersonIdentity {
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        birth_date: p.birth_date,
        locale: p.locale.parse::<Locale>().unwrap_or(Locale::Fr),
    }
}

/// The survivor of a merged record, if it was merged.
pub async fn merged_into(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<Uuid>> {
    on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT survivor_id FROM person_merges WHERE tenant_id = $1 AND merged_id = $2"
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// A record merged into a person: its id, its name then, when.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct MergedRecord {
    pub merged_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub merged_at: chrono::DateTime<Utc>,
}

/// The records merged into this person, newest first.
pub async fn merged_records(db: &Db, tenant_id: Uuid, survivor: Uuid) -> Result<Vec<MergedRecord>> {
    on_pool!(db, |p| sqlx::query_as::<_, MergedRecord>(
        "SELECT m.merged_id, p.given_name, p.family_name, m.merged_at
         FROM person_merges m JOIN persons p ON p.tenant_id = m.tenant_id AND p.id = m.merged_id
         WHERE m.tenant_id = $1 AND m.survivor_id = $2
         ORDER BY m.merged_at DESC, m.merged_id DESC"
    )
    .bind(tenant_id)
    .bind(survivor)
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Merges `merged` into `survivor`, both active persons of the actor's tenant, keeping the
/// identity values `choice` names. Refusals: the same record twice (`merge-same-person`),
/// an id not of this tenant (`NotFound`), a record merged already — typically the same
/// pair merged twice, even at the same moment (`merge-already-merged`), an archived record
/// (`merge-archived`). Nothing changes when refused.
pub async fn merge_persons(
    db: &Db,
    actor: &Actor,
    survivor: Uuid,
    merged: Uuid,
    choice: IdentityChoice,
) -> Result<MergeReport> {
    check_pair(survivor, merged).map_err(|e| StoreError::Rule(e.code))?;
    let tenant = actor.tenant_id;
    let mut report = MergeReport {
        survivor,
        merged,
        ..MergeReport::default()
    };
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let now = Utc::now();
        // Take both rows (PostgreSQL locks them; a concurrent merge of either waits here,
        // then finds it archived).
        let locked = sqlx::query(
            "UPDATE persons SET updated_at = $4
             WHERE tenant_id = $1 AND id IN ($2, $3) AND archived_at IS NULL",
        )
        .bind(tenant)
        .bind(survivor)
        .bind(merged)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if locked != 2 {
            let found: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM persons WHERE tenant_id = $1 AND id IN ($2, $3)",
            )
            .bind(tenant)
            .bind(survivor)
            .bind(merged)
            .fetch_one(&mut *tx)
            .await?;
            if found != 2 {
                return Err(StoreError::NotFound);
            }
            let already: Option<Uuid> = sqlx::query_scalar(
                "SELECT merged_id FROM person_merges WHERE tenant_id = $1 AND merged_id IN ($2, $3)",
            )
            .bind(tenant)
            .bind(survivor)
            .bind(merged)
            .fetch_optional(&mut *tx)
            .await?;
            return Err(StoreError::Rule(if already.is_some() {
                "merge-already-merged"
            } else {
                "merge-archived"
            }));
        }
        let sql = format!(
            "SELECT {} FROM persons WHERE tenant_id = $1 AND id = $2",
            super::PERSON_COLUMNS
        );
        let keep = sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(tenant)
            .bind(survivor)
            .fetch_one(&mut *tx)
            .await?;
        let gone = sqlx::query_as::<_, Person>(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .bind(merged)
            .fetch_one(&mut *tx)
            .await?;
        let before = identity_of(&keep);
        let identity = merged_identity(&before, &identity_of(&gone), choice);
        let fmt_date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let identity_diff = crate::audit::diff(&[
            (
                "given_name",
                before.given_name.clone(),
                identity.given_name.clone(),
            ),
            (
                "family_name",
                before.family_name.clone(),
                identity.family_name.clone(),
            ),
            (
                "birth_date",
                fmt_date(before.birth_date),
                fmt_date(identity.birth_date),
            ),
            (
                "locale",
                before.locale.as_str().to_owned(),
                identity.locale.as_str().to_owned(),
            ),
        ]);
        sqlx::query(
            "UPDATE persons SET given_name = $3, family_name = $4, birth_date = $5, locale = $6, search_name = $7
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(survivor)
        .bind(&identity.given_name)
        .bind(&identity.family_name)
        .bind(identity.birth_date)
        .bind(identity.locale.as_str())
        .bind(identity.search_name())
        .execute(&mut *tx)
        .await?;

        for r in PERSON_REFERENCES {
            let (same, self_link) = match r.on_merge {
                OnMerge::Keep { .. } => continue,
                OnMerge::Move => (&[][..], None),
                OnMerge::MoveDistinct { same, self_link } => (same, self_link),
            };
            let (table, column, row) = (r.table, r.column, r.row);
            // Rows of the merged record, as (row id as text, whether it goes and why).
            let select = |extra: &str| {
                format!(
                    "SELECT {row} FROM {table} t WHERE t.tenant_id = $1 AND t.{column} = $2 {extra}"
                )
            };
            let mut steps: Vec<(String, &'static str)> = Vec::new();
            if let Some(other) = self_link {
                steps.push((select(&format!("AND t.{other} = $3")), "dropped"));
            }
            if !same.is_empty() {
                let equal: Vec<String> = same
                    .iter()
                    .map(|c| format!("s.{c} IS NOT DISTINCT FROM t.{c}"))
                    .collect();
                steps.push((
                    select(&format!(
                        "AND EXISTS (SELECT 1 FROM {table} s WHERE s.tenant_id = $1 AND s.{column} = $3 AND {})",
                        equal.join(" AND ")
                    )),
                    "deduplicated",
                ));
            }
            for (sql, what) in steps {
                let rows: Vec<String> = if r.row_is_text {
                    sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
                        .bind(tenant)
                        .bind(merged)
                        .bind(survivor)
                        .fetch_all(&mut *tx)
                        .await?
                } else {
                    sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(sql))
                        .bind(tenant)
                        .bind(merged)
                        .bind(survivor)
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|u| u.to_string())
                        .collect()
                };
                let delete = format!(
                    "DELETE FROM {table} WHERE tenant_id = $1 AND {column} = $2 AND {row} = $3"
                );
                for id in &rows {
                    let q = sqlx::query(sqlx::AssertSqlSafe(delete.clone()))
                        .bind(tenant)
                        .bind(merged);
                    let q = if r.row_is_text {
                        q.bind(id.clone())
                    } else {
                        q.bind(Uuid::parse_str(id).map_err(|e| StoreError::Other(e.to_string()))?)
                    };
                    q.execute(&mut *tx).await?;
                }
                let into = if what == "dropped" {
                    &mut report.dropped
                } else {
                    &mut report.deduplicated
                };
                into.entry(table.to_owned()).or_default().extend(rows);
            }
            let rest = select("");
            let moved: Vec<String> = if r.row_is_text {
                sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(rest))
                    .bind(tenant)
                    .bind(merged)
                    .fetch_all(&mut *tx)
                    .await?
            } else {
                sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(rest))
                    .bind(tenant)
                    .bind(merged)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|u| u.to_string())
                    .collect()
            };
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {table} SET {column} = $3 WHERE tenant_id = $1 AND {column} = $2"
            )))
            .bind(tenant)
            .bind(merged)
            .bind(survivor)
            .execute(&mut *tx)
            .await?;
            report
                .moved
                .entry(table.to_owned())
                .or_default()
                .extend(moved);
        }

        sqlx::query("UPDATE persons SET archived_at = $3 WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(merged)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO person_merges (tenant_id, merged_id, survivor_id, merged_at, merged_by)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(tenant)
        .bind(merged)
        .bind(survivor)
        .bind(now)
        .bind(actor.account_id)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.merge",
                "person",
                survivor,
                json!({
                    "merged": merged,
                    "merged_name": gone.full_name(),
                    "identity": identity_diff,
                    "moved": MergeReport::counted(&report.moved),
                    "deduplicated": MergeReport::counted(&report.deduplicated),
                    "dropped": MergeReport::counted(&report.dropped),
                })
            )
        );
        // The survivor's names and contact points changed; the merged record is archived.
        index_persons!(tx, tenant, &[survivor, merged]);
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(report)
}

/// Both persons of a pair, for the merge screen: `NotFound` unless both are of the tenant.
pub async fn pair(db: &Db, tenant_id: Uuid, a: Uuid, b: Uuid) -> Result<(Person, Person)> {
    let a = get_person(db, tenant_id, a)
        .await?
        .ok_or(StoreError::NotFound)?;
    let b = get_person(db, tenant_id, b)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((a, b))
}

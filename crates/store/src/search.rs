//! Full-text search of persons and organisations: the `search_documents` table and its
//! index (SQLite FTS5 `search_index`; a GIN index on PostgreSQL), kept by the write
//! functions of `people` in the same transaction as each change ([`index_persons!`],
//! [`index_organisations!`]), filled at start for rows that have no current document
//! ([`backfill`]), and queried by [`search`].
//!
//! The index only ever sees opaque keys computed by `relais_domain::search`, so both
//! databases return the same candidates for the same expression; ranking and highlighting
//! are done in Rust on the candidates, hence identical too.

use crate::{Db, Result, db::BeginWrite, db::on_pool};
use relais_domain::search::{
    self as domain, Document, EntityKind, Expr, INDEX_VERSION, MatchKind, Query, Scored,
};
use std::collections::HashSet;
use uuid::Uuid;

/// Most results one search returns.
pub const MAX_LIMIT: i64 = 200;
/// Candidates one widening step reads from the index, per result asked for: beyond, the
/// results say `truncated` and the user is asked to refine. Every candidate is read and
/// scored, so this is what a common name costs (at a million persons "Jean Dupont" matches
/// thousands): four per result keep the page well ranked at a fraction of the time.
const CANDIDATES_PER_RESULT: usize = 4;
/// …but never fewer than this many, nor more than [`MAX_CANDIDATES`].
const MIN_CANDIDATES: usize = 40;
const MAX_CANDIDATES: usize = 500;
/// Entities indexed per statement by the batch paths.
pub(crate) const BATCH: usize = 500;

/// Which entities to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Persons,
    Organisations,
}

impl Scope {
    fn entity_type(self) -> Option<&'static str> {
        match self {
            Scope::All => None,
            Scope::Persons => Some(EntityKind::Person.as_str()),
            Scope::Organisations => Some(EntityKind::Organisation.as_str()),
        }
    }
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: EntityKind,
    pub id: Uuid,
    pub document: Document,
    pub scored: Scored,
    sort_key: String,
}

#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Best first.
    pub hits: Vec<Hit>,
    /// More documents match than were ranked: the user should refine the query.
    pub truncated: bool,
}

#[derive(sqlx::FromRow)]
struct Candidate {
    entity_type: String,
    entity_id: Uuid,
    fields: String,
    sort_key: String,
}

/// Active persons and organisations of the tenant matching `query`, best first, `limit`
/// at most. The index is asked for exact words first and the query widens (prefixes,
/// stems, one typo) only while fewer than `limit` documents matched.
pub async fn search(
    db: &Db,
    tenant_id: Uuid,
    query: &Query,
    scope: Scope,
    limit: i64,
) -> Result<Results> {
    let limit = limit.clamp(1, MAX_LIMIT) as usize;
    let mut seen: HashSet<(String, Uuid)> = HashSet::new();
    let mut hits: Vec<Hit> = Vec::new();
    let mut truncated = false;
    let mut previous: Option<Expr> = None;
    for (step, widest) in MatchKind::WIDENING.into_iter().enumerate() {
        let expr = query.expression(widest);
        // A query that does not widen (an e-mail address, a phone number) asks once.
        if previous.as_ref() == Some(&expr) {
            continue;
        }
        // The documents of the previous steps come again: ask for that many more.
        let want = (limit * CANDIDATES_PER_RESULT).clamp(MIN_CANDIDATES, MAX_CANDIDATES) as i64
            + seen.len() as i64;
        let rows = candidates(db, tenant_id, scope, &expr, want).await?;
        let full = rows.len() as i64 >= want;
        for row in rows {
            if !seen.insert((row.entity_type.clone(), row.entity_id)) {
                continue;
            }
            let Some(kind) = EntityKind::parse(&row.entity_type) else {
                continue;
            };
            let Some(document) = Document::from_stored(kind, &row.fields) else {
                tracing::warn!(id = %row.entity_id, "unreadable search document");
                continue;
            };
            if let Some(scored) = domain::score(query, &document) {
                hits.push(Hit {
                    kind,
                    id: row.entity_id,
                    document,
                    scored,
                    sort_key: row.sort_key,
                });
            }
        }
        previous = Some(expr);
        let last = step + 1 == MatchKind::WIDENING.len();
        if full || (hits.len() >= limit && !last) {
            truncated = true;
            break;
        }
    }
    hits.sort_by(|a, b| {
        b.scored
            .rank
            .cmp(&a.scored.rank)
            .then_with(|| a.sort_key.cmp(&b.sort_key))
            .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
            .then_with(|| a.id.cmp(&b.id))
    });
    if hits.len() > limit {
        hits.truncate(limit);
        truncated = true;
    }
    Ok(Results { hits, truncated })
}

async fn candidates(
    db: &Db,
    tenant_id: Uuid,
    scope: Scope,
    expr: &Expr,
    limit: i64,
) -> Result<Vec<Candidate>> {
    let entity_type = scope.entity_type();
    Ok(match db {
        Db::Sqlite(pool) => {
            // CROSS JOIN keeps the full-text index as the outer loop: with a plain JOIN the
            // planner walks every document of the tenant and runs the MATCH for each one
            // (seconds at ten thousand persons; measured by relais-bench).
            sqlx::query_as::<_, Candidate>(
                "SELECT d.entity_type, d.entity_id, d.fields, d.sort_key
                 FROM search_index CROSS JOIN search_documents d ON d.doc_no = search_index.rowid
                 WHERE search_index MATCH $1 AND d.tenant_id = $2 AND NOT d.archived
                   AND ($3 IS NULL OR d.entity_type = $3)
                 LIMIT $4",
            )
            .bind(fts5(expr))
            .bind(tenant_id)
            .bind(entity_type)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_as::<_, Candidate>(
                "SELECT d.entity_type, d.entity_id, d.fields, d.sort_key
                 FROM search_documents d
                 WHERE d.terms_vector @@ $1::tsquery
                   AND d.tenant_id = $2 AND NOT d.archived
                   AND ($3::text IS NULL OR d.entity_type = $3)
                 LIMIT $4",
            )
            .bind(tsquery(expr))
            .bind(tenant_id)
            .bind(entity_type)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
    })
}

/// The expression in FTS5's query language: `("wjean"* AND ("wdupont" OR "ddupot"))`.
fn fts5(expr: &Expr) -> String {
    match expr {
        Expr::Key { key, prefix } => {
            format!(
                "\"{}\"{}",
                key.replace('"', "\"\""),
                if *prefix { "*" } else { "" }
            )
        }
        Expr::All(items) => group(items.iter().map(fts5), " AND "),
        Expr::Any(items) => group(items.iter().map(fts5), " OR "),
    }
}

/// The expression as a PostgreSQL `tsquery`: `('wjean':* & ('wdupont' | 'ddupot'))`.
fn tsquery(expr: &Expr) -> String {
    match expr {
        Expr::Key { key, prefix } => format!(
            "'{}'{}",
            key.replace('\\', "\\\\").replace('\'', "''"),
            if *prefix { ":*" } else { "" }
        ),
        Expr::All(items) => group(items.iter().map(tsquery), " & "),
        Expr::Any(items) => group(items.iter().map(tsquery), " | "),
    }
}

fn group(items: impl Iterator<Item = String>, op: &str) -> String {
    format!("({})", items.collect::<Vec<_>>().join(op))
}

// ---------------------------------------------------------------------------------------
// Writing documents

/// `$first, $first+1, …` for `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statements that read what a batch of `n` persons' documents show, for a tenant
/// (`$1`) and person ids (`$2…`).
pub(crate) struct PersonReads {
    pub persons: String,
    pub emails: String,
    pub phones: String,
    pub addresses: String,
}

impl PersonReads {
    pub(crate) fn new(n: usize) -> Self {
        let ids = placeholders(2, n);
        let of = |table: &str, columns: &str| {
            format!(
                "SELECT person_id, {columns} FROM {table} WHERE tenant_id = $1 AND person_id IN ({ids})
                 ORDER BY person_id, created_at, id"
            )
        };
        Self {
            persons: format!(
                "SELECT id, given_name, family_name, archived_at IS NOT NULL AS archived
                 FROM persons WHERE tenant_id = $1 AND id IN ({ids})"
            ),
            emails: of("person_emails", "email"),
            phones: of("person_phones", "e164"),
            addresses: of("person_addresses", "lines, postcode, city, country"),
        }
    }
}

/// A document to write: entity id, document, archived.
pub(crate) type Indexed = (Uuid, Document, bool);

/// Persons' documents from the rows [`PersonReads`] reads.
pub(crate) fn person_documents(
    persons: Vec<(Uuid, String, String, bool)>,
    emails: Vec<(Uuid, String)>,
    phones: Vec<(Uuid, String)>,
    addresses: Vec<(Uuid, String, String, String, String)>,
) -> Vec<Indexed> {
    let of = |id: Uuid, rows: &[(Uuid, String)]| -> Vec<String> {
        rows.iter()
            .filter(|(p, _)| *p == id)
            .map(|(_, v)| v.clone())
            .collect()
    };
    persons
        .into_iter()
        .map(|(id, given, family, archived)| {
            let lines: Vec<String> = addresses
                .iter()
                .filter(|a| a.0 == id)
                .map(|(_, lines, postcode, city, country)| {
                    domain::address_line(lines, postcode, city, country)
                })
                .collect();
            let doc = Document::person(&given, &family, &of(id, &emails), &of(id, &phones), &lines);
            (id, doc, archived)
        })
        .collect()
}

/// Writes a document whatever the version of the one in place (the write paths), or only
/// over a missing or older one (the backfill, which must not overwrite what a concurrent
/// write just indexed).
pub(crate) const UPSERT: &str = "INSERT INTO search_documents
    (tenant_id, entity_type, entity_id, doc_no, terms, fields, sort_key, archived, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (tenant_id, entity_type, entity_id) DO UPDATE SET
        terms = excluded.terms, fields = excluded.fields, sort_key = excluded.sort_key,
        archived = excluded.archived, version = excluded.version
    WHERE $10 OR search_documents.version < excluded.version";

/// The next free FTS5 row number (SQLite writers are serialised, so it is unique there).
pub(crate) const NEXT_DOC_NO: &str = "SELECT COALESCE(MAX(doc_no), 0) + 1 FROM search_documents";

/// Writes documents (`Vec<Indexed>`) of one tenant in an open transaction (any backend).
macro_rules! write_documents {
    ($tx:expr, $tenant:expr, $docs:expr, $overwrite:expr) => {{
        let docs: Vec<$crate::search::Indexed> = $docs;
        let overwrite: bool = $overwrite;
        let mut next: i64 = sqlx::query_scalar($crate::search::NEXT_DOC_NO)
            .fetch_one(&mut *$tx)
            .await?;
        for (id, doc, archived) in docs {
            sqlx::query($crate::search::UPSERT)
                .bind($tenant)
                .bind(doc.kind.as_str())
                .bind(id)
                .bind(next)
                .bind(doc.terms().join(" "))
                .bind(doc.fields_json())
                .bind(doc.sort_key())
                .bind(archived)
                .bind(relais_domain::search::INDEX_VERSION)
                .bind(overwrite)
                .execute(&mut *$tx)
                .await?;
            next += 1;
        }
    }};
}
pub(crate) use write_documents;

/// Rewrites the search documents of persons (`&[Uuid]`) of a tenant, in an open
/// transaction (any backend): call it after any change of a person's names, e-mail
/// addresses, phone numbers, addresses or archiving.
macro_rules! index_persons {
    ($tx:expr, $tenant:expr, $ids:expr) => {
        $crate::search::index_persons!($tx, $tenant, $ids, true)
    };
    ($tx:expr, $tenant:expr, $ids:expr, $overwrite:expr) => {{
        let tenant: uuid::Uuid = $tenant;
        let ids: &[uuid::Uuid] = $ids;
        for chunk in ids.chunks($crate::search::BATCH) {
            let reads = $crate::search::PersonReads::new(chunk.len());
            let mut persons = sqlx::query_as::<_, (uuid::Uuid, String, String, bool)>(
                sqlx::AssertSqlSafe(reads.persons),
            )
            .bind(tenant);
            let mut emails =
                sqlx::query_as::<_, (uuid::Uuid, String)>(sqlx::AssertSqlSafe(reads.emails))
                    .bind(tenant);
            let mut phones =
                sqlx::query_as::<_, (uuid::Uuid, String)>(sqlx::AssertSqlSafe(reads.phones))
                    .bind(tenant);
            let mut addresses = sqlx::query_as::<_, (uuid::Uuid, String, String, String, String)>(
                sqlx::AssertSqlSafe(reads.addresses),
            )
            .bind(tenant);
            for id in chunk {
                persons = persons.bind(*id);
                emails = emails.bind(*id);
                phones = phones.bind(*id);
                addresses = addresses.bind(*id);
            }
            let persons = persons.fetch_all(&mut *$tx).await?;
            let emails = emails.fetch_all(&mut *$tx).await?;
            let phones = phones.fetch_all(&mut *$tx).await?;
            let addresses = addresses.fetch_all(&mut *$tx).await?;
            let docs = $crate::search::person_documents(persons, emails, phones, addresses);
            $crate::search::write_documents!($tx, tenant, docs, $overwrite);
        }
    }};
}
pub(crate) use index_persons;

/// Rewrites the search documents of organisations (`&[Uuid]`) of a tenant, in an open
/// transaction (any backend).
macro_rules! index_organisations {
    ($tx:expr, $tenant:expr, $ids:expr) => {
        $crate::search::index_organisations!($tx, $tenant, $ids, true)
    };
    ($tx:expr, $tenant:expr, $ids:expr, $overwrite:expr) => {{
        let tenant: uuid::Uuid = $tenant;
        let ids: &[uuid::Uuid] = $ids;
        for chunk in ids.chunks($crate::search::BATCH) {
            let sql = format!(
                "SELECT id, name, siret, archived_at IS NOT NULL AS archived
                 FROM organisations WHERE tenant_id = $1 AND id IN ({})",
                $crate::search::placeholders(2, chunk.len())
            );
            let mut q = sqlx::query_as::<_, (uuid::Uuid, String, Option<String>, bool)>(
                sqlx::AssertSqlSafe(sql),
            )
            .bind(tenant);
            for id in chunk {
                q = q.bind(*id);
            }
            let docs: Vec<$crate::search::Indexed> = q
                .fetch_all(&mut *$tx)
                .await?
                .into_iter()
                .map(|(id, name, siret, archived)| {
                    (
                        id,
                        relais_domain::search::Document::organisation(&name, siret.as_deref()),
                        archived,
                    )
                })
                .collect();
            $crate::search::write_documents!($tx, tenant, docs, $overwrite);
        }
    }};
}
pub(crate) use index_organisations;

// ---------------------------------------------------------------------------------------
// Backfill

/// Indexes every person and organisation that has no document of the current
/// [`INDEX_VERSION`] (rows written before search existed, or by an older version of the
/// terms), a batch per transaction. Runs at start, after the migrations; returns how many
/// documents it wrote.
pub async fn backfill(db: &Db) -> Result<u64> {
    let mut written = 0u64;
    for (entity_type, table) in [("person", "persons"), ("organisation", "organisations")] {
        let sql = format!(
            "SELECT t.tenant_id, t.id FROM {table} t
             LEFT JOIN search_documents d ON d.tenant_id = t.tenant_id
                  AND d.entity_type = $1 AND d.entity_id = t.id
             WHERE d.entity_id IS NULL OR d.version < $2
             ORDER BY t.tenant_id, t.id
             LIMIT $3"
        );
        loop {
            let batch: Vec<(Uuid, Uuid)> =
                on_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(entity_type)
                    .bind(INDEX_VERSION)
                    .bind(BATCH as i64)
                    .fetch_all(p)
                    .await)?;
            if batch.is_empty() {
                break;
            }
            let mut tenants: Vec<Uuid> = batch.iter().map(|(t, _)| *t).collect();
            tenants.dedup();
            on_pool!(db, |p| {
                let mut tx = p.begin_write().await?;
                for tenant in &tenants {
                    let ids: Vec<Uuid> = batch
                        .iter()
                        .filter(|(t, _)| t == tenant)
                        .map(|(_, id)| *id)
                        .collect();
                    if entity_type == "person" {
                        index_persons!(tx, *tenant, &ids, false);
                    } else {
                        index_organisations!(tx, *tenant, &ids, false);
                    }
                }
                tx.commit().await?;
                Ok::<_, crate::StoreError>(())
            })?;
            written += batch.len() as u64;
            if written.is_multiple_of(50_000) {
                tracing::info!(written, "search index: backfilling");
            }
        }
    }
    if written > 0 {
        tracing::info!(written, "search index: documents written at start");
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_in_each_query_language() {
        let e = Query::parse("jean dupnot")
            .unwrap()
            .expression(MatchKind::Prefix);
        assert_eq!(fts5(&e), "(\"wjean\"* AND \"wdupnot\"*)");
        assert_eq!(tsquery(&e), "('wjean':* & 'wdupnot':*)");
        let k = Expr::Key {
            key: "a'b\"c\\".into(),
            prefix: false,
        };
        assert_eq!(fts5(&k), "\"a'b\"\"c\\\"");
        assert_eq!(tsquery(&k), "'a''b\"c\\\\'");
    }

    #[test]
    fn placeholders_count_from_first() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
    }
}

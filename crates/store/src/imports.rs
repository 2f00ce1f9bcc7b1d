//! Person imports (CSV or vCard files): the uploaded file's record, its mapping and dry-run
//! counts, the job that stores the accepted rows, and the bulk insert path that job uses.
//!
//! The bulk path writes batches of persons with their contact points and tags in one
//! transaction per batch, as multi-row INSERTs sized to stay under SQLite's limit of 32,766
//! bound variables. Each batch's transaction also records its audit row and moves the job's
//! progress, conditionally on the job's lease: a batch is either wholly stored and counted or
//! not at all, so a job resumed after a crash starts exactly after the last stored batch.

use crate::{
    Actor, Change, Db, Result, StoreError,
    audit::record,
    db::BeginWrite,
    db::on_pool,
    jobs::{self, Lease, NewJob, insert_job, set_progress},
};
use chrono::{DateTime, Utc};
use relais_domain::{
    import::{ImportedPerson, Mapping},
    search::{self, Document},
};
use serde::Serialize;
use serde_json::json;
use sqlx::types::Json;
use uuid::Uuid;

/// The job kind that stores an import's accepted rows.
pub const JOB_KIND: &str = "person.import";

/// Most bound variables in one statement (SQLite's default limit; PostgreSQL allows more).
pub const MAX_VARIABLES: usize = 32_766;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct PersonImport {
    pub id: Uuid,
    /// `csv` or `vcard`.
    pub format: String,
    pub file_name: String,
    pub file_hash: String,
    pub file_size: i64,
    pub encoding: String,
    pub delimiter: String,
    pub headers: Json<Vec<String>>,
    pub mapping: Option<Json<Mapping>>,
    /// `uploaded`, `checked` or `started`.
    pub state: String,
    pub total_rows: Option<i64>,
    pub accepted_rows: Option<i64>,
    pub rejected_rows: Option<i64>,
    pub rejected_hash: Option<String>,
    pub job_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PersonImport {
    pub fn delimiter_char(&self) -> char {
        self.delimiter.chars().next().unwrap_or(';')
    }
}

const COLUMNS: &str = "id, format, file_name, file_hash, file_size, encoding, delimiter, headers,
    mapping, state, total_rows, accepted_rows, rejected_rows, rejected_hash, job_id, created_by,
    created_at, updated_at";

/// An uploaded file, already read as a table (or as cards) by the domain rules.
#[derive(Debug, Clone)]
pub struct NewImport<'a> {
    pub format: &'a str,
    pub file_name: &'a str,
    pub file_hash: &'a str,
    pub file_size: i64,
    pub encoding: &'a str,
    pub delimiter: &'a str,
    pub headers: &'a [String],
}

pub async fn create(db: &Db, actor: &Actor, new: &NewImport<'_>) -> Result<Uuid> {
    let id = relais_domain::new_id();
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO person_imports (tenant_id, id, format, file_name, file_hash, file_size, encoding,
                delimiter, headers, state, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'uploaded', $10, $11, $11)",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(new.format)
        .bind(new.file_name)
        .bind(new.file_hash)
        .bind(new.file_size)
        .bind(new.encoding)
        .bind(new.delimiter)
        .bind(Json(new.headers))
        .bind(actor.account_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "import.upload",
                "import",
                id,
                json!({"format": new.format, "file_name": new.file_name, "file_hash": new.file_hash,
                       "size": new.file_size})
            )
        );
        tx.commit().await?;
        Ok(id)
    })
}

pub async fn get(db: &Db, tenant_id: Uuid, id: Uuid) -> Result<Option<PersonImport>> {
    let sql = format!("SELECT {COLUMNS} FROM person_imports WHERE tenant_id = $1 AND id = $2");
    on_pool!(db, |p| sqlx::query_as::<_, PersonImport>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(p)
    .await
    .map_err(Into::into))
}

/// The tenant's imports, newest first.
pub async fn list(db: &Db, tenant_id: Uuid, limit: i64) -> Result<Vec<PersonImport>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM person_imports WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2"
    );
    on_pool!(db, |p| sqlx::query_as::<_, PersonImport>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(tenant_id)
    .bind(limit.clamp(1, 200))
    .fetch_all(p)
    .await
    .map_err(Into::into))
}

/// Counts of a dry run (or of the job's own run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub total: i64,
    pub accepted: i64,
    pub rejected: i64,
}

/// The dry run with `mapping` is done: its counts and rejected rows (a file of the file
/// store) are kept. Refused once the import has started.
pub async fn set_checked(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    mapping: Option<&Mapping>,
    counts: Counts,
    rejected_hash: &str,
) -> Result<()> {
    let now = Utc::now();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let n = sqlx::query(
            "UPDATE person_imports SET state = 'checked', mapping = $3, total_rows = $4,
                accepted_rows = $5, rejected_rows = $6, rejected_hash = $7, updated_at = $8
             WHERE tenant_id = $1 AND id = $2 AND state <> 'started'",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(mapping.map(Json))
        .bind(counts.total)
        .bind(counts.accepted)
        .bind(counts.rejected)
        .bind(rejected_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Err(StoreError::Rule("import-already-started"));
        }
        record!(
            tx,
            actor,
            Change::new(
                "import.check",
                "import",
                id,
                json!({"mapping": mapping, "counts": counts})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Queues the job that stores the accepted rows. Only a checked import starts, once.
pub async fn start(db: &Db, actor: &Actor, id: Uuid) -> Result<Uuid> {
    let job_id = relais_domain::new_id();
    let job = NewJob::new(JOB_KIND, json!({"import_id": id}));
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        let state: Option<String> =
            sqlx::query_scalar("SELECT state FROM person_imports WHERE tenant_id = $1 AND id = $2")
                .bind(actor.tenant_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        match state.as_deref() {
            None => return Err(StoreError::NotFound),
            Some("checked") => {}
            Some("started") => return Err(StoreError::Rule("import-already-started")),
            Some(_) => return Err(StoreError::Rule("import-not-checked")),
        }
        insert_job!(tx, actor, job_id, &job);
        sqlx::query(
            "UPDATE person_imports SET state = 'started', job_id = $3, updated_at = $4
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(job_id)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(job_id)
    })
}

/// The job's own run is over: its counts and rejected rows replace the dry run's, and the
/// import's audit row says what it did.
pub async fn finish(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    job_id: Uuid,
    counts: Counts,
    rejected_hash: &str,
) -> Result<()> {
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE person_imports SET total_rows = $3, accepted_rows = $4, rejected_rows = $5,
                rejected_hash = $6, updated_at = $7
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(actor.tenant_id)
        .bind(id)
        .bind(counts.total)
        .bind(counts.accepted)
        .bind(counts.rejected)
        .bind(rejected_hash)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        record!(
            tx,
            actor,
            Change::new(
                "person.import",
                "import",
                id,
                json!({"job": job_id, "counts": counts})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Bulk insert

/// A value every row of a batch INSERT shares.
#[derive(Clone, Copy)]
enum Shared {
    Tenant,
    Now,
    Import,
}

impl Shared {
    /// Its number on PostgreSQL, where it is bound once per statement.
    fn number(self) -> usize {
        match self {
            Shared::Tenant => 1,
            Shared::Now => 2,
            Shared::Import => 3,
        }
    }
}

/// Rows of one multi-row INSERT with `variables` bound variables each, under
/// [`MAX_VARIABLES`] and at most 500 rows (longer statements cost more to prepare than they
/// save).
fn rows_per_statement(variables: usize) -> usize {
    ((MAX_VARIABLES - 3) / variables).clamp(1, 500)
}

/// `INSERT INTO … VALUES (…), (…)` for `rows` rows of `per_row` values of their own, then
/// the `shared` values, then the SQL literals `tail`. The columns of `head` follow that
/// order.
///
/// On SQLite every mark is a bare `?`, the shared values bound again on each row: sqlx asks
/// SQLite the name of every numbered mark (`?n`, `$n`), which SQLite finds by a linear
/// walk, so a statement of thousands of numbered marks costs their square — half the time
/// of an import went there (perf, relais-bench). PostgreSQL only knows `$n`; there the
/// shared values are `$1`–`$3`, bound once.
fn insert_sql(
    sqlite: bool,
    head: &str,
    rows: usize,
    per_row: usize,
    shared: &[Shared],
    tail: &str,
) -> String {
    let mut sql = String::with_capacity(head.len() + rows * (per_row * 6 + 32));
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for i in 0..rows {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        for v in 0..per_row {
            if v > 0 {
                sql.push_str(", ");
            }
            if sqlite {
                sql.push('?');
            } else {
                sql.push_str(&format!("${}", 4 + i * per_row + v));
            }
        }
        for s in shared {
            if sqlite {
                sql.push_str(", ?");
            } else {
                sql.push_str(&format!(", ${}", s.number()));
            }
        }
        sql.push_str(tail);
        sql.push(')');
    }
    sql
}

/// The rows of each table a batch of persons becomes, with their ids, and their search
/// documents (terms, fields, sort key). Built before the write transaction, and away from
/// it: the import job prepares the next batch on another thread while one is written.
pub struct PersonBatch {
    persons: Vec<(Uuid, ImportedPerson)>,
    documents: Vec<(Uuid, String, String, String)>,
    emails: Vec<(Uuid, Uuid, String)>,
    phones: Vec<(Uuid, Uuid, String)>,
    /// (id, person, lines, postcode, city, country).
    addresses: Vec<(Uuid, Uuid, String, String, String, String)>,
    tags: Vec<(Uuid, String)>,
}

impl PersonBatch {
    pub fn new(persons: Vec<ImportedPerson>) -> Self {
        let mut b = PersonBatch {
            persons: Vec::with_capacity(persons.len()),
            documents: Vec::with_capacity(persons.len()),
            emails: Vec::new(),
            phones: Vec::new(),
            addresses: Vec::new(),
            tags: Vec::new(),
        };
        for p in persons {
            let id = relais_domain::new_id();
            for e in &p.emails {
                b.emails
                    .push((relais_domain::new_id(), id, e.as_str().to_owned()));
            }
            for ph in &p.phones {
                b.phones
                    .push((relais_domain::new_id(), id, ph.as_str().to_owned()));
            }
            let mut address_line = None;
            if let Some(a) = &p.address {
                let lines = a.lines.join("\n");
                address_line = Some(search::address_line(
                    &lines,
                    &a.postcode,
                    &a.city,
                    &a.country,
                ));
                b.addresses.push((
                    relais_domain::new_id(),
                    id,
                    lines,
                    a.postcode.clone(),
                    a.city.clone(),
                    a.country.clone(),
                ));
            }
            for t in &p.tags {
                b.tags.push((id, t.clone()));
            }
            let doc = Document::person(
                &p.identity.given_name,
                &p.identity.family_name,
                &p.emails
                    .iter()
                    .map(|e| e.as_str().to_owned())
                    .collect::<Vec<_>>(),
                &p.phones
                    .iter()
                    .map(|ph| ph.as_str().to_owned())
                    .collect::<Vec<_>>(),
                address_line.as_slice(),
            );
            b.documents
                .push((id, doc.terms().join(" "), doc.fields_json(), doc.sort_key()));
            b.persons.push((id, p));
        }
        b
    }

    /// How many persons.
    pub fn len(&self) -> usize {
        self.persons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
    }

    /// The new persons' ids, in the order given.
    pub fn ids(&self) -> Vec<Uuid> {
        self.persons.iter().map(|(id, _)| *id).collect()
    }

    /// The file lines of the first and last person.
    fn lines(&self) -> (Option<usize>, Option<usize>) {
        (
            self.persons.first().map(|(_, p)| p.line),
            self.persons.last().map(|(_, p)| p.line),
        )
    }
}

/// One multi-row INSERT per chunk of `$rows` (see [`insert_sql`]), within an open
/// transaction.
macro_rules! chunked_insert {
    ($tx:expr, $sqlite:expr, ($tenant:expr, $now:expr, $import_id:expr), $rows:expr, $head:expr,
     $per_row:expr, $shared:expr, $tail:expr, |$q:ident, $item:ident| $bind:expr) => {{
        let shared: &[Shared] = $shared;
        let per = if $sqlite {
            rows_per_statement($per_row + shared.len())
        } else {
            rows_per_statement($per_row)
        };
        for chunk in $rows.chunks(per) {
            let sql = insert_sql($sqlite, $head, chunk.len(), $per_row, shared, $tail);
            let mut $q = sqlx::query(sqlx::AssertSqlSafe(sql));
            if !$sqlite {
                $q = $q.bind($tenant).bind($now).bind($import_id);
            }
            for $item in chunk {
                $q = $bind;
                if $sqlite {
                    for s in shared {
                        $q = match s {
                            Shared::Tenant => $q.bind($tenant),
                            Shared::Now => $q.bind($now),
                            Shared::Import => $q.bind($import_id),
                        };
                    }
                }
            }
            $q.execute(&mut *$tx).await?;
        }
    }};
}

/// Inserts a batch of persons (with contact points and tags) inside an open transaction,
/// tagged with the import's id.
macro_rules! insert_persons {
    ($tx:expr, $sqlite:expr, $tenant:expr, $import_id:expr, $batch:expr) => {{
        let batch: &PersonBatch = $batch;
        let shared = ($tenant, chrono::Utc::now(), $import_id);
        chunked_insert!(
            $tx,
            $sqlite,
            (shared.0, shared.1, shared.2),
            batch.persons,
            "INSERT INTO persons (id, given_name, family_name, birth_date, locale, search_name, tenant_id, created_at, updated_at, import_id)",
            6,
            &[Shared::Tenant, Shared::Now, Shared::Now, Shared::Import],
            "",
            |q, item| {
                let (id, p) = item;
                q.bind(*id)
                    .bind(&p.identity.given_name)
                    .bind(&p.identity.family_name)
                    .bind(p.identity.birth_date)
                    .bind(p.identity.locale.as_str())
                    .bind(p.identity.search_name())
            }
        );
        chunked_insert!(
            $tx,
            $sqlite,
            (shared.0, shared.1, shared.2),
            batch.emails,
            "INSERT INTO person_emails (id, person_id, email, tenant_id, created_at)",
            3,
            &[Shared::Tenant, Shared::Now],
            "",
            |q, item| q.bind(item.0).bind(item.1).bind(&item.2)
        );
        chunked_insert!(
            $tx,
            $sqlite,
            (shared.0, shared.1, shared.2),
            batch.phones,
            "INSERT INTO person_phones (id, person_id, e164, tenant_id, created_at)",
            3,
            &[Shared::Tenant, Shared::Now],
            "",
            |q, item| q.bind(item.0).bind(item.1).bind(&item.2)
        );
        chunked_insert!(
            $tx,
            $sqlite,
            (shared.0, shared.1, shared.2),
            batch.addresses,
            "INSERT INTO person_addresses (id, person_id, lines, postcode, city, country, tenant_id, created_at)",
            6,
            &[Shared::Tenant, Shared::Now],
            "",
            |q, item| {
                let (id, person, lines, postcode, city, country) = item;
                q.bind(*id)
                    .bind(*person)
                    .bind(lines)
                    .bind(postcode)
                    .bind(city)
                    .bind(country)
            }
        );
        // Their search documents, numbered after the last one (SQLite's FTS5 row numbers).
        let first: i64 = sqlx::query_scalar($crate::search::NEXT_DOC_NO)
            .fetch_one(&mut *$tx)
            .await?;
        let numbered: Vec<(i64, &(Uuid, String, String, String))> =
            (first..).zip(batch.documents.iter()).collect();
        let tail = format!(", 'person', FALSE, {}", relais_domain::search::INDEX_VERSION);
        chunked_insert!(
            $tx,
            $sqlite,
            (shared.0, shared.1, shared.2),
            numbered,
            "INSERT INTO search_documents (entity_id, doc_no, terms, fields, sort_key, tenant_id, entity_type, archived, version)",
            5,
            &[Shared::Tenant],
            &tail,
            |q, item| {
                let (doc_no, (id, terms, fields, sort_key)) = item;
                q.bind(*id).bind(*doc_no).bind(terms).bind(fields).bind(sort_key)
            }
        );
        chunked_insert!(
            $tx,
            $sqlite,
            (shared.0, shared.1, shared.2),
            batch.tags,
            "INSERT INTO person_tags (person_id, tag, tenant_id)",
            2,
            &[Shared::Tenant],
            "",
            |q, item| q.bind(item.0).bind(&item.1)
        );
    }};
}

/// Stores one batch of an import's accepted rows (prepared by [`PersonBatch::new`]) in one transaction: the persons, their
/// contact points and tags, the batch's audit row, and the job's progress (`done` rows
/// stored in all), the latter only while `lease` holds (else `Rule(LEASE_LOST)` and
/// nothing is written).
pub async fn insert_batch(
    db: &Db,
    lease: &Lease,
    actor: &Actor,
    import_id: Uuid,
    batch: &PersonBatch,
    done: i64,
) -> Result<()> {
    let sqlite = db.backend() == crate::Backend::Sqlite;
    let lines = batch.lines();
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        set_progress!(tx, lease, done, None::<i64>);
        insert_persons!(tx, sqlite, actor.tenant_id, Some(import_id), batch);
        record!(
            tx,
            actor,
            Change::new(
                "person.import.batch",
                "import",
                import_id,
                json!({"job": lease.job_id, "persons": batch.len(), "first_line": lines.0,
                       "last_line": lines.1})
            )
        );
        tx.commit().await?;
        Ok(())
    })
}

/// Stores persons in one transaction without a job (the benchmark's raw path and tools):
/// the same statements as [`insert_batch`], with one audit row. Returns the new persons'
/// ids, in the order given.
pub async fn insert_persons(
    db: &Db,
    actor: &Actor,
    import_id: Option<Uuid>,
    persons: Vec<ImportedPerson>,
) -> Result<Vec<Uuid>> {
    let batch = PersonBatch::new(persons);
    let ids = batch.ids();
    let sqlite = db.backend() == crate::Backend::Sqlite;
    on_pool!(db, |p| {
        let mut tx = p.begin_write().await?;
        insert_persons!(tx, sqlite, actor.tenant_id, import_id, &batch);
        record!(
            tx,
            actor,
            Change {
                action: "person.import.batch",
                target_kind: "import",
                target_id: import_id.map(|i| i.to_string()),
                summary: json!({"persons": batch.len()}),
            }
        );
        tx.commit().await?;
        Ok::<_, StoreError>(())
    })?;
    Ok(ids)
}

/// How many persons an import created.
pub async fn created_persons(db: &Db, tenant_id: Uuid, import_id: Uuid) -> Result<i64> {
    on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM persons WHERE tenant_id = $1 AND import_id = $2"
    )
    .bind(tenant_id)
    .bind(import_id)
    .fetch_one(p)
    .await
    .map_err(Into::into))
}

/// The job of an import, if started.
pub async fn job_of(db: &Db, import: &PersonImport, tenant_id: Uuid) -> Result<Option<jobs::Job>> {
    match import.job_id {
        Some(id) => jobs::get(db, tenant_id, id).await,
        None => Ok(None),
    }
}

//! Migrations, embedded in the binary, one folder per backend, and the introspection that
//! lets a test prove both backends end with the same tables and columns.

use crate::{Db, Result, db::on_pool};
use sqlx::{Executor, Row};
use std::collections::BTreeMap;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "services",
        sqlite: include_str!("../migrations/sqlite/0002_services.sql"),
        postgres: include_str!("../migrations/postgres/0002_services.sql"),
    },
    Migration {
        version: 3,
        name: "business_calendar",
        sqlite: include_str!("../migrations/sqlite/0003_business_calendar.sql"),
        postgres: include_str!("../migrations/postgres/0003_business_calendar.sql"),
    },
    Migration {
        version: 4,
        name: "people",
        sqlite: include_str!("../migrations/sqlite/0004_people.sql"),
        postgres: include_str!("../migrations/postgres/0004_people.sql"),
    },
    Migration {
        version: 5,
        name: "cases",
        sqlite: include_str!("../migrations/sqlite/0005_cases.sql"),
        postgres: include_str!("../migrations/postgres/0005_cases.sql"),
    },
    Migration {
        version: 6,
        name: "jobs",
        sqlite: include_str!("../migrations/sqlite/0006_jobs.sql"),
        postgres: include_str!("../migrations/postgres/0006_jobs.sql"),
    },
    Migration {
        version: 7,
        name: "search",
        sqlite: include_str!("../migrations/sqlite/0007_search.sql"),
        postgres: include_str!("../migrations/postgres/0007_search.sql"),
    },
    Migration {
        version: 8,
        name: "people_extras",
        sqlite: include_str!("../migrations/sqlite/0008_people_extras.sql"),
        postgres: include_str!("../migrations/postgres/0008_people_extras.sql"),
    },
    Migration {
        version: 9,
        name: "backoffice",
        sqlite: include_str!("../migrations/sqlite/0009_backoffice.sql"),
        postgres: include_str!("../migrations/postgres/0009_backoffice.sql"),
    },
    Migration {
        version: 10,
        name: "accounts",
        sqlite: include_str!("../migrations/sqlite/0010_accounts.sql"),
        postgres: include_str!("../migrations/postgres/0010_accounts.sql"),
    },
    Migration {
        version: 11,
        name: "operations",
        sqlite: include_str!("../migrations/sqlite/0011_operations.sql"),
        postgres: include_str!("../migrations/postgres/0011_operations.sql"),
    },
    Migration {
        version: 12,
        name: "bench_indexes",
        sqlite: include_str!("../migrations/sqlite/0012_bench_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0012_bench_indexes.sql"),
    },
    Migration {
        version: 13,
        name: "tenant_mail",
        sqlite: include_str!("../migrations/sqlite/0013_tenant_mail.sql"),
        postgres: include_str!("../migrations/postgres/0013_tenant_mail.sql"),
    },
    Migration {
        version: 14,
        name: "case_collaboration",
        sqlite: include_str!("../migrations/sqlite/0014_case_collaboration.sql"),
        postgres: include_str!("../migrations/postgres/0014_case_collaboration.sql"),
    },
    Migration {
        version: 16,
        name: "knowledge",
        sqlite: include_str!("../migrations/sqlite/0016_knowledge.sql"),
        postgres: include_str!("../migrations/postgres/0016_knowledge.sql"),
    },
    Migration {
        version: 17,
        name: "scoped_views",
        sqlite: include_str!("../migrations/sqlite/0017_scoped_views.sql"),
        postgres: include_str!("../migrations/postgres/0017_scoped_views.sql"),
    },
    Migration {
        version: 18,
        name: "case_presence",
        sqlite: include_str!("../migrations/sqlite/0018_case_presence.sql"),
        postgres: include_str!("../migrations/postgres/0018_case_presence.sql"),
    },
    Migration {
        version: 19,
        name: "fewer_case_indexes",
        sqlite: include_str!("../migrations/sqlite/0019_fewer_case_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0019_fewer_case_indexes.sql"),
    },
];

/// Leaves the tables as autovacuum would a little after a bulk load (data generators): the
/// planner's statistics, and on PostgreSQL the visibility map too, without which an
/// index-only scan (the view counts of `case_views`) still reads every row from the heap.
/// SQLite is left as the server runs it, with no statistics.
pub async fn analyze(db: &Db) -> Result<()> {
    if let Db::Postgres(pool) = db {
        // A simple query outside any transaction, as VACUUM requires.
        pool.execute("VACUUM ANALYZE").await?;
    }
    Ok(())
}

/// Names of the migrations this binary knows, in order.
pub fn known_migrations() -> Vec<&'static str> {
    MIGRATIONS.iter().map(|m| m.name).collect()
}

const LEDGER_SQLITE: &str = "CREATE TABLE IF NOT EXISTS relais_migrations (
    version BIGINT PRIMARY KEY NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
const LEDGER_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS relais_migrations (
    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)";

/// The lock key PostgreSQL migrations take ("relais" in ASCII).
const PG_MIGRATION_LOCK: i64 = 0x72_65_6c_61_69_73;

pub(crate) async fn migrate(db: &Db) -> Result<Vec<&'static str>> {
    let mut applied = Vec::new();
    match db {
        Db::Sqlite(pool) => {
            pool.execute(LEDGER_SQLITE).await?;
            for m in MIGRATIONS {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let done: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM relais_migrations WHERE version = $1")
                        .bind(m.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_none() {
                    sqlx::raw_sql(m.sqlite).execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO relais_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                        .bind(m.version)
                        .bind(m.name)
                        .bind(chrono::Utc::now())
                        .execute(&mut *tx)
                        .await?;
                    applied.push(m.name);
                }
                tx.commit().await?;
            }
        }
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await?;
            sqlx::query("SELECT pg_advisory_lock($1)")
                .bind(PG_MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
            let result: Result<()> = async {
                conn.execute(LEDGER_POSTGRES).await?;
                for m in MIGRATIONS {
                    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                    let done: Option<i64> =
                        sqlx::query_scalar("SELECT version FROM relais_migrations WHERE version = $1")
                            .bind(m.version)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if done.is_none() {
                        sqlx::raw_sql(m.postgres).execute(&mut *tx).await?;
                        sqlx::query("INSERT INTO relais_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                            .bind(m.version)
                            .bind(m.name)
                            .bind(chrono::Utc::now())
                            .execute(&mut *tx)
                            .await?;
                        applied.push(m.name);
                    }
                    tx.commit().await?;
                }
                Ok(())
            }
            .await;
            sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(PG_MIGRATION_LOCK)
                .execute(&mut *conn)
                .await?;
            result?;
        }
    }
    Ok(applied)
}

/// Tables and their columns (name, nullable), sorted: what both backends must agree on.
pub async fn describe(db: &Db) -> Result<BTreeMap<String, Vec<(String, bool)>>> {
    let mut out: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    match db {
        Db::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" AS not_null, p.pk AS pk
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
                   -- Full-text indexes (FTS5 tables and their shadow tables) are SQLite's
                   -- kind of index, not tables of the schema.
                   AND NOT EXISTS (SELECT 1 FROM sqlite_master v
                       WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
                         AND (m.name = v.name OR m.name LIKE v.name || '\\_%' ESCAPE '\\'))",
            )
            .fetch_all(pool)
            .await?;
            for r in rows {
                let not_null: i64 = r.try_get("not_null")?;
                let pk: i64 = r.try_get("pk")?;
                out.entry(r.try_get("table_name")?)
                    .or_default()
                    .push((r.try_get("column_name")?, not_null == 0 && pk == 0));
            }
        }
        Db::Postgres(pool) => {
            let rows = sqlx::query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable::text AS is_nullable
                 FROM information_schema.columns WHERE table_schema = current_schema()
                   -- Generated columns (the search keys as a tsvector) are PostgreSQL's kind
                   -- of index, as FTS5 tables are SQLite's.
                   AND is_generated = 'NEVER'",
            )
            .fetch_all(pool)
            .await?;
            for r in rows {
                let nullable: String = r.try_get("is_nullable")?;
                out.entry(r.try_get("table_name")?)
                    .or_default()
                    .push((r.try_get("column_name")?, nullable == "YES"));
            }
        }
    }
    for cols in out.values_mut() {
        cols.sort();
    }
    Ok(out)
}

/// Number of rows in a table, for tests and the backup report. Only known table names pass.
pub async fn count_rows(db: &Db, table: &str) -> Result<i64> {
    let known = describe(db).await?;
    if !known.contains_key(table) {
        return Err(crate::StoreError::NotFound);
    }
    let sql = format!("SELECT COUNT(*) FROM {table}");
    on_pool!(db, |p| sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(
        sql
    ))
    .fetch_one(p)
    .await
    .map_err(Into::into))
}

/// Every `(table, column)` whose foreign key points at `table.id` (composite keys included:
/// the column paired with `id`), sorted. The merge of persons checks its plan against it.
pub async fn references_to(db: &Db, table: &str) -> Result<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = match db {
        Db::Sqlite(pool) => {
            let rows = sqlx::query(
                "SELECT m.name AS table_name, f.\"from\" AS column_name
                 FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
                 WHERE m.type = 'table' AND f.\"table\" = $1 AND f.\"to\" = 'id'",
            )
            .bind(table)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok((r.try_get("table_name")?, r.try_get("column_name")?)))
                .collect::<std::result::Result<_, sqlx::Error>>()?
        }
        Db::Postgres(pool) => {
            let rows = sqlx::query(
                "SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS column_name
                 FROM pg_constraint c
                 JOIN LATERAL unnest(c.conkey, c.confkey) AS k(attnum, fattnum) ON TRUE
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                 JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fattnum
                 JOIN pg_class t ON t.oid = c.confrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE c.contype = 'f' AND t.relname = $1 AND fa.attname = 'id'
                   AND n.nspname = current_schema()",
            )
            .bind(table)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok((r.try_get("table_name")?, r.try_get("column_name")?)))
                .collect::<std::result::Result<_, sqlx::Error>>()?
        }
    };
    out.sort();
    out.dedup();
    Ok(out)
}

use crate::{Result, StoreError};
use sqlx::{
    ConnectOptions, Executor,
    postgres::{PgConnectOptions, PgPool, PgPoolOptions},
    sqlite::{
        SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
    },
};
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    str::FromStr,
    sync::{Arc, LazyLock, Mutex},
    time::Duration,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database: a pool of one backend or the other. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool `db` holds.
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Starts a transaction meant to write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so two writers queue instead of failing when a read lock cannot be
/// upgraded — and they queue in this process, on the database's [write gate](write_gate),
/// not in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries: under
/// concurrent filings most of the time went to those sleeps and the thread switches around
/// them (perf during `relais-bench --scenarios create`).
pub(crate) trait BeginWrite {
    type Database: sqlx::Database;
    fn begin_write(
        &self,
    ) -> impl Future<Output = std::result::Result<WriteTx<Self::Database>, sqlx::Error>> + Send;
}

/// A write transaction: use it as the connection (`&mut *tx`), end it with
/// [`commit`](WriteTx::commit); dropped, it rolls back. On SQLite it holds the database's
/// write gate until then.
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub(crate) async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        // The gate is released once the commit is done (it is dropped after this line).
        let WriteTx { tx, _gate } = self;
        tx.commit().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;
    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// How long a writer waits for the gate: as long as SQLite's busy timeout.
pub(crate) const WRITE_WAIT: Duration = Duration::from_secs(10);

/// The write gate of a SQLite database file: one writer at a time, first come first
/// served, and the writes waiting to be [grouped](crate::group_commit) into the next
/// transaction. One per file, shared by every pool of this process that opens it.
#[derive(Clone, Default)]
pub(crate) struct WriteGate {
    pub(crate) lock: Arc<tokio::sync::Mutex<()>>,
    pub(crate) waiting: Arc<Mutex<crate::group_commit::Waiting>>,
    pub(crate) counts: Arc<crate::group_commit::Counts>,
}

pub(crate) fn write_gate(pool: &SqlitePool) -> WriteGate {
    static GATES: LazyLock<Mutex<HashMap<PathBuf, WriteGate>>> = LazyLock::new(Default::default);
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut gates = GATES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    gates.entry(file).or_default().clone()
}

impl BeginWrite for SqlitePool {
    type Database = sqlx::Sqlite;
    async fn begin_write(&self) -> std::result::Result<WriteTx<sqlx::Sqlite>, sqlx::Error> {
        let gate = tokio::time::timeout(WRITE_WAIT, write_gate(self).lock.lock_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        let tx = self.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx {
            tx,
            _gate: Some(gate),
        })
    }
}

impl BeginWrite for PgPool {
    type Database = sqlx::Postgres;
    async fn begin_write(&self) -> std::result::Result<WriteTx<sqlx::Postgres>, sqlx::Error> {
        Ok(WriteTx {
            tx: self.begin().await?,
            _gate: None,
        })
    }
}

impl Db {
    /// Opens the database named by `url`: `postgres://…` or `sqlite://path`. A plain path is
    /// taken as a SQLite file. SQLite runs in WAL mode with foreign keys on.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Other(format!("invalid PostgreSQL URL: {e}")))?
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(|e| StoreError::Other(format!("cannot reach PostgreSQL: {e}")))?;
            Ok(Db::Postgres(pool))
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            if let Some(parent) = Path::new(path).parent()
                && !parent.as_os_str().is_empty()
            {
                std::fs::create_dir_all(parent)?;
            }
            let options = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // 32 MiB of page cache per connection (SQLite's default is 2 MiB): with a
                // million persons the indexes an import or a search touches no longer fit
                // in 2 MiB, and every miss is a read from the file (perf, relais-bench).
                // Memory is taken as pages are read, so an idle server stays small.
                .pragma("cache_size", "-32768")
                .pragma("temp_store", "memory")
                .log_statements(tracing::log::LevelFilter::Trace);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                // A connection to a local file does not drop: the ping sqlx sends before
                // lending one is a round trip to the connection's thread per query for
                // nothing (perf during `relais-bench --scenarios create`).
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .map_err(|e| {
                    StoreError::Other(format!("cannot open SQLite database {path}: {e}"))
                })?;
            Ok(Db::Sqlite(pool))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// How many transactions have held more than one write on this SQLite database file
    /// since the process started, and how many writes they held (`None` on PostgreSQL).
    pub fn write_groups(&self) -> Option<crate::group_commit::Groups> {
        match self {
            Db::Sqlite(pool) => Some(write_gate(pool).counts.read()),
            Db::Postgres(_) => None,
        }
    }

    /// A round trip to the database, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, |p| p
            .execute("SELECT 1")
            .await
            .map(|_| ())
            .map_err(Into::into))
    }

    /// Creates the empty PostgreSQL database `name` on the server of `admin_url` and returns
    /// its URL. For tools that must work on a database of their own (tests, benchmarks).
    pub async fn create_postgres_database(admin_url: &str, name: &str) -> Result<String> {
        Self::admin_statement(admin_url, name, "CREATE DATABASE").await?;
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b)
            .ok_or_else(|| StoreError::Other("PostgreSQL URL without a database".into()))?;
        Ok(format!("{base}/{name}"))
    }

    /// Drops a database made by [`Db::create_postgres_database`].
    pub async fn drop_postgres_database(admin_url: &str, name: &str) -> Result<()> {
        Self::admin_statement(admin_url, name, "DROP DATABASE IF EXISTS").await
    }

    async fn admin_statement(admin_url: &str, name: &str, verb: &str) -> Result<()> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(StoreError::Other(format!("invalid database name {name:?}")));
        }
        let Db::Postgres(pool) = Db::connect(admin_url).await? else {
            return Err(StoreError::Other("not a PostgreSQL URL".into()));
        };
        // The name is checked above: lowercase letters, digits and underscores only.
        let result = sqlx::query(sqlx::AssertSqlSafe(format!("{verb} {name}")))
            .execute(&pool)
            .await;
        pool.close().await;
        result.map(|_| ()).map_err(Into::into)
    }

    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }

    /// Applies the migrations this database has not seen yet, in order, each in its own
    /// transaction. Several processes may start at once: PostgreSQL serialises them with an
    /// advisory lock, SQLite with its write lock. Then indexes for search whatever has no
    /// current search document (see `search::backfill`).
    pub async fn migrate(&self) -> Result<Vec<&'static str>> {
        let applied = crate::schema::migrate(self).await?;
        crate::search::backfill(self).await?;
        Ok(applied)
    }
}

/// A migrated SQLite database in a file of its own, for the store's tests that need the
/// real file (plans, the write gate); its files are removed when it is dropped, also when
/// the test fails.
#[cfg(test)]
pub(crate) struct TempSqlite {
    pub db: Db,
    path: std::path::PathBuf,
}

#[cfg(test)]
impl TempSqlite {
    pub async fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("relais-{name}-{}.db", uuid::Uuid::now_v7()));
        let db = Db::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("temporary SQLite database");
        db.migrate().await.expect("migrations");
        Self { db, path }
    }

    pub fn pool(&self) -> &SqlitePool {
        match &self.db {
            Db::Sqlite(pool) => pool,
            Db::Postgres(_) => unreachable!("a sqlite:// URL"),
        }
    }
}

#[cfg(test)]
impl Drop for TempSqlite {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

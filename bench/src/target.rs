//! The database a run works on. By default a fresh one made for the run (a SQLite file in
//! the work folder, or a new database on a PostgreSQL server) and removed at the end; an
//! existing database only when asked explicitly, never by surprise.

use crate::{BenchError, Result};
use relais_store::{Backend, Db};
use std::path::Path;

#[derive(Debug, Clone)]
pub enum DatabaseChoice {
    /// A new SQLite file in the work folder.
    FreshSqlite,
    /// A new database on the server of this URL (the URL's own database is only used to
    /// create and drop it).
    FreshPostgres { server_url: String },
    /// This database as it is (`--reuse-database`): the run adds a tenant to it.
    Existing { url: String },
}

pub struct BenchDatabase {
    pub db: Db,
    pub url: String,
    /// (server URL, database name) to drop at the end.
    drop_after: Option<(String, String)>,
}

impl BenchDatabase {
    pub async fn open(choice: &DatabaseChoice, work_dir: &Path) -> Result<BenchDatabase> {
        let (url, drop_after) = match choice {
            DatabaseChoice::FreshSqlite => {
                let file = work_dir.join("bench.db");
                if file.exists() {
                    return Err(BenchError::Usage(format!(
                        "{} already exists: pick an empty --work-dir",
                        file.display()
                    )));
                }
                (format!("sqlite://{}", file.display()), None)
            }
            DatabaseChoice::FreshPostgres { server_url } => {
                let name = format!(
                    "relais_bench_{}",
                    chrono::Utc::now().format("%Y%m%d%H%M%S%3f")
                );
                let url = Db::create_postgres_database(server_url, &name)
                    .await
                    .map_err(|e| BenchError::Usage(format!("PostgreSQL at {server_url}: {e}")))?;
                (url, Some((server_url.clone(), name)))
            }
            DatabaseChoice::Existing { url } => (url.clone(), None),
        };
        let db = Db::connect(&url)
            .await
            .map_err(|e| BenchError::Usage(format!("database {url}: {e}")))?;
        db.migrate().await?;
        Ok(BenchDatabase {
            db,
            url,
            drop_after,
        })
    }

    pub fn backend_name(&self) -> &'static str {
        match self.db.backend() {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Closes the pool and drops the database the run created.
    pub async fn finish(&self) {
        self.db.close().await;
        if let Some((server, name)) = &self.drop_after
            && let Err(e) = Db::drop_postgres_database(server, name).await
        {
            eprintln!("could not drop the bench database {name}: {e}");
        }
    }
}

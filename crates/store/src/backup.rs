//! Online backup and restore. The database snapshot comes first (SQLite `VACUUM INTO`, a
//! consistent copy taken while the server runs; `pg_dump` on PostgreSQL, which reads one
//! snapshot), then the files: files are immutable and renamed into place whole, so every
//! file the snapshot refers to is already complete when it is copied.

use crate::{Backend, Db, Result, StoreError};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub backend: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub files: u64,
    pub relais_version: String,
}

const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "relais.db";
const PG_FILE: &str = "relais.pgdump";

/// Writes a backup into `dest`, a folder that must not exist yet.
pub async fn create(
    db: &Db,
    database_url: &str,
    files_dir: &Path,
    dest: &Path,
) -> Result<Manifest> {
    if dest.exists() {
        return Err(StoreError::Other(format!(
            "{} already exists; choose a new folder",
            dest.display()
        )));
    }
    std::fs::create_dir_all(dest)?;
    match db {
        Db::Sqlite(pool) => {
            let target = dest.join(SQLITE_FILE);
            sqlx::query("VACUUM INTO $1")
                .bind(target.to_string_lossy().into_owned())
                .execute(pool)
                .await?;
        }
        Db::Postgres(_) => {
            let out = tokio::process::Command::new("pg_dump")
                .arg("--format=custom")
                .arg("--no-owner")
                .arg("--file")
                .arg(dest.join(PG_FILE))
                .arg(database_url)
                .output()
                .await
                .map_err(|e| {
                    StoreError::Other(format!(
                        "cannot run pg_dump (is the PostgreSQL client installed?): {e}"
                    ))
                })?;
            if !out.status.success() {
                return Err(StoreError::Other(format!(
                    "pg_dump failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
    }
    let files = copy_tree(files_dir, &dest.join("files"))?;
    let manifest = Manifest {
        format: 1,
        backend: match db.backend() {
            Backend::Sqlite => "sqlite".into(),
            Backend::Postgres => "postgres".into(),
        },
        created_at: chrono::Utc::now(),
        files,
        relais_version: env!("CARGO_PKG_VERSION").into(),
    };
    let json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| StoreError::Other(e.to_string()))?;
    std::fs::write(dest.join(MANIFEST), json)?;
    Ok(manifest)
}

/// Restores a backup made by `create`. The server must be stopped. On SQLite the database
/// file is replaced whole; on PostgreSQL the dump is restored over the target database.
/// Files are added to the files folder (existing ones are identical by construction).
pub async fn restore(database_url: &str, files_dir: &Path, src: &Path) -> Result<Manifest> {
    let manifest: Manifest =
        serde_json::from_slice(&std::fs::read(src.join(MANIFEST)).map_err(|e| {
            StoreError::Other(format!(
                "{} is not a Relais backup (no {MANIFEST}): {e}",
                src.display()
            ))
        })?)
        .map_err(|e| StoreError::Other(format!("unreadable {MANIFEST}: {e}")))?;
    let is_pg =
        database_url.starts_with("postgres://") || database_url.starts_with("postgresql://");
    match (manifest.backend.as_str(), is_pg) {
        ("sqlite", false) => {
            let path = database_url
                .strip_prefix("sqlite://")
                .or_else(|| database_url.strip_prefix("sqlite:"))
                .unwrap_or(database_url);
            let path = Path::new(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let tmp = path.with_extension("restoring");
            std::fs::copy(src.join(SQLITE_FILE), &tmp)?;
            for suffix in ["-wal", "-shm"] {
                let side = format!("{}{suffix}", path.display());
                if Path::new(&side).exists() {
                    std::fs::remove_file(&side)?;
                }
            }
            std::fs::rename(&tmp, path)?;
        }
        ("postgres", true) => {
            let out = tokio::process::Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(database_url)
                .arg(src.join(PG_FILE))
                .output()
                .await
                .map_err(|e| StoreError::Other(format!("cannot run pg_restore: {e}")))?;
            if !out.status.success() {
                return Err(StoreError::Other(format!(
                    "pg_restore failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
        (backend, _) => {
            return Err(StoreError::Other(format!(
                "this backup is of a {backend} database and cannot be restored into {}",
                if is_pg { "PostgreSQL" } else { "SQLite" }
            )));
        }
    }
    copy_tree(&src.join("files"), files_dir)?;
    Ok(manifest)
}

/// Copies every file below `from` into `to`, skipping files already there. Returns how many
/// files `from` holds.
fn copy_tree(from: &Path, to: &Path) -> Result<u64> {
    let mut count = 0;
    if !from.exists() {
        return Ok(0);
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            count += copy_tree(&entry.path(), &target)?;
        } else if kind.is_file() && !entry.file_name().to_string_lossy().contains(".tmp-") {
            if !target.exists() {
                std::fs::copy(entry.path(), &target)?;
            }
            count += 1;
        }
    }
    Ok(count)
}

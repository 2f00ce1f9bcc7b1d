//! Storage of Relais: one `Db` handle over SQLite (embedded default) or PostgreSQL
//! (production), the migrations of each backend, and one module per aggregate. All SQL of
//! the application lives in this crate.
//!
//! Queries are written once with `$n` placeholders (SQLite accepts them too) and run on
//! whichever pool is configured through `on_pool!`, which monomorphises the same code for
//! both drivers.

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod automation;
pub mod backup;
pub mod canned;
pub mod case_labels;
pub mod case_links;
pub mod case_presence;
pub mod case_views;
pub mod cases;
mod db;
pub mod documents;
pub mod drafts;
pub mod files;
pub mod group_commit;
pub mod imports;
pub mod jobs;
pub mod knowledge;
pub mod mail_settings;
pub mod outbox;
pub mod password_resets;
pub mod people;
pub mod portal;
pub mod portal_accounts;
pub mod routing;
pub mod saved_views;
pub mod schema;
pub mod search;
pub mod services;
pub mod sessions;
pub mod settings;
pub mod staff_notifications;
pub mod teams;
pub mod tenants;

pub use audit::{Actor, Change};
pub use db::{Backend, Db};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique constraint refused the write: the caller names what already exists.
    #[error("already exists")]
    Conflict,
    #[error("not found")]
    NotFound,
    /// A business rule of the store refused the write; the code is a message id.
    #[error("refused: {0}")]
    Rule(&'static str),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Conflict,
            sqlx::Error::RowNotFound => StoreError::NotFound,
            _ => StoreError::Database(e),
        }
    }
}

impl StoreError {
    /// A foreign key refused the write: a row it points at does not exist. Every key
    /// carries the tenant, so a row of another tenant does not exist either.
    pub fn is_missing_reference(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(d)) if d.is_foreign_key_violation())
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Hex SHA-256, the form in which secrets handed to clients (session ids, reset and API
/// tokens) are stored.
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

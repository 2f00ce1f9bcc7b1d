use crate::{metrics::Metrics, rate_limit::RateLimiter};
use relais_mail::Mailer;
use relais_store::{Db, files::FileStore};
use std::{ops::Deref, sync::Arc};

/// Settings of the web layer, filled by the binary from its configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The address the public reaches (for links in mail, and `https` turns on secure cookies
    /// and HSTS). `None`: links use the request's own host when it is a known tenant host.
    pub public_url: Option<String>,
    /// Where the server listens, the fallback for links when nothing better is known.
    pub listen: String,
    /// A session ends after this long without activity…
    pub session_idle: chrono::Duration,
    /// …and after this long at most.
    pub session_lifetime: chrono::Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest body of a portal page that takes files (the files of one post together).
    pub max_upload_bytes: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_proxy: bool,
    /// How long a password reset link works.
    pub reset_link_lifetime: chrono::Duration,
    /// How long a sign-up link works.
    pub signup_link_lifetime: chrono::Duration,
    /// Sign-in attempts allowed per client address and minute.
    pub login_attempts_per_minute: u32,
    /// Largest file accepted by the person import, in bytes (its upload route only).
    pub max_import_bytes: usize,
    /// Background job workers `serve` starts in this process (0: this process runs no jobs).
    pub job_workers: usize,
}

impl WebConfig {
    pub fn secure(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            public_url: None,
            listen: "127.0.0.1:8080".into(),
            session_idle: chrono::Duration::minutes(60),
            session_lifetime: chrono::Duration::hours(12),
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 25 * 1024 * 1024,
            trust_proxy: false,
            reset_link_lifetime: chrono::Duration::minutes(30),
            signup_link_lifetime: chrono::Duration::hours(24),
            login_attempts_per_minute: 10,
            max_import_bytes: 20 * 1024 * 1024,
            job_workers: 2,
        }
    }
}

pub struct Inner {
    pub db: Db,
    pub files: FileStore,
    pub mailer: Mailer,
    pub config: WebConfig,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    /// Wakes this process's job runners when a job is queued (see `jobs::wake`).
    pub job_wakeup: tokio::sync::Notify,
}

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    pub fn new(db: Db, files: FileStore, mailer: Mailer, config: WebConfig) -> Self {
        Self(Arc::new(Inner {
            db,
            files,
            mailer,
            config,
            metrics: Metrics::default(),
            limiter: RateLimiter::default(),
            job_wakeup: tokio::sync::Notify::new(),
        }))
    }
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
